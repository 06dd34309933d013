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
  } else if (f.statusFilter && e?.status !== f.statusFilter) return false;
  return !f.problemsOnly || (e !== undefined && isProblem(e));
}

/** The names shown on each side. */
export function visibleNames(
  olds: readonly Named[], news: readonly Named[], plan: Plan | null, f: Filters, entryOf: (to: string) => PlanEntry | undefined,
): { old: Set<string>; new: Set<string> } {
  const needle = f.search.trim().toLowerCase();
  const kindOk = (v: Named) => f.showState || v.kind === 'weight';
  const textOk = (v: Named) => needle === '' || v.name.toLowerCase().includes(needle);
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
    if (!kindOk(v) || !textOk(v)) continue;
    if (narrowed) {
      const wantUnused = f.statusFilter === 'unused' || (f.problemsOnly && f.statusFilter === null);
      if (!(feeding.has(v.name) || (wantUnused && unused.has(v.name)))) continue;
    }
    shownOld.add(v.name);
  }
  return { old: shownOld, new: shownNew };
}
