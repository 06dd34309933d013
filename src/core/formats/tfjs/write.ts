/**
 * Writes a TF.js model as tensorflowjs_converter does (`write_weights.py`): one weight group whose tensors are
 * laid out back to back and cut into `group1-shard<i>of<N>.bin` files of 4,194,304 bytes (a tensor may span two
 * shards), and `model.json` with the topology and `weightsManifest: [{paths, weights: [{name, shape, dtype}]}]`.
 *
 * N is in every shard's name, so the total size is computed up front from the declared shapes and dtypes and
 * tensor bytes stream straight into the shards. String tensors have no size until they arrive: a model with
 * strings is held in memory until `finish` (TF.js string weights are rare and small: lookup tables of graph
 * models). float16 tensors are stored as TF.js stores half-precision weights, `float32` quantized to `float16`
 * (bit-exact; TF.js has no float16 dtype). Other dtypes TF.js cannot load (int64, float64, ...) are written
 * under their own name, which Graft reads back and `tf.io` refuses.
 */
import { GraftError } from '../../errors';
import type { CheckpointWriter, FileSink, OutputFolder, OutputTensor } from '../../engine/output';
import { type DType, ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import { parseStringTensor } from '../tf-bundle/strings';
import type { ManifestEntry } from './manifest';

export const TFJS_SHARD_BYTES = 4 * 1024 * 1024;

export interface TfjsTensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
}

export interface TfjsWriterOptions {
  out: OutputFolder;
  tensors: readonly TfjsTensorSpec[];
  /**
   * The model's topology (`modelTopology` of a layers or graph model), or a whole model.json object whose fields
   * other than the manifest (format, modelTopology, signature, userDefinedMetadata, modelInitializer, ...) are
   * kept. Absent: a weights-only model.json.
   */
  modelTopology?: unknown;
  format?: 'layers-model' | 'graph-model';
  /** Default `model.json`. */
  modelPath?: string;
  shardBytes?: number;
  generatedBy?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bytes a TF.js string tensor takes: per element, a 4-byte little-endian length then the bytes. */
function isTfjsStrings(bytes: Uint8Array, count: number): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 4 > bytes.byteLength) return false;
    p += 4 + view.getUint32(p, true);
  }
  return p === bytes.byteLength;
}

/**
 * A string tensor in TF.js encoding: given in it already, or in a TF bundle's stored encoding (varint lengths,
 * checksum, bytes), which is re-encoded.
 */
export function toTfjsStrings(bytes: Uint8Array, count: number, name: string, file: string): Uint8Array {
  if (isTfjsStrings(bytes, count)) return bytes;
  let layout;
  try {
    layout = parseStringTensor(bytes, count, file, name);
  } catch (e) {
    throw new GraftError('corrupt', file, `string tensor ${name} is neither in TF.js encoding nor in TensorFlow's: its ${count} element lengths do not fit its ${bytes.byteLength} bytes`, { cause: e });
  }
  const total = layout.lengths.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(4 * count + total);
  const view = new DataView(out.buffer);
  let p = 0;
  let q = layout.dataStart;
  for (const len of layout.lengths) {
    view.setUint32(p, len, true);
    out.set(bytes.subarray(q, q + len), p + 4);
    p += 4 + len;
    q += len;
  }
  return out;
}

function manifestEntry(t: TfjsTensorSpec): ManifestEntry {
  if (t.dtype === 'float16') return { name: t.name, shape: t.shape, dtype: 'float32', quantization: { dtype: 'float16' } };
  return { name: t.name, shape: t.shape, dtype: t.dtype };
}

export interface TfjsWriter extends CheckpointWriter {
  /** Shard file names (known up front unless the model has string tensors). */
  readonly paths: readonly string[];
}

