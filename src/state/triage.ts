/**
 * The triage the page shows under the summary, derived: `triage()` over the page's plan (the one the export runs),
 * the latest match's facts and both sides' variables, memoised so every reader shares one result. The strict
 * report (`strictReport`) is built on demand, for its download.
 */
import { strictReport, triage, type Finding, type RenameRule } from '../core/mapping';
import type { TargetVariable } from '../core/model/target-model';
import { selectPlan } from './plan';
import type { GraftState } from './types';

type TriageState = Pick<GraftState, 'recipe' | 'slots' | 'exporting' | 'matchFacts'>;

let last: { plan: unknown; facts: unknown; findings: Finding[] | null } = { plan: null, facts: null, findings: null };

/** The findings, or null before a plan exists or when the recipe was restored rather than matched (no facts). */
export function selectFindings(s: TriageState): Finding[] | null {
  const plan = selectPlan(s);
  const facts = s.matchFacts;
  if (!plan || !facts) return null;
  if (last.plan === plan && last.facts === facts) return last.findings;
  const findings = triage({
    plan, result: facts, old: s.slots.old.data!.variables, variables: s.slots.new.data!.variables as unknown as TargetVariable[],
  });
  last = { plan, facts, findings };
  return findings;
}

/** The missing / unexpected / mismatched report as Markdown (`graft match --report`'s), or null without a plan. */
export function reportMarkdown(s: TriageState): string | null {
  const plan = selectPlan(s);
  const old = s.slots.old.data;
  const neu = s.slots.new.data;
  if (!plan || !old || !neu) return null;
  return strictReport({ plan, old: old.variables, oldLabel: old.label, newLabel: neu.label, findings: selectFindings(s) ?? [] });
}

/** Whether the recipe already has this rule (its "Add rule" is then done). */
export function hasRule(rules: readonly RenameRule[] | undefined, rule: RenameRule): boolean {
  return (rules ?? []).some((r) => r.kind === rule.kind && r.from === rule.from && r.to === rule.to);
}
