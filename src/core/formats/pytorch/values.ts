/**
 * What the pickle interpreter builds: plain data (ints as bigint, floats as number, str, bytes, list, tuple, dict,
 * set) and inert stand-ins for everything Python would have imported or called. Nothing here refers to code.
 */
import type { DType } from '../../model/dtypes';

export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | TorchStorage
  | TorchTensor
  | TorchDtype;

export interface PyList {
  readonly kind: 'list';
  items: PyValue[];
}

export interface PyTuple {
  readonly kind: 'tuple';
  readonly items: readonly PyValue[];
}

/** A dict, an OrderedDict (`ordered`) or a Counter; keys in insertion order, deduplicated by `keyId`. */
export interface PyDict {
  readonly kind: 'dict';
  readonly entries: Map<string, [PyValue, PyValue]>;
  ordered: boolean;
}

export interface PySet {
  readonly kind: 'set';
  readonly items: PyValue[];
}

/** `module.name` as the pickle names it; never resolved to anything. */
export interface PyGlobal {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
}

/** An instance of a class Graft does not know, kept as data: its class name, constructor arguments and state. */
export interface PyObject {
  readonly kind: 'object';
  readonly cls: string;
  readonly args: readonly PyValue[];
  state?: PyValue;
  /** Items appended or set on it (a list or dict subclass). */
  readonly items: PyValue[];
}

/** A storage named by the pickle's persistent id; its bytes stay in the file until a tensor is read. */
export interface TorchStorage {
  readonly kind: 'storage';
  /** The record key (`data/<key>` in a zip, the storage's id in a legacy file). */
  readonly key: string;
  /** The storage class as written, e.g. `torch.FloatStorage`. */
  readonly type: string;
  /** Element type of the storage (uint8 for an UntypedStorage), null where Graft has no such dtype. */
  readonly dtype: DType | null;
  readonly elementSize: number;
  /** Elements (bytes for an UntypedStorage). */
  readonly numel: number;
  /** Elements into the root storage, for a legacy storage view. */
  readonly offset: number;
  /** The storage this one is a view of (legacy only), else its own key. */
  readonly rootKey: string;
}

export interface TorchTensor {
  readonly kind: 'tensor';
  readonly storage: TorchStorage;
  /** In elements of `dtype`. */
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly dtype: DType | null;
  /** The torch dtype name, e.g. `complex32`, for the sentence about a dtype Graft cannot hold. */
  readonly torchDtype: string;
  readonly parameter: boolean;
}

export interface TorchDtype {
  readonly kind: 'dtype';
  /** As torch names it, e.g. `bfloat16`. */
  readonly name: string;
}

export const list = (items: PyValue[] = []): PyList => ({ kind: 'list', items });
export const tuple = (items: readonly PyValue[]): PyTuple => ({ kind: 'tuple', items });
export const dict = (ordered = false): PyDict => ({ kind: 'dict', entries: new Map(), ordered });

export function isKind<K extends string>(v: PyValue, kind: K): v is Extract<PyValue, { kind: K }> {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.kind === kind;
}

let unique = 0;

/** Identity of a dict key as Python would hash it: 1 and True and 1.0 are one key, '1' another. */
export function keyId(k: PyValue): string {
  if (k !== null && typeof k === 'object' && !(k instanceof Uint8Array) && k.kind === 'tuple') return tupleId(k.items, { left: MAX_TUPLE_ID }) ?? `o${++unique}`;
  return plainId(k);
}

function plainId(k: PyValue): string {
  if (typeof k === 'string') return `s${k}`;
  if (typeof k === 'bigint') return `n${k}`;
  if (typeof k === 'boolean') return `n${k ? 1 : 0}`;
  if (typeof k === 'number') return Number.isInteger(k) ? `n${k}` : `f${k}`;
  if (k === null) return 'None';
  if (k instanceof Uint8Array) return `b${Array.from(k).join(',')}`;
  if (k.kind === 'global') return `g${k.module}.${k.name}`;
  if (k.kind === 'dtype') return `d${k.name}`;
  // Unhashable in Python, or an object hashed by identity: unique.
  return `o${++unique}`;
}

/**
 * A tuple key's id is built from its items' ids; a pickle can nest tuples deeply or share one tuple many times over
 * (memo), so a tuple whose id would pass this many characters is taken as hashed by identity (unique).
 */
const MAX_TUPLE_ID = 4096;

function tupleId(items: readonly PyValue[], budget: { left: number }): string | null {
  budget.left -= 2;
  const parts: string[] = [];
  for (const item of items) {
    if (budget.left < 0) return null;
    const isTuple = item !== null && typeof item === 'object' && !(item instanceof Uint8Array) && item.kind === 'tuple';
    const part = isTuple ? tupleId(item.items, budget) : plainId(item);
    if (part === null) return null;
    if (!isTuple) budget.left -= part.length + 1;
    parts.push(part);
  }
  return budget.left < 0 ? null : `(${parts.join('|')})`;
}

export function setItem(d: PyDict, k: PyValue, v: PyValue): void {
  const id = keyId(k);
  const had = d.entries.get(id);
  d.entries.set(id, [had ? had[0] : k, v]);
}

/** How a value is named in a sentence: `str`, `int`, `collections.OrderedDict`, `numpy.dtype object`. */
export function typeName(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  switch (v.kind) {
    case 'global':
      return `${v.module}.${v.name}`;
    case 'object':
      return v.cls;
    case 'dtype':
      return 'torch.dtype';
    default:
      return v.kind;
  }
}
