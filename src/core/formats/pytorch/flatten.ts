/**
 * What a torch.save'd object holds, as a flat list of named values: containers (dict, OrderedDict, list, tuple,
 * a pickled nn.Module's `_parameters`/`_buffers`/`_modules`) are walked and their keys joined with `.`, as
 * people write them (`model_state_dict.fc.weight`, `optimizer_state_dict.state.0.exp_avg`). Python numbers become
 * 0-d bookkeeping values (a list of numbers one vector); text, None and other objects are named in a note.
 */
import { GraftError } from '../../errors';
import type { VariableKind } from '../../model/checkpoint';
import type { DType } from '../../model/dtypes';
import { BOOKKEEPING_GROUP, OPTIMIZER_GROUP } from '../../model/naming';
import { numpyValue } from './numpy-objects';
import { isKind, typeName, type PyDict, type PyValue, type TorchTensor } from './values';

export interface FlatEntry {
  name: string;
  kind: VariableKind;
  group: string;
  /** The key inside its state dict without `module.` / `_orig_mod.`, where that differs from `name`. */
  originalName?: string;
  dtype: DType;
  shape: number[];
  /** A tensor in a storage, or a Python number's bytes (little-endian). */
  value: TorchTensor | Uint8Array;
}

export interface Flattened {
  entries: FlatEntry[];
  /** Sentences about what was not listed or how things were read. */
  notes: string[];
}

/** Keys under which training scripts keep optimizer and other non-weight state. */
const OPTIMIZER_KEYS = /^(optimi[sz]ers?|optimi[sz]er_states?(_dicts?)?|optimi[sz]er_state_dicts?|optim(_state(_dict)?)?|opt(_state)?)$/i;
const BOOKKEEPING_KEYS = /^((lr_)?schedulers?(_state(_dict)?)?|(grad_)?scaler(_state(_dict)?)?|amp|rng(_state)?s?|(cuda_|numpy_|python_|torch_)?rng_states?|callbacks|loops|hyper_parameters|hparams|args|config|cfg|metrics?|history|logs?)$/i;
const PREFIXES = /^(?:(?:module|_orig_mod)\.)+/;
/**
 * Without shared references a walk visits at most one value per pickle opcode; shared ones (the memo) can nest into
 * an explosion of paths. A walk past this many visits per pickle byte is a hostile pickle.
 */
const VISITS_PER_BYTE = 2;
const MIN_VISITS = 100_000;
const MAX_DEPTH = 200;
/** Python numbers kept as values: a log of millions of floats is not worth listing. */
const MAX_INLINE_BYTES = 64 << 20;

function segment(k: PyValue): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'bigint' || typeof k === 'number') return String(k);
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  if (k === null) return 'None';
  if (isKind(k, 'tuple')) return k.items.map(segment).join(',');
  return typeName(k);
}

function numbers(items: readonly PyValue[]): { dtype: DType; bytes: Uint8Array } | null {
  if (items.length === 0) return null;
  if (items.every((x) => typeof x === 'boolean')) return { dtype: 'bool', bytes: Uint8Array.from(items as boolean[], (b) => (b ? 1 : 0)) };
  if (items.every((x) => typeof x === 'bigint' && BigInt.asIntN(64, x) === x)) return { dtype: 'int64', bytes: new Uint8Array(BigInt64Array.from(items as bigint[]).buffer) };
  if (items.every((x) => typeof x === 'number')) return { dtype: 'float64', bytes: new Uint8Array(Float64Array.from(items as number[]).buffer) };
  return null;
}

const isStateDict = (d: PyDict) => d.ordered || [...d.entries.values()].some(([k]) => typeof k === 'string' && k.includes('.'));

