/**
 * 2-byte HDF5 types h5wasm 0.10 cannot create, written the way h5py writes them for Keras:
 * - float16: IEEE half (`H5T_FLOAT`, 2 bytes, sign bit 15, exponent 10..14 bias 15, mantissa 0..9), numpy `<f2`;
 * - bfloat16: an untagged 2-byte `H5T_OPAQUE`, numpy `|V2` from ml_dtypes (Keras 3 adds a `dtype="bfloat16"` attribute).
 *
 * h5wasm's `create_h5_datatype_from_metadata` knows only 4/8-byte floats and no opaque class. So the dataset is
 * created with a stand-in type of the same element size (a one-member compound around uint16, the member named by
 * a per-file random marker), the bytes go in unchanged, and after the file is closed each stand-in datatype message
 * is rewritten in place: the real type, then a NULL message over the bytes left. h5wasm writes version 2 object
 * headers ("OHDR", HDF5 format spec §IV.A.1.b), whose chunk ends in a Jenkins lookup3 checksum; it is checked
 * before and recomputed after the rewrite.
 */
import { GraftError } from '../../errors';

export type HalfType = 'float16' | 'bfloat16';

/** Datatype message bodies exactly as h5py 3.14 / HDF5 1.14 encode them in Keras-written files. */
const BODIES: Record<HalfType, Uint8Array> = {
  float16: Uint8Array.from([0x11, 0x20, 0x0f, 0x00, 2, 0, 0, 0, 0, 0, 16, 0, 10, 5, 0, 10, 15, 0, 0, 0]),
  bfloat16: Uint8Array.from([0x15, 0x00, 0x00, 0x00, 2, 0, 0, 0]),
};

const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** Bob Jenkins' lookup3 `hashlittle`, as HDF5's H5_checksum_lookup3 computes it for metadata checksums. */
export function lookup3(k: Uint8Array, initval = 0): number {
  let length = k.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  let o = 0;
  const word = (i: number) => (k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(o)) >>> 0;
    b = (b + word(o + 4)) >>> 0;
    c = (c + word(o + 8)) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c;
  const tail = new Uint8Array(12);
  tail.set(k.subarray(o, o + length));
  const t = (i: number) => (tail[i]! | (tail[i + 1]! << 8) | (tail[i + 2]! << 16) | (tail[i + 3]! << 24)) >>> 0;
  a = (a + t(0)) >>> 0;
  b = (b + t(4)) >>> 0;
  c = (c + t(8)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}

/** Random access to the closed file in h5wasm's in-memory file system. */
export interface FileAccess {
  size: number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array): void;
}

/** The compound member names that mark stand-ins in one file: unique per writer, so tensor bytes cannot imitate them. */
export function standInMarkers(): Record<HalfType, string> {
  const nonce = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return { float16: `graft-stand-in-${nonce}-f2`, bfloat16: `graft-stand-in-${nonce}-v2` };
}

interface StandInModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  create_dataset(fileId: bigint, path: string, ptr: bigint, metadata: unknown): number;
}

/**
 * Creates `path` (absolute) as a stand-in dataset holding `bytes` as they are: one uint16 member named by the
 * marker. h5wasm's own `create_dataset` would interleave a compound's columns element by element in JavaScript (5×
 * slower than the copy), so this calls the module's `create_dataset` with the metadata h5wasm itself passes.
 */
export function createStandIn(module: StandInModule, fileId: bigint, path: string, marker: string, shape: readonly number[], bytes: Uint8Array): void {
  const member = { name: marker, offset: 0, type: 0, size: 2, signed: false, vlen: false, littleEndian: true };
  const dims = shape.map(BigInt);
  const metadata = {
    type: 6, size: 2, signed: false, vlen: false, littleEndian: true, compound_type: { nmembers: 1, members: [member] },
    shape: dims, maxshape: dims, chunks: null, compression: 0, compression_opts: [], track_order: false,
  };
  const ptr = module._malloc(Math.max(1, bytes.length));
  if (ptr === 0) throw new GraftError('too-large', path, `could not allocate ${bytes.length} bytes to write this dataset`);
  try {
    module.HEAPU8.set(bytes, ptr);
    module.create_dataset(fileId, path, BigInt(ptr), metadata);
  } finally {
    module._free(ptr);
  }
}

const OHDR = [0x4f, 0x48, 0x44, 0x52];
const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);

