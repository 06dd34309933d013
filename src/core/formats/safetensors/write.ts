/**
 * Writes a safetensors file as the reference implementation's `serialize` does (huggingface/safetensors
 * `safetensors/src/tensor.rs`, `prepare`): tensors sorted by dtype descending in the `Dtype` enum's order (its
 * "alignment order"), then by name (bytewise); header = compact JSON with `__metadata__` first (when given), then
 * each tensor `{dtype, shape, data_offsets}` in that order; header padded with spaces to a multiple of 8; data
 * back to back in the same order.
 *
 * Every size is known from the shapes and dtypes, so the header is written at once and tensor bytes stream
 * through. Data must be in the sorted order: a tensor added before its turn is held (copied) until the tensors
 * before it arrive. Adding in `order` holds nothing.
 */
import { GraftError } from '../../errors';
import type { CheckpointWriter, FileSink, OutputFolder, OutputTensor } from '../../io/output';
import { type DType, ELEMENT_SIZE, elementCount } from '../../model/dtypes';

/** The reference `Dtype` enum, in declaration order (= the order `prepare` sorts by, descending). */
const ST_ENUM = ['BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64'] as const;

/** Graft dtype → safetensors dtype, for every dtype both know. */
export const GRAFT_TO_SAFETENSORS: Partial<Record<DType, (typeof ST_ENUM)[number]>> = {
  bool: 'BOOL', uint8: 'U8', int8: 'I8', float8_e5m2: 'F8_E5M2', float8_e4m3fn: 'F8_E4M3',
  int16: 'I16', uint16: 'U16', float16: 'F16', bfloat16: 'BF16',
  int32: 'I32', uint32: 'U32', float32: 'F32', complex64: 'C64', float64: 'F64', int64: 'I64', uint64: 'U64',
};

export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
}

export interface PlannedTensor extends TensorSpec {
  stDtype: string;
  begin: number;
  end: number;
}

const utf8 = new TextEncoder();

/** Bytewise comparison of UTF-8 names, as Rust's `String::cmp`. */
function compareNames(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The header bytes (8-byte length + padded JSON) and every tensor's place, in data order. */
export function planSafetensors(specs: readonly TensorSpec[], metadata?: Record<string, string>, file = 'model.safetensors'): { header: Uint8Array; tensors: PlannedTensor[]; size: number } {
  const seen = new Set<string>();
  const typed = specs.map((s) => {
    const st = GRAFT_TO_SAFETENSORS[s.dtype];
    if (!st) throw new GraftError('unsupported', file, `tensor ${s.name} has dtype ${s.dtype}, which safetensors cannot store`);
    if (s.name === '__metadata__') throw new GraftError('unsupported', file, 'a tensor cannot be named __metadata__ in safetensors');
    if (seen.has(s.name)) throw new GraftError('corrupt', file, `tensor ${s.name} is listed twice`);
    seen.add(s.name);
    return { ...s, stDtype: st as string, rank: ST_ENUM.indexOf(st) };
  });
  typed.sort((a, b) => b.rank - a.rank || compareNames(a.name, b.name));
  const tensors: PlannedTensor[] = [];
  let offset = 0;
  const json: string[] = [];
  if (metadata) {
    const keys = Object.keys(metadata).sort(compareNames);
    json.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  for (const t of typed) {
    const n = elementCount(t.shape) * ELEMENT_SIZE[t.dtype];
    tensors.push({ name: t.name, dtype: t.dtype, shape: t.shape, stDtype: t.stDtype, begin: offset, end: offset + n });
    json.push(`${JSON.stringify(t.name)}:{"dtype":"${t.stDtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + n}]}`);
    offset += n;
  }
  const text = utf8.encode(`{${json.join(',')}}`);
  const padded = Math.ceil(text.length / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + text.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(text, 8);
  return { header, tensors, size: header.length + offset };
}

export interface SafetensorsWriter extends CheckpointWriter {
  /** The order in which `add` streams without holding anything back. */
  readonly order: readonly string[];
  readonly storedKeys: ReadonlyMap<string, string>;
}

/**
 * A streaming safetensors writer for exactly `specs` (the new model's variables). `path` is the file in `out`;
 * `metadata` becomes `__metadata__` (left out when not given, as `serialize(data, None)` does). `names` gives a
 * variable another tensor name in the file (safetensorsNames); tensors are still added, and `order` listed, by the
 * variable's name.
 */
export async function createSafetensorsWriter(
  out: OutputFolder,
  path: string,
  specs: readonly TensorSpec[],
  metadata?: Record<string, string>,
  names?: ReadonlyMap<string, string>,
): Promise<SafetensorsWriter> {
  const stored = (name: string) => names?.get(name) ?? name;
  const plan = planSafetensors(names ? specs.map((s) => ({ ...s, name: stored(s.name) })) : specs, metadata, path);
  const index = new Map(plan.tensors.map((t, i) => [t.name, i]));
  const byName = new Map(specs.map((s) => [s.name, index.get(stored(s.name))!]));
  const variableOf = new Map(specs.map((s) => [stored(s.name), s.name]));
  const held = new Map<number, Uint8Array>();
  const done = new Set<number>();
  const storedKeys = new Map<string, string>();
  let next = 0;
  const sink: FileSink = await out.create(path);
  await sink.write(plan.header);
  const drain = async () => {
    while (next < plan.tensors.length && held.has(next)) {
      const bytes = held.get(next)!;
      held.delete(next);
      if (bytes.byteLength > 0) await sink.write(bytes);
      next++;
    }
  };
  return {
    order: plan.tensors.map((t) => variableOf.get(t.name)!),
    storedKeys,
    async add(t: OutputTensor) {
      const i = byName.get(t.name);
      if (i === undefined) throw new GraftError('not-found', path, `tensor ${t.name} is not a variable of the new model`);
      const p = plan.tensors[i]!;
      if (done.has(i)) throw new GraftError('corrupt', path, `tensor ${t.name} is added twice`);
      if (t.dtype !== p.dtype || t.shape.join(',') !== p.shape.join(',') || t.bytes.byteLength !== p.end - p.begin) {
        throw new GraftError(
          'corrupt',
          path,
          `tensor ${t.name} was declared ${p.dtype} [${p.shape.join(', ')}] (${p.end - p.begin} bytes) but is ${t.dtype} [${t.shape.join(', ')}] with ${t.bytes.byteLength} bytes`,
        );
      }
      done.add(i);
      storedKeys.set(t.name, p.name);
      if (i === next) {
        if (t.bytes.byteLength > 0) await sink.write(t.bytes);
        next++;
        await drain();
      } else {
        held.set(i, t.bytes.slice());
      }
    },
    async finish() {
      if (next !== plan.tensors.length) {
        const missing = plan.tensors.filter((_, i) => !done.has(i)).map((t) => variableOf.get(t.name)!);
        throw new GraftError('corrupt', path, `${missing.length} tensor(s) were never added, e.g. ${missing.slice(0, 3).join(', ')}`);
      }
      await sink.close();
    },
  };
}
