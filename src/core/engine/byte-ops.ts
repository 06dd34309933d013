/**
 * Pure data movement on raw tensor bytes, for any dtype with a fixed element size: the result is bit-exact
 * (no float round trip), so int64, float16, bfloat16 and friends move unchanged. Reshape, squeeze and expand
 * change no bytes and need no function here. Shapes are row-major (C order).
 */

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Copies runs of contiguous bytes: `outer` blocks, each `run` bytes long, from `src` at `srcStride` steps to
 * `dst` at `dstStride` steps. Every axis-wise op below reduces to this.
 */
function copyRuns(src: Uint8Array, srcStart: number, srcStride: number, dst: Uint8Array, dstStart: number, dstStride: number, outer: number, run: number): void {
  for (let i = 0; i < outer; i++) dst.set(src.subarray(srcStart + i * srcStride, srcStart + i * srcStride + run), dstStart + i * dstStride);
}

/** Elements before, along and after `axis`, with the byte length of one step along it. */
function around(shape: readonly number[], axis: number, elem: number) {
  const outer = count(shape.slice(0, axis));
  const inner = count(shape.slice(axis + 1)) * elem;
  return { outer, len: shape[axis]!, inner };
}

export function transposeBytes(src: Uint8Array, shape: readonly number[], perm: readonly number[], elem: number): Uint8Array {
  const rank = shape.length;
  const out = new Uint8Array(src.byteLength);
  if (rank === 0 || src.byteLength === 0) {
    out.set(src);
    return out;
  }
  const outShape = perm.map((p) => shape[p]!);
  const srcStrides = strides(shape).map((s) => s * elem);
  // Source byte stride for each output axis; the innermost output axis is walked in a tight loop.
  const walk = perm.map((p) => srcStrides[p]!);
  const last = rank - 1;
  const lastLen = outShape[last]!;
  const lastStride = walk[last]!;
  const idx = new Array<number>(rank).fill(0);
  const rows = count(outShape) / lastLen;
  let dst = 0;
  for (let r = 0; r < rows; r++) {
    let base = 0;
    for (let d = 0; d < last; d++) base += idx[d]! * walk[d]!;
    if (lastStride === elem) {
      out.set(src.subarray(base, base + lastLen * elem), dst);
      dst += lastLen * elem;
    } else {
      for (let k = 0; k < lastLen; k++) {
        const from = base + k * lastStride;
        for (let b = 0; b < elem; b++) out[dst++] = src[from + b]!;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** `size` entries of `axis` from `start`. */
export function sliceBytes(src: Uint8Array, shape: readonly number[], axis: number, start: number, size: number, elem: number): Uint8Array {
  const { outer, len, inner } = around(shape, axis, elem);
  const out = new Uint8Array(outer * size * inner);
  copyRuns(src, start * inner, len * inner, out, 0, size * inner, outer, size * inner);
  return out;
}

/**
 * Grows `axis` by `before` and `after` entries. The new entries take their bytes from `fill`: one element
 * repeated (`fill.byteLength === elem`), or a whole tensor of the output shape whose values are used only
 * where no old value lands (initializer fills).
 */
export function padBytes(src: Uint8Array, shape: readonly number[], axis: number, before: number, after: number, elem: number, fill: Uint8Array): Uint8Array {
  const { outer, len, inner } = around(shape, axis, elem);
  const outLen = len + before + after;
  const out = new Uint8Array(outer * outLen * inner);
  if (fill.byteLength === out.byteLength) out.set(fill);
  else if (fill.byteLength === elem) {
    if (fill.some((b) => b !== 0)) for (let i = 0; i < out.byteLength; i += elem) out.set(fill, i);
  } else throw new RangeError(`pad fill must be one element (${elem} bytes) or the whole result (${out.byteLength} bytes), not ${fill.byteLength}`);
  copyRuns(src, 0, len * inner, out, before * inner, outLen * inner, outer, len * inner);
  return out;
}

/** Joins tensors that agree on every axis but `axis`. */
export function concatBytes(parts: readonly { bytes: Uint8Array; shape: readonly number[] }[], axis: number, elem: number): Uint8Array {
  const first = parts[0]!.shape;
  const outer = count(first.slice(0, axis));
  const inner = count(first.slice(axis + 1)) * elem;
  const total = parts.reduce((n, p) => n + p.shape[axis]!, 0);
  const out = new Uint8Array(outer * total * inner);
  let at = 0;
  for (const p of parts) {
    const len = p.shape[axis]!;
    copyRuns(p.bytes, 0, len * inner, out, at * inner, total * inner, outer, len * inner);
    at += len;
  }
  return out;
}

/** Cuts `axis` into consecutive pieces of the given sizes. */
export function splitBytes(src: Uint8Array, shape: readonly number[], axis: number, sizes: readonly number[], elem: number): Uint8Array[] {
  let start = 0;
  return sizes.map((size) => {
    const part = sliceBytes(src, shape, axis, start, size, elem);
    start += size;
    return part;
  });
}
