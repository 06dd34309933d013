import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { buildTarget, refuseUnbuilt } from './index';

const model = (layers: unknown[]) =>
  JSON.stringify({
    class_name: 'Sequential',
    config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 4], name: 'in' } }, ...layers] },
  });

describe('a layer Graft cannot build', () => {
  it('is listed as unbuilt with its name, class and reason, and refused by refuseUnbuilt', async () => {
    const t = await buildTarget({
      text: model([{ class_name: 'MyFancyLayer', config: { name: 'fancy', units: 3 } }, { class_name: 'Dense', config: { name: 'head', units: 2 } }]),
      fileName: 'custom.json',
    });
    expect(t.unbuilt?.[0]).toEqual({ layer: 'fancy', className: 'MyFancyLayer', reason: expect.stringMatching(/MyFancyLayer is neither a Keras layer Graft knows/) });
    // The Dense after it has no input shape either: it is unbuilt too, blamed on the layer before it.
    expect(t.unbuilt?.[1]).toMatchObject({ layer: 'head', className: 'Dense', reason: expect.stringMatching(/layer fancy/) });
    let error: unknown;
    try {
      refuseUnbuilt(t);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraftError);
    expect((error as GraftError).file).toBe('custom.json');
    expect((error as GraftError).message).toMatch(/fancy \(MyFancyLayer\)/);
    expect((error as GraftError).message).toMatch(/head \(Dense\)/);
  });

  it('a table layer with a config it cannot follow is unbuilt with the reason', async () => {
    const t = await buildTarget({ text: model([{ class_name: 'GroupNormalization', config: { name: 'gn', groups: 3 } }]), fileName: 'gn.json' });
    expect(t.unbuilt).toEqual([{ layer: 'gn', className: 'GroupNormalization', reason: expect.stringMatching(/4 channels do not split into 3 groups/) }]);
  });

  it('a layer without variables that TensorFlow.js lacks is no failure, and a model with only buildable layers refuses nothing', async () => {
    const t = await buildTarget({
      text: model([{ class_name: 'RandomFlip', config: { name: 'flip' } }, { class_name: 'UnitNormalization', config: { name: 'un' } }, { class_name: 'EinsumDense', config: { name: 'ed', equation: 'ab,bc->ac', output_shape: 3, bias_axes: 'c' } }]),
      fileName: 'ok.json',
    });
    expect(t.unbuilt).toBeUndefined();
    expect(t.variables.map((v) => [v.name, v.shape])).toEqual([['ed/kernel', [4, 3]], ['ed/bias', [3]]]);
    expect(() => refuseUnbuilt(t)).not.toThrow();
  });
});
