/**
 * The plan, derived: `exportPlan(recipe, old, new, format)` on the page — the plan the export runs for the format
 * chosen in the export dialog — memoised on its four inputs, so every component reading it shares one result and an
 * edit compiles once. It runs here rather than in the worker because sending a 5,000-entry plan back costs about as
 * much as compiling it (measured: see bench/canvas.bench.ts).
 */
import { exportPlan } from '../core/engine/export-plan';
import { compile, type OldSide, type Plan, type PlanEntry } from '../core/mapping';
import type { TargetVariable } from '../core/model/target-model';
import type { VariableData } from '../worker/client';
import type { GraftState } from './types';

const sides = new WeakMap<readonly VariableData[], OldSide>();

/** The old slot's variables as `compile` takes them, with each one's reason it cannot be read. */
function oldSide(old: readonly VariableData[]): OldSide {
  let side = sides.get(old);
  if (!side) {
    const why = new Map(old.filter((v) => v.unreadable).map((v) => [v.name, v.unreadable!]));
    side = why.size ? { tensors: old, unreadable: (name) => why.get(name) } : { tensors: old };
    sides.set(old, side);
  }
  return side;
}

let last: { recipe: unknown; old: unknown; neu: unknown; format: unknown; plan: Plan | null } = { recipe: null, old: null, neu: null, format: null, plan: null };

export function selectPlan(s: Pick<GraftState, 'recipe' | 'slots' | 'exporting'>): Plan | null {
  const old = s.slots.old.data?.variables;
  const neu = s.slots.new.data?.variables;
  const format = s.exporting.format;
  if (!s.recipe || !old || !neu) return null;
  if (last.recipe === s.recipe && last.old === old && last.neu === neu && last.format === format) return last.plan;
  const plan = exportPlan(s.recipe, oldSide(old), { variables: neu as (VariableData & Pick<TargetVariable, 'initializer'>)[] }, format);
  last = { recipe: s.recipe, old, neu, format, plan };
  return plan;
}

const byTo = new WeakMap<Plan, Map<string, PlanEntry>>();

/** The plan's entry for a new variable. */
export function entryFor(plan: Plan | null, to: string): PlanEntry | undefined {
  if (!plan) return undefined;
  let m = byTo.get(plan);
  if (!m) {
    m = new Map(plan.entries.map((e) => [e.to, e]));
    byTo.set(plan, m);
  }
  return m.get(to);
}

/**
 * What the preview computes for an entry: the entry itself, or for a waiting proposal the entry it would become
 * (compiled from the proposal's own link), so the person sees a proposal before accepting it.
 */
export function previewable(entry: PlanEntry, recipe: GraftState['recipe'], s: Pick<GraftState, 'slots'>): PlanEntry {
  if (!entry.pending || !recipe) return entry;
  const link = recipe.links[entry.pending.link];
  if (!link) return entry;
  const old = s.slots.old.data?.variables ?? [];
  const neu = (s.slots.new.data?.variables ?? []).filter((v) => v.name === entry.to);
  const one = compile({ ...recipe, links: [{ ...link, accepted: true }] }, oldSide(old), { variables: neu as TargetVariable[] });
  return one.entries[0] ?? entry;
}
