import { describe, expect, it } from 'vitest';
import type { PlanEntry } from '../../core/mapping';
import { layerDiff, newVariableDiff, oldVariableDiff, sameDiffs, tallyDiff } from './diff';

const entry = (over: Partial<PlanEntry>): PlanEntry => ({ to: 'x', shape: [2], dtype: 'float32', kind: 'weight', status: 'exact', from: ['x'], transforms: [], steps: [], notes: [], ...over });
const dv = (readable: string, shape: number[], dtype = 'float32') => ({ readable, shape, dtype });

describe('diff column', () => {
  it('says same, renamed, widened, narrowed, converted, inserted, incompatible', () => {
    const olds = new Map([['a', dv('d/kernel', [8, 16])], ['b', dv('old/kernel', [8, 16])], ['c', dv('d/kernel', [8, 16], 'float16')]]);
    const oldOf = (n: string) => olds.get(n);
    expect(newVariableDiff(entry({ from: ['a'] }), dv('d/kernel', [8, 16]), oldOf)).toMatchObject({ kind: 'same' });
    expect(newVariableDiff(entry({ from: ['b'] }), dv('d/kernel', [8, 16]), oldOf)).toMatchObject({ kind: 'renamed', title: 'renamed from old/kernel' });
    expect(newVariableDiff(entry({ from: ['a'], status: 'transformed' }), dv('d/kernel', [8, 32]), oldOf)).toMatchObject({ kind: 'widened', text: '16→32' });
    expect(newVariableDiff(entry({ from: ['a'], status: 'transformed' }), dv('d/kernel', [4, 16]), oldOf)).toMatchObject({ kind: 'narrowed', text: '8→4' });
    expect(newVariableDiff(entry({ from: ['c'], status: 'transformed' }), dv('d/kernel', [8, 16]), oldOf)).toMatchObject({ kind: 'converted', text: 'float16→float32' });
    expect(newVariableDiff(entry({ from: [], status: 'initialised' }), dv('n/kernel', [2]), oldOf)).toMatchObject({ kind: 'inserted', text: 'new' });
    expect(newVariableDiff(entry({ status: 'incompatible', problem: 'no' }), dv('d/kernel', [3]), oldOf)).toMatchObject({ kind: 'incompatible', title: 'no' });
    const proposal = entry({ from: [], status: 'initialised', pending: { from: ['a'], transforms: [], link: 0 } });
    expect(newVariableDiff(proposal, dv('d/kernel', [8, 16]), oldOf)).toMatchObject({ kind: 'same', proposed: true });
  });

  it('marks an unused old variable removed and sums a layer up', () => {
    expect(oldVariableDiff(undefined, false)).toMatchObject({ kind: 'removed', text: 'removed' });
    const same = { kind: 'same' as const, text: 'same', title: '' };
    const wide = { kind: 'widened' as const, text: '64→128', title: 'w' };
    const ins = { kind: 'inserted' as const, text: 'new', title: '' };
    expect(layerDiff([same, same])).toMatchObject({ kind: 'same' });
    expect(layerDiff([same, wide])).toMatchObject({ kind: 'widened', text: '64→128' });
    expect(layerDiff([ins, ins])).toMatchObject({ kind: 'inserted', text: 'new' });
    expect(layerDiff([same, ins])).toMatchObject({ kind: 'mixed', text: '+1 new' });
    expect(layerDiff([])).toBeUndefined();
  });

  it('sums up n alike variables from one of them as it would from all n', () => {
    const alike = [
      { kind: 'inserted' as const, text: 'new', title: 'x' },
      { kind: 'removed' as const, text: 'removed', title: 'y' },
      { kind: 'same' as const, text: 'same', title: '', proposed: true },
      { kind: 'widened' as const, text: '2→4', title: 'w' },
    ];
    for (const d of alike) for (const n of [1, 3, 50_000]) expect(tallyDiff(sameDiffs(d, n))).toEqual(layerDiff(Array.from({ length: n }, () => d)));
    expect(tallyDiff(sameDiffs(alike[0]!, 3))?.title).toBe('inserted: all 3 variables');
  });
});
