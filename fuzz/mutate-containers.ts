/**
 * Container-aware mutations: zip directories (sizes, offsets, counts) and zip members (content changed, CRC-32
 * fixed so the member is read past its checksum), HDF5 size fields, pickle opcodes and their arguments.
 */
import CRC32 from 'crc-32';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { mutateJsonFile } from './mutate-json';
import { BOUNDARY_INTS, concat, mutateBytes, putInt } from './mutate-bytes';
import type { Rng } from './rng';

const u16 = (b: Uint8Array, p: number) => b[p]! | (b[p + 1]! << 8);
const u32 = (b: Uint8Array, p: number) => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
const sig = (b: Uint8Array, p: number, s: number) => p >= 0 && p + 4 <= b.length && u32(b, p) === s;

interface ZipMember {
  name: string;
  /** Offset of its central directory record. */
  cd: number;
  local: number;
  method: number;
  compressedSize: number;
}

function zipMembers(b: Uint8Array): { eocd: number; members: ZipMember[] } | null {
  let eocd = -1;
  for (let p = b.length - 22; p >= Math.max(0, b.length - 22 - 65_535); p--) {
    if (sig(b, p, 0x06054b50)) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) return null;
  const members: ZipMember[] = [];
  // Walk the central directory by signature rather than trusting the EOCD offset (zip64 moves it).
  for (let p = 0; p + 46 <= eocd; p++) {
    if (!sig(b, p, 0x02014b50)) continue;
    const nameLength = u16(b, p + 28);
    const name = new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLength));
    members.push({ name, cd: p, local: u32(b, p + 42), method: u16(b, p + 10), compressedSize: u32(b, p + 20) });
    p += 45 + nameLength;
  }
  return { eocd, members };
}

export function isZip(b: Uint8Array): boolean {
  return sig(b, 0, 0x04034b50);
}

/** One field of the end record, a central directory record or a local header set to a boundary value of its width. */
export function mutateZipDirectory(rng: Rng, bytes: Uint8Array): Uint8Array | null {
  const z = zipMembers(bytes);
  if (!z) return null;
  const out = bytes.slice();
  const where = rng.int(3);
  const value = (width: number) => (rng.chance(0.7) ? BigInt.asUintN(width * 8, rng.pick(BOUNDARY_INTS)) : BigInt(rng.int(1 << Math.min(16, width * 8))));
  if (where === 0 || z.members.length === 0) {
    const [off, width] = rng.pick([[8, 2], [10, 2], [12, 4], [16, 4], [20, 2]] as const);
    putInt(out, z.eocd + off, width, value(width));
  } else {
    const m = rng.pick(z.members);
    if (where === 1) {
      // method, crc, compressed size, size, name length, extra length, comment length, disk, local header offset
      const [off, width] = rng.pick([[10, 2], [16, 4], [20, 4], [24, 4], [24, 4], [28, 2], [30, 2], [32, 2], [34, 2], [42, 4], [42, 4]] as const);
      putInt(out, m.cd + off, width, value(width));
    } else if (sig(bytes, m.local, 0x04034b50)) {
      const [off, width] = rng.pick([[6, 2], [8, 2], [14, 4], [18, 4], [22, 4], [26, 2], [28, 2]] as const);
      putInt(out, m.local + off, width, value(width));
    }
  }
  return out;
}

const NPY_SHAPES = ['()', '(0,)', '(3,)', '(-1,)', '(100000000,)', '(4294967296,)', '(9007199254740993,)', '(1e3,)', '(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33)', '(3, -3)', '[3]', '(3,,)', "('a',)", '(True,)', '(3L,)', '(0x10,)'];
const NPY_DESCRS = ["'<f4'", "'>f8'", "'|b1'", "'<i8'", "'<f2'", "'|u1'", "'<c8'", "'|O'", "'<U5'", "'|S3'", "'<V8'", "'<M8[s]'", "'<f16'", "'f4'", "''", "[('a', '<f4'), ('b', '<i4')]", "'<f4' + 'x'", '42', "'\\x00'"];

/** The .npy header dict with its shape, dtype or order replaced, the preamble's length fixed (or, sometimes, not). */
export function mutateNpyHeader(rng: Rng, bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 10 || bytes[1] !== 0x4e || bytes[2] !== 0x55) return null;
  const version = bytes[6]!;
  const pre = version === 1 ? 10 : 12;
  const length = version === 1 ? u16(bytes, 8) : u32(bytes, 8);
  if (pre + length > bytes.length) return null;
  let dict = new TextDecoder('latin1').decode(bytes.subarray(pre, pre + length));
  const r = rng.int(4);
  if (r === 0) dict = dict.replace(/'shape': *(\([^)]*\))/, `'shape': ${rng.pick(NPY_SHAPES)}`);
  else if (r === 1) dict = dict.replace(/'descr': *'[^']*'/, `'descr': ${rng.pick(NPY_DESCRS)}`);
  else if (r === 2) dict = dict.replace(/'fortran_order': *(True|False)/, `'fortran_order': ${rng.pick(['True', 'False', '1', "'yes'", 'None'])}`);
  else dict = dict.replace(rng.pick(["'shape'", "'descr'", "'fortran_order'", '{', '}']), rng.pick(['', "'shape': (1,), 'shape'", "'__class__'"]));
  const head = Uint8Array.from(dict, (c) => c.charCodeAt(0) & 0xff);
  const out = concat(bytes.subarray(0, pre), head, bytes.subarray(pre + length));
  if (rng.chance(0.9)) putInt(out, 8, version === 1 ? 2 : 4, BigInt(head.length));
  return out;
}

