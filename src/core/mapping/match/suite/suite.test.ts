/**
 * The ground-truth suite (see types.ts): for every scenario, no link made by default is wrong, the recall
 * reached is kept, and Graft says whether the two models share little. `npm run bench -- match` prints the table.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS, runScenario, totals } from './index';

// Recall reached per scenario, asserted as a floor: every scenario reaches 1 today.
const RECALL: Record<string, number> = {};

describe('matcher ground-truth suite', () => {
  it('holds at least 30 old/new pairs, some unrelated, some made with the real Keras', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
    expect(SCENARIOS.filter((s) => s.unrelated).length).toBeGreaterThanOrEqual(5);
    expect(SCENARIOS.filter((s) => s.note.includes('real Keras')).length).toBeGreaterThanOrEqual(10);
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length);
  });

  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.note}`, () => {
      const { score, result } = runScenario(s);
      expect(score.wrong).toEqual([]);
      expect(score.recall).toBeGreaterThanOrEqual(RECALL[s.name] ?? 1);
      expect(result.overlap.related).toBe(!s.unrelated);
      if (s.unrelated) expect(result.overlap.sentence).toMatch(/^the two models share little/);
    });
  }

  it('over the whole suite: precision 1, recall ≥ 95%', () => {
    const runs = SCENARIOS.map((s) => runScenario(s).score);
    const t = totals(runs, SCENARIOS.map((s) => Object.keys(s.truth).length));
    expect(t.wrong).toBe(0);
    expect(t.recall).toBeGreaterThanOrEqual(0.95);
  });
});

describe('wrapper prefixes and renamed scopes are detected and offered as one rule', () => {
  const detected = (name: string) => runScenario(SCENARIOS.find((s) => s.name === name)!).result.detected.map((d) => [d.rule, d.moved]);
  it('module. (DataParallel) and _orig_mod. (torch.compile): dropped', () => {
    expect(detected('torch-dataparallel-module-prefix')).toEqual([[{ kind: 'prefix', from: 'module.', to: '' }, 62]]);
    expect(detected('torch-compile-orig-mod-prefix')).toEqual([[{ kind: 'prefix', from: '_orig_mod.', to: '' }, 62]]);
  });
  it('model. added by the new model; a top scope renamed; a scope renamed inside every layer', () => {
    expect(detected('torch-model-prefix-added')).toEqual([[{ kind: 'regex', from: '^', to: 'model.' }, 38]]);
    expect(detected('bert-top-scope-renamed')).toEqual([[{ kind: 'prefix', from: 'bert/', to: 'model/' }, 71]]);
    expect(detected('tf1-scope-renamed')).toEqual([[{ kind: 'prefix', from: 'init/', to: 'input/' }, 2]]);
    expect(detected('bert-subscope-renamed-in-every-layer')).toEqual([[{ kind: 'regex', from: '^((?:[^/]+/){4})self/', to: '$1self_attn/' }, 24]]);
  });
  it('names that already agree offer nothing', () => {
    expect(detected('bert-12-to-13-ffn-widened')).toEqual([]);
    expect(detected('unrelated-bert-vs-cnn')).toEqual([]);
  });
});
