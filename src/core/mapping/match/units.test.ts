import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignLayers } from './align';
import { assign } from './assign';
import type { Layer } from './layers';
import { isOrdinalKey, nameForms, snakeClass, viewOf } from './names';
import { applyRules, compileRules, parseRuleArg, ruleCounts } from './rules';

describe('rename rules', () => {
  const rules = [parseRuleArg('old_scope/=new_scope/'), parseRuleArg('re:^(.*)/W$=$1/kernel'), parseRuleArg('re:^(.*)/W(\\d)$=$1/w$2')];
  const compiled = compileRules(rules);
  it('prefix maps and regexes with capture groups; the first match wins', () => {
    expect(applyRules('old_scope/dense/W', compiled)).toEqual({ name: 'new_scope/dense/W', rule: 0 });
    expect(applyRules('x/dense/W', compiled)).toEqual({ name: 'x/dense/kernel', rule: 1 });
    expect(applyRules('x/W2', compiled)).toEqual({ name: 'x/w2', rule: 2 });
    expect(applyRules('untouched', compiled)).toEqual({ name: 'untouched', rule: -1 });
  });
  it('counts names moved per rule', () => expect(ruleCounts(['old_scope/a', 'old_scope/W', 'b/W', 'c'], rules)).toEqual([2, 1, 0]));
  it('rejects malformed rules on the command line', () => {
    expect(() => parseRuleArg('nothing')).toThrow(/expected OLD=NEW/);
    expect(() => parseRuleArg('re:(=x')).toThrow(/not a regular expression/);
  });
  it('moves each name by its first matching rule, as a reading of the three rules by hand says; counts tally those', () => {
    // The three rules above, read without regexes: the first that applies wins.
    const byHand = (n: string): { name: string; rule: number } => {
      if (n.startsWith('old_scope/')) return { name: `new_scope/${n.slice('old_scope/'.length)}`, rule: 0 };
      if (n.endsWith('/W')) return { name: `${n.slice(0, -2)}/kernel`, rule: 1 };
      const last = n.at(-1) ?? '';
      if (n.length >= 3 && n.at(-3) === '/' && n.at(-2) === 'W' && last >= '0' && last <= '9') return { name: `${n.slice(0, -3)}/w${last}`, rule: 2 };
      return { name: n, rule: -1 };
    };
    const name = fc
      .tuple(fc.constantFrom('', 'old_scope/', 'old_scope', 'x/'), fc.stringMatching(/^[a-c/_W0-9]{0,8}$/), fc.constantFrom('', '/W', '/W3', 'W', '/W34'))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(name, { maxLength: 20 }), (names) => {
        const want = names.map(byHand);
        expect(names.map((n) => applyRules(n, compiled))).toEqual(want);
        expect(ruleCounts(names, rules)).toEqual([0, 1, 2].map((i) => want.filter((w) => w.rule === i).length));
      }),
    );
  });
});

describe('TF2 object-graph variables of a Keras 3 model', () => {
  const info = { dtype: 'float32' as const, shape: [7, 9], byteLength: 252, kind: 'weight' as const, group: 'trunk' };
  it('a Sequential\'s variable is also known without the model\'s own scope, and by its operation index', () => {
    const v = viewOf({ ...info, name: 'model/_functional/_operations/1/_kernel/.ATTRIBUTES/VARIABLE_VALUE', path: 'model/_functional/_operations/1/_kernel', originalName: 'sequential/trunk/kernel' }, 0);
    expect(v.keys).toContain('trunk/kernel');
    expect(v.position).toEqual([1]);
  });
  it('a name-based key is not cut', () => {
    expect(viewOf({ ...info, name: 'outer/trunk/kernel' }, 0).keys).not.toContain('trunk/kernel');
  });
});

