/**
 * Pure data movement on raw tensor bytes, for any dtype with a fixed element size: the result is bit-exact
 * (no float round trip), so int64, float16, bfloat16 and friends move unchanged. Reshape, squeeze and expand
 * change no bytes and need no function here. Shapes are row-major (C order).
 */
import { cOrderStrides, elementCount as count } from '../model/dtypes';

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

/** The widest word (4, 2 or 1 bytes) that divides the element size and the buffers' offsets: copies go word by word. */
function wordSize(elem: number, ...arrays: Uint8Array[]): number {
  for (const w of [4, 2]) if (elem % w === 0 && arrays.every((a) => a.byteOffset % w === 0)) return w;
  return 1;
}

function words(a: Uint8Array, w: number): Uint8Array | Uint16Array | Uint32Array {
  if (w === 4) return new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  if (w === 2) return new Uint16Array(a.buffer, a.byteOffset, a.byteLength / 2);
  return a;
}

const TILE = 32;

// One copy of each loop per word type, so each stays monomorphic (and fast) in the JIT.

/**
 * Elements of one word (`per` = 1), the output's innermost axis `a` not the source's: eight output-adjacent elements
 * at a time, each from its own source row, so the source is read as eight sequential streams and every output line
 * is filled in a few passes. On a 30522×1024 float32 matrix: ~1 ns an element, where 32×32 tiles took ~3 (source rows
 * 4 KiB apart all fall into one set of an 8-way L1 cache).
 */
function rows32(s: Uint32Array, d: Uint32Array, sBase: number, dBase: number, lenA: number, lenB: number, stepA: number, stepB: number, dB: number): void {
  const a8 = lenA - (lenA % 8);
  for (let a0 = 0; a0 < a8; a0 += 8) {
    let si = sBase + a0 * stepA;
    let di = dBase + a0;
    for (let j = 0; j < lenB; j++, si += stepB, di += dB) {
      d[di] = s[si]!;
      d[di + 1] = s[si + stepA]!;
      d[di + 2] = s[si + 2 * stepA]!;
      d[di + 3] = s[si + 3 * stepA]!;
      d[di + 4] = s[si + 4 * stepA]!;
      d[di + 5] = s[si + 5 * stepA]!;
      d[di + 6] = s[si + 6 * stepA]!;
      d[di + 7] = s[si + 7 * stepA]!;
    }
  }
  for (let a = a8; a < lenA; a++) {
    let si = sBase + a * stepA;
    let di = dBase + a;
    for (let j = 0; j < lenB; j++, si += stepB, di += dB) d[di] = s[si]!;
  }
}

function rows16(s: Uint16Array, d: Uint16Array, sBase: number, dBase: number, lenA: number, lenB: number, stepA: number, stepB: number, dB: number): void {
  const a8 = lenA - (lenA % 8);
  for (let a0 = 0; a0 < a8; a0 += 8) {
    let si = sBase + a0 * stepA;
    let di = dBase + a0;
    for (let j = 0; j < lenB; j++, si += stepB, di += dB) {
      d[di] = s[si]!;
      d[di + 1] = s[si + stepA]!;
      d[di + 2] = s[si + 2 * stepA]!;
      d[di + 3] = s[si + 3 * stepA]!;
      d[di + 4] = s[si + 4 * stepA]!;
      d[di + 5] = s[si + 5 * stepA]!;
      d[di + 6] = s[si + 6 * stepA]!;
      d[di + 7] = s[si + 7 * stepA]!;
    }
  }
  for (let a = a8; a < lenA; a++) {
    let si = sBase + a * stepA;
    let di = dBase + a;
    for (let j = 0; j < lenB; j++, si += stepB, di += dB) d[di] = s[si]!;
  }
}

function tile32(s: Uint32Array, d: Uint32Array, sBase: number, dBase: number, lenA: number, lenB: number, stepA: number, stepB: number, dA: number, dB: number, per: number): void {
  for (let b0 = 0; b0 < lenB; b0 += TILE) {
    const b1 = Math.min(lenB, b0 + TILE);
    for (let a0 = 0; a0 < lenA; a0 += TILE) {
      const a1 = Math.min(lenA, a0 + TILE);
      for (let j = b0; j < b1; j++) {
        let si = sBase + j * stepB + a0 * stepA;
        let di = dBase + j * dB + a0 * dA;
        if (per === 1) for (let i = a0; i < a1; i++, si += stepA, di += dA) d[di] = s[si]!;
        else for (let i = a0; i < a1; i++, si += stepA, di += dA) for (let k = 0; k < per; k++) d[di + k] = s[si + k]!;
      }
    }
  }
}

function tile16(s: Uint16Array, d: Uint16Array, sBase: number, dBase: number, lenA: number, lenB: number, stepA: number, stepB: number, dA: number, dB: number, per: number): void {
  for (let b0 = 0; b0 < lenB; b0 += TILE) {
    const b1 = Math.min(lenB, b0 + TILE);
    for (let a0 = 0; a0 < lenA; a0 += TILE) {
      const a1 = Math.min(lenA, a0 + TILE);
      for (let j = b0; j < b1; j++) {
        let si = sBase + j * stepB + a0 * stepA;
        let di = dBase + j * dB + a0 * dA;
        if (per === 1) for (let i = a0; i < a1; i++, si += stepA, di += dA) d[di] = s[si]!;
        else for (let i = a0; i < a1; i++, si += stepA, di += dA) for (let k = 0; k < per; k++) d[di + k] = s[si + k]!;
      }
    }
  }
}

