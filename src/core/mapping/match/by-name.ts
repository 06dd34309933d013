/**
 * The name stage: one-to-one pairs of old and new variables by name. A key pairs two variables only when
 * exactly one old and exactly one new variable have it. Keys that name a variable (`dense/kernel`, an original
 * name, `layer#i`) are tried on every variable before keys that only say where it sits (VarView.weak), so a
 * position can never take a variable its name claims.
 */
import { applyRules, describeRule, type CompiledRule } from './rules';
import { isOrdinalKey, type VarView } from './names';

export interface NamePair {
  old: number;
  new: number;
  /** The key they share, as the old side has it after rules. */
  key: string;
  /** The key says only where the variables sit. */
  weak: boolean;
  /** Index of the rule that moved the old name, -1: none. */
  rule: number;
  how: string;
}

/** An old variable's keys after the rules: the first rule that moves any of its keys moves them all. */
export function movedKeys(o: VarView, rules: readonly CompiledRule[]): { keys: string[]; rule: number } {
  if (rules.length === 0) return { keys: o.keys, rule: -1 };
  let rule = -1;
  const moved: string[] = [];
  for (const k of o.keys) {
    const r = applyRules(k, rules);
    if (r.rule < 0) continue;
    if (rule < 0) rule = r.rule;
    moved.push(r.name);
  }
  return rule >= 0 ? { keys: [...new Set(moved)], rule } : { keys: o.keys, rule: -1 };
}

const MANY = -1;

/** Key → the one view that has it, or MANY. */
function index(views: readonly VarView[], keysOf: (v: VarView) => readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  // Indexed loops: tens of thousands of views, mostly before the optimising compiler sees them (for-of allocates then).
  for (let i = 0; i < views.length; i++) {
    const v = views[i]!;
    const keys = keysOf(v);
    for (let j = 0; j < keys.length; j++) m.set(keys[j]!, m.has(keys[j]!) ? MANY : v.index);
  }
  return m;
}

/** The keys of the `asked` views that more than one view (of all `views`) has. */
function sharedKeys(views: readonly VarView[], keysOf: (v: VarView) => readonly string[], asked: (v: VarView) => boolean): Set<string> {
  const seen = new Map<string, number>();
  for (const v of views) if (asked(v)) for (const k of keysOf(v)) seen.set(k, -1);
  const shared = new Set<string>();
  if (seen.size === 0) return shared;
  for (let i = 0; i < views.length; i++) {
    const v = views[i]!;
    const keys = keysOf(v);
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      const first = seen.get(k);
      if (first === undefined) continue;
      if (first === -1) seen.set(k, v.index);
      else if (first !== v.index) shared.add(k);
    }
  }
  return shared;
}

function describe(o: VarView, n: VarView, key: string, weak: boolean, rule: number, rules: readonly CompiledRule[], detected: string | undefined): string {
  if (rule < 0 && key === o.name && key === n.name) return 'same name';
  if (weak) return `same position in both models (\`${key}\`)`;
  if (rule >= 0) return detected ? `same name once ${detected}` : `same name after rule ${describeRule(rules[rule]!.rule)}`;
  if (key.includes('#')) return `same layer and weight index (\`${key}\`)`;
  return `same name once normalised (\`${key}\`)`;
}

/**
 * Pairs among `olds` and `news` (neither taken yet). `detected` describes the rules when they were found by the
 * matcher rather than given by the person.
 */
export function pairByName(olds: readonly VarView[], news: readonly VarView[], rules: readonly CompiledRule[], detected?: (rule: number) => string): NamePair[] {
  // Without rules every old variable keeps its keys: no moved copy of them per variable.
  const moved = rules.length ? new Map(olds.map((o) => [o.index, movedKeys(o, rules)])) : undefined;
  const oldKeys = (o: VarView) => (moved ? moved.get(o.index)!.keys : o.keys);
  const ruleOf = (o: VarView) => (moved ? moved.get(o.index)!.rule : -1);
  const newByKey = index(news, (v) => v.keys);
  // Whether more than one old variable has a key: asked only after the stored pass, only of the keys of old
  // variables still unpaired (a few, when most names are unchanged), so only those keys are counted.
  let sharedOld: Set<string> | undefined;
  const oldShared = (k: string) => (sharedOld ??= sharedKeys(olds, oldKeys, (o) => !takenOld[o.index])).has(k);
  // Views by index and what is taken in arrays indexed by the variable's index, not Sets of tens of thousands.
  const newByIndex: VarView[] = [];
  news.forEach((v) => (newByIndex[v.index] = v));
  const takenOld = new Uint8Array(olds.reduce((m, v) => Math.max(m, v.index + 1), 0));
  const takenNew = new Uint8Array(newByIndex.length);
  const pairs: NamePair[] = [];
  const tryKey = (o: VarView, k: string, pass: 'stored' | 'names' | 'positions') => {
    const cand = newByKey.get(k);
    if (cand === undefined || cand === MANY || takenNew[cand] || (pass !== 'stored' && oldShared(k))) return false;
    const n = newByIndex[cand]!;
    const weak = o.weak.has(k) || n.weak.has(k) || isOrdinalKey(k);
    if (weak && pass !== 'positions') return false;
    const rule = ruleOf(o);
    takenOld[o.index] = 1;
    takenNew[n.index] = 1;
    pairs.push({ old: o.index, new: n.index, key: k, weak, rule, how: describe(o, n, k, weak, rule, rules, rule >= 0 ? detected?.(rule) : undefined) });
    return true;
  };
  const tryKeys = (o: VarView, pass: 'names' | 'positions') => {
    for (const k of oldKeys(o)) if (tryKey(o, k, pass)) return;
  };
  // The stored key first (an exact name beats a normalised one), then every other naming key, then positions.
  olds.forEach((o) => {
    if (ruleOf(o) < 0) tryKey(o, o.name, 'stored');
  });
  olds.forEach((o) => {
    if (!takenOld[o.index]) tryKeys(o, 'names');
  });
  olds.forEach((o) => {
    if (!takenOld[o.index]) tryKeys(o, 'positions');
  });
  return pairs;
}