describe('name forms', () => {
  it('normalises each format’s spelling', () => {
    expect(nameForms('dense/kernel:0').forms).toEqual(['dense/kernel']);
    expect(nameForms('model_weights/dense_1/dense_1/bias:0').forms).toEqual(['model_weights/dense_1/dense_1/bias', 'dense_1/bias']);
    expect(nameForms('layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE').forms).toEqual(['layer_with_weights-0/kernel']);
    expect(nameForms('dense_1/dense_1_W').forms).toEqual(['dense_1/dense_1_W', 'dense_1/kernel']);
    expect(nameForms('layers/batch_normalization/vars/3')).toEqual({ forms: ['layers/batch_normalization/vars/3', 'batch_normalization/moving_variance'], keras3: { layer: 'batch_normalization', index: 3 } });
    expect(nameForms('layers/dense_2/vars/1').forms[1]).toBe('dense_2/bias');
  });
  it('Keras 3 nested paths: a recurrent cell takes its class\'s weight order; other sub-objects get no weight name', () => {
    expect(nameForms('layers/gru/cell/vars/1').forms).toEqual(['layers/gru/cell/vars/1', 'gru/recurrent_kernel']);
    expect(nameForms('layers/bidirectional/forward_layer/cell/vars/0').forms).toEqual(['layers/bidirectional/forward_layer/cell/vars/0']);
    const info = { dtype: 'float32' as const, shape: [5, 15], byteLength: 300, kind: 'weight' as const, group: 'my_gru' };
    const v = viewOf({ ...info, name: 'layers/gru/cell/vars/1', layer: 'my_gru', weightIndex: 1 }, 0);
    expect(v.keys).toContain('my_gru/recurrent_kernel');
    expect(v.weak.has('layers/gru/cell/vars/1')).toBe(true);
    expect(v.weak.has('my_gru#1')).toBe(false);
  });
  it('position-only keys: the words checked before the regex never turn one away', () => {
    // The regex alone, as the key test had it before the words in front of it.
    const ordinal = /^Variable(_\d+)?$|(^|\/)(layer_with_weights-\d+|layer-\d+|_operations\/\d+)(\/|$)|^layers\/(.+\/)?vars\/\d+$/;
    const part = fc.constantFrom('Variable', 'Variable_3', 'layer_with_weights-2', 'layer-4', '_operations', '3', 'layers', 'vars', '0', 'dense', 'model', 'layer', '-', '_', 'x.y');
    fc.assert(fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), fc.constantFrom('/', '.'), (parts, sep) => {
      const key = parts.join(sep);
      expect(isOrdinalKey(key)).toBe(ordinal.test(key));
    }), { numRuns: 2000 });
    expect(['Variable_2', 'layer_with_weights-0/kernel', 'model/layer-3/bias', '_operations/4/kernel', 'layers/dense/vars/0', 'layers/vars/1'].every(isOrdinalKey)).toBe(true);
    expect(['model.layers.0.mlp.gate_proj.weight', 'model/layers/0/mlp/gate_proj/kernel', 'layers/dense/kernel'].some(isOrdinalKey)).toBe(false);
  });
  it('snake-cases Keras class names', () => {
    expect(snakeClass('Conv2D')).toBe('conv2d');
    expect(snakeClass('BatchNormalization')).toBe('batch_normalization');
    expect(snakeClass('Dense')).toBe('dense');
    expect(snakeClass('Conv2DTranspose')).toBe('conv2d_transpose');
  });
});

describe('assign (Hungarian)', () => {
  const brute = (c: number[][]) => {
    const n = c.length;
    const m = c[0]!.length;
    let best = Infinity;
    const rec = (i: number, used: Set<number>, sum: number, pairs: number) => {
      if (i === n) {
        if (pairs === Math.min(n, m)) best = Math.min(best, sum);
        return;
      }
      if (n - i > m - used.size) rec(i + 1, used, sum, pairs);
      for (let j = 0; j < m; j++) if (!used.has(j)) rec(i + 1, new Set([...used, j]), sum + c[i]![j]!, pairs + 1);
    };
    rec(0, new Set(), 0, 0);
    return best;
  };
  it('finds the optimum that greedy misses', () => {
    // Greedy takes (0,0)=1 and then pays 100; optimal is 2 + 2.
    expect(assign([[1, 2], [2, 100]])).toEqual([[0, 1], [1, 0]]);
  });
  it('leaves out forbidden pairs', () => expect(assign([[Infinity, 1], [Infinity, Infinity]])).toEqual([[0, 1]]));
  it('equals brute force on small rectangular matrices', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 25, maxLength: 25 }), (n, m, vals) => {
      const c = Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => vals[i * 5 + j]!));
      const got = assign(c);
      expect(got.length).toBe(Math.min(n, m));
      expect(new Set(got.map((p) => p[1])).size).toBe(got.length);
      expect(got.reduce((s, [i, j]) => s + c[i]![j]!, 0)).toBe(brute(c));
    }));
  });
});

describe('alignLayers', () => {
  const layer = (sig: string, keys: string[] = [], family?: string): Layer => ({ vars: [], id: keys[0] ?? sig, keys, sig, pattern: sig.replace(/\d+/g, '#'), ordinal: 0, ...(family ? { family } : {}) });
  it('finds one inserted layer and forces the pairs around it', () => {
    const a = alignLayers([layer('8x64'), layer('64x1')], [layer('8x64'), layer('64x64'), layer('64x1')]);
    expect(a.map((p) => [p.old, p.new, p.same, p.forced])).toEqual([[0, 0, true, true], [1, 2, true, true]]);
  });
  it('finds one removed layer; when two removals fit equally, neither pair is forced', () => {
    const a = alignLayers([layer('8x64'), layer('64x32'), layer('64x1')], [layer('8x64'), layer('64x1')]);
    expect(a.map((p) => [p.old, p.new, p.forced])).toEqual([[0, 0, true], [2, 1, true]]);
    const b = alignLayers([layer('8x64'), layer('64x32'), layer('32x1')], [layer('8x64'), layer('64x1')]);
    expect(b.map((p) => p.forced)).toEqual([true, false]);
  });
  it('an insertion among identical layers is not forced; names break the tie', () => {
    const olds = [layer('4x4', ['l0']), layer('4x4', ['l1'])];
    const news = [layer('4x4', ['l0']), layer('4x4', ['l1']), layer('4x4', ['l2'])];
    const a = alignLayers(olds, news);
    expect(a.map((p) => [p.old, p.new, p.forced, p.sameName])).toEqual([[0, 0, false, true], [1, 1, false, true]]);
  });
  it('never pairs layers of different families', () => {
    expect(alignLayers([layer('3x3', [], 'dense')], [layer('3x3', [], 'conv2d')])).toEqual([]);
  });
});
