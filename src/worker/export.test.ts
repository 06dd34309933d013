import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../core/formats/registry';
import { writeTfBundle } from '../core/formats/tf-bundle';
import { memorySource } from '../core/io/byte-source';
import { autoMatch, emptyRecipe } from '../core/mapping';
import { targetFromCheckpoint } from '../core/model/target/index';
import { runExport } from './export';
import type { OpenedSlot } from './slots';

const floats = (n: number) => new Uint8Array(new Float32Array(Array.from({ length: n }, (_, i) => Math.sin(i))).buffer);

async function slots() {
  const { index, shards } = writeTfBundle([
    { name: 'a/kernel', dtype: 'float32', shape: [10, 10], bytes: floats(100) },
    { name: 'b/kernel', dtype: 'float32', shape: [10, 10], bytes: floats(100) },
    { name: 'c/kernel', dtype: 'float32', shape: [10, 10], bytes: floats(100) },
  ]);
  const checkpoint = await openCheckpoint([memorySource('old.ckpt.index', index), memorySource('old.ckpt.data-00000-of-00001', shards[0]!)]);
  const target = targetFromCheckpoint(checkpoint);
  const recipe = autoMatch(checkpoint, target, emptyRecipe(), { accept: 'guess' }).recipe;
  const old = { checkpoint, target: null } as unknown as OpenedSlot;
  const neu = { checkpoint, target } as unknown as OpenedSlot;
  return { old, neu, recipe };
}

describe('runExport with a max shard size', () => {
  it('safetensors in several shards: a zip of the shards and the index, loaded through the index', async () => {
    const { old, neu, recipe } = await slots();
    const done = await runExport(old, neu, { format: 'safetensors', recipe, incompatible: 'refuse', maxShardBytes: 500 }, new AbortController().signal);
    expect(done.fileName).toBe('merged-safetensors.zip');
    expect(done.files.sort()).toEqual(['merged-00001-of-00003.safetensors', 'merged-00002-of-00003.safetensors', 'merged-00003-of-00003.safetensors', 'merged.safetensors.index.json']);
    expect(done.loadLine).toContain('merged.safetensors.index.json');
    // The Python script writes the same tensors as one file (it does not shard).
    expect(done.python).toContain('OUT = merged.safetensors');
  });

  it('safetensors that fits in one shard: the one plain file, as HF writes it', async () => {
    const { old, neu, recipe } = await slots();
    const done = await runExport(old, neu, { format: 'safetensors', recipe, incompatible: 'refuse', maxShardBytes: 5000 }, new AbortController().signal);
    expect(done.fileName).toBe('merged.safetensors');
    expect(done.files).toEqual(['merged.safetensors']);
    expect(done.loadLine).not.toContain('index.json');
  });

  it('tf in several shards: .data-0000N-of-00003 in the zip', async () => {
    const { old, neu, recipe } = await slots();
    const done = await runExport(old, neu, { format: 'tf', recipe, incompatible: 'refuse', maxShardBytes: 500 }, new AbortController().signal);
    expect(done.files.filter((f) => /^merged\.ckpt\.data-0000\d-of-00003$/.test(f))).toHaveLength(3);
  });
});
