/**
 * Where each layer of a model puts its variables: its slot in a Keras 3 weights file (`layers/dense_1`) and its
 * object's path in a TF object-based checkpoint (`_operations/3`).
 */
import { type ModelSpec, kerasSnakeCase } from './keras-config';
import { functionalOrder, operationPaths } from './trackable';

/** Where a layer's variables go: its slot in a Keras 3 weights file, its object's path in a TF checkpoint (if known). */
export interface Place {
  slot: string;
  trackable?: string;
}

/** Exported names whose class is named otherwise (the slot follows the class). */
const CLASS_ALIASES: Record<string, string> = { GroupQueryAttention: 'GroupedQueryAttention' };

/**
 * Each layer's slot in a Keras 3 weights file: `layers/<snake_case class>`, numbered `_1`, `_2`... among layers of
 * the same class in the model's layer order (saving_lib `_save_container_state`), which for a Functional is
 * Keras' own operation order, not necessarily the config's.
 */
function kerasSlots(model: ModelSpec, prefix: string): Map<string, string> {
  const order = model.kind === 'functional' ? functionalOrder(model) : null;
  const rank = new Map((order ?? []).map((name, i) => [name, i]));
  const layers = order ? [...model.layers].sort((a, b) => (rank.get(a.name) ?? rank.size) - (rank.get(b.name) ?? rank.size)) : model.layers;
  const used = new Map<string, number>();
  const slots = new Map<string, string>();
  for (const l of layers) {
    const base = kerasSnakeCase(CLASS_ALIASES[l.className] ?? l.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    slots.set(l.name, `${prefix}layers/${n === undefined ? base : `${base}_${n + 1}`}`);
  }
  return slots;
}

/** Where each layer of `model` puts its variables; `trackablePrefix` undefined when the model's own path is unknown. */
export function places(model: ModelSpec, prefix: string, trackablePrefix: string | undefined): Map<string, Place> {
  const slots = kerasSlots(model, prefix);
  const paths = trackablePrefix === undefined ? new Map<string, string>() : operationPaths(model, trackablePrefix);
  const out = new Map<string, Place>();
  for (const [name, slot] of slots) {
    const trackable = paths.get(name);
    out.set(name, trackable === undefined ? { slot } : { slot, trackable });
  }
  return out;
}
