/** Pure model of the variable table: sections by kind, groups by scope, the filter, totals. */
import type { TensorInfo, VariableKind } from '../core/model/checkpoint';
import { ELEMENT_SIZE } from '../core/model/dtypes';
import { modelOrderOf } from '../core/model/model-order';
import type { InitializerSpec } from '../core/model/target-model';

export const KINDS: readonly VariableKind[] = ['weight', 'optimizer', 'bookkeeping'];
export const KIND_LABEL: Record<VariableKind, string> = {
  weight: 'Model weights',
  optimizer: 'Optimizer state',
  bookkeeping: 'Bookkeeping',
};

export type TableItem =
  | { type: 'section'; kind: VariableKind; count: number; bytes: number }
  | { type: 'group'; key: string; kind: VariableKind; group: string; count: number; bytes: number; collapsed: boolean }
  | { type: 'variable'; tensor: TensorInfo };

export type TableItemOf<T extends TensorInfo> = Exclude<TableItem, { type: 'variable' }> | { type: 'variable'; tensor: T };

export const groupKey = (kind: VariableKind, group: string): string => `${kind}/${group}`;

/** Also found by the new model's Keras 3 weights-file key and layer class. */
type Searchable = TensorInfo & { kerasPath?: string; layerClass?: string };

export function matches(t: Searchable, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return [t.name, t.path, t.originalName, t.kerasPath, t.layerClass].some((s) => s !== undefined && s.toLowerCase().includes(f));
}

/** The initializer in a few words: `GlorotUniform`, `RandomNormal(mean 0, stddev 0.05)`, `template value`. */
export function initializerText(spec: InitializerSpec | undefined): string {
  if (!spec) return '';
  if (spec.kind === 'template') return 'template value';
  if (spec.kind === 'zeros') return 'zeros';
  const args = Object.entries(spec.config)
    .filter(([k, v]) => k !== 'seed' && (typeof v === 'number' || typeof v === 'string'))
    .map(([k, v]) => `${k} ${String(v)}`);
  return args.length > 0 ? `${spec.className}(${args.join(', ')})` : spec.className;
}

/**
 * The rows to draw, in order. While a filter is typed, groups with matches are shown open. With the slot's `format`
 * (format id or model JSON kind), groups and variables come in model order (core/model/model-order); without it,
 * groups by name.
 */
export function tableItems<T extends TensorInfo>(tensors: readonly T[], filter: string, collapsed: Record<string, boolean>, format?: string): TableItemOf<T>[] {
  const filtering = filter.trim() !== '';
  if (format !== undefined) tensors = modelOrderOf(tensors, format).map((i) => tensors[i]!);
  const items: TableItemOf<T>[] = [];
  for (const kind of KINDS) {
    const groups = new Map<string, T[]>();
    for (const t of tensors) {
      if (t.kind !== kind || !matches(t, filter)) continue;
      const list = groups.get(t.group);
      if (list) list.push(t);
      else groups.set(t.group, [t]);
    }
    if (groups.size === 0) continue;
    const section = { type: 'section' as const, kind, count: 0, bytes: 0 };
    items.push(section);
    // By name, numbers compared as numbers: `conv1` before `conv1/BatchNorm`, `layer_2` before `layer_10`.
    const ordered = format !== undefined ? [...groups] : [...groups].sort(([a], [b]) => byName(a, b));
    for (const [group, list] of ordered) {
      const key = groupKey(kind, group);
      const isCollapsed = !filtering && Boolean(collapsed[key]);
      const bytes = list.reduce((a, t) => a + t.byteLength, 0);
      section.count += list.length;
      section.bytes += bytes;
      items.push({ type: 'group', key, kind, group, count: list.length, bytes, collapsed: isCollapsed });
      if (!isCollapsed) for (const tensor of list) items.push({ type: 'variable', tensor });
    }
  }
  return items;
}

export interface KindTotals {
  variables: number;
  parameters: number;
  bytes: number;
}

export interface Totals extends KindTotals {
  byKind: Record<VariableKind, KindTotals>;
  shown: number;
}

/** Group names in natural order (`layer_2` before `layer_10`), case-insensitive: one collator, not one per comparison. */
// Made on first use: a Collator loads ICU's collation data (10–40 ms), which the page's first view need not wait for.
let collator: Intl.Collator | undefined;
const byName = (a: string, b: string) => (collator ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' })).compare(a, b);

export function elements(t: TensorInfo): number {
  let n = 1;
  for (let i = 0; i < t.shape.length; i++) n *= t.shape[i]!;
  return n;
}

/** Unfiltered totals per list: the slot card and the list header both show them (50,000 variables each time). */
const unfiltered = new WeakMap<readonly TensorInfo[], Totals>();

export function totals(tensors: readonly TensorInfo[], filter: string): Totals {
  const all = filter.trim() === '';
  const known = all ? unfiltered.get(tensors) : undefined;
  if (known) return known;
  const zero = (): KindTotals => ({ variables: 0, parameters: 0, bytes: 0 });
  const out: Totals = { ...zero(), shown: 0, byKind: { weight: zero(), optimizer: zero(), bookkeeping: zero() } };
  for (const t of tensors) {
    // Strings and handles are not parameters.
    const params = ELEMENT_SIZE[t.dtype] > 0 ? elements(t) : 0;
    const k = out.byKind[t.kind];
    out.variables++;
    out.parameters += params;
    out.bytes += t.byteLength;
    k.variables++;
    k.parameters += params;
    k.bytes += t.byteLength;
    if (all || matches(t, filter)) out.shown++;
  }
  if (all) unfiltered.set(tensors, out);
  return out;
}
