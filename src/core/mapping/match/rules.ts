/**
 * Rename rules: `init_from_checkpoint`-style prefix maps (`old_scope/` → `new_scope/`) and regexes with
 * capture groups (`^(.*)/W$` → `$1/kernel`). The first rule that matches a name moves it; later ones are not
 * tried. Deterministic: the same names and rules always give the same result. Regexes run on RE2 (safe-regex.ts).
 */
import { GraftError } from '../../errors';
import type { RenameRule } from '../recipe';
import { regexRenamer } from '../safe-regex';

export interface CompiledRule {
  rule: RenameRule;
  apply(name: string): string | null;
}

/**
 * `trusted`: rules Graft wrote itself (detect.ts: an escaped literal after a fixed count of `[^/]+/`, or `^`), which
 * JavaScript's own engine runs in linear time and far faster than RE2JS: over 50,000 names RE2JS took 0.6 s cold,
 * enough to exhaust the time budget meant for a person's patterns on a busy machine and fail the whole match.
 */
export function compileRules(rules: readonly RenameRule[], trusted = false): CompiledRule[] {
  return rules.map((rule, i) => {
    if (rule.kind === 'prefix') {
      return { rule, apply: (name) => (name.startsWith(rule.from) ? rule.to + name.slice(rule.from.length) : null) };
    }
    if (trusted) {
      const re = new RegExp(rule.from);
      return { rule, apply: (name) => (re.test(name) ? name.replace(re, rule.to) : null) };
    }
    return { rule, apply: regexRenamer(rule.from, rule.to, `rule ${i + 1}`) };
  });
}

/** The name after the first matching rule, and which rule moved it (-1: none). */
export function applyRules(name: string, rules: readonly CompiledRule[]): { name: string; rule: number } {
  for (let i = 0; i < rules.length; i++) {
    const moved = rules[i]!.apply(name);
    if (moved !== null) return { name: moved, rule: i };
  }
  return { name, rule: -1 };
}

/** How many of `names` each rule moves (a name counts for the first rule that matches it only). */
export function ruleCounts(names: readonly string[], rules: readonly RenameRule[]): number[] {
  const compiled = compileRules(rules);
  const counts = new Array<number>(rules.length).fill(0);
  for (const n of names) {
    const r = applyRules(n, compiled).rule;
    if (r >= 0) counts[r]!++;
  }
  return counts;
}

/** `old/=new/` or `re:^(.*)/W$=$1/kernel`, as typed on the command line; the last `=` outside the regex splits. */
export function parseRuleArg(arg: string): RenameRule {
  const regex = arg.startsWith('re:');
  const body = regex ? arg.slice(3) : arg;
  const at = body.lastIndexOf('=');
  if (at <= 0) throw new GraftError('usage', '', `rule ${JSON.stringify(arg)}: expected OLD=NEW (a prefix map) or re:REGEX=REPLACEMENT`);
  const rule: RenameRule = { kind: regex ? 'regex' : 'prefix', from: body.slice(0, at), to: body.slice(at + 1) };
  compileRules([rule]);
  return rule;
}

export function describeRule(rule: RenameRule): string {
  return rule.kind === 'prefix' ? `\`${rule.from}\`→\`${rule.to}\`` : `/${rule.from}/→\`${rule.to}\``;
}
