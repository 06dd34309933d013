/**
 * TF.js weights: each manifest group's files hold its weights' bytes laid out back to back across the files in
 * `paths` order (a weight may start in one shard and end in the next). Quantized weights are stored as
 * uint8/uint16/float16; `read` gives those bytes, `readValue` dequantizes them exactly as tfjs-core's
 * `io.decodeWeights` does. String weights are, per element, a 4-byte little-endian length then the bytes; `readValue`
 * gives them in TF's stored string encoding, the one string form values take.
 */
import { GraftError } from '../../errors';
import { basename, type ByteSource } from '../../io/byte-source';
import type { Checkpoint, TensorInfo, TensorValue } from '../../model/checkpoint';
import { type DType, ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import { clip, listSome } from '../../io/untrusted';
import { classifyVariable } from '../../model/naming';
import { float16ToFloat32Bits } from '../../model/numbers';
import { encodeStringTensor } from '../tf-bundle/strings';
import { type ManifestEntry, type ModelJson, stringifyBounded, trainableLayers, weightTrainable } from './manifest';

export interface TfjsCheckpoint extends Checkpoint {
  /** `layers-model` or `graph-model` (from `format`, or inferred from the topology). */
  modelFormat: 'layers-model' | 'graph-model' | 'unknown';
}

const QUANT_SIZE = { uint8: 1, uint16: 2, float16: 2 } as const;
const NUM_BYTES_STRING_LENGTH = 4;

/** The concatenated bytes of one manifest group's files, read by range. */
export class GroupBytes {
  readonly size: number;
  private readonly starts: number[] = [];

  constructor(readonly files: readonly ByteSource[]) {
    let at = 0;
    for (const f of files) {
      this.starts.push(at);
      at += f.size;
    }
    this.size = at;
  }

  async read(offset: number, length: number, what: string): Promise<Uint8Array> {
    if (offset + length > this.size) {
      throw new GraftError(
        'truncated',
        this.files.map((f) => f.path).join(', ') || '(no files)',
        `${what} needs bytes ${offset}..${offset + length} of the weight files, which hold only ${this.size} bytes — a shard is truncated or missing`,
      );
    }
    const out = new Uint8Array(length);
    let done = 0;
    for (let i = 0; i < this.files.length && done < length; i++) {
      const f = this.files[i]!;
      const fileStart = this.starts[i]!;
      const pos = offset + done;
      if (pos >= fileStart + f.size) continue;
      const n = Math.min(length - done, fileStart + f.size - pos);
      const chunk = await f.read(pos - fileStart, n);
      if (n === length) return chunk;
      out.set(chunk, done);
      done += n;
    }
    return out;
  }
}

function graftDtype(path: string, entry: ManifestEntry): DType {
  const d = entry.dtype as DType;
  if (!Object.hasOwn(ELEMENT_SIZE, d) || d === 'resource' || d === 'variant') {
    throw new GraftError('unsupported', path, `weight ${clip(entry.name)} has dtype ${clip(entry.dtype, 40)}, which TF.js weights do not use`);
  }
  return d;
}

/** Bytes one element takes as stored (0 for strings). */
function storedElementSize(entry: ManifestEntry, dtype: DType): number {
  return entry.quantization ? QUANT_SIZE[entry.quantization.dtype] : ELEMENT_SIZE[dtype];
}

/** Byte length of a string weight: walks its element lengths through a read window. */
async function stringByteLength(group: GroupBytes, offset: number, count: number, name: string): Promise<number> {
  const WINDOW = 64 << 10;
  let winStart = 0;
  let win: Uint8Array = new Uint8Array(0);
  const u32At = async (pos: number): Promise<number> => {
    if (pos < winStart || pos + 4 > winStart + win.length) {
      winStart = pos;
      win = await group.read(pos, Math.min(WINDOW, Math.max(4, group.size - pos)), `string weight ${name}`);
    }
    const o = pos - winStart;
    return (win[o]! | (win[o + 1]! << 8) | (win[o + 2]! << 16) | (win[o + 3]! << 24)) >>> 0;
  };
  let cursor = offset;
  // Each element takes at least 4 bytes: the loop ends at the files' end whatever the shape claims.
  for (let i = 0; i < count; i++) {
    if (cursor + NUM_BYTES_STRING_LENGTH > group.size) break;
    cursor += NUM_BYTES_STRING_LENGTH + (await u32At(cursor));
    if (cursor > group.size) break;
  }
  return cursor - offset;
}

interface Placed {
  entry: ManifestEntry;
  group: GroupBytes;
  offset: number;
  byteLength: number;
}

/** The dequantized value, as tfjs-core `decodeWeight` computes it (float32 values, or int32 rounded). */
export function dequantize(raw: Uint8Array, entry: ManifestEntry, file: string): Uint8Array {
  const q = entry.quantization!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.byteLength / QUANT_SIZE[q.dtype];
  const out = new Uint8Array(n * 4);
  const ov = new DataView(out.buffer);
  if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) ov.setUint32(i * 4, float16ToFloat32Bits(view.getUint16(i * 2, true)), true);
    return out;
  }
  if (q.scale === undefined || q.min === undefined) {
    throw new GraftError('corrupt', file, `weight ${entry.name} is quantized to ${q.dtype} without the scale and min needed to dequantize it`);
  }
  const get = q.dtype === 'uint8' ? (i: number) => view.getUint8(i) : (i: number) => view.getUint16(i * 2, true);
  if (entry.dtype === 'int32') for (let i = 0; i < n; i++) ov.setInt32(i * 4, Math.round(get(i) * q.scale + q.min), true);
  else for (let i = 0; i < n; i++) ov.setFloat32(i * 4, get(i) * q.scale + q.min, true);
  return out;
}

