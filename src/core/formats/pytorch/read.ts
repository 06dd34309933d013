/**
 * A PyTorch checkpoint as a lazy Checkpoint: the pickle is read at open, each tensor's bytes when it is read, from
 * its storage's byte range only. A tensor that is a strided view (a transposed weight, a slice) is gathered into
 * C order; `read` and `readValue` give the same bytes for a little-endian file (every file torch writes today),
 * `readValue` swaps a big-endian one.
 */
import { GraftError } from '../../errors';
import { basename, type ByteSource } from '../../io/byte-source';
import type { Checkpoint, TensorInfo } from '../../model/checkpoint';
import { ELEMENT_SIZE } from '../../model/dtypes';
import { byteOrderUnit, swapByteOrder } from '../../model/numbers';
import type { SafetensorsIndex } from '../safetensors/read';
import { readLegacyTorch, readZipTorch, type TorchFile } from './archive';
import { explainTorchName, torchLayout } from './detect';
import { flatten, type FlatEntry } from './flatten';
import type { TorchTensor } from './values';
import { clip, listSome } from '../../io/untrusted';

export interface PytorchCheckpoint extends Checkpoint {
  /** Groups of tensor names that are views of one storage (tied weights), each group in listing order. */
  shared: string[][];
}

/** An expanded view (stride 0) may list more bytes than its storage holds, within reason. */
const MAX_EXPANDED_BYTES = 256 << 20;

interface Located {
  entry: FlatEntry;
  file: TorchFile;
  source: ByteSource;
}

function elements(shape: readonly number[]): bigint {
  return shape.reduce((a, d) => a * BigInt(d), 1n);
}

/** The tensor's last element, in elements from its first; -1 for an empty tensor. */
function extent(t: TorchTensor): number {
  if (t.shape.some((d) => d === 0)) return -1;
  return t.shape.reduce((a, d, i) => a + (d - 1) * t.stride[i]!, 0);
}

function isContiguous(t: TorchTensor): boolean {
  let expected = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.stride[i] !== expected) return false;
    expected *= t.shape[i]!;
  }
  return true;
}

/** Checks a tensor against its storage and the file; returns its byte length. */
function validate(l: Located): number {
  const { entry, file, source } = l;
  if (entry.value instanceof Uint8Array) return entry.value.byteLength;
  const t = entry.value;
  const size = ELEMENT_SIZE[entry.dtype];
  const count = elements(t.shape);
  const bytes = count * BigInt(size);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new GraftError('corrupt', source.path, `tensor ${clip(entry.name)} has size (${clip(t.shape.join(', '), 120)}), more elements than any file holds — the pickle is damaged`);
  const last = extent(t);
  const storageBytes = t.storage.numel * t.storage.elementSize;
  if (last >= 0) {
    const end = (t.offset + last + 1) * size;
    if (!Number.isSafeInteger(end) || end > storageBytes) {
      throw new GraftError('corrupt', source.path, `tensor ${clip(entry.name)} (size (${clip(t.shape.join(', '), 120)}), stride (${clip(t.stride.join(', '), 120)}), offset ${t.offset}) reaches byte ${end} of its storage ${t.storage.key}, which has ${storageBytes} — the file is damaged`);
    }
  }
  const record = file.records.get(t.storage.rootKey)!;
  const rootBytes = (t.storage.offset + t.storage.numel) * t.storage.elementSize;
  if (record.size < rootBytes) {
    throw new GraftError('truncated', source.path, `storage ${t.storage.rootKey} should hold ${rootBytes} bytes but the file has ${record.size} for it — the file is truncated or damaged`);
  }
  return Number(bytes);
}

async function readTensor(l: Located): Promise<Uint8Array> {
  const { entry, file, source } = l;
  if (entry.value instanceof Uint8Array) return entry.value;
  const t = entry.value;
  const size = ELEMENT_SIZE[entry.dtype];
  const byteLength = Number(elements(t.shape)) * size;
  const last = extent(t);
  if (last < 0) return new Uint8Array(0);
  const base = t.storage.offset * t.storage.elementSize + t.offset * size;
  const record = file.records.get(t.storage.rootKey)!;
  if (isContiguous(t)) return record.read(base, byteLength);
  const span = (last + 1) * size;
  if (byteLength > MAX_EXPANDED_BYTES && byteLength > span * 16) {
    throw new GraftError('too-large', source.path, `tensor ${clip(entry.name)} is a ${byteLength}-byte view repeating ${span} stored bytes; Graft does not expand views that large`);
  }
  const raw = await record.read(base, span);
  return gather(raw, t.shape, t.stride, size);
}