function tile8(s: Uint8Array, d: Uint8Array, sBase: number, dBase: number, lenA: number, lenB: number, stepA: number, stepB: number, dA: number, dB: number, per: number): void {
  for (let b0 = 0; b0 < lenB; b0 += TILE) {
    const b1 = Math.min(lenB, b0 + TILE);
    for (let a0 = 0; a0 < lenA; a0 += TILE) {
      const a1 = Math.min(lenA, a0 + TILE);
      for (let j = b0; j < b1; j++) {
        let si = sBase + j * stepB + a0 * stepA;
        let di = dBase + j * dB + a0 * dA;
        if (per === 1) for (let i = a0; i < a1; i++, si += stepA, di += dA) d[di] = s[si]!;
        else for (let i = a0; i < a1; i++, si += stepA, di += dA) for (let k = 0; k < per; k++) d[di + k] = s[si + k]!;
      }
    }
  }
}

/**
 * The tensor with its axes in `perm` order. The result goes into `into` when given (at least as long as `src`, not
 * overlapping it, contents overwritten), else into fresh memory.
 */
export function transposeBytes(src: Uint8Array, shape: readonly number[], perm: readonly number[], elem: number, into?: Uint8Array): Uint8Array {
  // Axes of size 1 move nothing; dropping them often leaves a plain 2-D transpose.
  const keep = perm.filter((p) => shape[p]! !== 1);
  const rank = keep.length;
  const out = into ? into.subarray(0, src.byteLength) : new Uint8Array(src.byteLength);
  if (out.byteLength !== src.byteLength) throw new RangeError(`transpose needs ${src.byteLength} bytes to write into, not ${out.byteLength}`);
  if (rank === 0 || src.byteLength === 0 || keep.every((p, i) => i === 0 || keep[i - 1]! < p)) {
    out.set(src);
    return out;
  }
  // Integers (not floats) move the words, so NaN payloads and signalling bits stay exactly as they were.
  const w = wordSize(elem, src, out);
  const per = elem / w;
  const s = words(src, w);
  const d = words(out, w);
  const kept = [...shape.keys()].filter((a) => shape[a]! !== 1);
  const rankOf = new Map(kept.map((a, i) => [a, i]));
  const inShape = kept.map((a) => shape[a]!);
  const order = keep.map((a) => rankOf.get(a)!);
  const inStrides = cOrderStrides(inShape).map((x) => x * per);
  const outShape = order.map((p) => inShape[p]!);
  const outStrides = cOrderStrides(outShape).map((x) => x * per);
  // Source stride of each output axis, and the output stride of the source's innermost axis.
  const walk = order.map((p) => inStrides[p]!);
  const last = rank - 1;
  const srcInner = order.indexOf(rank - 1);
  // Tiles over two axes: the output's innermost (contiguous writes) and the one that is the source's innermost
  // (contiguous reads), so both sides stay in cache. When they are the same axis, each run along it is one copy.
  const a = last;
  const b = srcInner;
  const lenA = outShape[a]!;
  const lenB = outShape[b]!;
  const stepA = walk[a]!;
  const stepB = walk[b]!;
  const dA = outStrides[a]!;
  const dB = outStrides[b]!;
  const others = [...Array(rank).keys()].filter((x) => x !== a && x !== b);
  const idx = new Array<number>(rank).fill(0);
  const outerCount = others.reduce((n, x) => n * outShape[x]!, 1);
  for (let o = 0; o < outerCount; o++) {
    let sBase = 0;
    let dBase = 0;
    for (const x of others) {
      sBase += idx[x]! * walk[x]!;
      dBase += idx[x]! * outStrides[x]!;
    }
    if (a === b) d.set(s.subarray(sBase, sBase + lenA * per), dBase);
    else if (w === 4 && per === 1) rows32(s as Uint32Array, d as Uint32Array, sBase, dBase, lenA, lenB, stepA, stepB, dB);
    else if (w === 2 && per === 1) rows16(s as Uint16Array, d as Uint16Array, sBase, dBase, lenA, lenB, stepA, stepB, dB);
    else if (w === 4) tile32(s as Uint32Array, d as Uint32Array, sBase, dBase, lenA, lenB, stepA, stepB, dA, dB, per);
    else if (w === 2) tile16(s as Uint16Array, d as Uint16Array, sBase, dBase, lenA, lenB, stepA, stepB, dA, dB, per);
    else tile8(s as Uint8Array, d as Uint8Array, sBase, dBase, lenA, lenB, stepA, stepB, dA, dB, per);
    for (let k = others.length - 1; k >= 0; k--) {
      const x = others[k]!;
      if (++idx[x]! < outShape[x]!) break;
      idx[x] = 0;
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
 * where no old value lands (initializer fills). Into `into` when given (any contents), as transposeBytes.
 */
export function padBytes(src: Uint8Array, shape: readonly number[], axis: number, before: number, after: number, elem: number, fill: Uint8Array, into?: Uint8Array): Uint8Array {
  const { outer, len, inner } = around(shape, axis, elem);
  const outLen = len + before + after;
  const size = outer * outLen * inner;
  const out = into ? into.subarray(0, size) : new Uint8Array(size);
  if (out.byteLength !== size) throw new RangeError(`pad needs ${size} bytes to write into, not ${out.byteLength}`);
  if (fill.byteLength === out.byteLength) out.set(fill);
  else if (fill.byteLength === elem) {
    if (fill.some((b) => b !== 0)) for (let i = 0; i < out.byteLength; i += elem) out.set(fill, i);
    else if (into) out.fill(0); // fresh memory is zeros already; a reused buffer is not
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
