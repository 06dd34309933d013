/**
 * safetensors: 8-byte little-endian header length N, N bytes of JSON header, then the tensor data.
 * Validated the way the reference implementation does (huggingface/safetensors `safetensors/src/tensor.rs`):
 * header capped at 100 MB, JSON must be an object, data offsets walked in order with no holes or overlaps,
 * each tensor's byte length equals its shape times its dtype size, and the data ends exactly at the file's end.
 */
import { GraftError } from '../../errors';
import { basename, type ByteSource } from '../../io/byte-source';
import type { Checkpoint, TensorInfo } from '../../model/checkpoint';
import type { DType } from '../../model/dtypes';
import { classifyVariable } from '../../model/naming';
import { clip, describeJson, listSome, own, setOwn } from '../../io/untrusted';
import { scanHeader } from './header-scan';

/** `MAX_HEADER_SIZE` in tensor.rs. */
export const MAX_HEADER_SIZE = 100_000_000;

/** safetensors dtype → Graft dtype (null: valid in the spec, not handled by Graft) and its size in bits. */
export const SAFETENSORS_DTYPES: Record<string, { dtype: DType | null; bits: number }> = {
  BOOL: { dtype: 'bool', bits: 8 },
  F4: { dtype: null, bits: 4 },
  F6_E2M3: { dtype: null, bits: 6 },
  F6_E3M2: { dtype: null, bits: 6 },
  U8: { dtype: 'uint8', bits: 8 },
  I8: { dtype: 'int8', bits: 8 },
  F8_E5M2: { dtype: 'float8_e5m2', bits: 8 },
  F8_E4M3: { dtype: 'float8_e4m3fn', bits: 8 },
  F8_E8M0: { dtype: null, bits: 8 },
  I16: { dtype: 'int16', bits: 16 },
  U16: { dtype: 'uint16', bits: 16 },
  F16: { dtype: 'float16', bits: 16 },
  BF16: { dtype: 'bfloat16', bits: 16 },
  I32: { dtype: 'int32', bits: 32 },
  U32: { dtype: 'uint32', bits: 32 },
  F32: { dtype: 'float32', bits: 32 },
  C64: { dtype: 'complex64', bits: 64 },
  F64: { dtype: 'float64', bits: 64 },
  I64: { dtype: 'int64', bits: 64 },
  U64: { dtype: 'uint64', bits: 64 },
};

