import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, padBytes, sliceBytes, splitBytes, transposeBytes } from './byte-ops';

// Reference: element by element through multi-indices, independent of the run-copying implementation.
const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}
const ravel = (idx: readonly number[], shape: readonly number[]) => idx.reduce((acc, v, d) => acc * shape[d]! + v, 0);
function build(shape: readonly number[], elem: number, source: (idx: number[]) => Uint8Array): Uint8Array {
  const out = new Uint8Array(count(shape) * elem);
  for (let i = 0; i < count(shape); i++) out.set(source(unravel(i, shape)), i * elem);
  return out;
}
const at = (bytes: Uint8Array, idx: readonly number[], shape: readonly number[], elem: number) => bytes.subarray(ravel(idx, shape) * elem, ravel(idx, shape) * elem + elem);

const tensor = fc
  .record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), elem: fc.constantFrom(1, 2, 4, 8, 16) })
  .chain(({ shape, elem }) => fc.record({ shape: fc.constant(shape), elem: fc.constant(elem), bytes: fc.uint8Array({ minLength: count(shape) * elem, maxLength: count(shape) * elem }) }));

describe('byte ops agree with an element-by-element reference on any element size', () => {
  it('transpose', () => {
    fc.assert(
      fc.property(tensor.chain((t) => fc.record({ t: fc.constant(t), perm: fc.shuffledSubarray([...t.shape.keys()], { minLength: t.shape.length, maxLength: t.shape.length }) })), ({ t, perm }) => {
        const outShape = perm.map((p) => t.shape[p]!);
        const want = build(outShape, t.elem, (idx) => {
          const src = new Array<number>(t.shape.length);
          perm.forEach((p, d) => (src[p] = idx[d]!));
          return at(t.bytes, src, t.shape, t.elem);
        });
        expect(transposeBytes(t.bytes, t.shape, perm, t.elem)).toEqual(want);
      }),
    );
  });

  it('transpose of larger tensors (eight-row blocks and their remainder), into a reused buffer of any contents', () => {
    const big = fc
      .record({ shape: fc.array(fc.integer({ min: 1, max: 19 }), { minLength: 2, maxLength: 4 }), elem: fc.constantFrom(1, 2, 4, 8), offset: fc.constantFrom(0, 1, 2, 4) })
      .filter(({ shape }) => count(shape) <= 2000)
      .chain((t) => fc.record({ t: fc.constant(t), perm: fc.shuffledSubarray([...t.shape.keys()], { minLength: t.shape.length, maxLength: t.shape.length }) }));
    fc.assert(
      fc.property(big, ({ t, perm }) => {
        // A view at an odd offset makes the copy go by narrower words.
        const bytes = new Uint8Array(count(t.shape) * t.elem + t.offset).map((_, i) => (i * 37 + 11) & 255).subarray(t.offset);
        const outShape = perm.map((p) => t.shape[p]!);
        const want = build(outShape, t.elem, (idx) => {
          const src = new Array<number>(t.shape.length);
          perm.forEach((p, d) => (src[p] = idx[d]!));
          return at(bytes, src, t.shape, t.elem);
        });
        expect(transposeBytes(bytes, t.shape, perm, t.elem)).toEqual(want);
        const into = new Uint8Array(bytes.byteLength + 8).fill(0xee);
        const got = transposeBytes(bytes, t.shape, perm, t.elem, into);
        expect(got.buffer).toBe(into.buffer);
        expect(got).toEqual(want);
        expect(into.subarray(bytes.byteLength)).toEqual(new Uint8Array(8).fill(0xee)); // nothing past the result
      }),
      { numRuns: 80 },
    );
  });

  it('slice', () => {
    fc.assert(
      fc.property(
        tensor.chain((t) =>
          fc.integer({ min: 0, max: t.shape.length - 1 }).chain((axis) =>
            fc.integer({ min: 0, max: t.shape[axis]! - 1 }).chain((start) => fc.record({ t: fc.constant(t), axis: fc.constant(axis), start: fc.constant(start), size: fc.integer({ min: 0, max: t.shape[axis]! - start }) })),
          ),
        ),
        ({ t, axis, start, size }) => {
          const outShape = t.shape.map((d, i) => (i === axis ? size : d));
          const want = build(outShape, t.elem, (idx) => at(t.bytes, idx.map((v, i) => (i === axis ? v + start : v)), t.shape, t.elem));
          expect(sliceBytes(t.bytes, t.shape, axis, start, size, t.elem)).toEqual(want);
        },
      ),
    );
  });

  it('pad with one repeated element, and with a whole fill tensor', () => {
    fc.assert(
      fc.property(
        tensor.chain((t) => fc.record({ t: fc.constant(t), axis: fc.integer({ min: 0, max: t.shape.length - 1 }), before: fc.integer({ min: 0, max: 3 }), after: fc.integer({ min: 0, max: 3 }), seed: fc.integer({ min: 1, max: 255 }) })),
        ({ t, axis, before, after, seed }) => {
          const outShape = t.shape.map((d, i) => (i === axis ? d + before + after : d));
          const one = new Uint8Array(t.elem).fill(seed);
          const whole = Uint8Array.from({ length: count(outShape) * t.elem }, (_, i) => (i * 7 + seed) & 255);
          const inside = (idx: number[]) => idx[axis]! >= before && idx[axis]! < before + t.shape[axis]!;
          const old = (idx: number[]) => at(t.bytes, idx.map((v, i) => (i === axis ? v - before : v)), t.shape, t.elem);
          expect(padBytes(t.bytes, t.shape, axis, before, after, t.elem, one)).toEqual(build(outShape, t.elem, (idx) => (inside(idx) ? old(idx) : one)));
          expect(padBytes(t.bytes, t.shape, axis, before, after, t.elem, whole)).toEqual(build(outShape, t.elem, (idx) => (inside(idx) ? old(idx) : at(whole, idx, outShape, t.elem))));
          // Into a reused buffer: zeros are written, not assumed.
          const zero = new Uint8Array(t.elem);
          const into = new Uint8Array(count(outShape) * t.elem).fill(0xee);
          expect(padBytes(t.bytes, t.shape, axis, before, after, t.elem, zero, into)).toEqual(build(outShape, t.elem, (idx) => (inside(idx) ? old(idx) : zero)));
        },
      ),
    );
  });

  it('split then concat gives back the bytes', () => {
    fc.assert(
      fc.property(
        tensor.chain((t) =>
          fc.integer({ min: 0, max: t.shape.length - 1 }).chain((axis) => fc.record({ t: fc.constant(t), axis: fc.constant(axis), cut: fc.integer({ min: 0, max: t.shape[axis]! }) })),
        ),
        ({ t, axis, cut }) => {
          const sizes = [cut, t.shape[axis]! - cut];
          const parts = splitBytes(t.bytes, t.shape, axis, sizes, t.elem);
          expect(parts[0]).toEqual(sliceBytes(t.bytes, t.shape, axis, 0, cut, t.elem));
          const shapes = sizes.map((s) => t.shape.map((d, i) => (i === axis ? s : d)));
          expect(concatBytes(parts.map((bytes, i) => ({ bytes, shape: shapes[i]! })), axis, t.elem)).toEqual(t.bytes);
        },
      ),
    );
  });

  it('moves a PyTorch [out, in, h, w] conv kernel to TF [h, w, in, out] exactly', () => {
    const shape = [2, 3, 1, 2];
    const src = new Uint8Array(count(shape) * 2).map((_, i) => i);
    const out = transposeBytes(src, shape, [2, 3, 1, 0], 2);
    // element [o=1, i=2, h=0, w=1] sits at TF index [0, 1, 2, 1]
    expect(at(out, [0, 1, 2, 1], [1, 2, 3, 2], 2)).toEqual(at(src, [1, 2, 0, 1], shape, 2));
  });

  it('refuses a pad fill of the wrong size, and buffers to write into that are too short', () => {
    expect(() => padBytes(new Uint8Array(4), [2], 0, 1, 0, 2, new Uint8Array(3))).toThrow(/pad fill/);
    expect(() => padBytes(new Uint8Array(4), [2], 0, 1, 0, 2, new Uint8Array(2), new Uint8Array(5))).toThrow(/pad needs 6 bytes/);
    expect(() => transposeBytes(new Uint8Array(8), [2, 1], [1, 0], 4, new Uint8Array(4))).toThrow(/transpose needs 8 bytes/);
  });

  it('keeps a transpose that leaves the innermost axis in place linear in the tensor size', () => {
    // [16, 16, 4096] with the first two axes swapped: each 4096-element run is one copy (~0.1 s here). The old tile
    // loop walked 4096 × 4096 elements per run, reading past it and relying on later runs to overwrite that (~30 s).
    const shape = [16, 16, 4096];
    const src = new Uint8Array(count(shape) * 4).map((_, i) => (i * 13) & 255);
    const t = performance.now();
    const out = transposeBytes(src, shape, [1, 0, 2], 4);
    expect(performance.now() - t).toBeLessThan(3000);
    for (const [i, j, k] of [[5, 7, 100], [15, 0, 4095], [0, 15, 0]] as const) expect(at(out, [i, j, k], shape, 4)).toEqual(at(src, [j, i, k], shape, 4));
  });
});
