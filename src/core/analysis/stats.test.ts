import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  HEATMAP_MAX,
  heatmap,
  heatmapAccumulator,
  histogram,
  histogramAccumulator,
  planView,
  summarize,
  summaryAccumulator,
} from './stats';

const f = (...xs: number[]) => Float64Array.from(xs);

describe('summarize', () => {
  it('counts finite, NaN and infinities and computes population std', () => {
    const s = summarize(f(1, 2, 3, 4, NaN, Infinity, -Infinity, -Infinity, 0));
    expect(s).toMatchObject({ count: 9, finite: 5, nan: 1, posInf: 1, negInf: 2, zeros: 1, min: 0, max: 4, mean: 2 });
    expect(s.std).toBeCloseTo(Math.sqrt(2), 12);
  });

  it('gives nulls when nothing is finite, and for an empty tensor', () => {
    expect(summarize(f(NaN, NaN))).toMatchObject({ count: 2, finite: 0, nan: 2, min: null, max: null, mean: null, std: null });
    expect(summarize(f())).toMatchObject({ count: 0, finite: 0, min: null, std: null });
  });

  it('is zero-spread for all-equal values', () => {
    expect(summarize(f(7, 7, 7))).toMatchObject({ min: 7, max: 7, mean: 7, std: 0 });
  });

  it('combines chunks to the same result as one pass', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN), fc.constant(Infinity)), { maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        (xs, chunk) => {
          const all = Float64Array.from(xs);
          const whole = summarize(all);
          const acc = summaryAccumulator();
          for (let i = 0; i < all.length; i += chunk) acc.add(all.subarray(i, i + chunk));
          const parts = acc.result();
          expect(parts.count).toBe(whole.count);
          expect(parts.finite).toBe(whole.finite);
          expect(parts.nan).toBe(whole.nan);
          expect(parts.min).toBe(whole.min);
          expect(parts.max).toBe(whole.max);
          if (whole.mean !== null) {
            expect(parts.mean!).toBeCloseTo(whole.mean, 4);
            expect(parts.std!).toBeCloseTo(whole.std!, 4);
          }
        },
      ),
    );
  });

  it('stays accurate for values with a large common offset', () => {
    const xs = new Float64Array(10_000).map((_, i) => 1e9 + (i % 2 ? 1 : -1));
    const acc = summaryAccumulator();
    for (let i = 0; i < xs.length; i += 333) acc.add(xs.subarray(i, i + 333));
    expect(acc.result().std).toBeCloseTo(1, 6);
  });
});

describe('histogram', () => {
  it('bins over the finite range, the maximum in the last bin', () => {
    const h = histogram(f(0, 1, 2, 3, 4, NaN, Infinity), 4);
    expect(h).toEqual({ lo: 0, hi: 4, counts: [1, 1, 1, 2] });
  });

  it('has one bin when all values are equal and none when nothing is finite', () => {
    expect(histogram(f(5, 5, 5))).toEqual({ lo: 5, hi: 5, counts: [3] });
    expect(histogram(f(NaN, -Infinity))).toEqual({ lo: 0, hi: 0, counts: [] });
    expect(histogram(f())).toEqual({ lo: 0, hi: 0, counts: [] });
  });

  it('copes with a range spanning most of float64', () => {
    const h = histogram(f(-Number.MAX_VALUE, 0, Number.MAX_VALUE), 2);
    expect(h.counts).toEqual([1, 2]);
  });

  it('puts every finite value in a bin that contains it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noDefaultInfinity: true, noNaN: true, min: -1e300, max: 1e300 }).filter((x) => x === 0 || Math.abs(x) > 1e-290), { minLength: 2, maxLength: 100 }), (xs) => {
        const all = Float64Array.from(xs);
        const s = summarize(all);
        const h = histogram(all, 40);
        expect(h.counts.reduce((a, b) => a + b, 0)).toBe(s.finite);
        if (h.counts.length === 1) return;
        const width = (h.hi - h.lo) / 40;
        for (const v of all) {
          const one = histogramAccumulator(s.min, s.max, 40);
          one.add(f(v));
          const b = one.result().counts.findIndex((c) => c > 0);
          const slack = Math.abs(width) * 1e-9 + Math.abs(v) * 1e-12;
          expect(v).toBeGreaterThanOrEqual(h.lo + width * b - slack);
          expect(v).toBeLessThanOrEqual(h.lo + width * (b + 1) + slack);
        }
      }),
    );
  });
});

