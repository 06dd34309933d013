import { describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { openCheckpoint } from '../registry';
import type { TfBundleCheckpoint } from './bundle';
import { dataFileName } from './naming';
import { fixtureSources, tfFixtures } from './fixtures.test-util';
import { writeTfBundle, type WriteTensor } from './write';

/** Rewrites a real checkpoint with Graft's writer: same keys, dtypes, shapes, shards, data order. */
async function rewrite(ckpt: TfBundleCheckpoint): Promise<{ index: Uint8Array; shards: Uint8Array[] }> {
  const tensors: (WriteTensor & { offset: number })[] = [];
  for (const t of ckpt.tensors) {
    const e = ckpt.entry(t.name)!;
    tensors.push({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: await ckpt.read(t.name), shard: e.shardId, offset: e.offset });
  }
  // BundleWriter appends data in the order tensors were added; the index is sorted by key.
  tensors.sort((a, b) => a.shard! - b.shard! || a.offset - b.offset);
  return writeTfBundle(tensors, { numShards: ckpt.numShards, littleEndian: ckpt.littleEndian });
}

describe('writeTfBundle reproduces real TensorFlow checkpoints byte for byte', () => {
  // bert: no data shard to read from
  const withData = tfFixtures().filter(({ rows }) => !rows.some((r) => r.sha256 === null));
  it('finds the TF checkpoints with their data', () => expect(withData.length).toBeGreaterThanOrEqual(13));
  for (const { fixture, file } of withData) {
    it(`${fixture}/${file}`, async () => {
      const sources = fixtureSources(fixture);
      const prefix = file.replace(/\.index$/, '');
      const ckpt = (await openCheckpoint(sources, prefix)) as TfBundleCheckpoint;
      const { index, shards } = await rewrite(ckpt);
      const original = (path: string) => sources.find((s) => s.path === path)!;
      const originalIndex = await original(file).read(0, original(file).size);
      expect(Buffer.from(index).equals(Buffer.from(originalIndex))).toBe(true);
      for (const [id, bytes] of shards.entries()) {
        const s = original(dataFileName(prefix, id, shards.length));
        expect(Buffer.from(bytes).equals(Buffer.from(await s.read(0, s.size)))).toBe(true);
      }
    });
  }
});

describe('read(write(x)) = x', () => {
  it('reads back what it wrote, in several shards', async () => {
    const f32 = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const { index, shards } = writeTfBundle(
      [
        { name: 'b/kernel', dtype: 'float32', shape: [2, 3], bytes: f32 },
        { name: 'a', dtype: 'int64', shape: [], bytes: new Uint8Array(8).fill(7) },
        { name: 'c', dtype: 'bfloat16', shape: [0, 4], bytes: new Uint8Array(0) },
      ],
      { numShards: 2 },
    );
    const files: ByteSource[] = [memorySource('x/ck.index', index), ...shards.map((s, i) => memorySource(`x/${dataFileName('ck', i, 2)}`, s))];
    const ckpt = await openCheckpoint(files);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['a', 'int64', []],
      ['b/kernel', 'float32', [2, 3]],
      ['c', 'bfloat16', [0, 4]],
    ]);
    expect(await ckpt.read('b/kernel')).toEqual(f32);
    expect(await ckpt.read('a')).toEqual(new Uint8Array(8).fill(7));
    expect(await ckpt.read('c')).toEqual(new Uint8Array(0));
  });
});
