/**
 * Writes Keras weights in HDF5 with h5wasm, in the two layouts Keras reads:
 * - Keras 3 `.weights.h5` (keras/src/saving/saving_lib.py, `H5IOStore`): `<path>/vars/<i>` datasets, every `vars`
 *   group carrying a `name` attribute (the layer's, the optimizer's, the model's), the model's own `vars` group at
 *   the root, `optimizer/vars/<i>` when the new model has optimizer variables; no root attributes.
 * - legacy `.h5` weights (Keras 2 `save_weights_to_hdf5_group`, legacy_h5_format.py): root attributes
 *   `layer_names`, `backend`, `keras_version`; per layer a group with `weight_names`; datasets at
 *   `<layer>/<weight name>` (`dense/dense/kernel:0`).
 *
 * HDF5 needs to seek (it rewrites the superblock and object headers on close), so h5wasm builds the file in its
 * in-memory file system: memory holds the whole output file (MEMFS, in the JS heap, which may briefly double
 * while it grows) plus one tensor copied into the WebAssembly heap while its dataset is written. `finish` closes
 * the file, streams it to the sink in 1 MB chunks and deletes it. The caller's tensor bytes are not kept.
 *
 * Types as h5py writes them for Keras (checked against Keras 3.15): float16 as an IEEE half, bfloat16 in `.weights.h5`
 * as an untagged 2-byte opaque with attribute `dtype="bfloat16"` (h5wasm cannot create either: half-types.ts
 * finishes them after close). Keras' legacy loader cannot read a bfloat16 dataset at all (`np.asarray` gives raw
 * `|V2`, and assigning it fails, even for a file Keras saved itself), so the legacy layout stores bfloat16 widened to
 * float32 (exact; Keras casts it back on load) and says so in `notes`. bool is stored as uint8 with a `dtype`
 * attribute (Keras assigns 0/1 to a bool variable correctly). float8, complex and string tensors are refused.
 */
