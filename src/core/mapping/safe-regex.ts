/**
 * Rename-rule regexes run on RE2 (re2js), whose matching time is linear in the name: a pattern such as
 * `^([a-z_/0-9]+)+!$` backtracks catastrophically in JavaScript's own engine and never returns on long names.
 * RE2 refuses what it cannot match in linear time (lookarounds, backreferences) and large repeat counts; those
 * patterns are refused with a sentence. Replacements keep JavaScript's `$1`, `$<name>`, `$&`, `$$` meaning.
 *
 * re2js (~150 kB minified) loads on demand: the page's first view and most matches have no regex rule, and its
 * parse and compile cost the first view ~0.1 s of CPU on each side. The functions here stay synchronous; every
 * entry point that takes rules from outside (a recipe parsed, rules typed, a match asked for) awaits
 * `loadRegexEngineFor` first.
 */
import type { RE2JS } from 're2js';
import { GraftError } from '../errors';
import { clip } from '../io/untrusted';

let engine: typeof RE2JS | undefined;
let loading: Promise<void> | undefined;

/** Loads RE2 once; a failed load is tried again on the next call. */
export function loadRegexEngine(): Promise<void> {
  loading ??= import('re2js').then(
    (m) => {
      engine = m.RE2JS;
    },
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

export const regexEngineLoaded = (): boolean => engine !== undefined;

/** Loads RE2 when `doc` (a recipe, a recipe document not yet validated, or a list of rules) holds a regex rule. */
export async function loadRegexEngineFor(doc: unknown): Promise<void> {
  const rules = Array.isArray(doc) ? doc : (doc as { rules?: unknown } | null | undefined)?.rules;
  if (Array.isArray(rules) && rules.some((r) => (r as { kind?: unknown } | null)?.kind === 'regex')) await loadRegexEngine();
}

function re2(): typeof RE2JS {
  if (!engine) throw new Error('the regex engine (RE2) is not loaded: await loadRegexEngine() before compiling a regex rule');
  return engine;
}

/** Time one rule may spend over all the names of one matching run (RE2 needs ~1 µs per name). */
export const RULE_TIME_BUDGET_MS = 1000;
/**
 * And per name it was applied to, on top: a run over 50,000 variables applies a rule some 400,000 times (every key
 * of every variable, then the layers), ~1 s of RE2JS even on an idle machine; ~10× RE2's cost is still no trap.
 */
const PER_NAME_MS = 0.02;
/** Longer patterns are no rename rule a person wrote; RE2 compiles them into large programs. */
const MAX_PATTERN_LENGTH = 4096;

/** Why `pattern` cannot be a rename rule, or undefined when it compiles under RE2. */
export function regexProblem(pattern: string): string | undefined {
  re2();
  try {
    compileSafeRegex(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function compileSafeRegex(pattern: string): RE2JS {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new Error(`the pattern is ${pattern.length} characters long; a rename rule may have at most ${MAX_PATTERN_LENGTH}`);
  }
  const RE2 = re2();
  try {
    return RE2.compile(pattern);
  } catch {
    // JavaScript spellings RE2 lacks (`\u00e9`, `[^]`, `\cA`) have RE2 equivalents; translated, they are accepted.
  }
  try {
    return RE2.compile(RE2.translateRegExp(pattern));
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    throw new Error(`not a regular expression Graft can run in linear time (RE2 syntax: no lookarounds or backreferences, repeats up to {1000}): ${clip(why, 80)}`, { cause: e });
  }
}

/** A compiled regex rule: the renamed name or null, refused with a GraftError once it has used up its time budget. */
export function regexRenamer(pattern: string, replacement: string, label: string, budgetMs = RULE_TIME_BUDGET_MS): (name: string) => string | null {
  let re: RE2JS;
  re2();
  try {
    re = compileSafeRegex(pattern);
  } catch (e) {
    throw new GraftError('usage', '', `${label}: /${clip(pattern, 80)}/ is ${(e as Error).message}`, { cause: e });
  }
  let spent = 0;
  let calls = 0;
  return (name) => {
    const t0 = performance.now();
    const out = re.test(name) ? re.matcher(name).replaceFirst(replacement) : null;
    spent += performance.now() - t0;
    calls++;
    if (spent > budgetMs + calls * PER_NAME_MS) {
      throw new GraftError('usage', '', `${label}: /${clip(pattern, 80)}/ took more than ${budgetMs} ms over the names, over ${PER_NAME_MS * 1000} µs a name; simplify the pattern`);
    }
    return out;
  };
}
