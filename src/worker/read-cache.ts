/**
 * Small reads of a dropped file served from blocks read once. Detecting and opening a checkpoint asks for many
 * small ranges (magic bytes at 0, 512, 1024… for each format, headers, indexes): the built-in example's route and
 * open asked a Blob 230 times, and each Blob read is a round trip through the browser process (~5 ms, more on a
 * loaded machine), which made them the larger part of the first view's wait in the worker. Blocks are kept per
 * File, so route, open and inspect share them. Reads larger than a block go to the file as before (they keep
 * their own buffer, which `blobOrigin` relies on); small reads get a copy, never a view of a kept block, because
 * a transform may use what it was handed as scratch.
 */
import type { ByteSource } from '../core/io/byte-source';

export const BLOCK_BYTES = 64 << 10;
/** At most this many blocks per file (4 MiB): enough for a checkpoint's headers and index, bounded for huge files. */
export const MAX_BLOCKS = 64;

const blocksOf = new WeakMap<object, Map<number, Promise<Uint8Array>>>();

/** `source` with its reads of up to BLOCK_BYTES answered from blocks kept under `key` (the dropped File). */
export function withReadCache(source: ByteSource, key: object): ByteSource {
  let blocks = blocksOf.get(key);
  if (!blocks) blocksOf.set(key, (blocks = new Map()));
  const kept = blocks;
  const block = (index: number): Promise<Uint8Array> => {
    let b = kept.get(index);
    if (b) {
      // Most recently used last: the first key is the one to drop.
      kept.delete(index);
      kept.set(index, b);
      return b;
    }
    const start = index * BLOCK_BYTES;
    b = source.read(start, Math.min(BLOCK_BYTES, source.size - start));
    b.catch(() => kept.delete(index));
    kept.set(index, b);
    if (kept.size > MAX_BLOCKS) kept.delete(kept.keys().next().value!);
    return b;
  };
  return {
    ...source,
    async read(offset, length, into) {
      if (length > BLOCK_BYTES || !Number.isSafeInteger(offset) || offset < 0 || offset + length > source.size) return source.read(offset, length, into);
      const first = Math.floor(offset / BLOCK_BYTES);
      const last = Math.floor((offset + Math.max(length, 1) - 1) / BLOCK_BYTES);
      const out = new Uint8Array(length);
      for (let i = first; i <= last; i++) {
        const bytes = await block(i);
        const from = Math.max(offset, i * BLOCK_BYTES);
        const to = Math.min(offset + length, i * BLOCK_BYTES + bytes.length);
        out.set(bytes.subarray(from - i * BLOCK_BYTES, to - i * BLOCK_BYTES), from - offset);
      }
      return out;
    },
  };
}
