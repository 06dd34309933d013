// The growth steps' script text: each step calls its helper with the step's numbers, and the helpers (and the seeded
// generator, for noise only) are in the script exactly when a step needs them. Running the script against Graft's
// bytes is part of `npm run test:real` (keras-net2net, keras-net2net-residual).
import { describe, expect, it } from 'vitest';
import { compile, emptyRecipe, type Link } from '../mapping';
import type { TensorInfo } from '../model/checkpoint';
import type { TargetModel, TargetVariable } from '../model/target-model';
import { pythonScript } from './python';

const info = (name: string, shape: number[]): TensorInfo => ({ name, shape, dtype: 'float32', byteLength: 0, kind: 'weight', group: '' });
const variable = (name: string, shape: number[]): TargetVariable => ({ ...info(name, shape), initializer: { kind: 'zeros' } });
const target = (variables: TargetVariable[]): TargetModel => ({ source: 'keras-json', label: 'new.json', variables, warnings: [], defaultValue: async () => new Uint8Array() });

async function script(links: Link[]) {
  const old = [info('d/kernel', [2, 2]), info('o/kernel', [2, 1])];
  const t = target([variable('d/kernel', [2, 3]), variable('o/kernel', [3, 1]), variable('i/kernel', [3, 3]), variable('bn/moving_variance', [3])]);
  const recipe = emptyRecipe({ links, seed: 4 });
  return pythonScript(recipe, compile(recipe, { tensors: old }, t), t, old, { format: 'safetensors', oldPath: 'old.weights.h5' });
}

describe('growth steps in the Python script', () => {
  it('calls net2wider, divide_replicated, identity and constant with the step numbers', async () => {
    const text = await script([
      { from: ['d/kernel'], to: 'd/kernel', transforms: [{ op: 'net2wider', axis: 1, mapping: [0, 1, 1] }] },
      { from: ['o/kernel'], to: 'o/kernel', transforms: [{ op: 'divide-replicated', axis: 0, mapping: [0, 1, 1] }] },
      { from: [], to: 'i/kernel', transforms: [{ op: 'identity', shape: [3, 3], dtype: 'float32' }] },
      { from: [], to: 'bn/moving_variance', transforms: [{ op: 'constant', shape: [3], dtype: 'float32', value: 0.9990000128746033 }] },
    ]);
    expect(text).toContain('net2wider(old.get("d/kernel"), 1, (0, 1, 1), 0, "d/kernel")');
    expect(text).toContain('divide_replicated(old.get("o/kernel"), 0, (0, 1, 1))');
    expect(text).toContain('identity((3, 3), "float32")');
    expect(text).toContain('constant((3,), "float32", 0.9990000128746033)');
    expect(text).toContain('def divide_replicated(x, axis, mapping):');
    expect(text).not.toContain('class Rng');
  });

  it('brings the seeded generator only for noise, and no growth helpers where no step grows', async () => {
    const noisy = await script([{ from: ['d/kernel'], to: 'd/kernel', transforms: [{ op: 'net2wider', axis: 1, mapping: [0, 1, 0], noise: 0.01 }] }]);
    expect(noisy).toContain('net2wider(old.get("d/kernel"), 1, (0, 1, 0), 0.01, "d/kernel")');
    expect(noisy).toContain('class Rng');
    const plain = await script([{ from: ['d/kernel'], to: 'd/kernel', transforms: [{ op: 'pad', axis: 1, before: 0, after: 1, fill: 'zeros' }] }]);
    expect(plain).not.toContain('def net2wider');
  });
});
