import { describe, expect, it } from 'vitest';
import { compile, emptyRecipe, type Link } from '../core/mapping';
import { model, tensor, variable } from '../core/mapping/mapping.test-util';
import { NEW_CHIPS, chipOf, countPlan, inChip } from './counts';

const old = [tensor('a', [3]), tensor('b', [3]), tensor('c', [2]), tensor('unused', [1]), tensor('Adam/m', [3], { kind: 'optimizer' })];
const target = model([
  variable('A', [3]), variable('B', [3]), variable('C', [5]), variable('D', [3]), variable('E', [1]),
  variable('opt/m', [3], { kind: 'optimizer' }), variable('step', [], { kind: 'bookkeeping', dtype: 'int64' }),
]);
const L = (from: string[], to: string, extra: Partial<Link> = {}): Link => ({ from, to, transforms: [], ...extra });

describe('countPlan', () => {
  const plan = compile(
    emptyRecipe({ links: [L(['a'], 'A'), L(['b'], 'B', { transforms: [{ op: 'cast', dtype: 'float16' }, { op: 'cast', dtype: 'float32' }] }), L(['c'], 'C'), L(['b'], 'D', { accepted: false, confidence: 'guess' })] }),
    { tensors: old },
    target,
  );
  const counts = countPlan(plan, old);

  it('counts every new variable once: the chips add up to the new model’s variable count', () => {
    expect(Object.fromEntries(NEW_CHIPS.map((k) => [k, counts.chips[k].n]))).toEqual({ exact: 1, transformed: 1, pending: 1, incompatible: 1, initialised: 3 });
    expect(NEW_CHIPS.reduce((a, k) => a + counts.chips[k].n, 0)).toBe(counts.total);
    expect(counts.total).toBe(target.variables.length);
    // The plan's own summary counts the proposal as initialised too: that is what the export writes, not a chip.
    expect(plan.summary.initialised + plan.summary.pending).toBe(counts.chips.initialised.n + 2 * counts.chips.pending.n);
  });
  it('says how many of a chip’s variables are optimizer or bookkeeping state', () => {
    expect(counts.chips.initialised.state).toBe(2);
    expect(counts.chips.exact.state).toBe(0);
  });
  it('counts the unused old variables apart, with their state', () => {
    expect(counts.unused).toEqual({ n: 1, state: 0 });
    const withState = compile(emptyRecipe({ filters: { includeOptimizer: true } }), { tensors: old }, target);
    expect(countPlan(withState, old).unused).toEqual({ n: 5, state: 1 });
  });
  it('a chip shows exactly the entries it counts', () => {
    const d = plan.entries.find((e) => e.to === 'D')!;
    expect(chipOf(d)).toBe('pending');
    expect(inChip(d, 'pending')).toBe(true);
    expect(inChip(d, 'initialised')).toBe(false);
    for (const k of NEW_CHIPS) expect(plan.entries.filter((e) => inChip(e, k)).length, k).toBe(counts.chips[k].n);
  });
});
