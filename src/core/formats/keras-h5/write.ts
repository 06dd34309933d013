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
 * h5wasm 0.10 writes only integer, float32/64 and string types. bool is stored as uint8 with a `dtype` attribute
 * (Keras assigns 0/1 to a bool variable correctly). Floats narrower than 32 bits are refused: h5wasm cannot write
 * an HDF5 half type, and a stand-in uint16 would load in Keras as integers cast to float, i.e. wrong values.
 * Complex and string tensors are refused too.
 */
import type { Group, File as H5File } from 'h5wasm';
import { GraftError } from '../../errors';
import type { CheckpointWriter, OutputFolder, OutputTensor } from '../../engine/output';
import { type DType, ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import type { VariableKind } from '../../model/checkpoint';
import { kerasSnakeCase } from '../../model/target/keras-config';
import { topologyModelConfig } from '../../model/target/detect';

export type KerasLayout = 'keras3' | 'legacy';

export interface KerasTensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
  kind?: VariableKind;
  group?: string;
  layer?: string;
  weightIndex?: number;
  kerasPath?: string;
}

export interface KerasWriterOptions {
  out: OutputFolder;
  /** The file in `out`. */
  path: string;
  layout: KerasLayout;
  tensors: readonly KerasTensorSpec[];
  /** The `name` of the model's own root `vars` group (Keras 3). Default: from the topology, else `model`. */
  modelName?: string;
  /** The model config (Keras JSON or TF.js `modelTopology`): its weightless top-level layers get their empty `vars` groups (Keras 3). */
  modelTopology?: unknown;
  /** Legacy root attributes. */
  backend?: string;
  kerasVersion?: string;
}

