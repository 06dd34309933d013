import { describe, expect, it } from 'vitest';
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
});
