import { describe, expect, it } from 'vitest';
import { exportCheckpoint } from '../core/engine/export';
import { openCheckpoint } from '../core/formats/registry';
import { writeTfBundle } from '../core/formats/tf-bundle';
import { OUTPUT_FORMATS, type OutputFormat } from '../core/formats/writers';
import { memorySource } from '../core/io/byte-source';
import { MemoryFolder } from '../core/io/output';
import { autoMatch, emptyRecipe } from '../core/mapping';
import { buildTarget } from '../core/model/target/index';
import { selfCheck, TensorTap } from './self-check';

// Old: Dense 3→4→2 (TF names, and an int64 step). New: the first layer widened to 6 units, a layer added after.
const dense = (name: string, units: number) => ({ class_name: 'Dense', config: { name, units, activation: 'relu', use_bias: true } });
const NEW_MODEL = JSON.stringify({
  class_name: 'Sequential',
  config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', name: 'input' } }, dense('dense', 6), dense('dense_1', 2), dense('extra', 2)] },
  keras_version: '2.15.0',
  backend: 'tensorflow',
});
const floats = (n: number, seed: number) => new Uint8Array(new Float32Array(Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3))).buffer);

async function exported(format: OutputFormat, maxShardBytes?: number, newModel = NEW_MODEL) {
  const { index, shards } = writeTfBundle([
    { name: 'dense/kernel', dtype: 'float32', shape: [3, 4], bytes: floats(12, 1) },
    { name: 'dense/bias', dtype: 'float32', shape: [4], bytes: floats(4, 2) },
    { name: 'dense_1/kernel', dtype: 'float32', shape: [4, 2], bytes: floats(8, 3) },
    { name: 'dense_1/bias', dtype: 'float32', shape: [2], bytes: floats(2, 4) },
  ]);
  const old = await openCheckpoint([memorySource('old.ckpt.index', index), memorySource('old.ckpt.data-00000-of-00001', shards[0]!)]);
  const target = await buildTarget({ text: newModel, fileName: 'new.json' });
  const recipe = autoMatch(old, target, emptyRecipe(), { accept: 'guess' }).recipe;
  const out = new MemoryFolder();
  const tap = await TensorTap.create();
  const { plan, storedKeys } = await exportCheckpoint({ old, target, recipe, format, out, name: format === 'tf' ? 'merged.ckpt' : 'merged', incompatible: 'refuse', onTensor: tap.onTensor, ...(maxShardBytes !== undefined && { maxShardBytes }) });
  return { out, plan, storedKeys, tap };
}

const sources = (out: MemoryFolder) => [...out.files].map(([p, b]) => memorySource(p, b));

describe('selfCheck', () => {
  for (const format of OUTPUT_FORMATS) {
    it(`${format}: every variable of the plan reads back with the bytes written`, async () => {
      const { out, plan, storedKeys, tap } = await exported(format);
      const check = await selfCheck(sources(out), plan, storedKeys, tap);
      expect(check.problems).toEqual([]);
      expect(check).toMatchObject({ verified: 6, total: 6, failed: 0 });
    });
  }

  it('keras-legacy with a nested model: each variable is found at the dataset the writer put it in (`inner/dense_1/kernel:0`)', async () => {
    const inner = { class_name: 'Sequential', config: { name: 'inner', layers: [dense('dense_1', 2)] } };
    const nested = JSON.stringify({
      class_name: 'Sequential',
      config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', name: 'input' } }, dense('dense', 4), inner] },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    });
    const { out, plan, storedKeys, tap } = await exported('keras-legacy', undefined, nested);
    expect(storedKeys.get('dense_1/kernel')).toBe('inner/dense_1/kernel:0');
    const check = await selfCheck(sources(out), plan, storedKeys, tap);
    expect(check.problems).toEqual([]);
    expect(check).toMatchObject({ verified: 4, total: 4, failed: 0 });
  });

  for (const format of ['tf', 'safetensors'] as const) {
    it(`${format} in shards of at most 40 bytes: every variable reads back from the several files`, async () => {
      const { out, plan, storedKeys, tap } = await exported(format, 40);
      const shards = [...out.files.keys()].filter((f) => /-0000\d-of-0000[2-9]/.test(f));
      expect(shards.length).toBeGreaterThan(1);
      const check = await selfCheck(sources(out), plan, storedKeys, tap);
      expect(check.problems).toEqual([]);
      expect(check).toMatchObject({ verified: 6, total: 6, failed: 0 });
    });
  }

  it('sharded safetensors: a damaged shard is named, the others verify', async () => {
    const { out, plan, storedKeys, tap } = await exported('safetensors', 40);
    const last = [...out.files.keys()].filter((f) => f.endsWith('.safetensors')).sort().at(-1)!;
    const file = out.files.get(last)!;
    file[file.byteLength - 1]! ^= 0x40;
    const check = await selfCheck(sources(out), plan, storedKeys, tap);
    expect(check).toMatchObject({ verified: 5, total: 6, failed: 1 });
  });

  it('names a variable whose stored bytes differ from those written (safetensors: no checksum of its own)', async () => {
    const { out, plan, storedKeys, tap } = await exported('safetensors');
    const file = out.files.get('merged.safetensors')!;
    file[file.byteLength - 1]! ^= 0x40; // the last byte of the last tensor's data
    const check = await selfCheck(sources(out), plan, storedKeys, tap);
    expect(check).toMatchObject({ verified: 5, total: 6, failed: 1 });
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]).toMatch(/: its stored bytes differ from those written$/);
  });

  it('names a variable whose bytes the TF reader refuses (its checksum), and one missing from the files', async () => {
    const { out, plan, storedKeys, tap } = await exported('tf');
    const data = out.files.get('merged.ckpt.data-00000-of-00001')!;
    data[0]! ^= 1;
    for (const ghost of ['ghost/kernel', 'ghost/bias']) {
      plan.entries.push({ ...plan.entries[0]!, to: ghost });
      tap.written.set(ghost, tap.written.get('dense/kernel')!);
    }
    const keys = new Map([...storedKeys, ['ghost/kernel', 'ghost/kernel/.ATTRIBUTES/VARIABLE_VALUE']]);
    const check = await selfCheck(sources(out), plan, keys, tap);
    expect(check.total).toBe(8);
    expect(check.failed).toBe(3);
    expect(check.problems.some((p) => /checksum/i.test(p))).toBe(true);
    expect(check.problems).toContain('ghost/kernel: not found in the written files (stored as ghost/kernel/.ATTRIBUTES/VARIABLE_VALUE)');
    expect(check.problems).toContain('ghost/bias: the writer stored it under no key');
  });

  it('an output that cannot be opened fails every variable with the reader\'s sentence', async () => {
    const { plan, storedKeys, tap } = await exported('safetensors');
    const check = await selfCheck([memorySource('merged.safetensors', new Uint8Array(10))], plan, storedKeys, tap);
    expect(check).toMatchObject({ verified: 0, failed: 6 });
    expect(check.problems[0]).toMatch(/^the written files could not be read back: /);
  });
});
