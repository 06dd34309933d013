/**
 * Which variables the canvas shows: kind (weights, or optimizer/bookkeeping state too), the search text, a status
 * picked in the summary bar, and "only problems". Pure: the same function decides for both sides.
 */
import type { Plan, PlanEntry } from '../../core/mapping';
import type { StatusFilter } from '../../state/types';

export interface Filters {
  search: string;
  statusFilter: StatusFilter | null;
  problemsOnly: boolean;
  showState: boolean;
}

export interface Named {
  name: string;
  kind: string;
}

export const isProblem = (e: PlanEntry) => e.status === 'incompatible' || e.status === 'initialised' || e.pending !== undefined;

export function filtersActive(f: Filters): boolean {
  return f.search.trim() !== '' || f.statusFilter !== null || f.problemsOnly;
}

function matchesEntry(e: PlanEntry | undefined, f: Filters): boolean {
  if (f.statusFilter === 'unused') return false;
  if (f.statusFilter === 'pending') {
    if (!e?.pending) return false;
  } else if (f.statusFilter && (e?.status !== f.statusFilter || e.pending)) return false; // a proposal is counted (and shown) as proposed only
  return !f.problemsOnly || (e !== undefined && isProblem(e));
}

/** Per side, the lowercase text search looks in (stored and readable names), by stored name. */
export type SearchText = { old: ReadonlyMap<string, string>; new: ReadonlyMap<string, string> };

/**
 * The names shown on each side. A search looks in `text` (stored name, readable path, original name…) where
 * given, else the stored name; it never hides a shown link's other end.
 */
export function visibleNames(
  olds: readonly Named[], news: readonly Named[], plan: Plan | null, f: Filters, entryOf: (to: string) => PlanEntry | undefined, text?: SearchText,
): { old: Set<string>; new: Set<string> } {
  const needle = f.search.trim().toLowerCase();
  const kindOk = (v: Named) => f.showState || v.kind === 'weight';
  const textIn = (side: 'old' | 'new', v: Named) => needle === '' || (text?.[side].get(v.name) ?? v.name.toLowerCase()).includes(needle);
  const textOk = (v: Named) => textIn('new', v);
  const shownNew = new Set<string>();
  for (const v of news) if (kindOk(v) && textOk(v) && matchesEntry(entryOf(v.name), f)) shownNew.add(v.name);

  const unused = new Set(plan?.unused ?? []);
  // With a status filter or "only problems", an old variable shows when it feeds a shown entry (or is unused).
  const narrowed = f.statusFilter !== null || f.problemsOnly;
  const feeding = new Set<string>();
  if (narrowed && plan) {
    for (const e of plan.entries) {
      if (!shownNew.has(e.to)) continue;
      for (const s of e.from) feeding.add(s);
      for (const s of e.pending?.from ?? []) feeding.add(s);
    }
  }
  const shownOld = new Set<string>();
  for (const v of olds) {
    if (!kindOk(v) || !textIn('old', v)) continue;
    if (narrowed) {
      const wantUnused = f.statusFilter === 'unused' || (f.problemsOnly && f.statusFilter === null);
      if (!(feeding.has(v.name) || (wantUnused && unused.has(v.name)))) continue;
    }
    shownOld.add(v.name);
  }
  if (needle !== '' && plan) {
    // A link's other end stays in view: the old variables a shown new one comes from, and (searching only) the new
    // variables a shown old one fills.
    const byText = new Set(shownOld);
    for (const e of plan.entries) {
      const from = e.from.length > 0 ? e.from : (e.pending?.from ?? []);
      if (shownNew.has(e.to)) for (const s of from) shownOld.add(s);
      else if (!narrowed && from.some((s) => byText.has(s))) shownNew.add(e.to);
    }
  }
  return { old: shownOld, new: shownNew };
}

/** Why nothing is shown, in a sentence, and whether showing optimizer & bookkeeping state would show something. */
export function emptyReason(
  olds: readonly Named[], news: readonly Named[], plan: Plan | null, f: Filters, entryOf: (to: string) => PlanEntry | undefined, text?: SearchText,
): { text: string; showState: boolean } | null {
  if (!filtersActive(f)) return null;
  const what = [
    f.search.trim() ? `matching “${f.search.trim()}”` : '',
    f.statusFilter ? `${f.statusFilter === 'pending' ? 'proposed' : f.statusFilter}` : '',
    f.problemsOnly ? 'with problems' : '',
  ].filter(Boolean);
  if (!f.showState) {
    const all = visibleNames(olds, news, plan, { ...f, showState: true }, entryOf, text);
    const n = new Set([...all.old, ...all.new]).size;
    if (n > 0) {
      const label = f.statusFilter && !f.search.trim() ? `${n} ${what.join(' ')} variable${n > 1 ? 's' : ''}` : `${n} variable${n > 1 ? 's' : ''} ${what.join(', ')}`;
      return { text: `${n > 1 ? 'all ' : ''}${label} ${n > 1 ? 'are' : 'is'} hidden optimizer or bookkeeping state`, showState: true };
    }
  }
  if (f.search.trim() && !f.statusFilter && !f.problemsOnly) return { text: `no variable name contains “${f.search.trim()}”`, showState: false };
  return { text: `no variable is ${what.join(', ')}`, showState: false };
}
