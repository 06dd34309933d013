/**
 * A TensorFlow checkpoint (tensor bundle) read lazily: listing reads only the `.index` table (and
 * the small object graph of a TF2 checkpoint); tensor bytes are read by range on demand and
 * checked against their CRC32C. Format: tensorflow/core/util/tensor_bundle/tensor_bundle.cc.
 */
import { GraftError } from '../../errors';
import { basename, checkRange, markStoredRange, type ByteSource } from '../../io/byte-source';
import { clip, listSome } from '../../io/untrusted';
import type { Checkpoint, TensorInfo } from '../../model/checkpoint';
import { ELEMENT_SIZE, type DType } from '../../model/dtypes';
import { classifyVariable } from '../../model/naming';
import { unmaskCrc } from './crc32c';
import { crcElsewhere, crcOfRange, hex, overlaps, readChecksummed, variantCrc, type StoredCopy } from './stored-bytes';
import { dataFileName } from './naming';
import { MAX_GRAPH_PATH, namesFromObjectGraph, OBJECT_GRAPH_KEY, type GraphName } from './object-graph';
import { decodeEntry, decodeHeader, decodeObjectGraph, dtypeFromCode, tfDtypeName, type BundleEntry, type BundleHeader } from './protos-read';
import { copySliceInto, encodeTensorNameSlice, sliceShape } from './slices';
import { decodeStringTensor, parseStringTensor } from './strings';
import { readTable, type TableEntry } from './table';
import { unreadableReason } from './unreadable';
import { bundleValue } from './value';

// tensor_bundle.cc: kTensorBundleVersion; a bundle whose min_consumer is newer cannot be read.
const TENSOR_BUNDLE_VERSION = 1;
const MAX_SHARDS = 1 << 20;

export interface TfBundleCheckpoint extends Checkpoint {
  format: 'tf-bundle';
  /** The header's endianness. `read` returns tensor bytes as stored, `readValue` little-endian. */
  littleEndian: boolean;
  numShards: number;
  /** The bundle entry behind a listed tensor (for `inspect`): shard, offset, size, masked crc32c, slices. */
  entry(name: string): BundleEntry | undefined;
  /**
   * Where a tensor's value lies as is, for a writer that can take it without reading it: a fixed-size dtype stored
   * whole (not partitioned) in a little-endian bundle whose data file is there. Undefined otherwise.
   */
  storedCopy(name: string): StoredCopy | undefined;
}


const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.byteLength; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
};
const utf8 = new TextDecoder('utf-8');

