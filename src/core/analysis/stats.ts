/**
 * Statistics for showing one tensor: a summary, a histogram and a downsampled heatmap.
 * Everything is computed from chunks of decoded values so a large tensor never needs all of its
 * values as float64 at once (the worker decodes ~1M elements at a time).
 */

export interface Summary {
  /** Every element, NaN and ±Inf included. */
  count: number;
  /** Elements that are finite numbers; min/max/mean/std are over these. */
  finite: number;
  nan: number;
  posInf: number;
  negInf: number;
  zeros: number;
  /** null when there is no finite value. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Population standard deviation (like numpy's default). */
  std: number | null;
}

export interface Histogram {
  /** Range of the bins; equal when every finite value is the same (then there is one bin). */
  lo: number;
  hi: number;
  /** Empty when there is no finite value. */
  counts: number[];
}

/** How a tensor of rank 1+ is laid out as a grid: view element k sits at flat index base + k·step. */
export interface View2D {
  rows: number;
  cols: number;
  base: number;
  step: number;
  /** What the rows and columns are, for the person: e.g. `H·W·I` and `O`. */
  rowLabel: string;
  colLabel: string;
}

/** For 4-D kernels in TF layout [H, W, I, O]: the whole kernel, one spatial position, or one (in, out) pair. */
export type KernelView = { mode: 'flat' } | { mode: 'hw'; h: number; w: number } | { mode: 'io'; i: number; o: number };

export interface Heatmap {
  /** Cells after block-averaging; at most HEATMAP_MAX × HEATMAP_MAX. */
  rows: number;
  cols: number;
  /** Rows and columns of the view before downsampling. */
  viewRows: number;
  viewCols: number;
  /** How many view rows/cols each cell averages. */
  blockRows: number;
  blockCols: number;
  /** Row-major cell means over finite values; NaN where a cell has none. */
  values: Float64Array;
  /** Range of the finite cell values (0 when there is none). */
  min: number;
  max: number;
  rowLabel: string;
  colLabel: string;
}

export const HISTOGRAM_BINS = 40;
export const HEATMAP_MAX = 256;

// ---------- summary ----------

export interface SummaryAccumulator {
  add(values: Float64Array): void;
  result(): Summary;
}

/** Mean and variance per chunk combined with Chan et al.'s pairwise formula: stable for long tensors. */
export function summaryAccumulator(): SummaryAccumulator {
  let count = 0, finite = 0, nan = 0, posInf = 0, negInf = 0, zeros = 0;
  let min = Infinity, max = -Infinity, mean = 0, m2 = 0;
  return {
    add(values) {
      let n = 0, sum = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (Number.isFinite(v)) {
          n++;
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
          if (v === 0) zeros++;
        } else if (Number.isNaN(v)) nan++;
        else if (v > 0) posInf++;
        else negInf++;
      }
      count += values.length;
      if (n === 0) return;
      const chunkMean = sum / n;
      let chunkM2 = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (Number.isFinite(v)) chunkM2 += (v - chunkMean) * (v - chunkMean);
      }
      const total = finite + n;
      const delta = chunkMean - mean;
      mean += (delta * n) / total;
      m2 += chunkM2 + (delta * delta * finite * n) / total;
      finite = total;
    },
    result() {
      const any = finite > 0;
      return {
        count, finite, nan, posInf, negInf, zeros,
        min: any ? min : null,
        max: any ? max : null,
        mean: any ? mean : null,
        std: any ? Math.sqrt(Math.max(0, m2 / finite)) : null,
      };
    },
  };
}

export function summarize(values: Float64Array): Summary {
  const acc = summaryAccumulator();
  acc.add(values);
  return acc.result();
}

// ---------- histogram ----------

export interface HistogramAccumulator {
  add(values: Float64Array): void;
  result(): Histogram;
}

/** Bins over [lo, hi] (the finite range from the summary); non-finite values are not binned. */
export function histogramAccumulator(lo: number | null, hi: number | null, bins = HISTOGRAM_BINS): HistogramAccumulator {
  if (lo === null || hi === null) {
    return { add() {}, result: () => ({ lo: 0, hi: 0, counts: [] }) };
  }
  // Halves keep the width finite when the range spans more than float64 can hold.
  const halves = !Number.isFinite(hi - lo);
  const width = halves ? hi * 0.5 - lo * 0.5 : hi - lo;
  const n = width > 0 ? bins : 1;
  const counts = new Array<number>(n).fill(0);
  return {
    add(values) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) continue;
        if (n === 1) {
          counts[0]!++;
          continue;
        }
        let b = Math.floor(((halves ? v * 0.5 - lo * 0.5 : v - lo) / width) * n);
        if (b < 0) b = 0;
        else if (b >= n) b = n - 1;
        counts[b]!++;
      }
    },
    result: () => ({ lo, hi, counts: counts.slice() }),
  };
}