export interface SafetensorsEntry {
  name: string;
  /** As written in the header, e.g. `BF16`. */
  stDtype: string;
  dtype: DType | null;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  headerLength: number;
  /** In data-offset order. */
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Reads and validates the header; reads nothing else. */
export async function readSafetensorsHeader(source: ByteSource): Promise<SafetensorsHeader> {
  const { headerLength, text } = await readHeaderText(source);
  const { entries, relative, metadata } = scanHeader(text, headerLength, SAFETENSORS_DTYPES) ?? parseEntries(source.path, parseHeaderJson(source.path, text), headerLength);
  return { headerLength, entries: checkDataLayout(source, headerLength, entries, relative), metadata };
}

/** The length prefix and the header's text, checked to be UTF-8 and to start like a JSON object. */
async function readHeaderText(source: ByteSource): Promise<{ headerLength: number; text: string }> {
  const file = source.path;
  if (source.size < 8) throw new GraftError('truncated', file, `a safetensors file starts with an 8-byte header length, but the file is only ${source.size} bytes long`);
  const lenBytes = await source.read(0, 8);
  const n = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new GraftError('too-large', file, `safetensors header length is ${n} bytes, more than the 100 MB the format allows — the file is damaged or not safetensors`);
  }
  const headerLength = Number(n);
  if (8 + headerLength > source.size) {
    throw new GraftError('truncated', file, `safetensors header length is ${headerLength} bytes but the file is only ${source.size} bytes long — it is truncated or not safetensors`);
  }
  const raw = await source.read(8, headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (e) {
    throw new GraftError('corrupt', file, 'safetensors header is not valid UTF-8', { cause: e });
  }
  if (!text.startsWith('{')) throw new GraftError('corrupt', file, `safetensors header must be a JSON object starting with '{', found ${JSON.stringify(text.slice(0, 16))}`);
  return { headerLength, text };
}

/** The header's JSON object. */
function parseHeaderJson(file: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GraftError('corrupt', file, `safetensors header is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!isPlainObject(json)) throw new GraftError('corrupt', file, 'safetensors header must be a JSON object of tensors');
  return json;
}

/** `__metadata__` and each tensor's dtype, shape and offsets, each checked for its JSON type (exported for header-scan's test). */
export function parseEntries(file: string, json: Record<string, unknown>, headerLength: number): { entries: SafetensorsEntry[]; relative: number[]; metadata: Record<string, string> } {
  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  // Each entry's data offsets relative to the data section, as written (begin and end add the header's length):
  // relative[2i], relative[2i + 1].
  const relative: number[] = [];
  // Object.keys in an indexed loop (the order Object.entries gives): a header lists tens of thousands of tensors, and
  // this runs once, mostly before the optimising compiler sees it, where each destructured pair costs iterators.
  const names = Object.keys(json);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = json[name];
    if (name === '__metadata__') {
      if (!isPlainObject(value)) throw new GraftError('corrupt', file, '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw new GraftError('corrupt', file, `__metadata__.${clip(k)} must be a string, found ${typeof v}`);
        setOwn(metadata, k, v);
      }
      continue;
    }
    if (!isPlainObject(value)) throw new GraftError('corrupt', file, `tensor ${clip(name)}: expected {dtype, shape, data_offsets}`);
    const { dtype, shape, data_offsets: offsets } = value;
    const known = typeof dtype === 'string' ? own(SAFETENSORS_DTYPES, dtype) : undefined;
    if (typeof dtype !== 'string' || !known) {
      throw new GraftError('corrupt', file, `tensor ${clip(name)}: unknown dtype ${describeJson(dtype)}; the safetensors spec names ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) throw new GraftError('corrupt', file, `tensor ${clip(name)}: shape must be a list of non-negative integers, found ${describeJson(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
      throw new GraftError('corrupt', file, `tensor ${clip(name)}: data_offsets must be [begin, end], found ${describeJson(offsets)}`);
    }
    const [s, e] = offsets as [number, number];
    entries.push({ name, stDtype: dtype, dtype: known.dtype, shape: shape as number[], begin: 8 + headerLength + s, end: 8 + headerLength + e });
    relative.push(s, e);
  }
  return { entries, relative, metadata };
}

/**
 * Whether `shape` of `bits`-bit elements is exactly `bytes` long, in doubles while the product stays exact (every
 * tensor of a real file); false also when it may not be, and the caller then checks in BigInt and says why.
 */
function fitsExactly(shape: readonly number[], bits: number, bytes: number): boolean {
  let product = bits;
  for (const d of shape) {
    product *= d;
    if (product > Number.MAX_SAFE_INTEGER) return false;
  }
  return product % 8 === 0 && product / 8 === bytes;
}

/**
 * `entries` in offset order (a stable sort by `offsets`, parseEntries' relative offsets), checked to tile the data
 * section with no hole or overlap up to the file's end.
 */
function checkDataLayout(source: ByteSource, headerLength: number, unsorted: readonly SafetensorsEntry[], offsets: readonly number[]): SafetensorsEntry[] {
  const file = source.path;
  const order = new Array<number>(unsorted.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => offsets[2 * a]! - offsets[2 * b]! || offsets[2 * a + 1]! - offsets[2 * b + 1]! || a - b);
  const entries = new Array<SafetensorsEntry>(order.length);
  let cursor = 0;
  for (let i = 0; i < order.length; i++) {
    const t = (entries[i] = unsorted[order[i]!]!);
    const s = offsets[2 * order[i]!]!;
    const e = offsets[2 * order[i]! + 1]!;
    if (s !== cursor || e < s) {
      const what = s < cursor ? `overlaps the previous tensor (which ends at ${cursor})` : e < s ? 'ends before it begins' : `leaves a hole (previous data ends at ${cursor})`;
      throw new GraftError('corrupt', file, `tensor ${clip(t.name)}: data_offsets [${s}, ${e}] ${what} — the header is damaged`);
    }
    cursor = e;
    const dtypeBits = own(SAFETENSORS_DTYPES, t.stDtype)!.bits;
    if (fitsExactly(t.shape, dtypeBits, e - s)) continue;
    let elements = 1n;
    for (const d of t.shape) elements *= BigInt(d);
    const bits = elements * BigInt(dtypeBits);
    if (bits % 8n !== 0n) throw new GraftError('corrupt', file, `tensor ${clip(t.name)}: ${elements} elements of ${t.stDtype} do not fill whole bytes`);
    if (bits / 8n !== BigInt(e - s)) {
      throw new GraftError('corrupt', file, `tensor ${clip(t.name)}: shape ${describeJson(t.shape)} of ${t.stDtype} needs ${bits / 8n} bytes but data_offsets give ${e - s}`);
    }
  }
  const expected = 8 + headerLength + cursor;
  if (expected > source.size) {
    throw new GraftError('truncated', file, `the header describes ${cursor} bytes of tensor data but only ${source.size - 8 - headerLength} follow it — the file is truncated`);
  }
  if (expected !== source.size) {
    throw new GraftError('corrupt', file, `the header describes ${cursor} bytes of tensor data but ${source.size - 8 - headerLength} follow it — the file is damaged or has trailing bytes`);
  }  return entries;
}

export interface SafetensorsCheckpoint extends Checkpoint {
  /** `__metadata__` of each file (one per shard). */
  metadata: Record<string, string>;
}

interface Located {
  source: ByteSource;
  entry: SafetensorsEntry;
}

function toInfo(entry: SafetensorsEntry): TensorInfo {
  const { kind, group } = classifyVariable(entry.name);
  const byteLength = entry.end - entry.begin;
  return { name: entry.name, dtype: entry.dtype!, shape: entry.shape, byteLength, kind, group };
}

function build(label: string, files: string[], located: Located[], metadata: Record<string, string>, warnings: string[]): SafetensorsCheckpoint {
  const byName = new Map<string, Located>();
  const tensors: TensorInfo[] = [];
  const unhandled: SafetensorsEntry[] = [];
  const twice: string[] = [];
  for (let i = 0; i < located.length; i++) {
    const l = located[i]!;
    if (l.entry.dtype === null) {
      unhandled.push(l.entry);
      continue;
    }
    if (byName.has(l.entry.name)) {
      twice.push(`${clip(l.entry.name)} (in ${byName.get(l.entry.name)!.source.path} and ${l.source.path})`);
      continue;
    }
    byName.set(l.entry.name, l);
    tensors.push(toInfo(l.entry));
  }
  if (unhandled.length > 0) {
    const [one] = unhandled;
    warnings.push(unhandled.length === 1 ? `tensor ${clip(one!.name)} has dtype ${one!.stDtype}, which Graft does not handle yet; it is left out` : `${unhandled.length} tensors have dtypes Graft does not handle yet and are left out: ${listSome(unhandled.map((e) => `${e.name} (${e.stDtype})`))}`);
  }
  if (twice.length > 0) warnings.push(`tensor${twice.length > 1 ? 's' : ''} ${listSome(twice)} appear${twice.length > 1 ? '' : 's'} in two shards; the first is used`);
  const read = async (name: string): Promise<Uint8Array> => {
    const l = byName.get(name);
    if (!l) throw new GraftError('not-found', label, `no tensor named ${clip(name)}`);
    return l.source.read(l.entry.begin, l.entry.end - l.entry.begin);
  };
  return {
    format: 'safetensors',
    label,
    files,
    tensors,
    metadata,
    warnings,
    read,
    // safetensors stores little-endian values: the stored bytes are the value.
    readValue: async (name) => ({ bytes: await read(name) }),
  };
}

export async function openSafetensors(source: ByteSource): Promise<SafetensorsCheckpoint> {
  const header = await readSafetensorsHeader(source);
  return build(basename(source.path), [source.path], header.entries.map((entry) => ({ source, entry })), header.metadata, []);
}

/** `model.safetensors.index.json`: `{metadata?, weight_map: {tensor: shard file}}`. */
export interface SafetensorsIndex {
  weightMap: Map<string, string>;
  metadata: Record<string, unknown>;
}

export function parseSafetensorsIndex(path: string, text: string): SafetensorsIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GraftError('corrupt', path, `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!isPlainObject(json) || !isPlainObject(json.weight_map)) throw new GraftError('corrupt', path, 'a safetensors index must be a JSON object with a weight_map object');
  const weightMap = new Map<string, string>();
  for (const [k, v] of Object.entries(json.weight_map)) {
    if (typeof v !== 'string') throw new GraftError('corrupt', path, `weight_map.${clip(k)} must be a shard file name`);
    weightMap.set(k, v);
  }
  return { weightMap, metadata: isPlainObject(json.metadata) ? json.metadata : {} };
}

/** A sharded checkpoint: every shard the index names must be among `shards` (by the index's relative name). */
export async function openShardedSafetensors(
  indexPath: string,
  index: SafetensorsIndex,
  shards: Map<string, ByteSource>,
): Promise<SafetensorsCheckpoint> {
  const shardNames = [...new Set(index.weightMap.values())];
  const missing = shardNames.filter((s) => !shards.has(s));
  if (missing.length > 0) {
    throw new GraftError('missing-file', indexPath, `the index names shard${missing.length > 1 ? 's' : ''} ${listSome(missing)}, which ${missing.length > 1 ? 'were' : 'was'} not dropped with it`);
  }
  const located: Located[] = [];
  const warnings: string[] = [];
  const metadata: Record<string, string> = {};
  const unindexed: string[] = [];
  for (const shardName of shardNames) {
    const source = shards.get(shardName)!;
    const header = await readSafetensorsHeader(source);
    for (const [k, v] of Object.entries(header.metadata)) setOwn(metadata, k, v);
    for (const entry of header.entries) {
      const named = index.weightMap.get(entry.name);
      if (named === undefined) unindexed.push(`${clip(entry.name)} (in ${clip(shardName)})`);
      else if (named !== shardName) continue; // the index places it in another shard; that one is authoritative
      located.push({ source, entry });
    }
    const listed = new Set(header.entries.map((e) => e.name));
    for (const [tensor, shard] of index.weightMap) {
      if (shard === shardName && !listed.has(tensor)) {
        throw new GraftError('corrupt', source.path, `the index places tensor ${clip(tensor)} in this shard, but its header does not list it`);
      }
    }
  }
  if (unindexed.length > 0) warnings.push(`tensor${unindexed.length > 1 ? 's' : ''} ${listSome(unindexed)} ${unindexed.length > 1 ? 'are' : 'is'} not in the index's weight_map`);
  return build(basename(indexPath), [indexPath, ...shardNames.map((s) => shards.get(s)!.path)], located, metadata, warnings);
}
