/**
 * Tests only: an independent, deliberately naive reference for the transforms — every element found by its
 * multi-index, one at a time, with no strides, runs or matrices — to check the engine's fast byte paths against.
 */
import type { Transform } from '../mapping';
import { ELEMENT_SIZE, type DType } from '../model/dtypes';

export interface NaiveTensor {
  shape: number[];
  dtype: DType;
  /** One entry per element: its bytes. */
  elems: Uint8Array[];
}

export function toNaive(bytes: Uint8Array, shape: number[], dtype: DType): NaiveTensor {
  const size = ELEMENT_SIZE[dtype];
  const elems: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += size) elems.push(bytes.slice(i, i + size));
  return { shape, dtype, elems };
}

export function fromNaive(t: NaiveTensor): Uint8Array {
  const size = ELEMENT_SIZE[t.dtype];
  const out = new Uint8Array(t.elems.length * size);
  t.elems.forEach((e, i) => out.set(e, i * size));
  return out;
}

function unravel(flat: number[] | number, shape: number[]): number[] {
  const idx: number[] = new Array(shape.length);
  let f = flat as number;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = f % shape[d]!;
    f = Math.floor(f / shape[d]!);
  }
  return idx;
}

function ravel(idx: number[], shape: number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d]! + idx[d]!;
  return f;
}

const total = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function build(shape: number[], dtype: DType, at: (idx: number[]) => Uint8Array): NaiveTensor {
  const elems: Uint8Array[] = [];
  for (let f = 0; f < total(shape); f++) elems.push(at(unravel(f, shape)));
  return { shape, dtype, elems };
}

/** Data-movement transforms only; `fill(idx)` gives a padded element for 'zeros'/'initializer' pads. */
export function naiveStep(inputs: NaiveTensor[], t: Transform, fill?: (idx: number[]) => Uint8Array): NaiveTensor {
  const x = inputs[0]!;
  const get = (src: NaiveTensor, idx: number[]) => src.elems[ravel(idx, src.shape)]!;
  switch (t.op) {
    case 'reshape':
      return { ...x, shape: t.shape };
    case 'squeeze':
      return { ...x, shape: x.shape.filter((_, i) => i !== t.axis) };
    case 'expand':
      return { ...x, shape: [...x.shape.slice(0, t.axis), 1, ...x.shape.slice(t.axis)] };
    case 'transpose': {
      const shape = t.perm.map((p) => x.shape[p]!);
      return build(shape, x.dtype, (idx) => {
        const src = new Array<number>(idx.length);
        t.perm.forEach((p, k) => (src[p] = idx[k]!));
        return get(x, src);
      });
    }
    case 'slice':
    case 'split': {
      const start = t.op === 'slice' ? t.start : t.sizes.slice(0, t.index).reduce((a, b) => a + b, 0);
      const size = t.op === 'slice' ? t.size : t.sizes[t.index]!;
      const shape = x.shape.map((d, i) => (i === t.axis ? size : d));
      return build(shape, x.dtype, (idx) => get(x, idx.map((v, i) => (i === t.axis ? v + start : v))));
    }
    case 'pad': {
      const len = x.shape[t.axis]!;
      const shape = x.shape.map((d, i) => (i === t.axis ? d + t.before + t.after : d));
      return build(shape, x.dtype, (idx) => {
        const p = idx[t.axis]! - t.before;
        if (p >= 0 && p < len) return get(x, idx.map((v, i) => (i === t.axis ? p : v)));
        if (t.fill === 'copy') return get(x, idx.map((v, i) => (i === t.axis ? ((p % len) + len) % len : v)));
        if (t.fill === 'zeros') return new Uint8Array(ELEMENT_SIZE[x.dtype]);
        return fill!(idx);
      });
    }
    case 'concat': {
      const shape = x.shape.map((d, i) => (i === t.axis ? inputs.reduce((n, s) => n + s.shape[t.axis]!, 0) : d));
      return build(shape, x.dtype, (idx) => {
        let p = idx[t.axis]!;
        for (const s of inputs) {
          if (p < s.shape[t.axis]!) return get(s, idx.map((v, i) => (i === t.axis ? p : v)));
          p -= s.shape[t.axis]!;
        }
        throw new Error('out of range');
      });
    }
    case 'stack': {
      const shape = [...x.shape.slice(0, t.axis), inputs.length, ...x.shape.slice(t.axis)];
      return build(shape, x.dtype, (idx) => get(inputs[idx[t.axis]!]!, idx.filter((_, i) => i !== t.axis)));
    }
    default:
      throw new Error(`naive reference has no ${t.op}`);
  }
}

export function naiveChain(inputs: NaiveTensor[], chain: Transform[], fill?: (idx: number[]) => Uint8Array): NaiveTensor {
  let cur = inputs;
  for (const t of chain) cur = [naiveStep(cur, t, fill)];
  return cur[0]!;
}

/**
 * tf.image.resize on a 2-D grid, written out as TensorFlow's kernels do it for one output point at a time
 * (half-pixel centres): bilinear from the four neighbours, bicubic from 4×4 taps with Keys' a = −0.5 evaluated
 * exactly (TF uses a 1024-entry table: differences stay below ~1e-3 of the value range), outside taps dropped
 * and the weights renormalised.
 */
export function naiveResize2d(x: Float64Array, h: number, w: number, oh: number, ow: number, method: 'bilinear' | 'bicubic'): Float64Array {
  const out = new Float64Array(oh * ow);
  const src = (o: number, inLen: number, outLen: number) => (o + 0.5) * (inLen / outLen) - 0.5;
  const keys = (d: number) => {
    const a = -0.5;
    const t = Math.abs(d);
    if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
    return 0;
  };
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const y = src(i, h, oh);
      const xx = src(j, w, ow);
      if (method === 'bilinear') {
        const y0 = Math.floor(y);
        const x0 = Math.floor(xx);
        const dy = y - y0;
        const dx = xx - x0;
        const at = (r: number, c: number) => x[Math.min(Math.max(r, 0), h - 1) * w + Math.min(Math.max(c, 0), w - 1)]!;
        const top = at(y0, x0) + (at(y0, x0 + 1) - at(y0, x0)) * dx;
        const bottom = at(y0 + 1, x0) + (at(y0 + 1, x0 + 1) - at(y0 + 1, x0)) * dx;
        out[i * ow + j] = top + (bottom - top) * dy;
      } else {
        const y0 = Math.floor(y);
        const x0 = Math.floor(xx);
        let sum = 0;
        let wy = 0;
        const rowW: number[] = [];
        for (let r = y0 - 1; r <= y0 + 2; r++) rowW.push(r >= 0 && r < h ? keys(y - r) : 0);
        const colW: number[] = [];
        for (let c = x0 - 1; c <= x0 + 2; c++) colW.push(c >= 0 && c < w ? keys(xx - c) : 0);
        const sr = rowW.reduce((a, b) => a + b, 0);
        const sc = colW.reduce((a, b) => a + b, 0);
        for (let a = 0; a < 4; a++) {
          for (let b = 0; b < 4; b++) {
            const wt = (rowW[a]! / sr) * (colW[b]! / sc);
            if (wt !== 0) sum += wt * x[(y0 - 1 + a) * w + (x0 - 1 + b)]!;
            wy += wt;
          }
        }
        out[i * ow + j] = sum / wy;
      }
    }
  }
  return out;
}