function findAll(f: FileAccess, needle: Uint8Array): number[] {
  const hits: number[] = [];
  const CHUNK = 1 << 20;
  for (let at = 0; at < f.size; at += CHUNK) {
    const buf = f.read(at, Math.min(CHUNK + needle.length - 1, f.size - at));
    for (let i = buf.indexOf(needle[0]!); i >= 0 && i + needle.length <= buf.length; i = buf.indexOf(needle[0]!, i + 1)) {
      let j = 1;
      while (j < needle.length && buf[i + j] === needle[j]) j++;
      if (j === needle.length && i < CHUNK) hits.push(at + i);
    }
  }
  return hits;
}

/** The checksummed chunk 0 of the v2 object header starting at `o` that holds offset `p`, or null if `o` is not one. */
function headerAt(f: FileAccess, o: number, p: number): { bytes: Uint8Array; messages: number; end: number; creationOrder: boolean } | null {
  const pre = f.read(o, Math.min(40, f.size - o));
  if (pre.length < 12 || pre[4] !== 2) return null;
  const flags = pre[5]!;
  let at = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const width = 1 << (flags & 3);
  let size = 0;
  for (let i = width - 1; i >= 0; i--) size = size * 256 + pre[at + i]!;
  at += width;
  const end = at + size;
  if (o + at > p || p >= o + end || o + end + 4 > f.size || size > 1 << 24) return null;
  const bytes = f.read(o, end + 4);
  const stored = (u16(bytes, end) | (u16(bytes, end + 2) << 16)) >>> 0;
  if (lookup3(bytes.subarray(0, end)) !== stored) return null;
  return { bytes, messages: at, end, creationOrder: (flags & 0x04) !== 0 };
}

/** Rewrites the stand-in datatype message whose marker sits at `p`. */
function patchOne(f: FileAccess, file: string, p: number, type: HalfType): void {
  const window = Math.min(p, 4096);
  const before = f.read(p - window, window);
  for (let i = window - 4; i >= 0; i--) {
    if (before[i] !== OHDR[0] || before[i + 1] !== OHDR[1] || before[i + 2] !== OHDR[2] || before[i + 3] !== OHDR[3]) continue;
    const o = p - window + i;
    const h = headerAt(f, o, p);
    if (!h) continue;
    const hdr = h.creationOrder ? 6 : 4;
    const rel = p - o;
    for (let at = h.messages; at + hdr <= h.end; ) {
      const size = u16(h.bytes, at + 1);
      const body = at + hdr;
      if (rel >= body && rel < body + size) {
        const flags = h.bytes[at + 3]!;
        const next = BODIES[type];
        // 3 = datatype message; class 6 = compound; flag 2 = shared (the body would be a reference, not the type).
        if (h.bytes[at] !== 3 || (h.bytes[body]! & 0x0f) !== 6 || flags & 0x02 || size < next.length + hdr) break;
        const slot = new Uint8Array(hdr + size);
        slot.set([3, next.length & 0xff, next.length >> 8, flags]);
        slot.set(next, hdr);
        const rest = size - next.length - hdr;
        slot.set([0, rest & 0xff, rest >> 8, 0], hdr + next.length);
        h.bytes.set(slot, at);
        const sum = lookup3(h.bytes.subarray(0, h.end));
        h.bytes.set([sum & 0xff, (sum >>> 8) & 0xff, (sum >>> 16) & 0xff, sum >>> 24], h.end);
        f.write(o, h.bytes);
        return;
      }
      at = body + size;
    }
    break;
  }
  throw new GraftError('corrupt', file, `HDF5 laid out the ${type} dataset type in a way Graft cannot finish (no checksummed object header holds it) — the file was not written`);
}

/**
 * Replaces every stand-in type of the closed file with its real 2-byte type. `expected` says how many datasets of
 * each type were written; anything else is an error, never a file with stand-ins left.
 */
export function patchHalfTypes(f: FileAccess, file: string, markers: Record<HalfType, string>, expected: Record<HalfType, number>): void {
  for (const type of ['float16', 'bfloat16'] as const) {
    if (expected[type] === 0) continue;
    const hits = findAll(f, new TextEncoder().encode(markers[type]));
    if (hits.length !== expected[type]) {
      throw new GraftError('corrupt', file, `expected ${expected[type]} ${type} dataset types to finish but found ${hits.length} — the file was not written`);
    }
    for (const p of hits) patchOne(f, file, p, type);
  }
}
