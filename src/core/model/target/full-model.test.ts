import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../formats/registry';
import { fixtureFiles } from '../../formats/fixture-rows.test-util';
import { buildTarget } from './index';

describe('a full-model Keras .h5 is also a new model', () => {
  it('keras2-h5-fullmodel-regression: its model_config builds variables that fit its own stored weights', async () => {
    const ckpt = await openCheckpoint(fixtureFiles('keras2-h5-fullmodel-regression'));
    expect(ckpt.modelConfig).toBeDefined();
    const target = await buildTarget({ text: ckpt.modelConfig!, fileName: 'my_model.h5' });
    expect(target.warnings).toEqual([]);
    // model_weights/<layer>/<layer>/<weight>:0 is what Keras 2 stored for the variable tfjs calls <layer>/<weight>
    const stored = ckpt.tensors
      .filter((t) => t.kind === 'weight')
      .map((t) => ({ name: t.name.replace(/^model_weights\/[^/]+\//, '').replace(/:0$/, ''), shape: t.shape, dtype: t.dtype }));
    const built = target.variables.map((v) => ({ name: v.name, shape: v.shape, dtype: v.dtype }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(built.sort(byName)).toEqual(stored.sort(byName));
  });
});
