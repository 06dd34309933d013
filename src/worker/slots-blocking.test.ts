import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../core/formats/fixture-rows.test-util';
import { memorySource } from '../core/io/byte-source';
import { openSlotSource } from './slots';

describe('the new slot blocks on a layer Graft cannot build', () => {
  it('says which layer and class, one blocking sentence each; a buildable model has none', async () => {
    const model = (cls: string) =>
      JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 4], name: 'in' } }, { class_name: cls, config: { name: 'x', groups: 2 } }] } });
    const open = (text: string) => openSlotSource('new', [memorySource('model.json', new TextEncoder().encode(text))], { as: 'model-json', files: ['model.json'], path: 'model.json' });
    const custom = await open(model('MyLayer'));
    expect(custom.data.blocking).toEqual([expect.stringMatching(/^Layer x \(MyLayer\) cannot be built: .*the export is refused\.$/)]);
    const fine = await open(model('GroupNormalization'));
    expect(fine.data.blocking).toBeUndefined();
    expect(fine.data.variables.map((v) => v.name)).toEqual(['x/gamma', 'x/beta']);
  });

  it('a full-model .h5 is the model its config describes, or on request a template of its stored weights', async () => {
    const files = fixtureFiles('keras2-h5-fullmodel-regression');
    const built = await openSlotSource('new', files, { as: 'checkpoint', files: files.map((f) => f.path) });
    expect(built.data.modelConfig).toBe('built');
    expect(built.data.kind).toBe('template');
    const template = await openSlotSource('new', files, { as: 'checkpoint', files: files.map((f) => f.path), template: true });
    expect(template.data.modelConfig).toBe('template');
    expect(built.data.variables.map((v) => v.name)).not.toEqual(template.data.variables.map((v) => v.name));
    expect(template.data.variables.map((v) => v.name)).toContain('model_weights/dense_1/dense_1/kernel:0');
    expect(built.data.variables.map((v) => v.name)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'dense_3/kernel', 'dense_3/bias']);
  });
});
