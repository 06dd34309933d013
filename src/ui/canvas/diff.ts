/**
 * What happened to each variable and layer between the old checkpoint and the new model, read off the plan: same,
 * renamed, widened (old → new shape), inserted, removed, incompatible. Pure; the canvas's diff column draws it.
 */
import type { PlanEntry } from '../../core/mapping';

export type DiffKind = 'same' | 'renamed' | 'widened' | 'narrowed' | 'reshaped' | 'converted' | 'inserted' | 'removed' | 'incompatible' | 'mixed';

export interface Diff {
  kind: DiffKind;
  /** A few characters for the column: `same`, `renamed`, `16→32`, `new`, `removed`. */
  text: string;
  /** The sentence on hover. */
  title: string;
  /** Derived from a proposal that is not accepted yet. */
  proposed?: boolean;
}

export interface DiffVar {
  shape: readonly number[];
  dtype: string;
  /** The readable path (`encoder_dense/kernel`): two variables with the same one were not renamed. */
  readable: string;
}

const shapeText = (s: readonly number[]) => `[${s.join(',')}]`;

/** `[8,16]` → `[8,32]` reads `16→32`: the first dimension that changed; a changed rank shows both shapes. */
function resized(from: readonly number[], to: readonly number[]): Pick<Diff, 'kind' | 'text'> {
  if (from.length !== to.length) return { kind: 'reshaped', text: `${shapeText(from)}→${shapeText(to)}` };
  const i = from.findIndex((d, k) => d !== to[k]);
  const grew = to.every((d, k) => d >= from[k]!);
  const shrank = to.every((d, k) => d <= from[k]!);
  return { kind: grew ? 'widened' : shrank ? 'narrowed' : 'reshaped', text: `${from[i]}→${to[i]}` };
}

/** A new variable's diff, from its plan entry (a proposal counts, marked as proposed) and the old variables. */
export function newVariableDiff(entry: PlanEntry | undefined, to: DiffVar, oldOf: (name: string) => DiffVar | undefined): Diff {
  if (entry?.status === 'incompatible') return { kind: 'incompatible', text: 'does not fit', title: entry.problem ?? 'the linked old variable does not fit' };
  const proposed = entry !== undefined && entry.from.length === 0 && entry.pending !== undefined;
  const from = entry ? (proposed ? entry.pending!.from : entry.from) : [];
  if (from.length === 0) return { kind: 'inserted', text: 'new', title: 'inserted: nothing in the old checkpoint fills it' };
  const olds = from.map(oldOf).filter((o): o is DiffVar => o !== undefined);
  const mark = proposed ? { proposed: true } : {};
  const q = proposed ? ' (proposed)' : '';
  if (olds.length !== 1) return { kind: 'mixed', text: `${from.length} → 1`, title: `built from ${from.length} old variables${q}`, ...mark };
  const old = olds[0]!;
  const sameShape = old.shape.length === to.shape.length && old.shape.every((d, k) => d === to.shape[k]);
  if (!sameShape) {
    const r = resized(old.shape, to.shape);
    return { ...r, title: `${r.kind}: ${shapeText(old.shape)} → ${shapeText(to.shape)}, from ${old.readable}${q}`, ...mark };
  }
  if (old.dtype !== to.dtype) return { kind: 'converted', text: `${old.dtype}→${to.dtype}`, title: `converted from ${old.dtype} (${old.readable})${q}`, ...mark };
  if (old.readable !== to.readable) return { kind: 'renamed', text: 'renamed', title: `renamed from ${old.readable}${q}`, ...mark };
  return { kind: 'same', text: 'same', title: `same name and shape${q}`, ...mark };
}

/** An old variable: removed when nothing uses it, else what it became (the diff of the first new variable it feeds). */
export function oldVariableDiff(feeds: Diff | undefined, excluded: boolean): Diff {
  if (feeds) return feeds;
  return excluded
    ? { kind: 'removed', text: 'left out', title: 'optimizer or bookkeeping state, left out by the filters' }
    : { kind: 'removed', text: 'removed', title: 'removed: nothing in the new model uses it' };
}

const RANK: DiffKind[] = ['incompatible', 'widened', 'narrowed', 'reshaped', 'converted', 'mixed', 'renamed', 'same'];

/** A layer's diffs counted by kind (the first of each kind kept): what `layerDiff` needs, without the list itself. */
export interface DiffTally {
  n: number;
  kinds: Map<DiffKind, { first: Diff; count: number }>;
  proposed: boolean;
}

export function tallyDiffs(diffs: readonly Diff[]): DiffTally {
  const kinds = new Map<DiffKind, { first: Diff; count: number }>();
  let proposed = false;
  for (const d of diffs) {
    const k = kinds.get(d.kind);
    if (k) k.count++;
    else kinds.set(d.kind, { first: d, count: 1 });
    if (d.proposed) proposed = true;
  }
  return { n: diffs.length, kinds, proposed };
}

/** The tally of `n` variables that all have diff `d`. */
export const sameDiffs = (d: Diff, n: number): DiffTally => ({ n, kinds: new Map([[d.kind, { first: d, count: n }]]), proposed: !!d.proposed });

/** A layer's diff: all inserted / removed / same alike, else the most telling change among its variables. */
export function layerDiff(diffs: readonly Diff[]): Diff | undefined {
  return tallyDiff(tallyDiffs(diffs));
}

/** `layerDiff` of the tallied diffs. */
export function tallyDiff({ n, kinds, proposed: anyProposed }: DiffTally): Diff | undefined {
  if (n === 0) return undefined;
  const proposed = anyProposed ? { proposed: true } : {};
  if (kinds.size === 1 && (kinds.has('inserted') || kinds.has('removed'))) {
    const d = kinds.values().next().value!.first;
    return { kind: d.kind, text: d.kind === 'inserted' ? 'new' : d.text, title: `${d.kind === 'inserted' ? 'inserted' : 'removed'}: all ${n} variable${n > 1 ? 's' : ''}` };
  }
  const partial = kinds.has('inserted') || kinds.has('removed');
  for (const k of RANK) {
    const found = kinds.get(k);
    if (!found) continue;
    if (k === 'same' && !partial) return { kind: 'same', text: 'same', title: `all ${n} variables kept as they were`, ...proposed };
    if (k === 'same') break;
    const { first: d, count } = found;
    return { kind: k, text: d.text, title: `${count} of ${n} ${k}${partial ? ', some inserted or removed' : ''}: ${d.title}`, ...proposed };
  }
  const ins = kinds.get('inserted')?.count ?? 0;
  const rem = kinds.get('removed')?.count ?? 0;
  return { kind: 'mixed', text: ins ? `+${ins} new` : `−${rem}`, title: `${ins} inserted, ${rem} removed, the rest kept` };
}
