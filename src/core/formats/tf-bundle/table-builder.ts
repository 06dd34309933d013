/**
 * Writer of TensorFlow's immutable table, byte for byte as tensorflow/core/lib/io/table_builder.cc
 * and block_builder.cc write it.
 */
import snappy from 'snappyjs';
import { concatBytes, putFixed32, putVarint } from './cursor';
import { crc32c, maskCrc } from './crc32c';
import { NO_COMPRESSION, SNAPPY_COMPRESSION, TABLE_MAGIC_HI, TABLE_MAGIC_LO, type BlockHandle } from './table';

export interface TableOptions {
  /** Uncompressed bytes per data block before it is flushed (table_options.h: 262144). */
  blockSize: number;
  /** Keys between restart points (table_options.h: 16; the index block always uses 1). */
  restartInterval: number;
  compression: typeof NO_COMPRESSION | typeof SNAPPY_COMPRESSION;
}

// tensor_bundle.cc writes its index with the defaults of table_options.h, compression off.
export const BUNDLE_TABLE_OPTIONS: TableOptions = { blockSize: 262144, restartInterval: 16, compression: NO_COMPRESSION };

class BlockBuilder {
  private buffer: number[] = [];
  private restarts = [0];
  private counter = 0;
  private lastKey: Uint8Array = new Uint8Array(0);

  constructor(private readonly restartInterval: number) {}

  get empty(): boolean {
    return this.buffer.length === 0;
  }

  sizeEstimate(): number {
    return this.buffer.length + this.restarts.length * 4 + 4;
  }

  add(key: Uint8Array, value: Uint8Array): void {
    let shared = 0;
    if (this.counter < this.restartInterval) {
      const n = Math.min(this.lastKey.byteLength, key.byteLength);
      while (shared < n && this.lastKey[shared] === key[shared]) shared++;
    } else {
      this.restarts.push(this.buffer.length);
      this.counter = 0;
    }
    putVarint(this.buffer, shared);
    putVarint(this.buffer, key.byteLength - shared);
    putVarint(this.buffer, value.byteLength);
    for (let i = shared; i < key.byteLength; i++) this.buffer.push(key[i]!);
    for (const b of value) this.buffer.push(b);
    this.lastKey = key;
    this.counter++;
  }

  finish(): Uint8Array {
    const out = this.buffer;
    for (const r of this.restarts) putFixed32(out, r);
    putFixed32(out, this.restarts.length);
    const bytes = Uint8Array.from(out);
    this.buffer = [];
    this.restarts = [0];
    this.counter = 0;
    this.lastKey = new Uint8Array(0);
    return bytes;
  }
}

function findShortestSeparator(start: Uint8Array, limit: Uint8Array): Uint8Array {
  const min = Math.min(start.byteLength, limit.byteLength);
  let i = 0;
  while (i < min && start[i] === limit[i]) i++;
  if (i >= min) return start; // one is a prefix of the other
  const b = start[i]!;
  if (b < 0xff && b + 1 < limit[i]!) {
    const out = start.slice(0, i + 1);
    out[i] = b + 1;
    return out;
  }
  return start;
}

function findShortSuccessor(key: Uint8Array): Uint8Array {
  for (let i = 0; i < key.byteLength; i++) {
    if (key[i] !== 0xff) {
      const out = key.slice(0, i + 1);
      out[i] = key[i]! + 1;
      return out;
    }
  }
  return key;
}

function encodeHandle(h: BlockHandle): Uint8Array {
  const out: number[] = [];
  putVarint(out, h.offset);
  putVarint(out, h.size);
  return Uint8Array.from(out);
}

/** Builds a whole table from entries whose keys are strictly increasing (bytewise). */
export function buildTable(entries: Iterable<{ key: Uint8Array; value: Uint8Array }>, options: TableOptions = BUNDLE_TABLE_OPTIONS): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const data = new BlockBuilder(options.restartInterval);
  const index = new BlockBuilder(1);
  let lastKey: Uint8Array = new Uint8Array(0);
  let numEntries = 0;
  let pendingHandle: BlockHandle | null = null;

  const writeBlock = (block: BlockBuilder): BlockHandle => {
    const raw = block.finish();
    let contents = raw;
    let type: number = options.compression;
    if (type === SNAPPY_COMPRESSION) {
      const compressed = snappy.compress(raw);
      if (compressed.byteLength < raw.byteLength - Math.floor(raw.byteLength / 8)) contents = compressed;
      else type = NO_COMPRESSION;
    }
    const handle = { offset, size: contents.byteLength };
    const trailer = new Uint8Array(5);
    trailer[0] = type;
    const crc = crc32c(trailer.subarray(0, 1), crc32c(contents));
    new DataView(trailer.buffer).setUint32(1, maskCrc(crc), true);
    parts.push(contents, trailer);
    offset += contents.byteLength + 5;
    return handle;
  };

  const flush = () => {
    if (data.empty) return;
    pendingHandle = writeBlock(data);
  };

  for (const { key, value } of entries) {
    if (numEntries > 0 && key.byteLength + value.byteLength >= 2 * options.blockSize) flush();
    if (pendingHandle) {
      index.add(findShortestSeparator(lastKey, key), encodeHandle(pendingHandle));
      pendingHandle = null;
    }
    lastKey = key;
    numEntries++;
    data.add(key, value);
    if (data.sizeEstimate() >= options.blockSize) flush();
  }
  flush();
  const metaindex = writeBlock(new BlockBuilder(options.restartInterval));
  if (pendingHandle) {
    index.add(findShortSuccessor(lastKey), encodeHandle(pendingHandle));
    pendingHandle = null;
  }
  const indexHandle = writeBlock(index);
  const footer: number[] = [];
  for (const b of encodeHandle(metaindex)) footer.push(b);
  for (const b of encodeHandle(indexHandle)) footer.push(b);
  while (footer.length < 40) footer.push(0);
  putFixed32(footer, TABLE_MAGIC_LO);
  putFixed32(footer, TABLE_MAGIC_HI);
  parts.push(Uint8Array.from(footer));
  return concatBytes(parts);
}
