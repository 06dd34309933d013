/**
 * Where each variable goes in a Keras HDF5 file: its dataset path, its layer group (legacy) and the `name` of its
 * `vars` group (Keras 3).
 */
import type { VariableKind } from '../../model/checkpoint';
import type { DType } from '../../model/dtypes';
import { kerasSnakeCase } from '../../model/target/keras-config';
import { topologyModelConfig } from '../../model/target/detect';

export interface KerasTensorSpec {
  name: string;
  dtype: DType;
  shape: number[];
  kind?: VariableKind;
  group?: string;
  layer?: string;
  weightIndex?: number;
  kerasPath?: string;
  /** Orders a legacy layer's weights as Keras does: trainable ones first. */
  trainable?: boolean;
}

/** Where each variable goes: its dataset path, its layer (legacy) and the `vars` group's `name` (Keras 3). */
export interface KerasPlacement {
  name: string;
  dataset: string;
  layer: string;
  /** Legacy: the entry in the layer's `weight_names`. */
  weightName?: string;
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
      const slot = optimizer ? 'optimizer' : `layers/${t.layer || t.group || (t.name.includes('/') ? parentOf(t.name) : t.name)}`;
      const i = t.weightIndex ?? counters.get(slot) ?? 0;
      counters.set(slot, Math.max(counters.get(slot) ?? 0, i + 1));
      dataset = `${slot}/vars/${i}`;
    }
    const owner = parentOf(parentOf(dataset));
    const fallback = owner === '' ? 'model' : owner.split('/').pop()!;
    return { name: t.name, dataset, layer: owner === 'optimizer' ? 'optimizer' : (t.layer || fallback) };
  });
}

/** Legacy dataset paths: `<layer>/<weight name>`, the weight name as Keras 2 names variables (`dense/kernel:0`). */
export function legacyPlacements(tensors: readonly KerasTensorSpec[], topology?: unknown): KerasPlacement[] {
  const owners = nestedOwners(topology);
  return tensors.map((t) => {
    const name = t.name.replace(/^model_weights\//, '');
    if (t.kind === 'optimizer' || name.startsWith('optimizer_weights/')) {
      const w = name.replace(/^optimizer_weights\//, '');
      return { name: t.name, dataset: `optimizer_weights/${w}`, layer: 'optimizer_weights', weightName: w };
    }
    // Keras' legacy loader fills the model's top-level layers in order: a nested model is one layer holding its
    // layers' weights (`inner/dense_2/kernel:0`).
    const nested = t.kerasPath === undefined || /^layers\/[^/]+\/layers\//.test(t.kerasPath);
    const top = t.layer !== undefined && nested ? owners.get(t.layer) : undefined;
    if (top !== undefined && !name.startsWith(`${top}/`)) {
      const weightName = `${t.layer}/${name.split('/').pop()!.replace(/:\d+$/, '')}:0`;
      return { name: t.name, dataset: `${top}/${weightName}`, layer: top, weightName };
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

/** Top-level layers of a Keras model config and their Keras 3 slots (`layers/dropout`). */
export function weightlessSlots(topology: unknown): { slot: string; name: string }[] {
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

type LayerEntry = Record<string, unknown> & { class_name?: unknown; config?: Record<string, unknown>; name?: unknown };

/** A config's layer entries that are objects (a hostile config may list `null` or a number). */
const layersOf = (config: unknown): LayerEntry[] => {
  const layers = typeof config === 'object' && config !== null ? (config as { layers?: unknown }).layers : undefined;
  return Array.isArray(layers) ? (layers.filter((l) => typeof l === 'object' && l !== null && !Array.isArray(l)) as LayerEntry[]) : [];
};
const nameOf = (l: LayerEntry): string | undefined => (typeof l.config?.name === 'string' ? l.config.name : typeof l.name === 'string' ? l.name : undefined);

/** Every layer inside a nested model of the config, by name, with the top-level layer (the nested model) holding it. */
export function nestedOwners(topology: unknown): Map<string, string> {
  const owners = new Map<string, string>();
  const collect = (layers: LayerEntry[], top: string, depth: number) => {
    if (depth > 32) return;
    for (const l of layers) {
      const name = nameOf(l);
      if (name !== undefined && l.class_name !== 'InputLayer' && !owners.has(name)) owners.set(name, top);
      collect(layersOf(l.config), top, depth + 1);
    }
  };
  const config = topologyModelConfig(topology);
  for (const l of layersOf(config?.config)) {
    const name = nameOf(l);
    if (name !== undefined && layersOf(l.config).length > 0) collect(layersOf(l.config), name, 0);
  }
  return owners;
}

/**
 * The legacy layers in file order with their `weight_names`: Keras' loader pairs them with `layer.trainable_weights +
 * layer.non_trainable_weights`, so where every weight of a layer says whether it is trainable, trainable ones go first.
 */
export function legacyLayers(placements: readonly KerasPlacement[], tensors: readonly KerasTensorSpec[]): { layer: string; weightNames: string[] }[] {
  const byLayer = new Map<string, { name: string; trainable?: boolean }[]>();
  placements.forEach((p, i) => {
    const list = byLayer.get(p.layer) ?? [];
    list.push({ name: p.weightName!, ...(tensors[i]!.trainable !== undefined && { trainable: tensors[i]!.trainable }) });
    byLayer.set(p.layer, list);
  });
  return [...byLayer].map(([layer, list]) => {
    const flagged = layer !== 'optimizer_weights' && list.every((w) => typeof w.trainable === 'boolean');
    const ordered = flagged ? [...list.filter((w) => w.trainable), ...list.filter((w) => !w.trainable)] : list;
    return { layer, weightNames: ordered.map((w) => w.name) };
  });
}
