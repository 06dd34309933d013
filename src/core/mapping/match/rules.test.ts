import { describe, expect, it } from 'vitest';
import type { RenameRule } from '../recipe';
import { applyRules, compileRules } from './rules';

describe('rename rules Graft detected (trusted)', () => {
  // The forms detect.ts writes: an escaped literal scope at a fixed depth, a prefix added with `^`.
  const rules: RenameRule[] = [
    { kind: 'regex', from: '^((?:[^/]+/){4})o_proj/', to: '$1out_proj/' },
    { kind: 'regex', from: '^((?:[^/]+/){1})h\\.0\\+/', to: '$1block$$/' },
    { kind: 'regex', from: '^', to: 'model/' },
  ];
  const names = [
    'model/layers/0/self_attn/o_proj/weight', 'model/layers/12/self_attn/o_proj/bias', 'model/layers/0/o_proj/weight',
    'enc/h.0+/kernel', 'enc/hx0+/kernel', 'café/layers/ü/x/o_proj/🙂', 'o_proj/weight', '', 'a//b/c/o_proj/d',
  ];

  it('rename exactly as the RE2 rules a person gives', () => {
    for (const rule of rules) {
      const [re2] = compileRules([rule]);
      const [js] = compileRules([rule], true);
      for (const name of names) expect(js!.apply(name), `${rule.from} on ${name}`).toBe(re2!.apply(name));
    }
    expect(applyRules('model/layers/3/self_attn/o_proj/weight', compileRules(rules, true))).toEqual({ name: 'model/layers/3/self_attn/out_proj/weight', rule: 0 });
    expect(applyRules('enc/h.0+/kernel', compileRules(rules, true)).name).toBe('enc/block$/kernel');
  });
});
