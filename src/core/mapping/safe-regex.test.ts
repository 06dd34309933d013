import { describe, expect, it, vi } from 'vitest';
import { isGraftError } from '../errors';
import { parseRecipe } from './recipe-schema';
import { compileRules, parseRuleArg, ruleCounts } from './match/rules';
import { regexProblem, regexRenamer } from './safe-regex';

/** The variable names of a 12-layer BERT checkpoint, as its TF1 index lists them. */
function bertNames(): string[] {
  const names = ['bert/embeddings/word_embeddings', 'bert/embeddings/position_embeddings', 'bert/embeddings/token_type_embeddings'];
  for (let l = 0; l < 12; l++) {
    const p = `bert/encoder/layer_${l}`;
    for (const m of ['attention/self/query', 'attention/self/key', 'attention/self/value', 'attention/output/dense', 'intermediate/dense', 'output/dense']) {
      names.push(`${p}/${m}/kernel`, `${p}/${m}/bias`);
    }
    names.push(`${p}/attention/output/layer_norm/gamma`, `${p}/output/layer_norm/beta`);
  }
  return names;
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isGraftError(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a GraftError');
}

describe('rename rules on RE2', () => {
  it('runs a catastrophically backtracking pattern over BERT names in linear time', () => {
    const names = bertNames();
    const t0 = performance.now();
    // JavaScript's engine takes exponential time in the name length for this pattern (hours on these names).
    expect(ruleCounts(names, [{ kind: 'regex', from: '^([a-z_/0-9]+)+!$', to: 'x' }])).toEqual([0]);
    expect(ruleCounts(names, [{ kind: 'regex', from: '^(([a-z]|[a-z_])*)*/kernel!$', to: 'x' }])).toEqual([0]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('keeps JavaScript replacement semantics', () => {
    const [rule] = compileRules([{ kind: 'regex', from: '^bert/encoder/layer_(\\d+)/(?<rest>.*)/W$', to: 'model/l$1/$<rest>/kernel$$' }]);
    expect(rule!.apply('bert/encoder/layer_3/attention/W')).toBe('model/l3/attention/kernel$');
    expect(rule!.apply('bert/pooler/dense/kernel')).toBeNull();
    const [add] = compileRules([{ kind: 'regex', from: '^', to: 'wrapper/' }]);
    expect(add!.apply('dense/kernel')).toBe('wrapper/dense/kernel');
    expect(compileRules([{ kind: 'regex', from: 'a', to: '[$&|$`|$\']' }])[0]!.apply('xay')).toBe('x[a|x|y]y');
  });

  it('refuses what RE2 cannot run in linear time, with a sentence', () => {
    for (const p of ['(?=kernel)', '(a)\\1', '(?<!x)a', 'a{2000}', 'x'.repeat(5000)]) expect(regexProblem(p)).toMatch(/./);
    expect(regexProblem('^(.*)/W$')).toBeUndefined();
    // JavaScript spellings with RE2 equivalents are accepted.
    expect(compileRules([{ kind: 'regex', from: '^caf\\u00e9/([^]*)$', to: 'cafe/$1' }])[0]!.apply('café/kernel')).toBe('cafe/kernel');
    expect(thrown(() => parseRecipe({ version: 1, rules: [{ kind: 'regex', from: 'kernel(?=/)', to: 'x' }] })).message)
      .toMatch(/recipe rules\[0\]\.from: not a regular expression Graft can run in linear time .*lookarounds/);
    expect(thrown(() => parseRuleArg('re:(a)\\1=b')).message).toMatch(/rule 1: .* is not a regular expression Graft can run/);
  });

  it('stops a rule that uses up its time budget, with a sentence', () => {
    // A pattern that matches must run RE2's capture machinery over the whole name (~10 ms here); one that cannot
    // match, such as `^(a|b)*c$`, is rejected in microseconds once warm and would never use the budget up.
    const apply = regexRenamer('^((a|b)+)$', 'x', 'rule 2', 0.001);
    const long = 'ab'.repeat(50_000);
    expect(thrown(() => { for (let i = 0; i < 100; i++) apply(long); }).message).toMatch(/^rule 2: \/\^\(\(a\|b\)\+\)\$\/ took more than 0.001 ms over the names/);
  });

  it('loads RE2 on demand: refuses to compile a regex rule before, and loads only for a regex rule', async () => {
    vi.resetModules();
    const fresh = await import('./safe-regex');
    expect(fresh.regexEngineLoaded()).toBe(false);
    expect(() => fresh.regexProblem('^a$')).toThrow(/RE2\) is not loaded/);
    expect(() => fresh.regexRenamer('^a$', 'b', 'rule 1')).toThrow(/RE2\) is not loaded/);
    await fresh.loadRegexEngineFor({ rules: [{ kind: 'prefix', from: 'a/', to: 'b/' }] });
    await fresh.loadRegexEngineFor(null);
    expect(fresh.regexEngineLoaded()).toBe(false);
    await fresh.loadRegexEngineFor([{ kind: 'regex', from: '^a$', to: 'b' }]);
    expect(fresh.regexEngineLoaded()).toBe(true);
    expect(fresh.regexRenamer('^(a)$', '$1b', 'rule 1')('a')).toBe('ab');
  });
});
