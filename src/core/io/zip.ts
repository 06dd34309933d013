/**
 * A zip archive read by range: the end-of-central-directory record, the central directory, and each
 * member's bytes on demand. Stored members are read by range; deflated ones are inflated with fflate.
 * Used by `.npz` (numpy.savez) and `.keras` (Keras 3). Spec: PKWARE APPNOTE.TXT, sections 4.3.6–4.3.16.
 */
import { Inflate } from 'fflate';
import { GraftError } from '../errors';
import type { ByteSource } from './byte-source';
import { clip } from './untrusted';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

// Record signatures and the ZIP64 extra field's id (APPNOTE 4.3.7–4.3.16, 4.5.3), for the reader here and zip-writer.ts.
export const EOCD_SIG = 0x06054b50;
export const EOCD64_LOCATOR_SIG = 0x07064b50;
export const EOCD64_SIG = 0x06064b50;
export const CDIR_SIG = 0x02014b50;
export const LOCAL_SIG = 0x04034b50;
export const DATA_DESCRIPTOR_SIG = 0x08074b50;
export const ZIP64_EXTRA_ID = 0x0001;
/** The EOCD record is 22 bytes plus a comment of at most 65535 bytes. */
const MAX_EOCD_SEARCH = 22 + 0xffff;
/** A central directory larger than this is not a model archive. */
const MAX_CDIR_BYTES = 64 << 20;
const MAX_ENTRY_BYTES_INFLATED = 2 ** 31;

/** Whether the file starts like a zip (local file header or an empty archive). */
export async function hasZipMagic(source: ByteSource): Promise<boolean> {
  if (source.size < 22) return false;
  const b = await source.read(0, 4);
  const sig = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  return sig === LOCAL_SIG || sig === EOCD_SIG;
}

function u64(view: DataView, offset: number): number {
  const v = view.getBigUint64(offset, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** The archive's members in central-directory order. */
export async function readZipDirectory(source: ByteSource): Promise<ZipEntry[]> {
  const { count, cdirSize, cdirOffset, eocdAbs } = await readEndRecord(source);
  if (cdirSize > MAX_CDIR_BYTES || cdirOffset + cdirSize > eocdAbs) {
    throw new GraftError('corrupt', source.path, `zip central directory (${cdirSize} bytes at offset ${cdirOffset}) does not fit before its end record`);
  }
  const dir = await source.read(cdirOffset, cdirSize);
  const dv = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dv.getUint32(p, true) !== CDIR_SIG) {
      throw new GraftError('corrupt', source.path, `zip central directory entry ${i} at offset ${cdirOffset + p} is damaged`);
    }
    const { entry, length } = directoryEntry(source, dir, dv, p, i);
    entries.push(entry);
    p += length;
  }
  return entries;
}

/** The central directory's entry count, size and offset (from the zip64 end record where the EOCD defers to it). */
async function readEndRecord(source: ByteSource): Promise<{ count: number; cdirSize: number; cdirOffset: number; eocdAbs: number }> {
  const tailLength = Math.min(source.size, MAX_EOCD_SEARCH);
  const tail = await source.read(source.size - tailLength, tailLength);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new GraftError('bad-magic', source.path, 'no zip end-of-central-directory record — the file is not a zip archive or is truncated');
  let count = tv.getUint16(eocd + 10, true);
  let cdirSize = tv.getUint32(eocd + 12, true);
  let cdirOffset = tv.getUint32(eocd + 16, true);
  const eocdAbs = source.size - tailLength + eocd;
  if ((count === 0xffff || cdirSize === 0xffffffff || cdirOffset === 0xffffffff) && eocd >= 20 && tv.getUint32(eocd - 20, true) === EOCD64_LOCATOR_SIG) {
    const at = u64(tv, eocd - 20 + 8);
    if (at + 56 > source.size) throw new GraftError('corrupt', source.path, `zip64 end record at offset ${at} lies past the end of the file`);
    const rec = await source.read(at, 56);
    const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    if (rv.getUint32(0, true) !== EOCD64_SIG) throw new GraftError('corrupt', source.path, `no zip64 end record at offset ${at}`);
    count = u64(rv, 32);
    cdirSize = u64(rv, 40);
    cdirOffset = u64(rv, 48);
  }
  return { count, cdirSize, cdirOffset, eocdAbs };
}

/** Central directory entry `i`, whose signature at `p` was checked, and its length in the directory. */
function directoryEntry(source: ByteSource, dir: Uint8Array, dv: DataView, p: number, i: number): { entry: ZipEntry; length: number } {
  const method = dv.getUint16(p + 10, true);
  const crc32 = dv.getUint32(p + 16, true);
  let compressedSize = dv.getUint32(p + 20, true);
  let size = dv.getUint32(p + 24, true);
  const nameLength = dv.getUint16(p + 28, true);
  const extraLength = dv.getUint16(p + 30, true);
  const commentLength = dv.getUint16(p + 32, true);
  let localHeaderOffset = dv.getUint32(p + 42, true);
  if (p + 46 + nameLength + extraLength + commentLength > dir.length) {
    throw new GraftError('corrupt', source.path, `zip central directory entry ${i} runs past the directory`);
  }
  const name = new TextDecoder().decode(dir.subarray(p + 46, p + 46 + nameLength));
  // Zip64 extended information (header id 1): the fields that are 0xffffffff above, in this order.
  let e = p + 46 + nameLength;
  const extraEnd = e + extraLength;
  while (e + 4 <= extraEnd) {
    const id = dv.getUint16(e, true);
    const len = dv.getUint16(e + 2, true);
    if (id === ZIP64_EXTRA_ID) {
      let q = e + 4;
      if (size === 0xffffffff && q + 8 <= e + 4 + len) (size = u64(dv, q)), (q += 8);
      if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) (compressedSize = u64(dv, q)), (q += 8);
      if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + len) localHeaderOffset = u64(dv, q);
    }
    e += 4 + len;
  }
  return { entry: { name, method, compressedSize, size, crc32, localHeaderOffset }, length: 46 + nameLength + extraLength + commentLength };
}

