/** Format-blind mutations: bit flips, boundary bytes and integers, truncation, splices, duplicated regions. */
import type { Rng } from './rng';

export type ByteMutator = (rng: Rng, bytes: Uint8Array, donors: readonly Uint8Array[]) => Uint8Array;

const BOUNDARY_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];

/** Integers that sit on the edges readers get wrong: zero, sign bits, 2^31, 2^32, 2^50, 2^53, 2^63, 2^64 - 1. */
export const BOUNDARY_INTS: readonly bigint[] = [
  0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  1n << 40n, 1n << 50n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n,
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Writes `value` as a little- or big-endian integer of `width` bytes at `at` (clipped to the buffer). */
export function putInt(bytes: Uint8Array, at: number, width: number, value: bigint, littleEndian = true): void {
  const v = BigInt.asUintN(width * 8, value);
  for (let i = 0; i < width && at + i < bytes.length; i++) {
    const shift = BigInt(8 * (littleEndian ? i : width - 1 - i));
    bytes[at + i] = Number((v >> shift) & 0xffn);
  }
}

const bitFlips: ByteMutator = (rng, bytes) => {
  const out = bytes.slice();
  for (let k = rng.range(1, 8); k > 0 && out.length; k--) {
    const at = rng.position(out.length);
    out[at] = out[at]! ^ (1 << rng.int(8));
  }
  return out;
};

const boundaryBytes: ByteMutator = (rng, bytes) => {
  const out = bytes.slice();
  for (let k = rng.range(1, 4); k > 0 && out.length; k--) out[rng.position(out.length)] = rng.pick(BOUNDARY_BYTES);
  return out;
};

const randomBytes: ByteMutator = (rng, bytes) => {
  const out = bytes.slice();
  const at = rng.position(out.length);
  for (let i = at; i < Math.min(out.length, at + rng.range(1, 16)); i++) out[i] = rng.int(256);
  return out;
};

const boundaryInt: ByteMutator = (rng, bytes) => {
  const out = bytes.slice();
  const width = rng.pick([2, 4, 8]);
  const at = rng.chance(0.5) ? rng.position(out.length) : Math.floor(rng.position(out.length) / width) * width;
  putInt(out, at, width, rng.pick(BOUNDARY_INTS), rng.chance(0.85));
  return out;
};

const arithmetic: ByteMutator = (rng, bytes) => {
  const out = bytes.slice();
  const at = rng.position(out.length);
  if (out.length) out[at] = (out[at]! + rng.range(-16, 16)) & 0xff;
  return out;
};

const truncate: ByteMutator = (rng, bytes) => bytes.slice(0, rng.chance(0.3) ? bytes.length - rng.range(1, 16) : rng.position(bytes.length));

const removeRegion: ByteMutator = (rng, bytes) => {
  const at = rng.position(bytes.length);
  return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + rng.range(1, 256))));
};

const insertBytes: ByteMutator = (rng, bytes) => {
  const at = rng.position(bytes.length);
  const extra = Uint8Array.from({ length: rng.range(1, 32) }, () => (rng.chance(0.5) ? rng.pick(BOUNDARY_BYTES) : rng.int(256)));
  return concat(bytes.subarray(0, at), extra, bytes.subarray(at));
};

const duplicateRegion: ByteMutator = (rng, bytes) => {
  const from = rng.position(bytes.length);
  const length = Math.min(bytes.length - from, rng.range(1, 4096));
  const at = rng.position(bytes.length);
  const region = bytes.slice(from, from + length);
  return rng.chance(0.5) ? concat(bytes.subarray(0, at), region, bytes.subarray(at)) : overwrite(bytes, at, region);
};

function overwrite(bytes: Uint8Array, at: number, region: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out.set(region.subarray(0, Math.max(0, out.length - at)), at);
  return out;
}

/** A piece of another file (another checkpoint of the same reader, or any seed) spliced in or pasted over. */
const splice: ByteMutator = (rng, bytes, donors) => {
  if (donors.length === 0) return bitFlips(rng, bytes, donors);
  const donor = rng.pick(donors);
  const from = rng.position(donor.length);
  const region = donor.slice(from, from + rng.range(1, 8192));
  const at = rng.position(bytes.length);
  if (rng.chance(0.3)) return concat(bytes.subarray(0, at), donor.subarray(from));
  return rng.chance(0.5) ? concat(bytes.subarray(0, at), region, bytes.subarray(at)) : overwrite(bytes, at, region);
};

export const BYTE_MUTATORS: readonly [string, ByteMutator][] = [
  ['bit-flip', bitFlips],
  ['boundary-byte', boundaryBytes],
  ['random-bytes', randomBytes],
  ['boundary-int', boundaryInt],
  ['arithmetic', arithmetic],
  ['truncate', truncate],
  ['remove', removeRegion],
  ['insert', insertBytes],
  ['duplicate', duplicateRegion],
  ['splice', splice],
];

/** One to three stacked byte mutations; returns the bytes and what was done. */
export function mutateBytes(rng: Rng, bytes: Uint8Array, donors: readonly Uint8Array[]): { bytes: Uint8Array; ops: string[] } {
  let out = bytes;
  const ops: string[] = [];
  for (let k = rng.chance(0.7) ? 1 : rng.range(2, 3); k > 0; k--) {
    const [name, fn] = rng.pick(BYTE_MUTATORS);
    out = fn(rng, out, donors);
    ops.push(name);
  }
  return { bytes: out, ops };
}

export { concat };