/** `file` names the checkpoint in errors; `value` is what the pickle of `pickleBytes` bytes gave. */
export function flatten(value: PyValue, file: string, pickleBytes: number): Flattened {
  const maxVisits = Math.max(MIN_VISITS, VISITS_PER_BYTE * pickleBytes);
  const entries: FlatEntry[] = [];
  const seenNames = new Set<string>();
  const leftOut: string[] = [];
  const notes: string[] = [];
  const onPath = new Set<object>();
  let visits = 0;
  let inline = 0;
  let modules = false;

  const emit = (path: string[], kind: VariableKind, dtype: DType, shape: number[], v: TorchTensor | Uint8Array, original?: string) => {
    const name = path.join('.');
    if (seenNames.has(name)) {
      notes.push(`two values are named ${name} (a key with a dot in it and a nested one); the first is listed`);
      return;
    }
    seenNames.add(name);
    const dot = name.lastIndexOf('.');
    const k: VariableKind = kind === 'weight' && name.slice(dot + 1) === 'num_batches_tracked' ? 'bookkeeping' : kind;
    const group = k === 'optimizer' ? OPTIMIZER_GROUP : k === 'bookkeeping' ? BOOKKEEPING_GROUP : dot < 0 ? '' : name.slice(0, dot);
    entries.push({ name, kind: k, group, dtype, shape, value: v, ...(original !== undefined && original !== name ? { originalName: original } : {}) });
  };

  const number = (path: string[], kind: VariableKind, v: boolean | bigint | number) => {
    const n = numbers([v]);
    if (!n) return leftOut.push(`${path.join('.')} (an int beyond 64 bits)`);
    emit(path, kind === 'weight' ? 'bookkeeping' : kind, n.dtype, [], n.bytes);
  };

  const walk = (v: PyValue, path: string[], kind: VariableKind, stateKey?: string): void => {
    if (++visits > maxVisits) throw new GraftError('too-large', file, `the pickle's containers refer to each other more than ${maxVisits} times — the file is damaged or built to exhaust memory`);
    const here = path.join('.') || '(the saved object)';
    if (path.length > MAX_DEPTH) return void leftOut.push(`${here} (nested deeper than ${MAX_DEPTH})`);
    if (v === null || typeof v === 'string' || v instanceof Uint8Array) return void (path.length && leftOut.push(`${here} (${typeName(v)})`));
    if (typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number') return void (path.length ? number(path, kind, v) : leftOut.push(`${here} (${typeName(v)})`));
    if (v.kind === 'tensor') {
      if (v.dtype === null) return void leftOut.push(`${here} (a ${v.torchDtype} tensor, a dtype Graft does not hold)`);
      return emit(path.length ? path : ['tensor'], kind, v.dtype, [...v.shape], v, stateKey?.replace(PREFIXES, ''));
    }
    if (onPath.has(v)) return void leftOut.push(`${here} (refers to a container that holds it)`);
    onPath.add(v);
    try {
      switch (v.kind) {
        case 'dict': {
          const optimizer = v.entries.size > 0 && [...v.entries.values()].some(([k]) => k === 'param_groups') && [...v.entries.values()].some(([k]) => k === 'state');
          const stateDict = isStateDict(v);
          for (const [k, item] of v.entries.values()) {
            const s = segment(k);
            const childKind: VariableKind = optimizer || OPTIMIZER_KEYS.test(s) ? 'optimizer' : kind === 'weight' && BOOKKEEPING_KEYS.test(s) ? 'bookkeeping' : kind;
            walk(item, [...path, s], childKind, stateDict ? s : undefined);
          }
          return;
        }
        case 'list':
        case 'tuple': {
          const n = numbers(v.items);
          if (n && path.length && inline + n.bytes.length <= MAX_INLINE_BYTES) {
            inline += n.bytes.length;
            return emit(path, kind === 'weight' ? 'bookkeeping' : kind, n.dtype, [v.items.length], n.bytes);
          }
          v.items.forEach((item, i) => walk(item, [...path, String(i)], kind));
          return;
        }
        case 'object':
          return walkObject(v, path, kind);
        case 'set':
        case 'global':
        case 'storage':
        case 'dtype':
          return void leftOut.push(`${here} (${typeName(v)})`);
      }
    } finally {
      onPath.delete(v);
    }
  };

  const walkObject = (v: Extract<PyValue, { kind: 'object' }>, path: string[], kind: VariableKind) => {
    const here = path.join('.') || '(the saved object)';
    const array = numpyValue(v);
    if (array && path.length && inline + array.bytes.length <= MAX_INLINE_BYTES) {
      inline += array.bytes.length;
      return emit(path, kind === 'weight' ? 'bookkeeping' : kind, array.dtype, array.shape, array.bytes);
    }
    const state = v.state !== undefined && isKind(v.state, 'tuple') ? v.state.items[0] ?? null : (v.state ?? null);
    const field = (name: string) => (isKind(state, 'dict') ? state.entries.get(`s${name}`)?.[1] : undefined);
    const params = field('_parameters');
    const buffers = field('_buffers');
    const children = field('_modules');
    if (params !== undefined || children !== undefined) {
      // A whole nn.Module (torch.save(model)): named as its state_dict() would name its weights.
      modules = true;
      const skip = field('_non_persistent_buffers_set');
      const hidden = new Set(skip && isKind(skip, 'set') ? skip.items.filter((x) => typeof x === 'string') : []);
      for (const group of [params, buffers]) {
        if (!group || !isKind(group, 'dict')) continue;
        for (const [k, item] of group.entries.values()) if (item !== null && !hidden.has(k as string)) walk(item, [...path, segment(k)], kind);
      }
      if (children && isKind(children, 'dict')) for (const [k, item] of children.entries.values()) if (item !== null) walk(item, [...path, segment(k)], kind);
      return;
    }
    if (v.items.length > 0) {
      // A list or dict subclass (Lightning's AttributeDict, an OmegaConf container): its items.
      v.items.forEach((item, i) => (isKind(item, 'tuple') && item.items.length === 2 ? walk(item.items[1]!, [...path, segment(item.items[0]!)], kind) : walk(item, [...path, String(i)], kind)));
      return;
    }
    // An object's attributes (a TorchScript module's): its tensors and containers; its flags and numbers are not checkpoint entries.
    const held = (x: PyValue): boolean => isKind(x, 'tensor') || isKind(x, 'object') || isKind(x, 'dict') || ((isKind(x, 'list') || isKind(x, 'tuple')) && x.items.some(held));
    if (isKind(state, 'dict') && [...state.entries.values()].some(([, x]) => isKind(x, 'tensor') || isKind(x, 'object') || isKind(x, 'dict'))) {
      for (const [k, item] of state.entries.values()) if (held(item)) walk(item, [...path, segment(k)], kind);
      return;
    }
    leftOut.push(`${here} (${v.cls})`);
  };

  walk(value, [], 'weight');
  if (modules) notes.push('the file holds a whole pickled model (torch.save(model)); its weights are listed by the names its state_dict() gives them, and its code is not run');
  if (leftOut.length > 0) {
    const shown = leftOut.slice(0, 12).join(', ');
    notes.push(`not tensors, so not listed: ${shown}${leftOut.length > 12 ? ` and ${leftOut.length - 12} more` : ''}`);
  }
  return { entries, notes };
}