/** A string weight's elements: each a little-endian uint32 byte length, then the bytes. */
function tfjsStrings(bytes: Uint8Array, count: number, file: string, name: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    const len = p + NUM_BYTES_STRING_LENGTH <= bytes.byteLength ? view.getUint32(p, true) : Infinity;
    p += NUM_BYTES_STRING_LENGTH;
    if (p + len > bytes.byteLength) throw new GraftError('corrupt', file, `string weight ${name}: element ${i} runs past its ${bytes.byteLength} bytes`);
    out.push(bytes.subarray(p, p + len));
    p += len;
  }
  return out;
}

/** A weight's value from its stored bytes: dequantized, strings in TF's encoding, anything else as stored. */
function weightValue(raw: Uint8Array, entry: ManifestEntry, file: string): TensorValue {
  if (entry.quantization) return { bytes: dequantize(raw, entry, file) };
  if (entry.dtype === 'string') return { bytes: encodeStringTensor(tfjsStrings(raw, elementCount(entry.shape), file, entry.name)).bytes };
  return { bytes: raw };
}

function checkQuantization(file: string, entry: ManifestEntry): void {
  const q = entry.quantization;
  if (!q) return;
  if (q.dtype === 'float16' && entry.dtype !== 'float32') {
    throw new GraftError('unsupported', file, `weight ${entry.name} is quantized to float16, which TF.js allows only for float32 weights, not ${entry.dtype}`);
  }
  if (q.dtype !== 'float16') {
    if (entry.dtype !== 'float32' && entry.dtype !== 'int32') {
      throw new GraftError('unsupported', file, `weight ${entry.name} is quantized to ${q.dtype}, which TF.js allows only for float32 and int32 weights, not ${entry.dtype}`);
    }
    if (q.scale === undefined || q.min === undefined) {
      throw new GraftError('corrupt', file, `weight ${entry.name} is quantized to ${q.dtype} without the scale and min needed to dequantize it`);
    }
  }
}

/**
 * Opens a TF.js model: `groups[i]` are the sources of `model.weightsManifest[i].paths`, in order (all present;
 * the caller reports missing ones).
 */
