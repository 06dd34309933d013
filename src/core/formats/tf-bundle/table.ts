/**
 * Reader of TensorFlow's immutable string→string table (a LevelDB SSTable), the format of a
 * checkpoint's `.index` file. Format: tensorflow/core/lib/io/{format,block,table}.cc.
 */
import snappy from 'snappyjs';
import { GraftError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { Cursor } from './cursor';
import { crc32c, unmaskCrc } from './crc32c';

export interface TableEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface BlockHandle {
  offset: number;
  size: number;
}

// tensorflow/core/lib/io/format.h: Footer::kEncodedLength = 2 * BlockHandle::kMaxEncodedLength + 8
export const FOOTER_LENGTH = 48;
// 1-byte compression type + 4-byte masked CRC32C
export const BLOCK_TRAILER_LENGTH = 5;
// kTableMagicNumber = 0xdb4775248b80fb57, stored as two little-endian fixed32 (low word first)
export const TABLE_MAGIC_LO = 0x8b80fb57;
export const TABLE_MAGIC_HI = 0xdb477524;

export const NO_COMPRESSION = 0;
export const SNAPPY_COMPRESSION = 1;

// Snappy's densest encoding (a 3-byte copy of 64 bytes) expands at most ~21.4×; anything claiming
// more is corrupt, and checking it first avoids allocating a buffer the data cannot fill.
const SNAPPY_MAX_RATIO = 22;
const MAX_BLOCK_BYTES = 1 << 30;

const HINT = ' — the file is damaged or not a TensorFlow checkpoint index';

export function isTableMagic(last8: Uint8Array): boolean {
  if (last8.byteLength !== 8) return false;
  const dv = new DataView(last8.buffer, last8.byteOffset, 8);
  return dv.getUint32(0, true) === TABLE_MAGIC_LO && dv.getUint32(4, true) === TABLE_MAGIC_HI;
}

/** Whether `source` ends with the table magic number; never throws. */
export async function hasTableMagic(source: ByteSource): Promise<boolean> {
  try {
    if (source.size < FOOTER_LENGTH) return false;
    return isTableMagic(await source.read(source.size - 8, 8));
  } catch {
    return false;
  }
}

function decodeHandle(c: Cursor, name: string): BlockHandle {
  const offset = c.varint(64, `${name} offset`);
  const size = c.varint(64, `${name} size`);
  return { offset, size };
}

function checkHandle(source: ByteSource, handle: BlockHandle, limit: number, name: string): void {
  if (handle.offset + handle.size + BLOCK_TRAILER_LENGTH > limit) {
    throw new GraftError(
      'corrupt',
      source.path,
      `the ${name} claims ${handle.size} bytes at offset ${handle.offset}, past the end of the table data (${limit} bytes)${HINT}`,
    );
  }
  if (handle.size > MAX_BLOCK_BYTES) {
    throw new GraftError('too-large', source.path, `the ${name} claims ${handle.size} bytes, more than Graft reads in one block${HINT}`);
  }
}

export async function readFooter(source: ByteSource): Promise<{ metaindex: BlockHandle; index: BlockHandle }> {
  if (source.size < FOOTER_LENGTH) {
    throw new GraftError(
      'truncated',
      source.path,
      `expected at least ${FOOTER_LENGTH} bytes (the table footer) but the file is only ${source.size} bytes long — it is truncated or not a TensorFlow checkpoint index`,
    );
  }
  const footerStart = source.size - FOOTER_LENGTH;
  const footer = await source.read(footerStart, FOOTER_LENGTH);
  if (!isTableMagic(footer.subarray(40, 48))) {
    const hex = Array.from(footer.subarray(40, 48), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new GraftError(
      'bad-magic',
      source.path,
      `expected the TensorFlow table magic number 57 fb 80 8b 24 75 47 db in the last 8 bytes but found ${hex} — the file is truncated or not a TensorFlow checkpoint index`,
    );
  }
  const c = new Cursor(footer.subarray(0, 40), source.path, footerStart, 'table footer', HINT);
  const metaindex = decodeHandle(c, 'metaindex block handle');
  const index = decodeHandle(c, 'index block handle');
  checkHandle(source, metaindex, footerStart, 'metaindex block');
  checkHandle(source, index, footerStart, 'index block');
  return { metaindex, index };
}

/** Reads one block, verifies its masked CRC32C and decompresses it. */
export async function readBlock(source: ByteSource, handle: BlockHandle, name: string): Promise<Uint8Array> {
  const raw = await source.read(handle.offset, handle.size + BLOCK_TRAILER_LENGTH);
  const contents = raw.subarray(0, handle.size);
  const type = raw[handle.size]!;
  const dv = new DataView(raw.buffer, raw.byteOffset + handle.size + 1, 4);
  const stored = unmaskCrc(dv.getUint32(0, true));
  const actual = crc32c(raw.subarray(0, handle.size + 1));
  if (stored !== actual) {
    throw new GraftError(
      'block-checksum',
      source.path,
      `${name} checksum mismatch at offset ${handle.offset} (stored ${hex32(stored)}, computed ${hex32(actual)})${HINT}`,
    );
  }
  if (type === NO_COMPRESSION) return contents;
  if (type === SNAPPY_COMPRESSION) return uncompressSnappy(contents, source.path, handle.offset, name);
  throw new GraftError(
    'unsupported',
    source.path,
    `${name} at offset ${handle.offset} uses compression type ${type}; TensorFlow tables use 0 (none) or 1 (snappy)`,
  );
}

function uncompressSnappy(contents: Uint8Array, file: string, offset: number, name: string): Uint8Array {
  const c = new Cursor(contents, file, offset, `snappy-compressed ${name}`, HINT);
  const length = c.varint(32, 'uncompressed length');
  if (length > contents.byteLength * SNAPPY_MAX_RATIO + 32 || length > MAX_BLOCK_BYTES) {
    throw new GraftError(
      'too-large',
      file,
      `${name} at offset ${offset} claims to expand from ${contents.byteLength} to ${length} bytes, more than snappy can${HINT}`,
    );
  }
  let out: Uint8Array;
  try {
    out = snappy.uncompress(contents);
  } catch (cause) {
    throw new GraftError('corrupt', file, `${name} at offset ${offset} is not valid snappy data${HINT}`, { cause });
  }
  if (out.byteLength !== length) {
    throw new GraftError('corrupt', file, `${name} at offset ${offset} expanded to ${out.byteLength} bytes instead of ${length}${HINT}`);
  }
  return out;
}

/** Parses a block's prefix-compressed entries (tensorflow/core/lib/io/block.cc). */
export function parseBlock(contents: Uint8Array, file: string, base: number, name: string): TableEntry[] {
  const what = `${name} at offset ${base}`;
  if (contents.byteLength < 4) {
    throw new GraftError('corrupt', file, `${what} is ${contents.byteLength} bytes, too short to hold its restart count${HINT}`);
  }
  const dv = new DataView(contents.buffer, contents.byteOffset, contents.byteLength);
  const numRestarts = dv.getUint32(contents.byteLength - 4, true);
  const maxRestarts = (contents.byteLength - 4) / 4;
  if (numRestarts > maxRestarts) {
    throw new GraftError(
      'corrupt',
      file,
      `${what} claims ${numRestarts} restart points but only ${Math.floor(maxRestarts)} fit in its ${contents.byteLength} bytes${HINT}`,
    );
  }
  // As in TF, a block without restart points reads as empty.
  if (numRestarts === 0) return [];
  const dataEnd = contents.byteLength - (1 + numRestarts) * 4;
  const c = new Cursor(contents.subarray(0, dataEnd), file, base, name, HINT);
  const entries: TableEntry[] = [];
  let last: Uint8Array = new Uint8Array(0);
  while (!c.atEnd) {
    const at = base + c.pos;
    const shared = c.varint(32, 'shared key length');
    const nonShared = c.varint(32, 'unshared key length');
    const valueLength = c.varint(32, 'value length');
    if (shared > last.byteLength) {
      throw new GraftError(
        'corrupt',
        file,
        `the entry at offset ${at} in the ${name} shares ${shared} bytes with a previous key of only ${last.byteLength} bytes${HINT}`,
      );
    }
    const delta = c.take(nonShared, 'key');
    const value = c.take(valueLength, 'value');
    const key = new Uint8Array(shared + nonShared);
    key.set(last.subarray(0, shared), 0);
    key.set(delta, shared);
    entries.push({ key, value });
    last = key;
  }
  return entries;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.byteLength - b.byteLength;
}

/**
 * Reads every entry of the table, by ranges: footer, index block, then each data block.
 * Every block's checksum is verified and keys must be strictly increasing.
 */
export async function readTable(source: ByteSource): Promise<TableEntry[]> {
  const { metaindex, index } = await readFooter(source);
  const limit = source.size - FOOTER_LENGTH;
  await readBlock(source, metaindex, 'metaindex block');
  const indexBlock = await readBlock(source, index, 'index block');
  let end = 0;
  const handles = parseBlock(indexBlock, source.path, index.offset, 'index block').map((e) => {
    const c = new Cursor(e.value, source.path, index.offset, 'index block', HINT);
    const h = decodeHandle(c, 'data block handle');
    checkHandle(source, h, limit, 'data block');
    // TableBuilder writes data blocks one after another; a handle pointing back is damage (and
    // would let a small index make Graft read the same bytes over and over).
    if (h.offset < end) {
      throw new GraftError('corrupt', source.path, `the index block points at a data block at offset ${h.offset}, inside the previous one${HINT}`);
    }
    end = h.offset + h.size + BLOCK_TRAILER_LENGTH;
    return h;
  });
  const entries: TableEntry[] = [];
  let previous: Uint8Array | undefined;
  for (const h of handles) {
    const contents = await readBlock(source, h, 'data block');
    for (const e of parseBlock(contents, source.path, h.offset, 'data block')) {
      if (previous && compareBytes(previous, e.key) >= 0) {
        throw new GraftError(
          'corrupt',
          source.path,
          `keys are out of order in the data block at offset ${h.offset} (a table's keys are sorted and unique)${HINT}`,
        );
      }
      previous = e.key;
      entries.push(e);
    }
  }
  return entries;
}

function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