/** What a member's content becomes, by its kind: JSON tree, pickle opcodes, HDF5 sizes, .npy header, or bytes. */
function mutateContent(rng: Rng, name: string, content: Uint8Array, sameLength: boolean): Uint8Array {
  if (!sameLength) {
    if (name.endsWith('.json')) return mutateJsonFile(rng, content) ?? mutateBytes(rng, content, []).bytes;
    if (name.endsWith('.h5')) return mutateHdf5(rng, content) ?? content;
    if (name.endsWith('.npy') && rng.chance(0.6)) return mutateNpyHeader(rng, content) ?? content;
  }
  if (name.endsWith('.pkl')) return mutatePickle(rng, content, sameLength) ?? content;
  if (name.endsWith('.npy') && content.length > 10) {
    // The header dict sits in the first 128 bytes or so.
    const head = Math.min(content.length, 10 + u16(content, 8));
    const m = mutateBytes(rng, content.subarray(0, head), []).bytes;
    return sameLength ? concat(m.subarray(0, head), content.subarray(Math.min(head, m.length))).subarray(0, content.length) : concat(m, content.subarray(head));
  }
  const m = mutateBytes(rng, content, []).bytes;
  return sameLength ? concat(m, content.subarray(m.length)).subarray(0, content.length) : m;
}

/** A stored member's bytes changed in place, its CRC-32 fixed in the local header and the central directory. */
export function mutateZipMemberInPlace(rng: Rng, bytes: Uint8Array): Uint8Array | null {
  const z = zipMembers(bytes);
  const stored = z?.members.filter((m) => m.method === 0 && m.compressedSize > 0 && sig(bytes, m.local, 0x04034b50)) ?? [];
  if (stored.length === 0) return null;
  const pkl = stored.filter((m) => m.name.endsWith('.pkl'));
  const m = pkl.length && rng.chance(0.6) ? rng.pick(pkl) : rng.pick(stored);
  const start = m.local + 30 + u16(bytes, m.local + 26) + u16(bytes, m.local + 28);
  if (start + m.compressedSize > bytes.length) return null;
  const out = bytes.slice();
  const content = mutateContent(rng, m.name, out.slice(start, start + m.compressedSize), true);
  out.set(content, start);
  const crc = BigInt(CRC32.buf(content) >>> 0);
  putInt(out, m.local + 14, 4, crc);
  putInt(out, m.cd + 16, 4, crc);
  return out;
}

/** The archive unzipped, one member's content changed (any length), zipped again with valid checksums. */
export function mutateZipRebuild(rng: Rng, bytes: Uint8Array): Uint8Array | null {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    return null;
  }
  const names = Object.keys(files);
  if (names.length === 0) return null;
  const name = rng.pick(names);
  const op = rng.int(10);
  const out: Zippable = {};
  for (const n of names) out[n] = [files[n]!, { level: 0 }];
  if (op === 0) delete out[name];
  else if (op === 1) out[`${name}${rng.pick(['/../../x', '.copy', '/', '\u0000'])}`] = [files[name]!, { level: 0 }];
  else out[name] = [mutateContent(rng, name, files[name]!, false), { level: rng.chance(0.5) ? 0 : 6 }];
  try {
    return zipSync(out);
  } catch {
    return null;
  }
}

// Pickle opcodes and the size of their argument: a number of bytes, a length prefix ('n1', 'n4', 'n8'), or 'line'.
const ARGS: Record<number, number | 'n1' | 'n4' | 'n8' | 'line' | 'line2'> = {
  0x80: 1, 0x95: 8, 0x4a: 4, 0x4b: 1, 0x4d: 2, 0x8a: 'n1', 0x8b: 'n4', 0x47: 8, 0x71: 1, 0x72: 4, 0x68: 1, 0x6a: 4, 0x8c: 'n1',
  0x58: 'n4', 0x8d: 'n8', 0x43: 'n1', 0x42: 'n4', 0x8e: 'n8', 0x55: 'n1', 0x54: 'n4', 0x82: 1, 0x83: 2, 0x84: 4, 0x63: 'line2',
  0x49: 'line', 0x4c: 'line', 0x53: 'line', 0x56: 'line', 0x46: 'line', 0x70: 'line', 0x67: 'line', 0x50: 'line', 0x93: 0,
};
const NO_ARG = [0x28, 0x29, 0x2e, 0x30, 0x31, 0x32, 0x4e, 0x51, 0x52, 0x5d, 0x61, 0x62, 0x65, 0x73, 0x74, 0x75, 0x7d, 0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x69, 0x6f, 0x98];

