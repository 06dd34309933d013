/**
 * The summary bar's counts, derived from the plan: every new variable in exactly one chip (a proposal waiting to be
 * accepted is "proposed", not also "initialised"), so the chips add up to the new model's variable count; the old
 * variables nothing uses are counted apart. Each count also says how many of its variables are optimizer or
 * bookkeeping state, which the canvas hides until "optimizer & bookkeeping" is on.
 */
import type { Plan, PlanEntry } from '../core/mapping';
import type { TensorInfo } from '../core/model/checkpoint';
import type { StatusFilter } from './types';

/** The chips for the new model's variables, in the order the bar shows them. */
export const NEW_CHIPS = ['exact', 'transformed', 'pending', 'incompatible', 'initialised'] as const;
export type NewChip = (typeof NEW_CHIPS)[number];

export interface ChipCount {
  n: number;
  /** How many of the `n` are optimizer or bookkeeping state (hidden on the canvas unless shown). */
  state: number;
}

export interface Counts {
  /** The new model's variables: the `NEW_CHIPS` counts add up to it. */
  total: number;
  chips: Record<NewChip, ChipCount>;
  /** Old variables nothing uses (with the recipe's filters: optimizer state only when carried over). */
  unused: ChipCount;
}

/** The one chip a new variable is counted in. */
export function chipOf(e: PlanEntry): NewChip {
  return e.pending ? 'pending' : e.status;
}

/** Whether an entry is among those a status filter (a clicked chip) shows: the same rule the counts follow. */
export function inChip(e: PlanEntry, filter: StatusFilter): boolean {
  return filter !== 'unused' && chipOf(e) === filter;
}

const cache = new WeakMap<Plan, Counts>();

export function countPlan(plan: Plan, old: readonly Pick<TensorInfo, 'name' | 'kind'>[]): Counts {
  const hit = cache.get(plan);
  if (hit) return hit;
  const chips = Object.fromEntries(NEW_CHIPS.map((k) => [k, { n: 0, state: 0 }])) as Record<NewChip, ChipCount>;
  for (const e of plan.entries) {
    const c = chips[chipOf(e)];
    c.n++;
    if (e.kind !== 'weight') c.state++;
  }
  const kinds = new Map(old.map((t) => [t.name, t.kind]));
  const unused = { n: plan.unused.length, state: plan.unused.filter((name) => (kinds.get(name) ?? 'weight') !== 'weight').length };
  const counts = { total: plan.entries.length, chips, unused };
  cache.set(plan, counts);
  return counts;
}