import type { Dataset, Group, File as H5File } from 'h5wasm';
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import type { CheckpointWriter, OutputFolder, OutputTensor } from '../../io/output';
import { type DType, ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import { topologyModelConfig } from '../../model/target/detect';
import { H5T, loadH5wasm } from './h5';
import { createStandIn, type HalfType, patchHalfTypes, standInMarkers } from './half-types';
import { checkH5Layout } from './h5-paths';
import { type KerasPlacement, type KerasTensorSpec, keras3Placements, legacyLayers, legacyPlacements, weightlessSlots } from './placements';

export { keras3Placements, legacyPlacements, type KerasPlacement, type KerasTensorSpec } from './placements';

export type KerasLayout = 'keras3' | 'legacy';

export interface KerasWriterOptions {
  out: OutputFolder;
  /** The file in `out`. */
  path: string;
  layout: KerasLayout;
  tensors: readonly KerasTensorSpec[];
  /** The `name` of the model's own root `vars` group (Keras 3). Default: from the topology, else `model`. */
  modelName?: string;
  /**
   * The model config (Keras JSON or TF.js `modelTopology`): its weightless top-level layers get their empty `vars`
   * groups (Keras 3); a nested model's weights go under the nested model's layer (legacy).
   */
  modelTopology?: unknown;
  /** Legacy root attributes. */
  backend?: string;
  kerasVersion?: string;
}

type H5Dtype = '<f' | '<d' | '<b' | '<B' | '<h' | '<H' | '<i' | '<I' | '<q' | '<Q';

const NATIVE: Partial<Record<DType, H5Dtype>> = {
  float32: '<f', float64: '<d', int8: '<b', uint8: '<B', int16: '<h', uint16: '<H', int32: '<i', uint32: '<I', int64: '<q', uint64: '<Q',
};
const BY_SIZE: Record<number, H5Dtype> = { 1: '<B', 2: '<H', 4: '<I', 8: '<Q' };
const ARRAYS = {
  '<f': Float32Array, '<d': Float64Array, '<b': Int8Array, '<B': Uint8Array, '<h': Int16Array, '<H': Uint16Array,
  '<i': Int32Array, '<I': Uint32Array, '<q': BigInt64Array, '<Q': BigUint64Array,
} as const;

type Storage = { dtype: H5Dtype; declared?: DType; widen?: true } | { half: HalfType; declared?: DType };

function storageOf(file: string, layout: KerasLayout, t: { name: string; dtype: DType }): Storage {
  const native = NATIVE[t.dtype];
  if (native) return { dtype: native };
  if (t.dtype === 'float16') return { half: 'float16' };
  if (t.dtype === 'bfloat16') return layout === 'keras3' ? { half: 'bfloat16', declared: 'bfloat16' } : { dtype: '<f', widen: true };
  if (t.dtype.startsWith('float8')) {
    throw new GraftError(
      'unsupported',
      file,
      `tensor ${t.name} is ${t.dtype}: Keras stores float8 in HDF5 as an untagged 1-byte opaque type that its own loaders cannot read back — export as safetensors or a TF checkpoint, or cast it in the recipe`,
    );
  }
  const size = ELEMENT_SIZE[t.dtype];
  if (size === 0 || t.dtype.startsWith('complex')) throw new GraftError('unsupported', file, `tensor ${t.name} has dtype ${t.dtype}, which Graft cannot write to a Keras HDF5 file`);
  return { dtype: BY_SIZE[size]!, declared: t.dtype };
}

/** bfloat16 → float32: the 16 bits become the high half, exactly. */
function widenBfloat16(bytes: Uint8Array): Float32Array {
  const out = new Uint32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16;
  return new Float32Array(out.buffer);
}

interface Emscripten {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  create_dataset(fileId: bigint, path: string, ptr: bigint, metadata: unknown): number;
  FS: {
    open(path: string, flags: string): unknown;
    read(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
    write(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
    close(stream: unknown): void;
    stat(path: string): { size: number };
    unlink(path: string): void;
  };
}

/** HDF5's own last word on a failure (its error stack ends with the cause, e.g. `minor: Object already exists`). */
function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const minor = [...text.matchAll(/minor: (.+)/g)].pop()?.[1];
  return clip(minor ?? text.split('\n')[0]!, 200);
}

const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
let files = 0;

type H5wasm = typeof import('h5wasm').default;
interface Entry { spec: KerasTensorSpec; place: KerasPlacement; type: Storage }
interface HalfState { markers: ReturnType<typeof standInMarkers>; counts: Record<HalfType, number>; paths: [string, HalfType][] }

/** The HDF5 file being built in h5wasm's in-memory file system, with the groups created so far. */
class ScratchFile {
  private open = true;
  private readonly groups = new Set<string>();

  private constructor(readonly h5wasm: H5wasm, readonly module: Emscripten, readonly h5: H5File, readonly fsPath: string) {}

  static async create(): Promise<ScratchFile> {
    const { lib: h5wasm, module } = await loadH5wasm();
    const fsPath = `/graft-write-${++files}.h5`;
    return new ScratchFile(h5wasm, module as Emscripten, new h5wasm.File(fsPath, 'w'), fsPath);
  }

  group(p: string): Group {
    if (p === '') return this.h5;
    if (!this.groups.has(p)) {
      this.group(parentOf(p));
      this.h5.create_group(p);
      this.groups.add(p);
    }
    return this.h5.get(p) as Group;
  }

  close(): void {
    this.h5.close();
    this.open = false;
  }

  discard(): void {
    if (this.open) {
      this.open = false;
      try {
        this.h5.close();
      } catch {
        // closing a half-written file may fail; the file is deleted anyway
      }
    }
    try {
      this.module.FS.unlink(this.fsPath);
    } catch {
      // already gone
    }
  }
}

/** A Keras writer: `storedKeys` gives each tensor's dataset path (placements.ts). */
export type KerasWriter = CheckpointWriter & { readonly storedKeys: ReadonlyMap<string, string> };

export async function createKerasWriter(opts: KerasWriterOptions): Promise<KerasWriter> {
  const { path: file } = opts;
  const { placements, byName } = planTensors(opts);
  const varsGroups = opts.layout === 'keras3' ? keras3VarsGroups(opts, placements) : new Map<string, string>();
  const legacy = opts.layout === 'legacy' ? legacyLayers(placements, opts.tensors) : [];
  const datasets = new Map(placements.map((p) => [p.dataset, p.name]));
  checkH5Layout(file, datasets, opts.layout === 'keras3' ? varsGroups : new Map(legacy.map((e) => [e.layer, e.layer])));
  const notes = widenedNotes(opts);
  const half: HalfState = { markers: standInMarkers(), counts: { float16: 0, bfloat16: 0 }, paths: [] };
  const scratch = await ScratchFile.create();
  try {
    if (opts.layout === 'keras3') writeKeras3Groups(scratch, varsGroups);
    else writeLegacyAttributes(scratch, opts, legacy);
  } catch (e) {
    scratch.discard();
    if (e instanceof GraftError) throw e;
    throw new GraftError('corrupt', file, `HDF5 could not create the file's groups and attributes: ${hdf5Reason(e)}`, { cause: e });
  }

  const added = new Set<string>();
  const storedKeys = new Map<string, string>();
  return {
    notes,
    storedKeys,
    async add(t: OutputTensor) {
      const entry = byName.get(t.name);
      if (!entry) throw new GraftError('not-found', file, `tensor ${t.name} is not a variable of the new model`);
      if (added.has(t.name)) throw new GraftError('corrupt', file, `tensor ${t.name} is added twice`);
      checkTensor(file, entry.spec, t);
      try {
        writeDataset(scratch, entry, t, half);
      } catch (e) {
        scratch.discard();
        throw new GraftError('corrupt', file, `HDF5 could not write ${entry.place.dataset}`, { cause: e });
      }
      added.add(t.name);
      storedKeys.set(t.name, entry.place.dataset);
    },
    async finish() {
      if (added.size !== byName.size) {
        const missing = [...byName.keys()].filter((n) => !added.has(n));
        scratch.discard();
        throw new GraftError('corrupt', file, `${missing.length} tensor(s) were never added, e.g. ${missing.slice(0, 3).join(', ')}`);
      }
      try {
        scratch.close();
        const size = scratch.module.FS.stat(scratch.fsPath).size;
        if (half.paths.length > 0) {
          patchHalves(scratch, size, file, half);
          checkHalfTypes(scratch.h5wasm, scratch.fsPath, file, half.paths);
        }
        await copyToSink(scratch, size, opts.out, file);
      } finally {
        scratch.discard();
      }
    },
  };
}

/** Each tensor's place and storage type; refuses a tensor listed twice or two tensors at one dataset (checkH5Layout checks the paths). */
function planTensors(opts: KerasWriterOptions): { placements: KerasPlacement[]; byName: Map<string, Entry> } {
  const { path: file, layout } = opts;
  const placements = layout === 'keras3' ? keras3Placements(opts.tensors) : legacyPlacements(opts.tensors, opts.modelTopology);
  const byName = new Map<string, Entry>();
  const datasets = new Set<string>();
  opts.tensors.forEach((spec, i) => {
    const place = placements[i]!;
    if (byName.has(spec.name)) throw new GraftError('corrupt', file, `tensor ${spec.name} is listed twice`);
    if (datasets.has(place.dataset)) throw new GraftError('corrupt', file, `two variables would both be stored at ${place.dataset}`);
    datasets.add(place.dataset);
    byName.set(spec.name, { spec, place, type: storageOf(file, layout, spec) });
  });
  return { placements, byName };
}

function widenedNotes(opts: KerasWriterOptions): string[] {
  const widened = opts.tensors.filter((t) => t.dtype === 'bfloat16' && opts.layout === 'legacy').length;
  if (widened === 0) return [];
  return [`${opts.path}: ${widened} bfloat16 tensor(s) stored as float32 (exact): Keras' legacy .h5 loader cannot read bfloat16 datasets, and casts float32 back to bfloat16 on load`];
}

/** Keras 3: every `vars` group with its `name` (layers with weights, the model's root, weightless top-level layers). */
function keras3VarsGroups(opts: KerasWriterOptions, placements: readonly KerasPlacement[]): Map<string, string> {
  const varsNames = new Map<string, string>();
  for (const p of placements) varsNames.set(parentOf(p.dataset), p.layer);
  const config = topologyModelConfig(opts.modelTopology);
  const configName = config && typeof (config.config as { name?: unknown } | undefined)?.name === 'string' ? ((config.config as { name: string }).name) : undefined;
  if (!varsNames.has('vars')) varsNames.set('vars', opts.modelName ?? configName ?? 'model');
  const owners = new Set(opts.tensors.map((t) => t.layer));
  for (const w of weightlessSlots(opts.modelTopology)) if (!owners.has(w.name) && !varsNames.has(`${w.slot}/vars`)) varsNames.set(`${w.slot}/vars`, w.name);
  return varsNames;
}

function writeKeras3Groups(scratch: ScratchFile, varsGroups: ReadonlyMap<string, string>): void {
  for (const [vars, name] of varsGroups) scratch.group(vars).create_attribute('name', name, null, 'S');
}

/** Legacy: root `backend`, `keras_version`, `layer_names`; each layer group's `weight_names`. */
function writeLegacyAttributes(scratch: ScratchFile, opts: KerasWriterOptions, entries: ReturnType<typeof legacyLayers>): void {
  const h5 = scratch.h5;
  const layers = entries.map((e) => e.layer).filter((l) => l !== 'optimizer_weights');
  const fixed = (names: string[]) => `A${Math.max(1, ...names.map((n) => new TextEncoder().encode(n).length))}`;
  h5.create_attribute('backend', opts.backend ?? 'tensorflow', null, 'A');
  h5.create_attribute('keras_version', opts.kerasVersion ?? '2.15.0', null, 'A');
  h5.create_attribute('layer_names', layers, [layers.length], fixed(layers) as 'A');
  for (const { layer, weightNames } of entries) scratch.group(layer).create_attribute('weight_names', weightNames, [weightNames.length], fixed(weightNames) as 'A');
}

function checkTensor(file: string, spec: KerasTensorSpec, t: OutputTensor): void {
  const need = elementCount(spec.shape) * ELEMENT_SIZE[spec.dtype];
  if (t.dtype !== spec.dtype || t.shape.join(',') !== spec.shape.join(',') || t.bytes.byteLength !== need) {
    throw new GraftError('corrupt', file, `tensor ${t.name} was declared ${spec.dtype} [${spec.shape.join(', ')}] (${need} bytes) but is ${t.dtype} [${t.shape.join(', ')}] with ${t.bytes.byteLength} bytes`);
  }
}

/** One dataset: a stand-in for a half type (finished after close), else the native array; `dtype` attribute if declared. */
function writeDataset(scratch: ScratchFile, { spec, place, type }: Entry, t: OutputTensor, half: HalfState): void {
  const name = place.dataset.slice(place.dataset.lastIndexOf('/') + 1);
  const g = scratch.group(parentOf(place.dataset));
  let ds;
  if ('half' in type) {
    createStandIn(scratch.module, scratch.h5.file_id, `/${place.dataset}`, half.markers[type.half], spec.shape, t.bytes);
    ds = g.get(name) as Dataset;
    half.counts[type.half]++;
    half.paths.push([place.dataset, type.half]);
  } else {
    const Ctor = ARRAYS[type.dtype];
    const aligned = t.bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? t.bytes : t.bytes.slice();
    const data = type.widen ? widenBfloat16(t.bytes) : new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / Ctor.BYTES_PER_ELEMENT);
    ds = g.create_dataset({ name, data, shape: spec.shape, dtype: type.dtype });
  }
  if (type.declared) ds.create_attribute('dtype', type.declared, null, 'S');
}

/** Gives the closed file's stand-in datasets their real half types, in place. */
function patchHalves(scratch: ScratchFile, size: number, file: string, half: HalfState): void {
  const { FS } = scratch.module;
  const stream = FS.open(scratch.fsPath, 'r+');
  try {
    patchHalfTypes({
      size,
      read: (offset, length) => {
        const b = new Uint8Array(length);
        FS.read(stream, b, 0, length, offset);
        return b;
      },
      write: (offset, bytes) => void FS.write(stream, bytes, 0, bytes.length, offset),
    }, file, half.markers, half.counts);
  } finally {
    FS.close(stream);
  }
}

async function copyToSink(scratch: ScratchFile, size: number, out: OutputFolder, file: string): Promise<void> {
  const { FS } = scratch.module;
  const sink = await out.create(file);
  const stream = FS.open(scratch.fsPath, 'r');
  try {
    const CHUNK = 1 << 20;
    for (let at = 0; at < size; at += CHUNK) {
      const chunk = new Uint8Array(Math.min(CHUNK, size - at));
      FS.read(stream, chunk, 0, chunk.length, at);
      await sink.write(chunk);
    }
  } finally {
    FS.close(stream);
  }
  await sink.close();
}

/** Reopens the finished file: every 2-byte dataset must now have its real HDF5 class. */
function checkHalfTypes(h5wasm: H5wasm, fsPath: string, file: string, paths: readonly [string, HalfType][]): void {
  const f = new h5wasm.File(fsPath, 'r');
  try {
    for (const [path, type] of paths) {
      const m = (f.get(path) as InstanceType<typeof h5wasm.Dataset> | null)?.metadata;
      const want = type === 'float16' ? H5T.FLOAT : H5T.OPAQUE;
      if (!m || m.type !== want || m.size !== 2) throw new GraftError('corrupt', file, `dataset ${path} did not get the HDF5 ${type} type — the file was not written`);
    }
  } finally {
    f.close();
  }
}