interface Op {
  at: number;
  code: number;
  arg: number;
  argLength: number;
}

function walkPickle(b: Uint8Array): Op[] {
  const ops: Op[] = [];
  let p = 0;
  while (p < b.length && ops.length < 100_000) {
    const code = b[p]!;
    const kind = ARGS[code] ?? 0;
    const arg = p + 1;
    let length = 0;
    if (typeof kind === 'number') length = kind;
    else if (kind === 'n1') length = 1 + (b[arg] ?? 0);
    else if (kind === 'n4') length = 4 + u32(b, arg);
    else if (kind === 'n8') length = 8 + u32(b, arg);
    else {
      let lines = kind === 'line2' ? 2 : 1;
      let q = arg;
      while (q < b.length && lines > 0) if (b[q++] === 0x0a) lines--;
      length = q - arg;
    }
    ops.push({ at: p, code, arg, argLength: length });
    if (code === 0x2e) break;
    p = arg + length;
  }
  return ops;
}

/** An opcode's integer argument or length prefix set to a boundary value, an opcode swapped, inserted, or dropped. */
export function mutatePickle(rng: Rng, bytes: Uint8Array, sameLength = false): Uint8Array | null {
  const ops = walkPickle(bytes);
  if (ops.length < 2) return null;
  const out = bytes.slice();
  const withArg = ops.filter((o) => typeof ARGS[o.code] === 'number' ? (ARGS[o.code] as number) > 0 : ARGS[o.code]?.toString().startsWith('n'));
  const r = rng.int(sameLength ? 2 : 4);
  if (r === 0 && withArg.length) {
    const o = rng.pick(withArg);
    const kind = ARGS[o.code]!;
    const width = typeof kind === 'number' ? kind : kind === 'n1' ? 1 : kind === 'n4' ? 4 : 8;
    const value = rng.chance(0.6) ? rng.pick(BOUNDARY_INTS) : BigInt(rng.range(-3, 3));
    putInt(out, o.arg, width, value);
    return out;
  }
  const o = rng.pick(ops.slice(1, -1).length ? ops.slice(1, -1) : ops);
  if (r === 1 || r === 0) {
    out[o.at] = rng.pick(NO_ARG);
    return out;
  }
  if (r === 2) return concat(bytes.subarray(0, o.at), Uint8Array.from({ length: rng.range(1, 6) }, () => rng.pick(NO_ARG)), bytes.subarray(o.at));
  const end = o.arg + o.argLength;
  return rng.chance(0.5) ? concat(bytes.subarray(0, o.at), bytes.subarray(end)) : concat(bytes.subarray(0, end), bytes.subarray(o.at, end), bytes.subarray(end));
}

const HDF5_SIGNATURES: [string, number[]][] = [
  // signature, offsets (from it) of the size and address fields worth lying about
  ['GCOL', [8]],
  ['HEAP', [8, 16, 24]],
  ['TREE', [6, 8, 16]],
  ['SNOD', [6]],
  ['OHDR', [6]],
  ['FRHP', [6, 14]],
];

/** Size fields of HDF5 heaps, B-trees and collections, dataspace dimensions, and 8-byte addresses, set to boundary values. */
export function mutateHdf5(rng: Rng, bytes: Uint8Array): Uint8Array | null {
  if (!(bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46)) return null;
  const out = bytes.slice();
  const hits: number[] = [];
  const text = new TextDecoder('latin1').decode(bytes);
  for (const [name, offsets] of HDF5_SIGNATURES) {
    for (let p = text.indexOf(name); p >= 0 && hits.length < 5000; p = text.indexOf(name, p + 1)) for (const o of offsets) hits.push(p + o);
  }
  // Dataspace messages (type 1) of version-1 object headers: the dimensions follow an 8-byte message header and an 8-byte prefix.
  const dims: number[] = [];
  for (let p = 0; p + 24 < bytes.length; p += 8) {
    if (bytes[p] === 1 && bytes[p + 1] === 0 && bytes[p + 8] === 1 && bytes[p + 9]! >= 1 && bytes[p + 9]! <= 8) {
      for (let d = 0; d < bytes[p + 9]!; d++) dims.push(p + 16 + 8 * d);
    }
  }
  const r = rng.int(3);
  const at = r === 0 && hits.length ? rng.pick(hits) : r === 1 && dims.length ? rng.pick(dims) : Math.floor(rng.position(bytes.length) / 8) * 8;
  const value = rng.chance(0.3) ? rng.pick([0n, 1n, 10n ** 8n, 1n << 31n, 1n << 40n]) : rng.pick(BOUNDARY_INTS);
  putInt(out, at, rng.chance(0.8) ? 8 : 4, value);
  return out;
}
