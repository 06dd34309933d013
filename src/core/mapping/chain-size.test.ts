import { describe, expect, it } from 'vitest';
import { compile } from './plan';
import { emptyRecipe } from './recipe';
import { parseRecipe } from './recipe-schema';
import { CHAIN_GROWTH_FACTOR } from './chain-size';
import { tensor, variable } from './mapping.test-util';
import type { Transform } from './transforms';

function planFor(oldShape: number[], newShape: number[], transforms: Transform[]) {
  const recipe = parseRecipe({ ...emptyRecipe(), links: [{ from: ['old/kernel'], to: 'new/kernel', transforms }] });
  return compile(recipe, { tensors: [tensor('old/kernel', oldShape)] }, { variables: [variable('new/kernel', newShape)] }).entries[0]!;
}

describe('transform chains through giant intermediates', () => {
  it('refuses a pad/slice chain through 10^12 values at plan time, naming the step and the variable', () => {
    for (const fill of ['zeros', 'mean', 'copy', 'initializer'] as const) {
      const t0 = performance.now();
      const e = planFor([768], [768], [{ op: 'pad', axis: 0, before: 0, after: 1e12 - 768, fill }, { op: 'slice', axis: 0, start: 0, size: 768 }]);
      expect(performance.now() - t0).toBeLessThan(500);
      expect(e.status).toBe('incompatible');
      expect(e.problem).toMatch(/^step 1 \(pad axis 0 \+0\/\+999999999232 \(\w+\)\) of the chain to new\/kernel makes \[1000000000000\], 1e12 values, more than 4× the largest of its sources and new\/kernel/);
    }
  });

  it('refuses an expand/resize detour whose middle is too large, and a chain of many pads', () => {
    const e = planFor([8, 8], [8, 8], [{ op: 'resize', method: 'bilinear', shape: [100_000, 100_000] }, { op: 'resize', method: 'bilinear', shape: [8, 8] }]);
    expect(e.problem).toMatch(/^step 1 \(resize bilinear \[100000,100000\]\) of the chain to new\/kernel/);
    const pads: Transform[] = [0, 1, 2].map((axis) => ({ op: 'pad', axis, before: 0, after: 999, fill: 'zeros' }));
    const f = planFor([1, 1, 1], [1, 1, 1], [...pads, ...[0, 1, 2].map((axis): Transform => ({ op: 'slice', axis, start: 0, size: 1 }))]);
    expect(f.problem).toMatch(/^step 3 \(pad axis 2/);
  });

  it('refuses a chain through more than 64 axes', () => {
    const expand: Transform[] = Array.from({ length: 70 }, () => ({ op: 'expand', axis: 0 }));
    const squeeze: Transform[] = Array.from({ length: 70 }, () => ({ op: 'squeeze', axis: 0 }));
    expect(planFor([3], [3], [...expand, ...squeeze]).problem).toMatch(/^step 64 \(expand axis 0\) of the chain to new\/kernel makes a rank-65 tensor, 3 values, more than 64 axes;/);
  });

  it('refuses intermediates over the hard byte cap even between large tensors', () => {
    const e = planFor([2 ** 31], [2 ** 31], [{ op: 'cast', dtype: 'float64' }, { op: 'cast', dtype: 'float32' }]);
    expect(e.problem).toMatch(/^step 1 \(cast float64\) of the chain to new\/kernel makes \[2147483648\], 2\.1e9 values, more than 8 GiB/);
  });

  it('keeps chains whose intermediates stay within the cap', () => {
    // Widening a small embedding by rows, then narrowing its columns: the middle is larger than both ends.
    const e = planFor([1000, 64], [3000, 32], [{ op: 'pad', axis: 0, before: 0, after: 2000, fill: 'mean' }, { op: 'slice', axis: 1, start: 0, size: 32 }]);
    expect(e.status).toBe('transformed');
    const big = 5_000_000;
    const grow = planFor([big], [big], [{ op: 'pad', axis: 0, before: 0, after: big * (CHAIN_GROWTH_FACTOR - 1), fill: 'zeros' }, { op: 'slice', axis: 0, start: 0, size: big }]);
    expect(grow.status).toBe('transformed');
  });
});
