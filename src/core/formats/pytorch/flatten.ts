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
import { isKind, typeName, type PyDict, type PyObject, type PyValue, type TorchTensor } from './values';
import { clip, oneLine } from '../../io/untrusted';

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

/** A tuple key named past this many characters is named `tuple` (a pickle can nest or share tuples without end). */
const MAX_TUPLE_SEGMENT = 1024;

function segment(k: PyValue, budget = { left: MAX_TUPLE_SEGMENT }): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'bigint' || typeof k === 'number') return String(k);
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  if (k === null) return 'None';
  if (isKind(k, 'tuple')) {
    const parts: string[] = [];
    for (const item of k.items) {
      if ((budget.left -= 1) < 0) return 'tuple';
      const part = segment(item, budget);
      budget.left -= part.length;
      parts.push(part);
    }
    return budget.left < 0 ? 'tuple' : parts.join(',');
  }
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
  const walker = new Flattener(file, Math.max(MIN_VISITS, VISITS_PER_BYTE * pickleBytes));
  walker.walk(value, [], 'weight');
  return walker.result();
}

/** One walk over a saved object: the entries it lists, what it leaves out, and its guards against hostile pickles. */
class Flattener {
  private readonly entries: FlatEntry[] = [];
  private readonly seenNames = new Set<string>();
  private readonly leftOut: string[] = [];
  private readonly notes: string[] = [];
  /** The containers from the root to the value being walked: a cycle back to one is left out. */
  private readonly onPath = new Set<object>();
  private visits = 0;
  /** Bytes of Python numbers kept as values so far. */
  private inline = 0;
  /** Names given to two values (a key with a dot in it and a nested one). */
  private readonly sameName: string[] = [];
  /** Whether a whole nn.Module was walked. */
  private modules = false;

  constructor(
    private readonly file: string,
    private readonly maxVisits: number,
  ) {}

  result(): Flattened {
    const { notes, leftOut } = this;
    if (this.modules) notes.push('the file holds a whole pickled model (torch.save(model)); its weights are listed by the names its state_dict() gives them, and its code is not run');
    if (leftOut.length > 0) {
      const shown = leftOut.slice(0, 12).map((s) => clip(s, 120)).join(', ');
      notes.push(`not tensors, so not listed: ${shown}${leftOut.length > 12 ? ` and ${leftOut.length - 12} more` : ''}`);
    }
    notes.push(...oneLine(this.sameName, (n) => `two values are named ${n} (a key with a dot in it and a nested one); the first is listed`, (count, some) => `${count} names are each given to two values (a key with a dot in it and a nested one): ${some}; the first of each is listed`));
    return { entries: this.entries, notes };
  }

  private emit(path: string[], kind: VariableKind, dtype: DType, shape: number[], v: TorchTensor | Uint8Array, original?: string): void {
    const name = path.join('.');
    if (this.seenNames.has(name)) {
      this.sameName.push(clip(name));
      return;
    }
    this.seenNames.add(name);
    const dot = name.lastIndexOf('.');
    const k: VariableKind = kind === 'weight' && name.slice(dot + 1) === 'num_batches_tracked' ? 'bookkeeping' : kind;
    const group = k === 'optimizer' ? OPTIMIZER_GROUP : k === 'bookkeeping' ? BOOKKEEPING_GROUP : dot < 0 ? '' : name.slice(0, dot);
    this.entries.push({ name, kind: k, group, dtype, shape, value: v, ...(original !== undefined && original !== name ? { originalName: original } : {}) });
  }

  /** Python numbers (one, a list, a NumPy array) kept as one bookkeeping value, while under MAX_INLINE_BYTES in all. */
  private emitInline(path: string[], kind: VariableKind, dtype: DType, shape: number[], bytes: Uint8Array): boolean {
    if (!path.length || this.inline + bytes.length > MAX_INLINE_BYTES) return false;
    this.inline += bytes.length;
    this.emit(path, kind === 'weight' ? 'bookkeeping' : kind, dtype, shape, bytes);
    return true;
  }

  private number(path: string[], kind: VariableKind, v: boolean | bigint | number): void {
    const n = numbers([v]);
    if (!n) return void this.leftOut.push(`${path.join('.')} (an int beyond 64 bits)`);
    this.emit(path, kind === 'weight' ? 'bookkeeping' : kind, n.dtype, [], n.bytes);
  }