export async function openTfjs(modelPath: string, model: ModelJson, groups: ByteSource[][]): Promise<TfjsCheckpoint> {
  const placed = new Map<string, Placed>();
  const tensors: TensorInfo[] = [];
  const warnings: string[] = [];
  const short: string[] = [];
  const twice: string[] = [];
  const layers = model.format === 'graph-model' ? new Map<string, boolean>() : trainableLayers(model.modelTopology);
  for (let gi = 0; gi < model.weightsManifest.length; gi++) {
    const g = model.weightsManifest[gi]!;
    const bytes = new GroupBytes(groups[gi] ?? []);
    let offset = 0;
    for (const entry of g.weights) {
      const dtype = graftDtype(modelPath, entry);
      checkQuantization(modelPath, entry);
      const count = elementCount(entry.shape);
      const byteLength = dtype === 'string' && !entry.quantization ? await stringByteLength(bytes, offset, count, entry.name) : count * storedElementSize(entry, dtype);
      if (offset + byteLength > bytes.size) {
        short.push(`${clip(entry.name)} needs bytes ${offset}..${offset + byteLength} of ${listSome(g.paths)}, which hold only ${bytes.size} bytes`);
      }
      if (placed.has(entry.name)) {
        twice.push(clip(entry.name));
      } else {
        placed.set(entry.name, { entry, group: bytes, offset, byteLength });
        const { kind, group } = classifyVariable(entry.name, { optimizer: entry.group === 'optimizer' });
        const info: TensorInfo = { name: entry.name, dtype, shape: entry.shape, byteLength, kind, group };
        const trainable = kind === 'weight' ? weightTrainable(entry.name, layers) : undefined;
        if (trainable !== undefined) info.trainable = trainable;
        if (entry.quantization) info.quantization = { ...entry.quantization };
        tensors.push(info);
      }
      offset += byteLength;
    }
    if (offset < bytes.size) warnings.push(`${listSome(g.paths)}: ${bytes.size - offset} bytes after the last weight of the group are not described by the manifest`);
  }
  // One line per kind, however many weights a manifest lists.
  if (short.length === 1) warnings.push(`weight ${short[0]} — reading it will fail`);
  else if (short.length > 1) warnings.push(`${short.length} weights lie past the end of their weight files — reading them will fail: ${listSome(short, short.length, 2)}`);
  if (twice.length > 0) warnings.push(`weight${twice.length > 1 ? 's' : ''} ${listSome(twice)} ${twice.length > 1 ? 'are' : 'is'} listed twice in the manifest; the first is used`);
  const topology = model.modelTopology as { node?: unknown } | undefined;
  const modelFormat = model.format === 'graph-model' || model.format === 'layers-model' ? model.format : topology && Array.isArray(topology.node) ? 'graph-model' : topology ? 'layers-model' : 'unknown';
  const get = (name: string): Placed => {
    const p = placed.get(name);
    if (!p) throw new GraftError('not-found', modelPath, `no weight named ${clip(name)} in the manifest`);
    return p;
  };
  return {
    format: 'tfjs',
    label: modelPath,
    modelFormat,
    // A layers model's topology is the Keras model the weights belong to: a template keeps it for the writers.
    ...(modelFormat === 'layers-model' && topology ? { modelConfig: stringifyBounded(topology, modelPath) } : {}),
    files: [modelPath, ...groups.flat().map((s) => s.path)],
    tensors,
    warnings,
    unreadable(name) {
      const p = placed.get(name);
      if (!p || p.offset + p.byteLength <= p.group.size) return undefined;
      const files = p.group.files.map((f) => basename(f.path)).join(', ') || 'its weight files';
      return `its bytes ${p.offset}..${p.offset + p.byteLength} lie past the end of ${files}, which ${p.group.files.length === 1 ? 'has' : 'hold'} only ${p.group.size} bytes — a weight file is truncated`;
    },
    async read(name) {
      const p = get(name);
      return p.group.read(p.offset, p.byteLength, `weight ${name}`);
    },
    async readValue(name) {
      const p = get(name);
      return weightValue(await p.group.read(p.offset, p.byteLength, `weight ${name}`), p.entry, basename(modelPath));
    },
  };
}
