/**
 * A slot's variables as they cross between the worker and the page: by column, not as one object per variable.
 * Structured clone writes and reads an object property by property; for 50,000 variables that was ~0.3 s in the
 * worker and as much again on the page, on the way to the first draw. Columns of strings and typed arrays clone in
 * a few milliseconds, and the page rebuilds the same objects: the same keys in the same order, the same values,
 * and an object two variables shared (a new model's initializer) still shared.
 */
import { listedInModelOrder, modelOrderOf, rememberModelOrder } from '../core/model/model-order';
import type { SlotData, SlotOpened, Swapped, VariableData } from './protocol';

/**
 * One key's values: strings joined into one (Chromium cloned a list of 50,000 strings in ~100 ms, one string of them
 * all in a tenth of that) or, where few differ (dtype, kind), through a table; numbers and flags packed, shapes flat, small JSON objects (a new model's initializers)
 * through a table of their texts; anything else as it is.
 */
type Column =
  | { as: 'string'; text: string; ends: Uint32Array }
  | { as: 'strings'; table: string[]; index: Uint32Array }
  | { as: 'json'; table: string[]; index: Uint32Array }
  | { as: 'number'; values: Float64Array }
  | { as: 'boolean'; values: Uint8Array }
  | { as: 'shape'; values: Float64Array; ends: Uint32Array }
  | { as: 'any'; values: unknown[] };

export interface WireVariables {
  count: number;
  /** The distinct key lists of the variables, each in its object's own order. */
  layouts: string[][];
  layoutOf: Uint32Array;
  columns: Record<string, Column>;
}

export type WireSlotOpened = Omit<SlotOpened, 'data'> & {
  data: Omit<SlotOpened['data'], 'variables'> & { variables: WireVariables };
  /** The variables' model order for the format the page orders them by, where it is not the listing's own. */
  order?: { format: string; indices: Uint32Array };
};
export interface WireSwapped {
  old: WireSlotOpened | null;
  new: WireSlotOpened | null;
}

type Kind = Column['as'];

function kindOf(v: unknown): Kind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return 'any';
    return 'shape';
  }
  return typeof v === 'object' && v !== null ? 'json' : 'any';
}

/** Whether JSON gives `v` back equal: plain objects and arrays of strings, booleans, null and finite numbers (not -0). */
function jsonSafe(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(jsonSafe);
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const k in v) if (!Object.hasOwn(v, k) || !jsonSafe((v as Record<string, unknown>)[k])) return false;
  return true;
}

/** Whether a string column has few distinct values, judged from its first values (either encoding is exact). */
function fewDistinct(values: readonly unknown[]): boolean {
  const seen = new Set<unknown>();
  let looked = 0;
  for (let i = 0; i < values.length && looked < 64; i++) {
    if (values[i] === undefined) continue;
    looked++;
    seen.add(values[i]);
  }
  return seen.size <= 8;
}

/** Strings (or JSON texts) through a table: an index per value, each distinct text once. */
function tabled(values: readonly unknown[], text: (v: unknown) => string): { table: string[]; index: Uint32Array } {
  const table: string[] = [];
  const at = new Map<string, number>();
  const index = new Uint32Array(values.length);
  let last: string | null = null;
  let k = -1;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === undefined) continue;
    const t = text(values[i]);
    if (t !== last) {
      last = t;
      k = at.get(t) ?? -1;
      if (k < 0) at.set(t, (k = table.push(t) - 1));
    }
    index[i] = k;
  }
  return { table, index };
}

function column(kind: Kind, values: unknown[]): Column {
  const n = values.length;
  if (kind === 'string') {
    if (fewDistinct(values)) return { as: 'strings', ...tabled(values, (v) => v as string) };
    const ends = new Uint32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i] as string | undefined;
      if (v !== undefined) total += v.length;
      ends[i] = total;
    }
    return { as: 'string', text: (values as (string | undefined)[]).join(''), ends };
  }
  if (kind === 'json') {
    // The page shares one object per distinct text: they are only read.
    for (let i = 0; i < n; i++) if (values[i] !== undefined && !jsonSafe(values[i])) return { as: 'any', values };
    return { as: 'json', ...tabled(values, (v) => JSON.stringify(v)) };
  }
  if (kind === 'number') {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) if (values[i] !== undefined) packed[i] = values[i] as number;
    return { as: 'number', values: packed };
  }
  if (kind === 'boolean') {
    const packed = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (values[i] === true) packed[i] = 1;
    return { as: 'boolean', values: packed };
  }
  if (kind === 'shape') {
    const ends = new Uint32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const shape = values[i] as number[] | undefined;
      if (shape !== undefined) total += shape.length;
      ends[i] = total;
    }
    const flat = new Float64Array(total);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const shape = values[i] as number[] | undefined;
      if (shape !== undefined) for (let j = 0; j < shape.length; j++) flat[p++] = shape[j]!;
    }
    return { as: 'shape', values: flat, ends };
  }
  return { as: 'any', values };
}

