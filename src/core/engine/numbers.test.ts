import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber, castBytes, float16ToNumber, numberToBfloat16, numberToFloat16 } from './numbers';
import { interpolationMatrix } from './arithmetic';
import { randomBytes } from './engine.test-util';

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** All finite float16 values, ascending, as [value, bits]: the independent check for rounding. */
const HALVES: [number, number][] = (() => {
  const out: [number, number][] = [];
  for (let b = 0; b < 0x10000; b++) {
    const v = float16ToNumber(b);
    if (Number.isFinite(v) && !Object.is(v, -0)) out.push([v, b]);
  }
  return out.sort((a, b) => a[0] - b[0]);
})();

function nearestHalf(x: number): number {
  let lo = 0;
  let hi = HALVES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (HALVES[mid]![0] <= x) lo = mid;
    else hi = mid;
  }
  const [a, ab] = HALVES[lo]!;
  const [b, bb] = HALVES[hi]!;
  if (x - a < b - x) return ab;
  if (x - a > b - x) return bb;
  return (ab & 1) === 0 ? ab : bb; // tie: even significand
}

describe('exact float casts (round to nearest, ties to even)', () => {
  it('float64 → float16 agrees with a nearest-value search, ties and subnormals included', () => {
    const xs: number[] = [];
    const r = new Float64Array(randomBytes(8 * 2000, 7).buffer).filter((v) => Number.isFinite(v));
    for (const v of r) xs.push((v / 2 ** Math.round(Math.log2(Math.abs(v) || 1))) * 2 ** ((xs.length % 30) - 20));
    for (const [v] of HALVES) xs.push(v);
    // Exact midpoints between neighbours: the tie cases.
    for (let i = 0; i + 1 < HALVES.length; i += 37) xs.push((HALVES[i]![0] + HALVES[i + 1]![0]) / 2);
    for (const x of xs) {
      if (Math.abs(x) >= 65520) continue;
      expect(numberToFloat16(x)).toBe(x === 0 && Object.is(x, -0) ? 0x8000 : nearestHalf(x));
    }
    expect(numberToFloat16(65519.99)).toBe(0x7bff);
    expect(numberToFloat16(65520)).toBe(0x7c00);
    expect(numberToFloat16(-Infinity)).toBe(0xfc00);
    expect(Number.isNaN(float16ToNumber(numberToFloat16(NaN)))).toBe(true);
  });

  it('float32 → bfloat16 agrees with the integer rounding trick', () => {
    const u = new Uint32Array(randomBytes(4 * 5000, 3).buffer);
    const f = new Float32Array(u.buffer);
    for (let i = 0; i < u.length; i++) {
      if (Number.isNaN(f[i])) continue;
      expect(numberToBfloat16(f[i]!)).toBe(((u[i]! + 0x7fff + ((u[i]! >>> 16) & 1)) >>> 16) & 0xffff);
    }
  });

  it('float16 / bfloat16 → float32 / float64 are exact, and back again bit for bit', () => {
    const h = new Uint16Array(randomBytes(2 * 4000, 5).buffer).filter((b) => (b & 0x7c00) !== 0x7c00);
    const wide = castBytes(bytes(h), 'float16', 'float64');
    expect(new Float64Array(wide.buffer)).toEqual(Float64Array.from(h, float16ToNumber));
    expect(new Uint16Array(castBytes(wide, 'float64', 'float16').buffer)).toEqual(h);
    const bf = new Uint16Array(randomBytes(2 * 4000, 6).buffer).filter((b) => (b & 0x7f80) !== 0x7f80);
    const f32 = castBytes(bytes(bf), 'bfloat16', 'float32');
    expect(new Float32Array(f32.buffer)).toEqual(Float32Array.from(bf, bfloat16ToNumber));
    expect(new Uint16Array(castBytes(f32, 'float32', 'bfloat16').buffer)).toEqual(bf);
  });

  it('float64 → float32 is Math.fround', () => {
    const d = new Float64Array(randomBytes(8 * 1000, 8).buffer);
    expect(new Float32Array(castBytes(bytes(d), 'float64', 'float32').buffer)).toEqual(Float32Array.from(d, Math.fround));
  });
});

describe('integer casts', () => {
  it('narrow by wrapping (two\'s complement), 64-bit exactly', () => {
    const i32 = new Int32Array([0, 127, 128, 255, 256, -1, -129, 2 ** 31 - 1, -(2 ** 31)]);
    expect([...new Int8Array(castBytes(bytes(i32), 'int32', 'int8').buffer)]).toEqual([...i32].map((v) => (v << 24) >> 24));
    expect([...new Uint16Array(castBytes(bytes(i32), 'int32', 'uint16').buffer)]).toEqual([...i32].map((v) => v & 0xffff));
    const i64 = new BigInt64Array([2n ** 62n + 3n, -5n, 2n ** 53n + 1n]);
    expect([...new BigUint64Array(castBytes(bytes(i64), 'int64', 'uint64').buffer)]).toEqual([...i64].map((v) => BigInt.asUintN(64, v)));
    expect([...new BigInt64Array(castBytes(bytes(new Int16Array([-7, 300])), 'int16', 'int64').buffer)]).toEqual([-7n, 300n]);
    expect([...castBytes(bytes(new Int32Array([0, 5, -2])), 'int32', 'bool')]).toEqual([0, 1, 1]);
  });

  it('floats become integers by truncation toward zero, saturating, NaN → 0', () => {
    const f = new Float32Array([1.9, -1.9, 300, -300, NaN, Infinity, -Infinity, 0.5]);
    expect([...new Int8Array(castBytes(bytes(f), 'float32', 'int8').buffer)]).toEqual([1, -1, 127, -128, 0, 127, -128, 0]);
    expect([...new Uint8Array(castBytes(bytes(f), 'float32', 'uint8').buffer)]).toEqual([1, 0, 255, 0, 0, 255, 0, 0]);
    expect([...new BigInt64Array(castBytes(bytes(new Float64Array([1e30, -1e30, -3.5])), 'float64', 'int64').buffer)]).toEqual([2n ** 63n - 1n, -(2n ** 63n), -3n]);
  });
});

describe('interpolation matrices', () => {
  it('rows sum to one; the same length is the identity; bilinear doubling gives TF\'s 0.75/0.25 weights', () => {
    for (const method of ['bilinear', 'bicubic'] as const) {
      const w = interpolationMatrix(5, 9, method);
      for (let r = 0; r < 9; r++) expect(w.slice(r * 5, r * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const id = interpolationMatrix(4, 4, method);
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(id[r * 4 + c]).toBeCloseTo(r === c ? 1 : 0, 6);
    }
    const w = interpolationMatrix(2, 4, 'bilinear');
    expect([...w]).toEqual([1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1]);
  });
});