export async function createTfjsWriter(opts: TfjsWriterOptions): Promise<TfjsWriter> {
  const modelPath = opts.modelPath ?? 'model.json';
  const shardBytes = opts.shardBytes ?? TFJS_SHARD_BYTES;
  const declared = new Map<string, TfjsTensorSpec>();
  let total = 0;
  let hasStrings = false;
  for (const t of opts.tensors) {
    if (declared.has(t.name)) throw new GraftError('corrupt', modelPath, `weight ${t.name} is listed twice`);
    const size = ELEMENT_SIZE[t.dtype];
    if (t.dtype === 'string') hasStrings = true;
    else if (size === 0) throw new GraftError('unsupported', modelPath, `weight ${t.name} has dtype ${t.dtype}, which TF.js weights cannot hold`);
    else total += elementCount(t.shape) * size;
    declared.set(t.name, t);
  }
  const dir = modelPath.includes('/') ? modelPath.slice(0, modelPath.lastIndexOf('/') + 1) : '';
  const shardName = (i: number, n: number) => `group1-shard${i + 1}of${n}.bin`;
  let paths: string[] = hasStrings ? [] : Array.from({ length: Math.ceil(total / shardBytes) }, (_, i) => shardName(i, Math.ceil(total / shardBytes)));

  const entries: ManifestEntry[] = [];
  const added = new Set<string>();
  /** Held bytes, only for a model with strings. */
  const held: Uint8Array[] = [];
  let written = 0;
  let shard = -1;
  let sink: FileSink | null = null;

  /** Appends `bytes` to the shard stream, opening and closing shard files at their boundaries. */
  const append = async (bytes: Uint8Array) => {
    let p = 0;
    while (p < bytes.byteLength) {
      const index = Math.floor(written / shardBytes);
      if (index !== shard) {
        if (sink) await sink.close();
        shard = index;
        sink = await opts.out.create(dir + paths[index]!);
      }
      const room = (index + 1) * shardBytes - written;
      const n = Math.min(room, bytes.byteLength - p);
      await sink!.write(p === 0 && n === bytes.byteLength ? bytes : bytes.subarray(p, p + n));
      p += n;
      written += n;
    }
  };

  return {
    get paths() {
      return paths;
    },
    async add(t: OutputTensor) {
      const spec = declared.get(t.name);
      if (!spec) throw new GraftError('not-found', modelPath, `weight ${t.name} is not a variable of the new model`);
      if (added.has(t.name)) throw new GraftError('corrupt', modelPath, `weight ${t.name} is added twice`);
      const count = elementCount(spec.shape);
      let bytes = t.bytes;
      if (t.dtype !== spec.dtype || t.shape.join(',') !== spec.shape.join(',')) {
        throw new GraftError('corrupt', modelPath, `weight ${t.name} was declared ${spec.dtype} [${spec.shape.join(', ')}] but is ${t.dtype} [${t.shape.join(', ')}]`);
      }
      if (spec.dtype === 'string') bytes = toTfjsStrings(bytes, count, t.name, modelPath);
      else if (bytes.byteLength !== count * ELEMENT_SIZE[spec.dtype]) {
        throw new GraftError('corrupt', modelPath, `weight ${t.name} (${spec.dtype} [${spec.shape.join(', ')}]) needs ${count * ELEMENT_SIZE[spec.dtype]} bytes but ${bytes.byteLength} were given`);
      }
      added.add(t.name);
      entries.push(manifestEntry(spec));
      if (hasStrings) held.push(bytes.slice());
      else await append(bytes);
    },
    async finish() {
      if (added.size !== declared.size) {
        const missing = [...declared.keys()].filter((n) => !added.has(n));
        throw new GraftError('corrupt', modelPath, `${missing.length} weight(s) were never added, e.g. ${missing.slice(0, 3).join(', ')}`);
      }
      if (hasStrings) {
        const size = held.reduce((n, b) => n + b.byteLength, 0);
        const n = Math.ceil(size / shardBytes);
        paths = Array.from({ length: n }, (_, i) => shardName(i, n));
        for (const b of held.splice(0)) await append(b);
      }
      if (sink) await (sink as FileSink).close();
      const model = modelJson(opts, paths, entries);
      const out = await opts.out.create(modelPath);
      await out.write(new TextEncoder().encode(JSON.stringify(model)));
      await out.close();
    },
  };
}

function modelJson(opts: TfjsWriterOptions, paths: string[], weights: ManifestEntry[]): Record<string, unknown> {
  const given = opts.modelTopology;
  const whole = isObject(given) && ('modelTopology' in given || 'weightsManifest' in given) ? given : null;
  const topology = whole ? whole.modelTopology : given;
  const graph = opts.format === 'graph-model' || whole?.format === 'graph-model' || (isObject(topology) && Array.isArray(topology.node));
  const model: Record<string, unknown> = {
    format: opts.format ?? (graph ? 'graph-model' : 'layers-model'),
    generatedBy: opts.generatedBy ?? (typeof whole?.generatedBy === 'string' ? whole.generatedBy : 'Graft'),
    convertedBy: 'Graft',
  };
  if (topology !== undefined) model.modelTopology = topology;
  if (whole) {
    for (const [k, v] of Object.entries(whole)) if (!(k in model) && k !== 'weightsManifest' && k !== 'modelTopology') model[k] = v;
  }
  model.weightsManifest = [{ paths, weights }];
  return model;
}