describe('planView', () => {
  it('maps ranks to grids', () => {
    expect(planView([])).toBeNull();
    expect(planView([3, 0])).toBeNull();
    expect(planView([5])).toMatchObject({ rows: 1, cols: 5 });
    expect(planView([4, 6])).toMatchObject({ rows: 4, cols: 6, base: 0, step: 1 });
    expect(planView([2, 3, 4])).toMatchObject({ rows: 6, cols: 4 });
    expect(planView([3, 3, 2, 8])).toMatchObject({ rows: 18, cols: 8, rowLabel: 'H·W·I' });
    expect(planView([2, 2, 2, 2, 5])).toMatchObject({ rows: 16, cols: 5 });
  });

  it('slices a 4-D kernel at a spatial position or an (in, out) pair, clamping indices', () => {
    // [H=2, W=3, I=4, O=5]
    expect(planView([2, 3, 4, 5], { mode: 'hw', h: 1, w: 2 })).toMatchObject({ rows: 4, cols: 5, base: (1 * 3 + 2) * 20, step: 1 });
    expect(planView([2, 3, 4, 5], { mode: 'io', i: 3, o: 4 })).toMatchObject({ rows: 2, cols: 3, base: 3 * 5 + 4, step: 20 });
    expect(planView([2, 3, 4, 5], { mode: 'hw', h: 99, w: -4 })).toMatchObject({ base: (1 * 3 + 0) * 20 });
  });
});

describe('heatmap', () => {
  it('keeps a small matrix as is', () => {
    const h = heatmap(f(1, 2, 3, 4, 5, 6), [2, 3])!;
    expect([h.rows, h.cols, h.blockRows, h.blockCols]).toEqual([2, 3, 1, 1]);
    expect(Array.from(h.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([h.min, h.max]).toEqual([1, 6]);
  });

  it('block-averages down to at most HEATMAP_MAX cells a side, ignoring non-finite values', () => {
    const rows = 1000, cols = 300;
    const xs = new Float64Array(rows * cols).map((_, k) => Math.floor(k / cols));
    xs[0] = NaN;
    const h = heatmap(xs, [rows, cols])!;
    expect(h.rows).toBeLessThanOrEqual(HEATMAP_MAX);
    expect(h.cols).toBeLessThanOrEqual(HEATMAP_MAX);
    expect([h.blockRows, h.blockCols]).toEqual([4, 2]);
    expect([h.rows, h.cols]).toEqual([250, 150]);
    expect(h.values[0]).toBeCloseTo(12 / 7, 12); // rows 0..3 × cols 0..1, the NaN left out
    expect(h.values[h.cols]).toBeCloseTo(5.5, 12); // rows 4..7
  });

  it('marks cells without a finite value as NaN', () => {
    const h = heatmap(f(NaN, 1, Infinity, -2), [2, 2])!;
    expect(Number.isNaN(h.values[0]!)).toBe(true);
    expect(Number.isNaN(h.values[2]!)).toBe(true);
    expect([h.min, h.max]).toEqual([-2, 1]);
    expect(Array.from(heatmap(f(NaN), [1, 1])!.values).map(Number.isNaN)).toEqual([true]);
  });

  it('draws a rank-1 tensor as a strip', () => {
    const h = heatmap(new Float64Array(1000).fill(2), [1000])!;
    expect(h.rows).toBe(1);
    expect(h.cols).toBe(250);
  });

  it('reads a kernel slice from chunks exactly as from one array', () => {
    const shape = [3, 3, 4, 5];
    const n = 3 * 3 * 4 * 5;
    const xs = new Float64Array(n).map((_, k) => k);
    for (const kernel of [{ mode: 'flat' } as const, { mode: 'hw', h: 2, w: 1 } as const, { mode: 'io', i: 1, o: 3 } as const]) {
      const whole = heatmap(xs, shape, kernel)!;
      const acc = heatmapAccumulator(planView(shape, kernel)!);
      for (let s = 0; s < n; s += 7) acc.add(xs.subarray(s, s + 7), s);
      expect(Array.from(acc.result().values)).toEqual(Array.from(whole.values));
    }
    // [H, W] at in=1, out=3: element (h, w) is at ((h*3 + w)*4 + 1)*5 + 3
    const io = heatmap(xs, shape, { mode: 'io', i: 1, o: 3 })!;
    expect(Array.from(io.values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((p) => p * 20 + 8));
    const hw = heatmap(xs, shape, { mode: 'hw', h: 2, w: 1 })!;
    expect(hw.values[0]).toBe((2 * 3 + 1) * 20);
    expect([hw.rows, hw.cols]).toEqual([4, 5]);
  });

  it('is null for scalars and empty tensors', () => {
    expect(heatmap(f(1), [])).toBeNull();
    expect(heatmap(f(), [0, 4])).toBeNull();
  });
});