/** Offset of the member's first data byte (after its local header), checked against the file. */
export async function entryDataOffset(source: ByteSource, entry: ZipEntry): Promise<number> {
  if (entry.localHeaderOffset + 30 > source.size) {
    throw new GraftError('truncated', source.path, `zip member ${clip(entry.name)}: local header at offset ${entry.localHeaderOffset} lies past the end of the file`);
  }
  const h = await source.read(entry.localHeaderOffset, 30);
  const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (hv.getUint32(0, true) !== LOCAL_SIG) {
    throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)}: no local header at offset ${entry.localHeaderOffset}`);
  }
  const start = entry.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  if (start + entry.compressedSize > source.size) {
    throw new GraftError('truncated', source.path, `zip member ${clip(entry.name)}: ${entry.compressedSize} bytes at offset ${start} run past the end of the file (${source.size} bytes)`);
  }
  return start;
}

/** The member's compression is one Graft reads, and a stored member's two sizes agree. */
export function checkMethod(source: ByteSource, entry: ZipEntry): void {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new GraftError('unsupported', source.path, `zip member ${clip(entry.name)} uses compression method ${entry.method}; only stored (0) and deflate (8) are read`);
  }
  if (entry.method === 0 && entry.size !== entry.compressedSize) {
    throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)} is stored uncompressed but its directory entry gives ${entry.compressedSize} stored and ${entry.size} uncompressed bytes — the zip directory is damaged`);
  }
}

/**
 * Deflate's best ratio is 1032:1 (258-byte matches of one bit each, RFC 1951): a member whose directory entry claims
 * more than this times its compressed size is damaged, and is refused before anything is allocated.
 */
const DEFLATE_MAX_RATIO = 1032;
/** Compressed bytes handed to the inflater at a time; its output is collected piece by piece. */
const INFLATE_STEP = 64 << 10;

/** The member's whole uncompressed bytes. */
export async function readEntry(source: ByteSource, entry: ZipEntry): Promise<Uint8Array> {
  checkMethod(source, entry);
  const start = await entryDataOffset(source, entry);
  if (entry.method === 0) return source.read(start, entry.compressedSize);
  if (entry.size > MAX_ENTRY_BYTES_INFLATED) throw new GraftError('too-large', source.path, `zip member ${clip(entry.name)} inflates to ${entry.size} bytes, more than Graft holds in memory`);
  if (entry.size > entry.compressedSize * DEFLATE_MAX_RATIO + 64) {
    throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)} claims ${entry.size} bytes from ${entry.compressedSize} compressed bytes, more than deflate can produce — the zip directory is damaged`);
  }
  // Inflated piece by piece: memory follows what the stream really produces, and stops at what the directory says.
  const pieces: Uint8Array[] = [];
  let have = 0;
  let overrun = false;
  const inflater = new Inflate((chunk) => {
    if (overrun) return;
    have += chunk.length;
    if (have > entry.size) overrun = true;
    else pieces.push(chunk);
  });
  for (let at = 0; at < entry.compressedSize && !overrun; at += INFLATE_STEP) {
    const n = Math.min(INFLATE_STEP, entry.compressedSize - at);
    const raw = await source.read(start + at, n);
    try {
      inflater.push(raw, at + n >= entry.compressedSize);
    } catch (e) {
      throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)}: deflate stream is damaged`, { cause: e });
    }
  }
  if (entry.compressedSize === 0) {
    try {
      inflater.push(new Uint8Array(0), true);
    } catch (e) {
      throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)}: deflate stream is damaged`, { cause: e });
    }
  }
  if (overrun) throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)} inflates to more than the ${entry.size} bytes its directory entry says`);
  if (have !== entry.size) throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)} inflated to ${have} bytes, the directory says ${entry.size}`);
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(have);
  let o = 0;
  for (const p of pieces) (out.set(p, o), (o += p.length));
  return out;
}

/** At most the first `length` uncompressed bytes of the member, inflating only as much as needed. */
export async function readEntryPrefix(source: ByteSource, entry: ZipEntry, length: number): Promise<Uint8Array> {
  checkMethod(source, entry);
  const start = await entryDataOffset(source, entry);
  const want = Math.min(length, entry.size);
  if (entry.method === 0) return source.read(start, Math.min(want, entry.compressedSize));
  const chunks: Uint8Array[] = [];
  let have = 0;
  let failed: unknown;
  const inflater = new Inflate((chunk) => {
    chunks.push(chunk);
    have += chunk.length;
  });
  const step = 16 << 10;
  for (let at = 0; at < entry.compressedSize && have < want; at += step) {
    const n = Math.min(step, entry.compressedSize - at);
    try {
      inflater.push(await source.read(start + at, n), at + n >= entry.compressedSize);
    } catch (e) {
      failed = e;
      break;
    }
  }
  if (failed !== undefined && have < want) throw new GraftError('corrupt', source.path, `zip member ${clip(entry.name)}: deflate stream is damaged`, { cause: failed });
  const out = new Uint8Array(Math.min(have, want));
  let o = 0;
  for (const c of chunks) {
    if (o >= out.length) break;
    out.set(c.subarray(0, out.length - o), o);
    o += Math.min(c.length, out.length - o);
  }
  return out;
}