function elementCountChecked(shape: readonly number[], file: string, name: string): number {
  let n = 1;
  for (const d of shape) {
    if (d < 0) throw new GraftError('corrupt', file, `tensor "${clip(name)}" has a dimension of size ${d} in [${clip(shape.join(', '))}]`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) {
    throw new GraftError('too-large', file, `tensor "${clip(name)}" has shape [${clip(shape.join(', '))}], more elements than Graft can address`);
  }
  return n;
}

/** What every stage of opening a bundle needs: the index's name, its header, the data files dropped with it. */
interface Bundle {
  file: string;
  header: BundleHeader;
  shards: ReadonlyMap<number, ByteSource>;
  shardPath(id: number): string;
  warnings: string[];
}

/** The index's table and its header entry (key ""), checked: shard count and the bundle version this reader knows. */
async function readIndex(index: ByteSource): Promise<{ table: TableEntry[]; header: BundleHeader }> {
  const file = index.path;
  const table = await readTable(index);
  const first = table[0];
  if (!first || first.key.byteLength !== 0) {
    throw new GraftError('corrupt', file, 'expected the bundle header (key "") as the first entry of the table but it is missing — this table is not a TensorFlow checkpoint index');
  }
  const header = decodeHeader(first.value, file);
  if (header.numShards < 1 || header.numShards > MAX_SHARDS) {
    throw new GraftError('corrupt', file, `the bundle header says ${header.numShards} data shards; expected at least 1 — the index is damaged`);
  }
  if (header.version.minConsumer > TENSOR_BUNDLE_VERSION) {
    throw new GraftError('unsupported', file, `the checkpoint needs a reader of bundle version ${header.version.minConsumer} or newer; Graft reads version ${TENSOR_BUNDLE_VERSION}`);
  }
  return { table, header };
}

interface Listed {
  /** Every entry after the header, in index order, by name and by raw key (latin1 of its bytes). */
  ordered: { name: string; key: string; entry: BundleEntry }[];
  byKey: Map<string, BundleEntry>;
  /** The slice entries of each partitioned variable, and the raw keys of all slice entries. */
  sliceEntries: Map<string, BundleEntry[]>;
  sliceKeys: Set<string>;
}

/** Decodes the table's entries and finds each partitioned variable's slices (every one must be in the index). */
function listEntries(table: readonly TableEntry[], file: string): Listed {
  const byKey = new Map<string, BundleEntry>();
  const ordered: Listed['ordered'] = [];
  for (const e of table.slice(1)) {
    const name = utf8.decode(e.key);
    const entry = decodeEntry(e.value, file, name);
    const key = latin1(e.key);
    byKey.set(key, entry);
    ordered.push({ name, key, entry });
  }
  const sliceKeys = new Set<string>();
  const sliceEntries = new Map<string, BundleEntry[]>();
  for (const { name, entry } of ordered) {
    if (entry.slices.length === 0) continue;
    const parts: BundleEntry[] = [];
    for (const slice of entry.slices) {
      sliceShape(slice, entry.shape, file, name);
      const key = latin1(encodeTensorNameSlice(name, slice));
      const part = byKey.get(key);
      if (!part) {
        throw new GraftError('corrupt', file, `partitioned variable "${clip(name)}" lists a slice whose entry is missing from the index`);
      }
      sliceKeys.add(key);
      parts.push(part);
    }
    sliceEntries.set(name, parts);
  }
  return { ordered, byKey, sliceEntries, sliceKeys };
}

/** Checks where an entry says its bytes are: a shard of the bundle, an addressable range, the size its dtype and shape need. */
function checkStored(b: Bundle, truncated: Set<string>, label: string, entry: BundleEntry, dtype: DType, count: number): void {
  const { file, header } = b;
  if (entry.shardId < 0 || entry.shardId >= header.numShards) {
    throw new GraftError('corrupt', file, `${label} is in data shard ${entry.shardId} but the bundle has ${header.numShards} shards`);
  }
  if (!Number.isSafeInteger(entry.offset + entry.size)) {
    throw new GraftError('too-large', file, `${label} claims ${entry.size} bytes at offset ${entry.offset}, beyond what Graft can address`);
  }
  const elem = ELEMENT_SIZE[dtype];
  if (elem > 0 && entry.size !== count * elem) {
    throw new GraftError('corrupt', file, `${label} (${tfDtypeName(entry.dtypeCode)}, shape [${clip(entry.shape.join(', '))}]) should take ${count * elem} bytes but its entry says ${entry.size} — the index is damaged`);
  }
  if (dtype === 'string' && entry.size < count + 4 && !(entry.size === 0 && count === 0)) {
    throw new GraftError('corrupt', file, `${label} is a string tensor with ${count} elements but its entry says only ${entry.size} bytes (at least ${count + 4} needed)`);
  }
  const shard = b.shards.get(entry.shardId);
  if (shard && entry.offset + entry.size > shard.size && !truncated.has(shard.path)) {
    truncated.add(shard.path);
    b.warnings.push(`${shard.path} is ${shard.size} bytes but ${label} needs bytes up to ${entry.offset + entry.size} — the data file is truncated`);
  }
}

/** Like TF's TensorSliceSet query: a partitioned variable's slices must tile it (no gaps, no overlaps), each stored as it says. */
function checkPartitioned(b: Bundle, truncated: Set<string>, name: string, entry: BundleEntry, parts: readonly BundleEntry[], dtype: DType, count: number): void {
  const { file } = b;
  const covered = entry.slices.reduce((sum, slice) => sum + elementCountChecked(sliceShape(slice, entry.shape, file, name), file, name), 0);
  if (covered !== count) {
    throw new GraftError('corrupt', file, `the slices of partitioned variable "${clip(name)}" hold ${covered} elements but the variable has ${count}`);
  }
  entry.slices.forEach((slice, s) => {
    const part = parts[s]!;
    const shape = sliceShape(slice, entry.shape, file, name);
    if (part.dtypeCode !== entry.dtypeCode || part.shape.join() !== shape.join()) {
      throw new GraftError('corrupt', file, `a slice of partitioned variable "${clip(name)}" is stored as ${tfDtypeName(part.dtypeCode)} [${clip(part.shape.join(', '))}] but should be ${tfDtypeName(entry.dtypeCode)} [${clip(shape.join(', '))}]`);
    }
    checkStored(b, truncated, `slice ${s} of partitioned variable "${clip(name)}"`, part, dtype, elementCountChecked(shape, file, name));
  });
}

/** The bundle's variables (slice entries folded into their variable), each checked against the index and the shards. */
function tensorsOf(b: Bundle, listed: Listed): { infos: Map<string, TensorInfo>; entries: Map<string, BundleEntry> } {
  const { file } = b;
  const infos = new Map<string, TensorInfo>();
  const entries = new Map<string, BundleEntry>();
  const truncated = new Set<string>();
  for (const { name, key, entry } of listed.ordered) {
    if (listed.sliceKeys.has(key)) continue;
    const dtype = dtypeFromCode(entry.dtypeCode);
    if (!dtype) {
      const code = entry.dtypeCode === 0 ? 'corrupt' : 'unsupported';
      throw new GraftError(code, file, `tensor "${clip(name)}" has dtype ${tfDtypeName(entry.dtypeCode)}, which Graft does not know`);
    }
    if (entry.unknownRank) throw new GraftError('corrupt', file, `tensor "${clip(name)}" is stored with an unknown rank`);
    const count = elementCountChecked(entry.shape, file, name);
    const parts = listed.sliceEntries.get(name);
    if (parts) checkPartitioned(b, truncated, name, entry, parts, dtype, count);
    else checkStored(b, truncated, `tensor "${clip(name)}"`, entry, dtype, count);
    const byteLength = parts ? count * ELEMENT_SIZE[dtype] : entry.size;
    infos.set(name, { name, dtype, shape: entry.shape, byteLength, kind: 'weight', group: '' });
    entries.set(name, entry);
  }
  return { infos, entries };
}

/** One stored entry's bytes from its shard, checked against its CRC32C (strings and variants: TF's own CRC of them). */
async function readStored(b: Bundle, name: string, entry: BundleEntry, dtype: DType, count: number, into?: Uint8Array): Promise<Uint8Array> {
  const shard = b.shards.get(entry.shardId);
  if (!shard) {
    throw new GraftError('missing-file', b.shardPath(entry.shardId), `data file not found — tensor "${clip(name)}" is stored there (shard ${entry.shardId} of ${b.header.numShards}); drop it together with ${basename(b.file)}`);
  }
  let bytes: Uint8Array;
  let actual: number;
  if (dtype === 'string' || dtype === 'variant') {
    bytes = await shard.read(entry.offset, entry.size);
    if (dtype === 'string') actual = parseStringTensor(bytes, count, shard.path, name, entry.offset, b.header.littleEndian).crc;
    else actual = variantCrc(bytes, count, shard.path, name, entry.offset);
  } else {
    ({ bytes, crc: actual } = await readChecksummed(shard, entry.offset, entry.size, into && into.byteLength >= entry.size ? into : undefined));
  }
  checkCrc(shard, name, entry, actual);
  if (bytes.byteLength === entry.size) markStoredRange(bytes, shard, entry.offset);
  return bytes;
}

function checkCrc(shard: ByteSource, name: string, entry: BundleEntry, actual: number): void {
  const stored = unmaskCrc(entry.crc32c);
  if (actual !== stored) {
    throw new GraftError('tensor-checksum', shard.path, `checksum mismatch for tensor "${clip(name)}" at offset ${entry.offset} (${entry.size} bytes; stored ${hex(stored)}, computed ${hex(actual)}) — the data file is damaged`);
  }
}

/** `TfBundleCheckpoint.storedCopy`. */
function storedCopyOf(b: Bundle, name: string, info: TensorInfo | undefined, entry: BundleEntry | undefined, partitioned: boolean): StoredCopy | undefined {
  const shard = entry && b.shards.get(entry.shardId);
  if (!info || !entry || !shard || partitioned || !b.header.littleEndian || ELEMENT_SIZE[info.dtype] === 0 || entry.offset + entry.size > shard.size) return undefined;
  return {
    source: shard,
    offset: entry.offset,
    size: entry.size,
    crc32c: unmaskCrc(entry.crc32c),
    async verify(scratch) {
      checkCrc(shard, name, entry, await crcOfRange(shard, entry.offset, entry.size, scratch));
    },
    verifyElsewhere() {
      return crcElsewhere(shard, entry.offset, entry.size)?.then((crc) => checkCrc(shard, name, entry, crc));
    },
  };
}

type ReadFn = (name: string, into?: Uint8Array) => Promise<Uint8Array>;

/** `Checkpoint.read` over the bundle: a variable's stored bytes, a partitioned one reassembled from its slices. */
function storedReader(b: Bundle, infos: ReadonlyMap<string, TensorInfo>, entries: ReadonlyMap<string, BundleEntry>, sliceEntries: ReadonlyMap<string, BundleEntry[]>): ReadFn {
  const { file } = b;
  return async (name, into) => {
    const info = infos.get(name);
    const entry = entries.get(name);
    if (!info || !entry) throw new GraftError('not-found', file, `no tensor named "${clip(name)}" in this checkpoint`);
    const parts = sliceEntries.get(name);
    if (!parts) return readStored(b, name, entry, info.dtype, elementCountChecked(info.shape, file, name), into);
    const elem = ELEMENT_SIZE[info.dtype];
    if (elem === 0) {
      throw new GraftError('unsupported', file, `partitioned variable "${clip(name)}" has dtype ${info.dtype}; Graft reassembles only fixed-size dtypes`);
    }
    checkPartsBacked(b, name, parts, info.byteLength);
    const full = new Uint8Array(info.byteLength);
    for (const [s, slice] of entry.slices.entries()) {
      const shape = sliceShape(slice, info.shape, file, name);
      const bytes = await readStored(b, name, parts[s]!, info.dtype, elementCountChecked(shape, file, name));
      copySliceInto(full, info.shape, slice, bytes, elem);
    }
    return full;
  };
}

/**
 * Before a partitioned variable is allocated: each slice's bytes lie inside its dropped shard, and the whole is no
 * larger than those shards together (slices that claim the same bytes could otherwise ask for any size).
 */
function checkPartsBacked(b: Bundle, name: string, parts: readonly BundleEntry[], byteLength: number): void {
  const used = new Map<number, ByteSource>();
  for (const part of parts) {
    const shard = b.shards.get(part.shardId);
    if (!shard) {
      throw new GraftError('missing-file', b.shardPath(part.shardId), `data file not found — a slice of partitioned variable "${clip(name)}" is stored there (shard ${part.shardId} of ${b.header.numShards}); drop it together with ${basename(b.file)}`);
    }
    checkRange(shard, part.offset, part.size);
    used.set(part.shardId, shard);
  }
  const backed = [...used.values()].reduce((sum, s) => sum + s.size, 0);
  if (byteLength > backed) {
    throw new GraftError('corrupt', b.file, `partitioned variable "${clip(name)}" claims ${byteLength} bytes but its slices lie in data files of ${backed} bytes together — the index is damaged`);
  }
}

/** TF2: readable names from the object graph, a small string tensor in a data shard; none when it cannot be read (a warning says why). */
async function objectGraphNames(b: Bundle, read: ReadFn, infos: ReadonlyMap<string, TensorInfo>, entries: ReadonlyMap<string, BundleEntry>): Promise<Map<string, GraphName>> {
  const graphInfo = infos.get(OBJECT_GRAPH_KEY);
  if (!graphInfo || graphInfo.dtype !== 'string' || graphInfo.shape.length !== 0 || !b.shards.has(entries.get(OBJECT_GRAPH_KEY)!.shardId)) return new Map();
  try {
    const bytes = await read(OBJECT_GRAPH_KEY);
    const [serialized] = decodeStringTensor(bytes, 1, b.file, OBJECT_GRAPH_KEY, b.header.littleEndian);
    const report = { tooLong: 0 };
    const names = namesFromObjectGraph(decodeObjectGraph(serialized ?? new Uint8Array(0), b.file), report);
    if (report.tooLong > 0) {
      b.warnings.push(`the object graph gives ${report.tooLong} variable${report.tooLong > 1 ? 's' : ''} a path longer than ${MAX_GRAPH_PATH} characters (or all paths together too long to keep); they are listed by their keys only`);
    }
    return names;
  } catch (e) {
    b.warnings.push(`the object graph could not be read, so readable names are missing: ${e instanceof Error ? e.message : String(e)}`);
    return new Map();
  }
}

/** Each variable's kind and group, and its readable path and original name where the object graph has them. */
function named(infos: ReadonlyMap<string, TensorInfo>, graphNames: ReadonlyMap<string, GraphName>): TensorInfo[] {
  return [...infos.values()].map((info) => {
    const g = graphNames.get(info.name);
    const cls = classifyVariable(info.name, g ? { path: g.path, optimizer: g.optimizer } : {});
    return {
      ...info,
      kind: cls.kind,
      group: cls.group,
      ...(g ? { path: g.path } : {}),
      ...(g?.originalName ? { originalName: g.originalName } : {}),
    } satisfies TensorInfo;
  });
}

/**
 * Opens the bundle whose index is `index`. `prefix` is the bundle prefix as dropped
 * (`training_2/cp-0000.ckpt`); `shards` maps shard ids to the data files that were dropped.
 */
export async function openTfBundle(
  index: ByteSource,
  shards: ReadonlyMap<number, ByteSource>,
  prefix = index.path.replace(/\.index$/, ''),
): Promise<TfBundleCheckpoint> {
  const file = index.path;
  const { table, header } = await readIndex(index);
  const b: Bundle = { file, header, shards, shardPath: (id) => dataFileName(prefix, id, header.numShards), warnings: [] };
  const listed = listEntries(table, file);
  const { infos, entries } = tensorsOf(b, listed);
  b.warnings.push(...overlaps(entries, listed.sliceEntries, b.shardPath));
  // One line however many are missing (a 123-byte index can claim a million shards).
  let missing = 0;
  const firstMissing: string[] = [];
  for (let id = 0; id < header.numShards; id++) {
    if (!shards.has(id) && ++missing <= 3) firstMissing.push(b.shardPath(id));
  }
  if (missing > 0) b.warnings.push(`${listSome(firstMissing, missing)} ${missing > 1 ? 'are' : 'is'} missing: the variables can be listed but their values cannot be read`);
  const read = storedReader(b, infos, entries, listed.sliceEntries);
  const tensors = named(infos, await objectGraphNames(b, read, infos, entries));
  return {
    format: 'tf-bundle',
    label: prefix,
    files: [file, ...[...shards.entries()].sort((x, y) => x[0] - y[0]).map(([, s]) => s.path)],
    tensors,
    warnings: b.warnings,
    littleEndian: header.littleEndian,
    numShards: header.numShards,
    read,
    async readValue(name, into) {
      const info = infos.get(name);
      const entry = entries.get(name);
      if (!info || !entry) throw new GraftError('not-found', file, `no tensor named "${clip(name)}" in this checkpoint`);
      return bundleValue(read, info, entry, header.littleEndian, file, into);
    },
    entry: (name) => entries.get(name),
    storedCopy: (name) => storedCopyOf(b, name, infos.get(name), entries.get(name), listed.sliceEntries.has(name)),
    unreadable(name) {
      const entry = entries.get(name);
      if (!entry) return undefined;
      return unreadableReason({ shards, numShards: header.numShards, shardPath: b.shardPath }, listed.sliceEntries.get(name) ?? [entry]);
    },
  };
}