/** Elements of a strided view into C order. */
export function gather(raw: Uint8Array, shape: readonly number[], stride: readonly number[], size: number): Uint8Array {
  const n = shape.length;
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * size);
  const idx = new Array<number>(n).fill(0);
  let src = 0;
  for (let dst = 0; dst < count; dst++) {
    if (size === 4) out.set(raw.subarray(src * 4, src * 4 + 4), dst * 4);
    else for (let b = 0; b < size; b++) out[dst * size + b] = raw[src * size + b]!;
    for (let k = n - 1; k >= 0; k--) {
      idx[k]!++;
      src += stride[k]!;
      if (idx[k]! < shape[k]!) break;
      src -= stride[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

function sharedGroups(located: readonly Located[]): string[][] {
  const byStorage = new Map<string, string[]>();
  for (const l of located) {
    if (l.entry.value instanceof Uint8Array || extent(l.entry.value) < 0) continue;
    const id = `${l.source.path}\u0000${l.entry.value.storage.rootKey}`;
    const group = byStorage.get(id);
    if (group) group.push(l.entry.name);
    else byStorage.set(id, [l.entry.name]);
  }
  return [...byStorage.values()].filter((g) => g.length > 1);
}

export function buildCheckpoint(label: string, files: string[], located: Located[], warnings: string[]): PytorchCheckpoint {
  const byName = new Map<string, Located>();
  const tensors: TensorInfo[] = [];
  const twice: string[] = [];
  for (const l of located) {
    const { entry } = l;
    if (byName.has(entry.name)) {
      twice.push(`${clip(entry.name)} (in ${byName.get(entry.name)!.source.path} and ${l.source.path})`);
      continue;
    }
    const byteLength = validate(l);
    byName.set(entry.name, l);
    tensors.push({ name: entry.name, dtype: entry.dtype, shape: entry.shape, byteLength, kind: entry.kind, group: entry.group, ...(entry.originalName ? { originalName: entry.originalName } : {}) });
  }
  if (twice.length > 0) warnings.push(`${listSome(twice)} appear${twice.length > 1 ? '' : 's'} twice; the first is used`);
  const shared = sharedGroups([...byName.values()]);
  // One line per group for the few a model ties, one line in all for a file that ties thousands.
  if (shared.length <= 3) for (const g of shared) warnings.push(`${listSome(g, g.length, 4)} are views of one storage (tied or shared weights); each is listed and written as its own tensor`);
  else warnings.push(`${shared.length} groups of tensors are views of one storage each (tied or shared weights), e.g. ${listSome(shared.map((g) => listSome(g, g.length, 2)), shared.length, 2)}; each is listed and written as its own tensor`);
  const get = (name: string) => {
    const l = byName.get(name);
    if (!l) throw new GraftError('not-found', label, `no tensor named ${clip(name)}`);
    return l;
  };
  return {
    format: 'pytorch',
    label,
    files,
    tensors,
    warnings,
    shared,
    read: (name) => readTensor(get(name)),
    async readValue(name) {
      const l = get(name);
      const bytes = await readTensor(l);
      return { bytes: l.file.littleEndian || l.entry.value instanceof Uint8Array ? bytes : swapByteOrder(bytes, byteOrderUnit(l.entry.dtype)) };
    },
  };
}

/** Reads one file's object and lists what it holds. */
export async function readTorchFile(source: ByteSource, layout: 'zip' | 'legacy'): Promise<{ file: TorchFile; located: Located[]; notes: string[] }> {
  const file = layout === 'zip' ? await readZipTorch(source) : await readLegacyTorch(source);
  const flat = flatten(file.value, source.path, file.pickleBytes);
  const notes = flat.notes.map((n) => `${basename(source.path)}: ${n}`);
  if (file.load.standIns.size > 0) {
    const names = [...file.load.standIns];
    notes.push(`${basename(source.path)}: objects of ${names.slice(0, 6).join(', ')}${names.length > 6 ? ` and ${names.length - 6} more classes` : ''} are kept as data; no code of theirs is run`);
  }
  if (!file.littleEndian) notes.push(`${basename(source.path)} was saved on a big-endian machine; values are read back little-endian`);
  return { file, located: flat.entries.map((entry) => ({ entry, file, source })), notes };
}

export async function openPytorch(source: ByteSource, layout: 'zip' | 'legacy'): Promise<PytorchCheckpoint> {
  const { located, notes } = await readTorchFile(source, layout);
  return buildCheckpoint(basename(source.path), [source.path], located, notes);
}

/** HF sharded `.bin`: every shard the index names must be among `shards`; the index says which shard holds a name. */
export async function openShardedPytorch(indexPath: string, index: SafetensorsIndex, shards: Map<string, ByteSource>): Promise<PytorchCheckpoint> {
  const shardNames = [...new Set(index.weightMap.values())];
  const missing = shardNames.filter((s) => !shards.has(s));
  if (missing.length > 0) {
    throw new GraftError('missing-file', indexPath, `the index names shard${missing.length > 1 ? 's' : ''} ${listSome(missing)}, which ${missing.length > 1 ? 'were' : 'was'} not dropped with it`);
  }
  const located: Located[] = [];
  const warnings: string[] = [];
  const unindexed: string[] = [];
  for (const shardName of shardNames) {
    const source = shards.get(shardName)!;
    const layout = await torchLayout(source);
    if (!layout) throw new GraftError('not-recognised', source.path, (await explainTorchName(source)) ?? 'is named by the index as a shard but is not a PyTorch file');
    const shard = await readTorchFile(source, layout);
    warnings.push(...shard.notes);
    const listed = new Set<string>();
    for (const l of shard.located) {
      listed.add(l.entry.name);
      const named = index.weightMap.get(l.entry.name);
      if (named === undefined) unindexed.push(`${clip(l.entry.name)} (in ${clip(shardName)})`);
      else if (named !== shardName) continue;
      located.push(l);
    }
    for (const [tensor, shardOf] of index.weightMap) {
      if (shardOf === shardName && !listed.has(tensor)) throw new GraftError('corrupt', source.path, `the index places tensor ${clip(tensor)} in this shard, but the shard does not hold it`);
    }
  }
  if (unindexed.length > 0) warnings.push(`tensor${unindexed.length > 1 ? 's' : ''} ${listSome(unindexed)} ${unindexed.length > 1 ? 'are' : 'is'} not in the index's weight_map`);
  return buildCheckpoint(basename(indexPath), [indexPath, ...shardNames.map((s) => shards.get(s)!.path)], located, warnings);
}
