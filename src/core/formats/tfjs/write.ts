/**
 * Writes a TF.js model as tensorflowjs_converter does (`write_weights.py`): one weight group whose tensors are
 * laid out back to back and cut into `group1-shard<i>of<N>.bin` files of 4,194,304 bytes (a tensor may span two
 * shards), and `model.json` with the topology and `weightsManifest: [{paths, weights: [{name, shape, dtype}]}]`.
 *
 * N is in every shard's name, so the total size is computed up front from the declared shapes and dtypes and
 * tensor bytes stream straight into the shards. String tensors have no size until they arrive: a model with
 * strings is held in memory until `finish` (TF.js string weights are rare and small: lookup tables of graph
 * models). Dtypes TF.js cannot decode are converted as the converter does (see `tfjsStorage`: int64 → int32 where
 * every value fits, bfloat16/float64 → float32, float16 as float16-quantized float32), resource/variant handles are
 * left out, and a Keras 3 model config becomes the Keras 2 form TF.js reads (`tfjsTopology`); each such change is
 * one of the writer's `notes`.
 */
import { GraftError } from '../../errors';
import type { CheckpointWriter, FileSink, OutputFolder, OutputTensor } from '../../io/output';
import { type DType, ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import { parseStringTensor } from '../tf-bundle/strings';
import { type TfjsStorage, tfjsStorage } from './dtypes';
import type { ManifestEntry } from './manifest';
import type { TfjsNames } from './names';
import { tfjsTopology } from './topology';
import { setOwn } from '../../io/untrusted';

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
  /** The name each tensor gets in the manifest where it differs (see `tfjsWeightNames`); null leaves it out. */
  names?: TfjsNames;
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

function manifestEntry(name: string, t: TfjsTensorSpec, stored: TfjsStorage): ManifestEntry {
  return { name, shape: t.shape, dtype: stored.dtype, ...(stored.quantization && { quantization: stored.quantization }) };
}

/** One sentence per kind of change, naming the variables (the first few of a long list). */
function changeNotes(changes: Map<string, string[]>): string[] {
  return [...changes].map(([change, names]) =>
    names.length <= 3 ? `${names.join(', ')}: ${change}` : `${names.length} weights (${names.slice(0, 3).join(', ')}, ...): ${change}`,
  );
}

export interface TfjsWriter extends CheckpointWriter {
  /** Shard file names (known up front unless the model has string tensors). */
  readonly paths: readonly string[];
  readonly storedKeys: ReadonlyMap<string, string>;
}

type Stored = TfjsStorage & { name: string };

/** Each declared weight, how it is stored and under which manifest name; changes TF.js forces, by kind. */
interface StoragePlan {
  declared: Map<string, TfjsTensorSpec>;
  /** Only the weights that are written. */
  storage: Map<string, Stored>;
  changes: Map<string, string[]>;
  /** Bytes of the non-string weights. */
  total: number;
  hasStrings: boolean;
}

function planStorage(opts: TfjsWriterOptions, modelPath: string): StoragePlan {
  const plan: StoragePlan = { declared: new Map(), storage: new Map(), changes: new Map(), total: 0, hasStrings: false };
  const manifestNames = new Map<string, string>();
  const change = (what: string, name: string) => plan.changes.set(what, [...(plan.changes.get(what) ?? []), name]);
  for (const t of opts.tensors) {
    if (plan.declared.has(t.name)) throw new GraftError('corrupt', modelPath, `weight ${t.name} is listed twice`);
    plan.declared.set(t.name, t);
    const name = opts.names?.has(t.name) ? opts.names.get(t.name)! : t.name;
    const stored = tfjsStorage(t.dtype, t.name, modelPath);
    if (!stored || name === null) {
      change(stored ? 'left out (not a weight of the model TF.js builds from the topology)' : `left out (a ${t.dtype} handle, which TF.js weights cannot hold)`, t.name);
      continue;
    }
    if (manifestNames.has(name)) throw new GraftError('corrupt', modelPath, `two weights would both be stored as ${name}`);
    manifestNames.set(name, t.name);
    plan.storage.set(t.name, { ...stored, name });
    if (stored.change) change(stored.change, t.name);
    if (stored.dtype === 'string') plan.hasStrings = true;
    else plan.total += elementCount(t.shape) * stored.size;
  }
  return plan;
}

/** The topology in the form TF.js reads (kept inside a whole model.json when one was given), and its notes. */
function topologyFor(opts: TfjsWriterOptions, modelPath: string): { modelTopology: unknown; notes: string[] } {
  const given = opts.modelTopology;
  const whole = isObject(given) && ('modelTopology' in given || 'weightsManifest' in given) ? given : null;
  const topology = tfjsTopology(whole ? whole.modelTopology : given, modelPath);
  return { modelTopology: whole ? { ...whole, modelTopology: topology.topology } : topology.topology, notes: topology.notes };
}

const shardNames = (n: number) => Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);