  walk(v: PyValue, path: string[], kind: VariableKind, stateKey?: string): void {
    if (++this.visits > this.maxVisits) throw new GraftError('too-large', this.file, `the pickle's containers refer to each other more than ${this.maxVisits} times — the file is damaged or built to exhaust memory`);
    const here = path.join('.') || '(the saved object)';
    if (path.length > MAX_DEPTH) return void this.leftOut.push(`${here} (nested deeper than ${MAX_DEPTH})`);
    if (v === null || typeof v === 'string' || v instanceof Uint8Array) return void (path.length && this.leftOut.push(`${here} (${typeName(v)})`));
    if (typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number') return void (path.length ? this.number(path, kind, v) : this.leftOut.push(`${here} (${typeName(v)})`));
    if (v.kind === 'tensor') {
      if (v.dtype === null) return void this.leftOut.push(`${here} (a ${v.torchDtype} tensor, a dtype Graft does not hold)`);
      return this.emit(path.length ? path : ['tensor'], kind, v.dtype, [...v.shape], v, stateKey?.replace(PREFIXES, ''));
    }
    if (this.onPath.has(v)) return void this.leftOut.push(`${here} (refers to a container that holds it)`);
    this.onPath.add(v);
    try {
      switch (v.kind) {
        case 'dict':
          return this.walkDict(v, path, kind);
        case 'list':
        case 'tuple': {
          const n = numbers(v.items);
          if (n && this.emitInline(path, kind, n.dtype, [v.items.length], n.bytes)) return;
          v.items.forEach((item, i) => this.walk(item, [...path, String(i)], kind));
          return;
        }
        case 'object':
          return this.walkObject(v, path, kind);
        case 'set':
        case 'global':
        case 'storage':
        case 'dtype':
          return void this.leftOut.push(`${here} (${typeName(v)})`);
      }
    } finally {
      this.onPath.delete(v);
    }
  }

  private walkDict(v: PyDict, path: string[], kind: VariableKind): void {
    const optimizer = v.entries.size > 0 && [...v.entries.values()].some(([k]) => k === 'param_groups') && [...v.entries.values()].some(([k]) => k === 'state');
    const stateDict = isStateDict(v);
    for (const [k, item] of v.entries.values()) {
      const s = segment(k);
      const childKind: VariableKind = optimizer || OPTIMIZER_KEYS.test(s) ? 'optimizer' : kind === 'weight' && BOOKKEEPING_KEYS.test(s) ? 'bookkeeping' : kind;
      this.walk(item, [...path, s], childKind, stateDict ? s : undefined);
    }
  }

  private walkObject(v: PyObject, path: string[], kind: VariableKind): void {
    const array = numpyValue(v);
    if (array && this.emitInline(path, kind, array.dtype, array.shape, array.bytes)) return;
    const state = v.state !== undefined && isKind(v.state, 'tuple') ? v.state.items[0] ?? null : (v.state ?? null);
    if (this.walkModule(state, path, kind)) return;
    if (v.items.length > 0) {
      // A list or dict subclass (Lightning's AttributeDict, an OmegaConf container): its items.
      v.items.forEach((item, i) => (isKind(item, 'tuple') && item.items.length === 2 ? this.walk(item.items[1]!, [...path, segment(item.items[0]!)], kind) : this.walk(item, [...path, String(i)], kind)));
      return;
    }
    // An object's attributes (a TorchScript module's): its tensors and containers; its flags and numbers are not checkpoint entries.
    const held = (x: PyValue): boolean => isKind(x, 'tensor') || isKind(x, 'object') || isKind(x, 'dict') || ((isKind(x, 'list') || isKind(x, 'tuple')) && x.items.some(held));
    if (isKind(state, 'dict') && [...state.entries.values()].some(([, x]) => isKind(x, 'tensor') || isKind(x, 'object') || isKind(x, 'dict'))) {
      for (const [k, item] of state.entries.values()) if (held(item)) this.walk(item, [...path, segment(k)], kind);
      return;
    }
    this.leftOut.push(`${path.join('.') || '(the saved object)'} (${v.cls})`);
  }

  /** A whole nn.Module (torch.save(model)), named as its state_dict() would name its weights; false if `state` is not one. */
  private walkModule(state: PyValue, path: string[], kind: VariableKind): boolean {
    const field = (name: string) => (isKind(state, 'dict') ? state.entries.get(`s${name}`)?.[1] : undefined);
    const params = field('_parameters');
    const buffers = field('_buffers');
    const children = field('_modules');
    if (params === undefined && children === undefined) return false;
    this.modules = true;
    const skip = field('_non_persistent_buffers_set');
    const hidden = new Set(skip && isKind(skip, 'set') ? skip.items.filter((x) => typeof x === 'string') : []);
    for (const group of [params, buffers]) {
      if (!group || !isKind(group, 'dict')) continue;
      for (const [k, item] of group.entries.values()) if (item !== null && !hidden.has(k as string)) this.walk(item, [...path, segment(k)], kind);
    }
    if (children && isKind(children, 'dict')) for (const [k, item] of children.entries.values()) if (item !== null) this.walk(item, [...path, segment(k)], kind);
    return true;
  }
}
