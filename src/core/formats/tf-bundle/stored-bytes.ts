/**
 * The byte-level checks of a bundle's stored tensors: reading a range while computing its CRC32C, TF's CRC of a
 * DT_VARIANT tensor, and the overlap check between stored ranges.
 */
import { GraftError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { clip } from '../../io/untrusted';
import { Cursor } from './cursor';
import { crc32c, unmaskCrc, u32le } from './crc32c';
import type { BundleEntry } from './protos';

/**
 * Tensors read into a caller's buffer are read in pieces of this size (or the source's own `pieceBytes`), each
 * checksummed while the next is read.
 */
const PIECE = 1 << 20;

/**
 * `size` bytes at `offset` and their CRC32C. Into a caller's buffer (the engine's reusable ones), piece by piece so
 * that checksumming overlaps reading; a source that ignores `into` has its pieces copied there.
 */
export async function readChecksummed(shard: ByteSource, offset: number, size: number, into?: Uint8Array): Promise<{ bytes: Uint8Array; crc: number }> {
  const step = shard.pieceBytes ?? PIECE;
  if (!into || size <= step) {
    const bytes = await shard.read(offset, size, into);
    return { bytes, crc: crc32c(bytes) };
  }
  const out = into.subarray(0, size);
  const piece = (at: number) => {
    const p = shard.read(offset + at, Math.min(step, size - at), out.subarray(at, at + step));
    p.catch(() => undefined); // awaited below
    return p;
  };
  let crc = 0;
  let next = piece(0);
  for (let at = 0; at < size; ) {
    const got = await next;
    const n = Math.min(step, size - at);
    // A short read (the file shrank) gives fewer bytes, whose CRC then fails the check, as a whole read would.
    if (got.byteLength !== n) return { bytes: out.subarray(0, at + got.byteLength), crc: crc32c(got, crc) };
    if (got.buffer !== out.buffer || got.byteOffset !== out.byteOffset + at) out.set(got, at);
    if (at + n < size) next = piece(at + n);
    crc = crc32c(out.subarray(at, at + n), crc);
    at += n;
  }
  return { bytes: out, crc };
}

/** A stored tensor as a range of its data file, and a check of that range against its CRC32C that keeps none of it. */
export interface StoredCopy {
  source: ByteSource;
  offset: number;
  size: number;
  /** The unmasked CRC32C its index entry gives. */
  crc32c: number;
  /** Reads the range through `scratch` (reused) and throws the bundle's checksum error where it differs. */
  verify(scratch: Uint8Array): Promise<void>;
  /** The same check run away from this thread (see useRangeCrc32c), started now; undefined where it cannot be. */
  verifyElsewhere(): Promise<void> | undefined;
}

/** Computes a range's CRC32C away from this thread where it can (undefined: it cannot, for this source). */
export type RangeCrc32c = (source: ByteSource, offset: number, length: number) => Promise<number> | undefined;

let rangeCrc: RangeCrc32c | undefined;

/**
 * Hands `crcOfRange` a way to checksum ranges elsewhere (the CLI: a worker thread reading the file), or takes it back
 * with undefined. Core stays pure: the page never calls this.
 */
export function useRangeCrc32c(fn: RangeCrc32c | undefined): void {
  rangeCrc = fn;
}

/** The CRC32C of a range computed away from this thread, where useRangeCrc32c was given a way for this source. */
export function crcElsewhere(shard: ByteSource, offset: number, size: number): Promise<number> | undefined {
  return rangeCrc?.(shard, offset, size);
}

/**
 * The CRC32C of `size` bytes at `offset`, read in pieces into the two halves of `scratch` (one read while the other is
 * checksummed). A reused buffer small enough to stay in the CPU's cache costs no page faults and lets the CRC read
 * cached bytes: checking 1.3 GB this way took less CPU than reading each tensor whole into memory and checksumming that.
 * A short read (the file shrank) gives the CRC of fewer bytes, which then fails the check.
 */
export async function crcOfRange(shard: ByteSource, offset: number, size: number, scratch: Uint8Array): Promise<number> {
  const elsewhere = rangeCrc?.(shard, offset, size);
  if (elsewhere) return elsewhere;
  const half = scratch.byteLength >>> 1;
  const piece = (at: number, k: number) => {
    const n = Math.min(half, size - at);
    const p = shard.read(offset + at, n, scratch.subarray(k * half, k * half + n));
    p.catch(() => undefined); // awaited below
    return p;
  };
  let crc = 0;
  let k = 0;
  let next = size > 0 ? piece(0, 0) : undefined;
  for (let at = 0; next; ) {
    const got = await next;
    const n = Math.min(half, size - at);
    at += n;
    k ^= 1;
    next = at < size && got.byteLength === n ? piece(at, k) : undefined;
    crc = crc32c(got, crc);
  }
  return crc;
}

/** TF never stores two tensors on the same bytes; overlapping ranges mean a damaged or hand-made index. */
export function overlaps(entries: Map<string, BundleEntry>, sliceEntries: Map<string, BundleEntry[]>, shardPath: (id: number) => string): string[] {
  const ranges: { shard: number; start: number; end: number; name: string }[] = [];
  for (const [name, e] of entries) {
    for (const part of sliceEntries.get(name) ?? [e]) {
      if (part.size > 0) ranges.push({ shard: part.shardId, start: part.offset, end: part.offset + part.size, name });
    }
  }
  ranges.sort((a, b) => a.shard - b.shard || a.start - b.start);
  const out: string[] = [];
  let count = 0;
  for (let i = 1; i < ranges.length; i++) {
    const a = ranges[i - 1]!;
    const b = ranges[i]!;
    if (a.shard === b.shard && b.start < a.end && ++count <= 3) {
      out.push(`${shardPath(b.shard)}: tensors "${clip(a.name)}" and "${clip(b.name)}" overlap at bytes ${b.start}..${Math.min(a.end, b.end)} — the index may be damaged`);
    }
  }
  if (count > 3) out.push(`${count - 3} more pairs of tensors overlap`);
  return out;
}

/** The CRC TF computes over a DT_VARIANT tensor (tensor_bundle.cc, ReadVariantTensor). */
export function variantCrc(bytes: Uint8Array, count: number, file: string, name: string, offset: number): number {
  const c = new Cursor(bytes, file, offset, `variant tensor "${clip(name)}"`);
  let crc = 0;
  for (let i = 0; i < count; i++) {
    const len = c.varint(64, `the length of element ${i}`);
    const len64 = new Uint8Array(8);
    new DataView(len64.buffer).setBigUint64(0, BigInt(len), true);
    crc = crc32c(len64, crc);
    crc = crc32c(c.take(len, `element ${i}`), crc);
    const check = c.fixed32(`the checksum after element ${i}`);
    if (unmaskCrc(check) !== crc) {
      throw new GraftError('tensor-checksum', file, `variant tensor "${clip(name)}" at offset ${offset}: the checksum after element ${i} does not match — the data file is damaged`);
    }
    crc = crc32c(u32le(check), crc);
  }
  return crc;
}

export function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