/** The byte stream of the weight group, cut into shard files at `shardBytes`. */
class ShardStream {
  private written = 0;
  private shard = -1;
  private sink: FileSink | null = null;

  constructor(private readonly out: OutputFolder, private readonly dir: string, private readonly shardBytes: number, public paths: string[]) {}

  /** Appends `bytes`, opening and closing shard files at their boundaries. */
  async append(bytes: Uint8Array): Promise<void> {
    let p = 0;
    while (p < bytes.byteLength) {
      const index = Math.floor(this.written / this.shardBytes);
      if (index !== this.shard) {
        if (this.sink) await this.sink.close();
        this.shard = index;
        this.sink = await this.out.create(this.dir + this.paths[index]!);
      }
      const room = (index + 1) * this.shardBytes - this.written;
      const n = Math.min(room, bytes.byteLength - p);
      await this.sink!.write(p === 0 && n === bytes.byteLength ? bytes : bytes.subarray(p, p + n));
      p += n;
      this.written += n;
    }
  }

  async close(): Promise<void> {
    if (this.sink) await this.sink.close();
  }
}

/** The weight's bytes checked against its declaration; strings in TF.js encoding. */
function storedBytes(modelPath: string, spec: TfjsTensorSpec, t: OutputTensor): Uint8Array {
  const count = elementCount(spec.shape);
  let bytes = t.bytes;
  if (spec.dtype === 'string') bytes = toTfjsStrings(bytes, count, t.name, modelPath);
  else if (bytes.byteLength !== count * ELEMENT_SIZE[spec.dtype]) {
    throw new GraftError('corrupt', modelPath, `weight ${t.name} (${spec.dtype} [${spec.shape.join(', ')}]) needs ${count * ELEMENT_SIZE[spec.dtype]} bytes but ${bytes.byteLength} were given`);
  }
  return bytes;
}

export async function createTfjsWriter(opts: TfjsWriterOptions): Promise<TfjsWriter> {
  const modelPath = opts.modelPath ?? 'model.json';
  const shardBytes = opts.shardBytes ?? TFJS_SHARD_BYTES;
  const { declared, storage, changes, total, hasStrings } = planStorage(opts, modelPath);
  const { modelTopology, notes: topologyNotes } = topologyFor(opts, modelPath);
  const notes = [...topologyNotes, ...changeNotes(changes)];
  const dir = modelPath.includes('/') ? modelPath.slice(0, modelPath.lastIndexOf('/') + 1) : '';
  const shards = new ShardStream(opts.out, dir, shardBytes, hasStrings ? [] : shardNames(Math.ceil(total / shardBytes)));
  const entries: ManifestEntry[] = [];
  const added = new Set<string>();
  const storedKeys = new Map<string, string>();
  /** Held bytes, only for a model with strings. */
  const held: Uint8Array[] = [];

  return {
    get paths() {
      return shards.paths;
    },
    notes,
    storedKeys,
    async add(t: OutputTensor) {
      const spec = declared.get(t.name);
      if (!spec) throw new GraftError('not-found', modelPath, `weight ${t.name} is not a variable of the new model`);
      if (added.has(t.name)) throw new GraftError('corrupt', modelPath, `weight ${t.name} is added twice`);
      if (t.dtype !== spec.dtype || t.shape.join(',') !== spec.shape.join(',')) {
        throw new GraftError('corrupt', modelPath, `weight ${t.name} was declared ${spec.dtype} [${spec.shape.join(', ')}] but is ${t.dtype} [${t.shape.join(', ')}]`);
      }
      const stored = storage.get(t.name);
      if (!stored) {
        added.add(t.name);
        return;
      }
      let bytes = storedBytes(modelPath, spec, t);
      added.add(t.name);
      if (stored.convert) bytes = stored.convert(bytes, t.name, modelPath);
      entries.push(manifestEntry(stored.name, spec, stored));
      storedKeys.set(t.name, stored.name);
      if (hasStrings) held.push(stored.convert ? bytes : bytes.slice());
      else await shards.append(bytes);
    },
    async finish() {
      if (added.size !== declared.size) {
        const missing = [...declared.keys()].filter((n) => !added.has(n));
        throw new GraftError('corrupt', modelPath, `${missing.length} weight(s) were never added, e.g. ${missing.slice(0, 3).join(', ')}`);
      }
      if (hasStrings) {
        shards.paths = shardNames(Math.ceil(held.reduce((n, b) => n + b.byteLength, 0) / shardBytes));
        for (const b of held.splice(0)) await shards.append(b);
      }
      await shards.close();
      const model = modelJson({ ...opts, modelTopology }, shards.paths, entries);
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
    for (const [k, v] of Object.entries(whole)) if (!Object.hasOwn(model, k) && k !== 'weightsManifest' && k !== 'modelTopology') setOwn(model, k, v);
  }
  model.weightsManifest = [{ paths, weights }];
  return model;
}