const sameKeys = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** The variables by column (see the module comment). */
export function encodeVariables(vars: readonly VariableData[]): WireVariables {
  const n = vars.length;
  const layouts: string[][] = [];
  const layoutIds = new Map<string, number>();
  const layoutOf = new Uint32Array(n);
  const values = new Map<string, { kind: Kind; list: unknown[] }>();
  // Per layout, its keys' value lists: consecutive variables nearly always share one.
  const listsOf: { kind: Kind; list: unknown[] }[][] = [];
  let last = -1;
  for (let i = 0; i < n; i++) {
    const v = vars[i] as unknown as Record<string, unknown>;
    const keys = Object.keys(v);
    let id = last;
    if (id < 0 || !sameKeys(keys, layouts[id]!)) {
      const sig = keys.join('\0');
      const known = layoutIds.get(sig);
      if (known !== undefined) id = known;
      else {
        layoutIds.set(sig, (id = layouts.push(keys) - 1));
        listsOf.push(
          keys.map((key) => {
            let c = values.get(key);
            if (!c) values.set(key, (c = { kind: kindOf(v[key]), list: new Array<unknown>(n) }));
            return c;
          }),
        );
      }
      last = id;
    }
    layoutOf[i] = id;
    const keysOf = layouts[id]!;
    const lists = listsOf[id]!;
    for (let k = 0; k < keysOf.length; k++) {
      const value = v[keysOf[k]!];
      const c = lists[k]!;
      c.list[i] = value;
      if (c.kind !== 'any' && kindOf(value) !== c.kind) c.kind = 'any';
    }
  }
  const columns: Record<string, Column> = {};
  for (const [key, c] of values) columns[key] = column(c.kind, c.list);
  return { count: n, layouts, layoutOf, columns };
}

/** The variables `encodeVariables` was given: equal objects, keys in the same order. */
export function decodeVariables(wire: WireVariables): VariableData[] {
  const { count, layouts, layoutOf, columns } = wire;
  const parsed = new Map<Column, unknown[]>();
  for (const c of Object.values(columns)) if (c.as === 'json') parsed.set(c, c.table.map((t) => JSON.parse(t) as unknown));
  const colsOf = layouts.map((keys) => keys.map((key) => columns[key]!));
  const out = new Array<VariableData>(count);
  for (let i = 0; i < count; i++) {
    const id = layoutOf[i]!;
    const keys = layouts[id]!;
    const cols = colsOf[id]!;
    const v: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      const c = cols[k]!;
      let value: unknown;
      switch (c.as) {
        case 'string':
          value = c.text.slice(i === 0 ? 0 : c.ends[i - 1]!, c.ends[i]!);
          break;
        case 'strings':
          value = c.table[c.index[i]!];
          break;
        case 'json':
          value = parsed.get(c)![c.index[i]!];
          break;
        case 'number':
          value = c.values[i];
          break;
        case 'boolean':
          value = c.values[i] === 1;
          break;
        case 'shape': {
          const from = i === 0 ? 0 : c.ends[i - 1]!;
          const shape = new Array<number>(c.ends[i]! - from);
          for (let j = 0; j < shape.length; j++) shape[j] = c.values[from + j]!;
          value = shape;
          break;
        }
        default:
          value = c.values[i];
      }
      v[keys[k]!] = value;
    }
    out[i] = v as unknown as VariableData;
  }
  return out;
}

/** The format a slot's list and canvas order its variables by: a checkpoint's or template's format, else the model JSON's kind. */
export const orderFormat = (data: Pick<SlotData, 'kind' | 'format'>): string => (data.kind === 'checkpoint' || data.kind === 'template' ? data.format : data.kind);

/**
 * The slot by column, with its model order where that takes a sort (a checkpoint's sorted keys): the worker sorts
 * once, and the page's list and canvas, which would each have sorted 50,000 keys again, read it.
 */
export function encodeOpened(s: SlotOpened): WireSlotOpened;
export function encodeOpened(s: SlotOpened | null): WireSlotOpened | null;
export function encodeOpened(s: SlotOpened | null): WireSlotOpened | null {
  if (!s) return null;
  const wire: WireSlotOpened = { candidates: s.candidates, candidateId: s.candidateId, data: { ...s.data, variables: encodeVariables(s.data.variables) } };
  const format = orderFormat(s.data);
  if (!listedInModelOrder(format)) wire.order = { format, indices: Uint32Array.from(modelOrderOf(s.data.variables, format)) };
  return wire;
}

export function decodeOpened(s: WireSlotOpened): SlotOpened;
export function decodeOpened(s: WireSlotOpened | null): SlotOpened | null;
export function decodeOpened(s: WireSlotOpened | null): SlotOpened | null {
  if (!s) return null;
  const variables = decodeVariables(s.data.variables);
  if (s.order && s.order.indices.length === variables.length) rememberModelOrder(variables, s.order.format, Array.from(s.order.indices));
  return { candidates: s.candidates, candidateId: s.candidateId, data: { ...s.data, variables } };
}

export const decodeSwapped = (s: WireSwapped): Swapped => ({ old: decodeOpened(s.old), new: decodeOpened(s.new) });
