import { describe, expect, it } from 'vitest';
import { storedName } from '../formats/fixture-rows.test-util';
import { openCheckpoint } from '../formats/registry';
import { writeTfBundle } from '../formats/tf-bundle';
import { OUTPUT_FORMATS } from '../formats/writers';
import { memorySource } from '../io/byte-source';
import { autoMatch, emptyRecipe, type PlanEntry } from '../mapping';
import { buildTarget } from '../model/target/index';
import { exportCheckpoint } from './export';
import { MemoryFolder } from '../io/output';


// The old model: Dense 3→4→2 (TF names). The new one: the first layer widened to 6 units, a layer added after.
const dense = (name: string, units: number) => ({
  class_name: 'Dense',
  config: { name, units, activation: 'relu', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} } },
});
const NEW_MODEL = JSON.stringify({
  class_name: 'Sequential',
  config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', name: 'input' } }, dense('dense', 6), dense('dense_1', 2), dense('extra', 2)] },
  keras_version: '2.15.0',
  backend: 'tensorflow',
});

const floats = (n: number, seed: number) => new Float32Array(Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3)));
const OLD = [
  { name: 'dense/kernel', shape: [3, 4], values: floats(12, 1) },
  { name: 'dense/bias', shape: [4], values: floats(4, 2) },
  { name: 'dense_1/kernel', shape: [4, 2], values: floats(8, 3) },
  { name: 'dense_1/bias', shape: [2], values: floats(2, 4) },
];
const SEED = 7;

async function scenario() {
  const { index, shards } = writeTfBundle(OLD.map((t) => ({ name: t.name, dtype: 'float32' as const, shape: t.shape, bytes: new Uint8Array(t.values.buffer) })));
  const old = await openCheckpoint([memorySource('old.ckpt.index', index), memorySource('old.ckpt.data-00000-of-00001', shards[0]!)]);
  const target = await buildTarget({ text: NEW_MODEL, fileName: 'new.json' });
  const recipe = { ...autoMatch(old, target, emptyRecipe(), { accept: 'guess' }).recipe, seed: SEED };
  return { old, target, recipe };
}

/** Independent of the engine: an old row-major value grown by pads, new positions taken from `fill`. */
function padded(entry: PlanEntry, source: Float32Array, sourceShape: number[], fill: Float32Array): Float32Array {
  let values = source;
  let shape = sourceShape;
  for (const step of entry.transforms) {
    expect(step.op).toBe('pad');
    if (step.op !== 'pad') throw new Error('unexpected op');
    const outShape = shape.map((d, i) => (i === step.axis ? d + step.before + step.after : d));
    const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < out.length; i++) {
      const idx = outShape.map((_, d) => Math.floor(i / outShape.slice(d + 1).reduce((a, b) => a * b, 1)) % outShape[d]!);
      const k = idx[step.axis]! - step.before;
      if (k < 0 || k >= shape[step.axis]!) out[i] = step.fill === 'zeros' ? 0 : fill[i]!;
      else out[i] = values[idx.map((v, d) => (d === step.axis ? k : v)).reduce((acc, v, d) => acc * shape[d]! + v, 0)]!;
    }
    values = out;
    shape = outShape;
  }
  return values;
}

describe('a widened layer and an added layer, exported in every format', () => {
  for (const format of OUTPUT_FORMATS) {
    it(format, async () => {
      const { old, target, recipe } = await scenario();
      const out = new MemoryFolder();
      const { plan } = await exportCheckpoint({ old, target, recipe, format, out, name: 'merged', incompatible: 'refuse' });
      expect(plan.entries.map((e) => `${e.to}:${e.status}`)).toEqual([
        'dense/kernel:transformed', 'dense/bias:transformed', 'dense_1/kernel:transformed', 'dense_1/bias:exact', 'extra/kernel:initialised', 'extra/bias:initialised',
      ]);
      const back = await openCheckpoint([...out.files].map(([path, bytes]) => memorySource(path, bytes)));
      for (const entry of plan.entries) {
        const v = target.variables.find((x) => x.name === entry.to)!;
        const stored = back.tensors.find((t) => t.name === storedName(format, v));
        expect(stored, `${format}: ${entry.to}`).toBeDefined();
        expect(stored!.shape).toEqual(v.shape);
        const got = new Float32Array((await back.read(stored!.name)).slice().buffer);
        const initial = new Float32Array((await target.defaultValue(entry.to, SEED)).slice().buffer);
        if (entry.status === 'initialised') expect(got).toEqual(initial);
        else {
          const source = OLD.find((t) => t.name === entry.from[0])!;
          expect(got).toEqual(entry.status === 'exact' ? source.values : padded(entry, source.values, source.shape, initial));
        }
      }
      // The new units of the widened kernel come from GlorotUniform(3 → 6), not zeros.
      const kernel = new Float32Array((await back.read(storedName(format, target.variables[0]!))).slice().buffer);
      const limit = Math.sqrt(6 / (3 + 6));
      const grown = [4, 5, 10, 11, 16, 17].map((i) => kernel[i]!);
      expect(grown.every((x) => Math.abs(x) <= limit && x !== 0)).toBe(true);
    });
  }
});