export function histogram(values: Float64Array, bins = HISTOGRAM_BINS): Histogram {
  const s = summarize(values);
  const acc = histogramAccumulator(s.min, s.max, bins);
  acc.add(values);
  return acc.result();
}

// ---------- views and heatmap ----------

const clampIndex = (v: number, size: number): number => Math.min(Math.max(0, Math.trunc(Number.isFinite(v) ? v : 0)), Math.max(0, size - 1));

/**
 * The 2-D grid a tensor is drawn as; null for scalars and empty tensors.
 * Rank 1: a 1×n strip. Rank 2: itself. Rank 3 [A,B,C]: [A·B, C]. Rank 4 (TF kernel [H,W,I,O]):
 * [H·W·I, O], or one spatial position [I, O], or one (in, out) pair [H, W]. Higher ranks: leading
 * dimensions flattened against the last.
 */
export function planView(shape: readonly number[], kernel: KernelView = { mode: 'flat' }): View2D | null {
  if (shape.length === 0 || shape.some((d) => d === 0)) return null;
  if (shape.length === 1) return { rows: 1, cols: shape[0]!, base: 0, step: 1, rowLabel: '', colLabel: 'index' };
  if (shape.length === 2) return { rows: shape[0]!, cols: shape[1]!, base: 0, step: 1, rowLabel: 'rows', colLabel: 'columns' };
  if (shape.length === 4) {
    const [H, W, I, O] = shape as [number, number, number, number];
    if (kernel.mode === 'hw') {
      const h = clampIndex(kernel.h, H), w = clampIndex(kernel.w, W);
      return { rows: I, cols: O, base: (h * W + w) * I * O, step: 1, rowLabel: 'in (I)', colLabel: 'out (O)' };
    }
    if (kernel.mode === 'io') {
      const i = clampIndex(kernel.i, I), o = clampIndex(kernel.o, O);
      return { rows: H, cols: W, base: i * O + o, step: I * O, rowLabel: 'height (H)', colLabel: 'width (W)' };
    }
    return { rows: H * W * I, cols: O, base: 0, step: 1, rowLabel: 'H·W·I', colLabel: 'out (O)' };
  }
  const cols = shape[shape.length - 1]!;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const letters = 'ABCDEFGH'.slice(0, shape.length - 1).split('').join('·');
  return { rows, cols, base: 0, step: 1, rowLabel: letters, colLabel: 'ABCDEFGHI'[shape.length - 1]! };
}

export interface HeatmapAccumulator {
  /** `values` are the tensor's elements at flat indices [start, start + values.length). */
  add(values: Float64Array, start: number): void;
  result(): Heatmap;
}

export function heatmapAccumulator(view: View2D, max = HEATMAP_MAX): HeatmapAccumulator {
  const blockRows = Math.ceil(view.rows / max);
  const blockCols = Math.ceil(view.cols / max);
  const rows = Math.ceil(view.rows / blockRows);
  const cols = Math.ceil(view.cols / blockCols);
  const sums = new Float64Array(rows * cols);
  const counts = new Float64Array(rows * cols);
  const total = view.rows * view.cols;
  return {
    add(values, start) {
      const end = start + values.length;
      const kStart = Math.max(0, Math.ceil((start - view.base) / view.step));
      const kEnd = Math.min(total, Math.ceil((end - view.base) / view.step));
      if (kStart >= kEnd) return;
      let r = Math.floor(kStart / view.cols);
      let c = kStart - r * view.cols;
      for (let k = kStart; k < kEnd; k++) {
        const v = values[view.base + k * view.step - start]!;
        if (Number.isFinite(v)) {
          const cell = Math.floor(r / blockRows) * cols + Math.floor(c / blockCols);
          sums[cell]! += v;
          counts[cell]!++;
        }
        if (++c === view.cols) {
          c = 0;
          r++;
        }
      }
    },
    result() {
      const out = new Float64Array(rows * cols);
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < out.length; i++) {
        if (counts[i]! === 0) {
          out[i] = NaN;
          continue;
        }
        const m = sums[i]! / counts[i]!;
        out[i] = m;
        if (m < lo) lo = m;
        if (m > hi) hi = m;
      }
      if (lo > hi) lo = hi = 0;
      return {
        rows, cols, viewRows: view.rows, viewCols: view.cols, blockRows, blockCols, values: out,
        min: lo, max: hi, rowLabel: view.rowLabel, colLabel: view.colLabel,
      };
    },
  };
}

export function heatmap(values: Float64Array, shape: readonly number[], kernel?: KernelView, max = HEATMAP_MAX): Heatmap | null {
  const view = planView(shape, kernel);
  if (!view) return null;
  const acc = heatmapAccumulator(view, max);
  acc.add(values, 0);
  return acc.result();
}