/** Where each variable goes: its dataset path, its layer (legacy) and the `vars` group's `name` (Keras 3). */
export interface KerasPlacement {
  name: string;
  dataset: string;
  layer: string;
  /** Legacy: the entry in the layer's `weight_names`. */
  weightName?: string;
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

function h5Type(file: string, t: { name: string; dtype: DType }): { dtype: H5Dtype; declared?: DType } {
  const native = NATIVE[t.dtype];
  if (native) return { dtype: native };
  if (/^(b?float16|float8_)/.test(t.dtype)) {
    throw new GraftError(
      'unsupported',
      file,
      `tensor ${t.name} is ${t.dtype}: Graft cannot write HDF5 floats narrower than 32 bits yet (h5wasm lacks the type, and a stand-in integer type would load as wrong values in Keras) — export as safetensors or a TF checkpoint, or cast it to float32 in the recipe`,
    );
  }
  const size = ELEMENT_SIZE[t.dtype];
  if (size === 0 || t.dtype.startsWith('complex')) throw new GraftError('unsupported', file, `tensor ${t.name} has dtype ${t.dtype}, which Graft cannot write to a Keras HDF5 file`);
  return { dtype: BY_SIZE[size]!, declared: t.dtype };
}

const KERAS3_PATH = /^(?:.+\/)?vars\/\d+$/;
const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** Keras 3 dataset paths: the variable's `kerasPath`, a name already in that layout, or `layers/<layer>/vars/<i>`. */
export function keras3Placements(tensors: readonly KerasTensorSpec[]): KerasPlacement[] {
  const counters = new Map<string, number>();
  return tensors.map((t) => {
    let dataset = t.kerasPath ?? (KERAS3_PATH.test(t.name) ? t.name : undefined);
    if (!dataset) {
      const optimizer = t.kind === 'optimizer';
      const slot = optimizer ? 'optimizer' : `layers/${t.layer ?? t.group ?? (t.name.includes('/') ? parentOf(t.name) : t.name)}`;
      const i = t.weightIndex ?? counters.get(slot) ?? 0;
      counters.set(slot, Math.max(counters.get(slot) ?? 0, i + 1));
      dataset = `${slot}/vars/${i}`;
    }
    const owner = parentOf(parentOf(dataset));
    const fallback = owner === '' ? 'model' : owner.split('/').pop()!;
    return { name: t.name, dataset, layer: owner === 'optimizer' ? 'optimizer' : (t.layer ?? fallback) };
  });
}

/** Legacy dataset paths: `<layer>/<weight name>`, the weight name as Keras 2 names variables (`dense/kernel:0`). */
export function legacyPlacements(tensors: readonly KerasTensorSpec[]): KerasPlacement[] {
  return tensors.map((t) => {
    const name = t.name.replace(/^model_weights\//, '');
    if (t.kind === 'optimizer' || name.startsWith('optimizer_weights/')) {
      const w = name.replace(/^optimizer_weights\//, '');
      return { name: t.name, dataset: `optimizer_weights/${w}`, layer: 'optimizer_weights', weightName: w };
    }
    // A top-level variable (TF1 `Variable_3`, group '') becomes its own layer: HDF5 has no empty link names.
    const layer = t.layer || (KERAS3_PATH.test(name) ? parentOf(parentOf(name)).split('/').pop()! : name.includes('/') ? name.split('/')[0]! : t.group || name);
    // A name read from a legacy file is `<layer>/<weight name>` (`dense/dense/kernel:0`, Keras 1 `dense_1/dense_1_W`):
    // keep its weight name. A model's variable (`dense/kernel`) gets the name Keras 2 gives it (`dense/kernel:0`).
    if (name.startsWith(`${layer}/${layer}/`) || name.startsWith(`${layer}/${layer}_`)) {
      const weightName = name.slice(layer.length + 1);
      return { name: t.name, dataset: `${layer}/${weightName}`, layer, weightName };
    }
    let weightName = name.startsWith(`${layer}/`) ? name : `${layer}/${name.split('/').pop()!}`;
    if (!/:\d+$/.test(weightName)) weightName += ':0';
    return { name: t.name, dataset: `${layer}/${weightName}`, layer, weightName };
  });
}

/** Top-level weightless layers of a Keras model config and their Keras 3 slots (`layers/dropout`). */
function weightlessSlots(topology: unknown): { slot: string; name: string }[] {
  const config = topologyModelConfig(topology);
  const inner = config && typeof config.config === 'object' && config.config !== null ? (config.config as Record<string, unknown>) : null;
  const layers = inner && Array.isArray(inner.layers) ? (inner.layers as Record<string, unknown>[]) : [];
  const sequential = config?.class_name === 'Sequential';
  const used = new Map<string, number>();
  const out: { slot: string; name: string }[] = [];
  for (const l of layers) {
    if (typeof l?.class_name !== 'string') continue;
    if (sequential && l.class_name === 'InputLayer') continue; // Sequential.layers leaves out its InputLayer
    const base = kerasSnakeCase(l.class_name);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const slot = `layers/${n === undefined ? base : `${base}_${n + 1}`}`;
    const cfg = (l.config ?? {}) as Record<string, unknown>;
    out.push({ slot, name: typeof cfg.name === 'string' ? cfg.name : slot.split('/').pop()! });
  }
  return out;
}

interface Emscripten {
  FS: {
    open(path: string, flags: string): unknown;
    read(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number;
    close(stream: unknown): void;
    stat(path: string): { size: number };
    unlink(path: string): void;
  };
}

let files = 0;

export async function createKerasWriter(opts: KerasWriterOptions): Promise<CheckpointWriter> {
  const { path: file, layout } = opts;
  const placements = layout === 'keras3' ? keras3Placements(opts.tensors) : legacyPlacements(opts.tensors);
  const byName = new Map<string, { spec: KerasTensorSpec; place: KerasPlacement; type: ReturnType<typeof h5Type> }>();
  const datasets = new Set<string>();
  opts.tensors.forEach((spec, i) => {
    const place = placements[i]!;
    if (byName.has(spec.name)) throw new GraftError('corrupt', file, `tensor ${spec.name} is listed twice`);
    if (datasets.has(place.dataset)) throw new GraftError('corrupt', file, `two variables would both be stored at ${place.dataset}`);
    datasets.add(place.dataset);
    byName.set(spec.name, { spec, place, type: h5Type(file, spec) });
  });

  const h5wasm = (await import('h5wasm')).default;
  const module = (await h5wasm.ready) as unknown as Emscripten;
  const fsPath = `/graft-write-${++files}.h5`;
  const h5: H5File = new h5wasm.File(fsPath, 'w');
  let open = true;
  const discard = () => {
    if (open) {
      open = false;
      try {
        h5.close();
      } catch {
        // closing a half-written file may fail; the file is deleted anyway
      }
    }
    try {
      module.FS.unlink(fsPath);
    } catch {
      // already gone
    }
  };
  const groups = new Set<string>();
  const ensureGroup = (p: string): Group => {
    if (p === '') return h5;
    if (!groups.has(p)) {
      ensureGroup(parentOf(p));
      h5.create_group(p);
      groups.add(p);
    }
    return h5.get(p) as Group;
  };

  try {
    if (layout === 'keras3') {
      const varsNames = new Map<string, string>();
      for (const p of placements) varsNames.set(parentOf(p.dataset), p.layer);
      const config = topologyModelConfig(opts.modelTopology);
      const configName = config && typeof (config.config as { name?: unknown } | undefined)?.name === 'string' ? ((config.config as { name: string }).name) : undefined;
      if (!varsNames.has('vars')) varsNames.set('vars', opts.modelName ?? configName ?? 'model');
      const owners = new Set(opts.tensors.map((t) => t.layer));
      for (const w of weightlessSlots(opts.modelTopology)) if (!owners.has(w.name) && !varsNames.has(`${w.slot}/vars`)) varsNames.set(`${w.slot}/vars`, w.name);
      for (const [vars, name] of varsNames) ensureGroup(vars).create_attribute('name', name, null, 'S');
    } else {
      const layers: string[] = [];
      const weights = new Map<string, string[]>();
      for (const p of placements) {
        if (!weights.has(p.layer)) {
          weights.set(p.layer, []);
          if (p.layer !== 'optimizer_weights') layers.push(p.layer);
        }
        weights.get(p.layer)!.push(p.weightName!);
      }
      const fixed = (names: string[]) => `A${Math.max(1, ...names.map((n) => new TextEncoder().encode(n).length))}`;
      h5.create_attribute('backend', opts.backend ?? 'tensorflow', null, 'A');
      h5.create_attribute('keras_version', opts.kerasVersion ?? '2.15.0', null, 'A');
      h5.create_attribute('layer_names', layers, [layers.length], fixed(layers) as 'A');
      for (const [layer, names] of weights) ensureGroup(layer).create_attribute('weight_names', names, [names.length], fixed(names) as 'A');
    }
  } catch (e) {
    discard();
    throw e;
  }

  const added = new Set<string>();
  return {
    async add(t: OutputTensor) {
      const entry = byName.get(t.name);
      if (!entry) throw new GraftError('not-found', file, `tensor ${t.name} is not a variable of the new model`);
      if (added.has(t.name)) throw new GraftError('corrupt', file, `tensor ${t.name} is added twice`);
      const { spec, place, type } = entry;
      const need = elementCount(spec.shape) * ELEMENT_SIZE[spec.dtype];
      if (t.dtype !== spec.dtype || t.shape.join(',') !== spec.shape.join(',') || t.bytes.byteLength !== need) {
        throw new GraftError('corrupt', file, `tensor ${t.name} was declared ${spec.dtype} [${spec.shape.join(', ')}] (${need} bytes) but is ${t.dtype} [${t.shape.join(', ')}] with ${t.bytes.byteLength} bytes`);
      }
      const Ctor = ARRAYS[type.dtype];
      const aligned = t.bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? t.bytes : t.bytes.slice();
      const data = new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / Ctor.BYTES_PER_ELEMENT);
      try {
        const g = ensureGroup(parentOf(place.dataset));
        const ds = g.create_dataset({ name: place.dataset.slice(place.dataset.lastIndexOf('/') + 1), data, shape: spec.shape, dtype: type.dtype });
        if (type.declared) ds.create_attribute('dtype', type.declared, null, 'S');
      } catch (e) {
        discard();
        throw new GraftError('corrupt', file, `HDF5 could not write ${place.dataset}`, { cause: e });
      }
      added.add(t.name);
    },
    async finish() {
      if (added.size !== byName.size) {
        const missing = [...byName.keys()].filter((n) => !added.has(n));
        discard();
        throw new GraftError('corrupt', file, `${missing.length} tensor(s) were never added, e.g. ${missing.slice(0, 3).join(', ')}`);
      }
      try {
        h5.close();
        open = false;
        const size = module.FS.stat(fsPath).size;
        const sink = await opts.out.create(file);
        const stream = module.FS.open(fsPath, 'r');
        try {
          const CHUNK = 1 << 20;
          for (let at = 0; at < size; at += CHUNK) {
            const chunk = new Uint8Array(Math.min(CHUNK, size - at));
            module.FS.read(stream, chunk, 0, chunk.length, at);
            await sink.write(chunk);
          }
        } finally {
          module.FS.close(stream);
        }
        await sink.close();
      } finally {
        discard();
      }
    },
  };
}
