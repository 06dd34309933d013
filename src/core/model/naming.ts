/**
 * What a stored variable is for (model weight, optimizer state, bookkeeping) and the scope it is
 * listed under. Shared by every format: works on the key as stored plus, where the file records
 * them, a readable path (TF2 object graph) and whether the variable belongs to an optimizer.
 */
import type { VariableKind } from './checkpoint';

export interface NameClass {
  kind: VariableKind;
  group: string;
}

export interface NameHints {
  /** Readable path, e.g. `layer_with_weights-0/kernel` from a TF2 object graph. */
  path?: string;
  /** The format knows this variable belongs to an optimizer (e.g. it sits under the graph's `optimizer` node). */
  optimizer?: boolean;
  /** The Keras layer that owns the variable, where the file says (HDF5 `layer_names`, `layers/<name>/vars/<i>`): the group. */
  layer?: string;
}

export const OPTIMIZER_GROUP = 'optimizer';
export const BOOKKEEPING_GROUP = 'bookkeeping';

const TF2_VALUE_SUFFIX = '/.ATTRIBUTES/VARIABLE_VALUE';

// TF1 `Optimizer` slot names (tf.compat.v1.train.*Optimizer): `<var>/<slot>`.
const TF1_SLOT_SUFFIXES = new Set([
  'Adam', 'Adam_1', 'Momentum', 'RMSProp', 'RMSProp_1', 'Adagrad', 'Ftrl', 'Ftrl_1', 'Adadelta', 'Adadelta_1',
  'AdagradDA', 'AdagradDA_1', 'ProximalAdagrad', 'LazyAdam', 'LazyAdam_1', 'AdamW', 'AdamW_1', 'Nadam', 'Nadam_1',
  'Adamax', 'Adamax_1', 'accumulator', 'gradient_accumulator', 'gradient_squared_accumulator',
]);
const KERAS3_OPTIMIZER_REFS = '_trainable_variables';
const OPTIMIZER_SCALARS = new Set(['beta1_power', 'beta2_power']);
const COUNTERS = new Set(['save_counter', 'global_step', 'step', 'iteration', 'iterations', 'epoch']);

/** The key without TF2's `/.ATTRIBUTES/VARIABLE_VALUE` suffix. */
export function stripValueSuffix(key: string): string {
  return key.endsWith(TF2_VALUE_SUFFIX) ? key.slice(0, -TF2_VALUE_SUFFIX.length) : key;
}

function segments(name: string): string[] {
  return name.split('/').filter((s) => s.length > 0);
}

export function isOptimizerName(key: string, path?: string): boolean {
  if (key.includes('.OPTIMIZER_SLOT')) return true;
  for (const name of [stripValueSuffix(key), path ?? '']) {
    const segs = segments(name);
    if (segs.length === 0) continue;
    const first = segs[0]!;
    const last = segs[segs.length - 1]!;
    if (first === 'optimizer_weights') return true;
    const at = segs.indexOf('optimizer');
    // Keras 3 saves the model's own variables under `[model/]optimizer/_trainable_variables/<i>` when TF's walk
    // meets them there first: they are weights.
    if ((at === 0 || (at > 0 && at < segs.length - 1)) && segs[at + 1] !== KERAS3_OPTIMIZER_REFS) return true;
    if (first === 'training' && segs.length > 2) return true; // Keras-on-TF1: training/Adam/Variable_3
    if (OPTIMIZER_SCALARS.has(last)) return true;
    if (segs.length > 1 && TF1_SLOT_SUFFIXES.has(last)) return true;
  }
  return false;
}

/** Serialised TF objects rather than variables: the TF2 object graph, `OBJECT_CONFIG_JSON`... */
export function isSerializedObject(key: string): boolean {
  return key === '_CHECKPOINTABLE_OBJECT_GRAPH' || (key.includes('/.ATTRIBUTES/') && !key.endsWith(TF2_VALUE_SUFFIX));
}

export function isBookkeepingName(key: string, path?: string): boolean {
  if (isSerializedObject(key)) return true;
  for (const name of [stripValueSuffix(key), path ?? '']) {
    const segs = segments(name);
    if (segs.length === 0) continue;
    if (segs[0] === 'keras_api' || segs[0] === 'metrics') return true;
    if (COUNTERS.has(segs[segs.length - 1]!) && segs.length <= 2) return true;
  }
  return false;
}

/** Kind and group of one variable. */
export function classifyVariable(key: string, hints: NameHints = {}): NameClass {
  // A key without scopes (PyTorch, safetensors: `encoder.fc1.weight`; 50,000 of them in an LLM checkpoint) is its
  // own one segment: the checks below, without splitting it three times.
  if (!key.includes('/') && hints.path === undefined && !hints.optimizer) {
    if (key === '_CHECKPOINTABLE_OBJECT_GRAPH') return { kind: 'bookkeeping', group: BOOKKEEPING_GROUP };
    if (key.includes('.OPTIMIZER_SLOT') || key === 'optimizer_weights' || key === 'optimizer' || OPTIMIZER_SCALARS.has(key)) return { kind: 'optimizer', group: OPTIMIZER_GROUP };
    if (key === 'keras_api' || key === 'metrics' || COUNTERS.has(key)) return { kind: 'bookkeeping', group: BOOKKEEPING_GROUP };
    return { kind: 'weight', group: hints.layer ?? '' };
  }
  if (isSerializedObject(key)) return { kind: 'bookkeeping', group: BOOKKEEPING_GROUP };
  if (hints.optimizer || isOptimizerName(key, hints.path)) return { kind: 'optimizer', group: OPTIMIZER_GROUP };
  if (isBookkeepingName(key, hints.path)) return { kind: 'bookkeeping', group: BOOKKEEPING_GROUP };
  if (hints.layer !== undefined) return { kind: 'weight', group: hints.layer };
  const segs = segments(hints.path ?? stripValueSuffix(key));
  return { kind: 'weight', group: segs.slice(0, -1).join('/') };
}
