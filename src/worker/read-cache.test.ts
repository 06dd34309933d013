import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ByteSource, memorySource } from '../core/io/byte-source';
import { BLOCK_BYTES, MAX_BLOCKS, withReadCache } from './read-cache';

/** A file of `size` bytes whose reads are counted. */
function counted(size: number): { source: ByteSource; reads: [number, number][]; bytes: Uint8Array } {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7 + (i >> 9)) & 255);
  const inner = memorySource('m.bin', bytes);
  const reads: [number, number][] = [];
  const source: ByteSource = {
    path: inner.path,
    size,
    read: async (offset, length) => {
      reads.push([offset, length]);
      return (await inner.read(offset, length)).slice();
    },
  };
  return { source, reads, bytes };
}

describe('small reads from blocks read once', () => {
  it('answers every range with the file’s bytes', async () => {
    const { source, bytes } = counted(3 * BLOCK_BYTES + 123);
    const cached = withReadCache(source, {});
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length), fc.nat(2 * BLOCK_BYTES), async (offset, length) => {
        const n = Math.min(length, bytes.length - offset);
        expect(Buffer.from(await cached.read(offset, n)).equals(bytes.subarray(offset, offset + n))).toBe(true);
      }),
    );
  });

  it('reads each block once, shared by every source of the same file; larger reads go to the file', async () => {
    const { source, reads } = counted(20 * BLOCK_BYTES);
    const file = {};
    // What format detection does: magic bytes at 0, 512, 1024, … 1 MiB, by several detectors, in route and open.
    for (let pass = 0; pass < 3; pass++) {
      const cached = withReadCache(source, file);
      for (let at = 0; at <= 1 << 20; at = Math.max(512, at * 2)) await cached.read(at, 8);
      await cached.read(BLOCK_BYTES - 4, 8); // across two blocks
    }
    expect(reads).toEqual([0, 1, 2, 4, 8, 16].map((b) => [b * BLOCK_BYTES, BLOCK_BYTES]));
    await withReadCache(source, file).read(0, BLOCK_BYTES + 1);
    expect(reads.at(-1)).toEqual([0, BLOCK_BYTES + 1]);
  });

  it('hands out copies: what one reader writes into its bytes is not what the next one reads', async () => {
    const { source, bytes } = counted(1000);
    const cached = withReadCache(source, {});
    const a = await cached.read(10, 20);
    a.fill(0);
    expect(await cached.read(10, 20)).toEqual(bytes.subarray(10, 30));
  });

  it('keeps at most MAX_BLOCKS blocks of a file, the least recently used going first', async () => {
    const { source, reads } = counted((MAX_BLOCKS + 2) * BLOCK_BYTES);
    const cached = withReadCache(source, {});
    for (let b = 0; b <= MAX_BLOCKS; b++) await cached.read(b * BLOCK_BYTES, 1); // block 0 is dropped
    await cached.read(1 * BLOCK_BYTES, 1); // kept
    await cached.read(0, 1); // read again
    expect(reads.length).toBe(MAX_BLOCKS + 2);
    expect(reads.at(-1)).toEqual([0, BLOCK_BYTES]);
  });

  it('a range past the end fails as the file says, with its path', async () => {
    const { source } = counted(100);
    await expect(withReadCache(source, {}).read(90, 20)).rejects.toThrow(/m\.bin/);
  });
});
