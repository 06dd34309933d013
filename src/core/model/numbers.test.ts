import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType } from './dtypes';
import {
  castBytes, decodeSmallFloat, decodeNumbers, encodeSmallFloat, encodeNumbers, float16ToFloat32Bits, float16ToNumber,
  numberToBfloat16, numberToFloat16, type SmallFloatDType,
} from './numbers';

/** NumPy / ml_dtypes' answers, made by testdata/make-numbers.py. */
const REF = JSON.parse(readFileSync(join(__dirname, 'testdata', 'numbers-reference.json'), 'utf8')) as {
  float32Inputs: number[];
  encode: Record<SmallFloatDType, number[]>;
  float64Inputs: string[];
  float16FromFloat64: number[];
  fromBits16: number[];
  decode: Record<SmallFloatDType, (number | null)[]>;
};

const SMALL: SmallFloatDType[] = ['float16', 'bfloat16', 'float8_e5m2', 'float8_e4m3fn', 'float8_e4m3fnuz', 'float8_e4m3b11fnuz', 'float8_e5m2fnuz'];
const FLOAT8 = SMALL.filter((d) => d.startsWith('float8'));
const WIDTH: Record<SmallFloatDType, 8 | 16> = { float16: 16, bfloat16: 16, float8_e5m2: 8, float8_e4m3fn: 8, float8_e4m3fnuz: 8, float8_e4m3b11fnuz: 8, float8_e5m2fnuz: 8 };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const fromF32Bits = (b: number) => ((u32[0] = b), f32[0]!);
const f32Bits = (x: number) => ((f32[0] = x), u32[0]!);
const fromF64Hex = (hex: string) => new DataView(Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16)).buffer).getFloat64(0);
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Every pattern's value from first principles, independent of `decodeSmallFloat`: bfloat16 is the top half of a
 * float32, float16 is IEEE's formula, float8 values are ml_dtypes' own (the committed table).
 */
function referenceValue(dtype: SmallFloatDType, bits: number): number {
  if (dtype === 'bfloat16') return fromF32Bits(bits << 16);
  if (dtype === 'float16') {
    const s = bits & 0x8000 ? -1 : 1;
    const e = (bits >> 10) & 31;
    const m = bits & 1023;
    if (e === 31) return m ? NaN : s * Infinity;
    return s * (e === 0 ? m * 2 ** -24 : (1024 + m) * 2 ** (e - 25));
  }
  const v = REF.decode[dtype][bits];
  return v === null || v === undefined ? NaN : fromF32Bits(v);
}

/** The positive finite values of a small float, ascending, with their bits; the pattern after the largest is the overflow. */
const ladders = new Map<SmallFloatDType, { values: number[]; bits: number[] }>();
function ladder(dtype: SmallFloatDType): { values: number[]; bits: number[] } {
  let l = ladders.get(dtype);
  if (!l) {
    const half = 1 << (WIDTH[dtype] - 1);
    const pairs: [number, number][] = [];
    for (let b = 0; b < half; b++) {
      const v = referenceValue(dtype, b);
      if (Number.isFinite(v)) pairs.push([v, b]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    l = { values: pairs.map((p) => p[0]), bits: pairs.map((p) => p[1]) };
    ladders.set(dtype, l);
  }
  return l;
}

/** The NaN NumPy / ml_dtypes write for a NaN: IEEE's quiet NaN, e4m3fn's only one, fnuz's negative zero pattern. */
const NAN_BITS: Record<SmallFloatDType, number> = {
  float16: 0x7e00, bfloat16: 0x7fc0, float8_e5m2: 0x7e, float8_e4m3fn: 0x7f, float8_e4m3fnuz: 0x80, float8_e4m3b11fnuz: 0x80, float8_e5m2fnuz: 0x80,
};

/**
 * Nearest-value search, ties to the even pattern: the independent answer for rounding. Past the largest value the
 * next pattern is Inf (IEEE) or NaN (fn: 0x7f; fnuz: 0x80), reached where rounding would step past the largest.
 */
function nearest(dtype: SmallFloatDType, x: number): number {
  const signBit = 1 << (WIDTH[dtype] - 1);
  const { values, bits } = ladder(dtype);
  const fnuz = dtype.endsWith('fnuz');
  if (Number.isNaN(x)) return NAN_BITS[dtype];
  const negative = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const top = values.length - 1;
  const overflowBits = bits[top]! + 1; // Inf, or the NaN pattern, follows the largest finite value in every layout
  const step = values[top]! - values[top - 1]!;
  let r: number;
  if (a > values[top]!) {
    const tie = values[top]! + step / 2;
    r = a < tie || (a === tie && bits[top]! % 2 === 0) ? bits[top]! : overflowBits;
  } else {
    let lo = 0;
    let hi = top;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! <= a) lo = mid;
      else hi = mid;
    }
    const [va, vb] = [values[lo]!, values[hi]!];
    r = a - va < vb - a ? bits[lo]! : a - va > vb - a ? bits[hi]! : bits[lo]! % 2 === 0 ? bits[lo]! : bits[hi]!;
  }
  if (fnuz) return r === overflowBits ? signBit : negative && r !== 0 ? r | signBit : r;
  return negative ? r | signBit : r;
}

/** Doubles spread over a small float's range: around every binade, including subnormals, overflow and ties. */
const inRange = (dtype: SmallFloatDType) => {
  const { values } = ladder(dtype);
  const lo = Math.floor(Math.log2(values[1]!)) - 2;
  const hi = Math.ceil(Math.log2(values[values.length - 1]!)) + 1;
  const binade = fc.tuple(fc.integer({ min: lo, max: hi }), fc.double({ min: 1, max: 2, noNaN: true }), fc.boolean()).map(([e, m, neg]) => (neg ? -1 : 1) * m * 2 ** e);
  const tie = fc.tuple(fc.nat(values.length - 2), fc.constantFrom(0, 2 ** -40, -(2 ** -40)), fc.boolean()).map(([i, nudge, neg]) => {
    const mid = (values[i]! + values[i + 1]!) / 2;
    return (neg ? -1 : 1) * mid * (1 + nudge);
  });
  return fc.oneof(binade, tie, fc.double());
};

describe('small floats against NumPy / ml_dtypes', () => {
  it('decodes every float8 pattern, and 300 float16 / bfloat16 ones, to the reference value', () => {
    let checked = 0;
    for (const dtype of SMALL) {
      const patterns = WIDTH[dtype] === 8 ? [...Array(256).keys()] : REF.fromBits16;
      expect(REF.decode[dtype]).toHaveLength(patterns.length);
      patterns.forEach((b, i) => {
        const want = REF.decode[dtype][i];
        const got = decodeSmallFloat(b, dtype);
        if (want === null) expect(got, `${dtype} 0x${b.toString(16)}`).toBeNaN();
        else expect(Object.is(got, fromF32Bits(want!)), `${dtype} 0x${b.toString(16)}: ${got}`).toBe(true);
        checked++;
      });
    }
    expect(checked).toBe(5 * 256 + 2 * 300);
  });

  it('encodes float32 inputs (ties, their neighbours, overflow, NaN) to the same bits', () => {
    expect(REF.float32Inputs.length).toBeGreaterThan(1000);
    for (const dtype of SMALL) {
      expect(REF.encode[dtype]).toHaveLength(REF.float32Inputs.length);
      REF.float32Inputs.forEach((b, i) => {
        const x = fromF32Bits(b);
        expect(encodeSmallFloat(x, dtype), `${dtype} ${x}`).toBe(REF.encode[dtype][i]);
      });
    }
  });

  it('rounds float64 to float16 once, as NumPy does (no double rounding through float32)', () => {
    expect(REF.float64Inputs).toHaveLength(REF.float16FromFloat64.length);
    expect(REF.float64Inputs.length).toBeGreaterThan(300);
    let differsViaFloat32 = 0;
    REF.float64Inputs.forEach((hex, i) => {
      const x = fromF64Hex(hex);
      expect(numberToFloat16(x), `${x}`).toBe(REF.float16FromFloat64[i]);
      if (numberToFloat16(Math.fround(x)) !== REF.float16FromFloat64[i]) differsViaFloat32++;
    });
    expect(differsViaFloat32).toBeGreaterThan(10); // the table holds cases where going through float32 is wrong
  });
});

describe('small floats, property-tested against a nearest-value search', () => {
  for (const dtype of SMALL) {
    it(`${dtype}: encode is the nearest value, ties to even, Inf/NaN/-0 per layout`, () => {
      fc.assert(
        fc.property(inRange(dtype), (x) => {
          expect(encodeSmallFloat(x, dtype)).toBe(nearest(dtype, x));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('decode is the reference value and encode ∘ decode the identity, on every pattern', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const dtype of SMALL) {
      for (let b = 0; b < 2 ** WIDTH[dtype]; b++, checked++) {
        const v = referenceValue(dtype, b);
        const got = decodeSmallFloat(b, dtype);
        if (Number.isNaN(v) ? !Number.isNaN(got) : !Object.is(got, v) || encodeSmallFloat(v, dtype) !== b) wrong.push(`${dtype} 0x${b.toString(16)}`);
      }
    }
    expect(checked).toBe(2 * 65536 + 5 * 256);
    expect(wrong).toEqual([]);
  });

  it('float16 → float32 bits is exact, and keeps a NaN\'s sign and payload (as tfjs-core decodes)', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const v = referenceValue('float16', h);
      const want = Number.isNaN(v) ? (((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0 : f32Bits(v);
      if (float16ToFloat32Bits(h) !== want) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('known values', () => {
    expect([1, -2, 65504, 1e6, 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 65519.99, 65520, -Infinity].map(numberToFloat16))
      .toEqual([0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x3c00, 0x3c02, 0x7bff, 0x7c00, 0xfc00]);
    expect(Number.isNaN(float16ToNumber(numberToFloat16(NaN)))).toBe(true);
    expect([1, -0.5, 1 + 2 ** -8].map(numberToBfloat16)).toEqual([0x3f80, 0xbf00, 0x3f80]);
  });
});

describe('array codecs', () => {
  const TYPED: [DType, (b: ArrayBuffer) => ArrayLike<number | bigint>][] = [
    ['float32', (b) => new Float32Array(b)], ['float64', (b) => new Float64Array(b)], ['int8', (b) => new Int8Array(b)],
    ['uint8', (b) => new Uint8Array(b)], ['int16', (b) => new Int16Array(b)], ['uint16', (b) => new Uint16Array(b)],
    ['int32', (b) => new Int32Array(b)], ['uint32', (b) => new Uint32Array(b)], ['int64', (b) => new BigInt64Array(b)],
    ['uint64', (b) => new BigUint64Array(b)],
  ];

  it('decodeNumbers agrees with the platform\'s typed arrays (little-endian), at any byte offset', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPED), fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.nat(7), ([dtype, typed], raw, shift) => {
        const size = { float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8 }[dtype as string]!;
        const n = Math.floor(raw.length / size);
        const aligned = raw.slice(0, n * size);
        const padded = new Uint8Array(n * size + shift);
        padded.set(aligned, shift);
        const want = Array.from(typed(aligned.buffer), Number);
        const got = Array.from(decodeNumbers(padded.subarray(shift), dtype, { shape: [n] }));
        expect(got).toEqual(want);
      }),
    );
  });

  it('decodeNumbers checks the length against the shape, decodes small floats and, when asked, complex real parts', () => {
    expect(() => decodeNumbers(new Uint8Array(8), 'float32', { shape: [3], name: 'w', file: 'x' })).toThrow(/w has 8 bytes but shape \[3\] of float32 needs 12/);
    expect([...decodeNumbers(bytes(new Uint16Array([0x3c00, 0xc000])), 'float16')]).toEqual([1, -2]);
    expect([...decodeNumbers(Uint8Array.from([0x38, 0xc0]), 'float8_e4m3fn')]).toEqual([1, -2]);
    const c = bytes(new Float32Array([1.5, 9, -2, 9]));
    expect(() => decodeNumbers(c, 'complex64')).toThrow(/cannot compute with the complex64/);
    expect([...decodeNumbers(c, 'complex64', { realParts: true })]).toEqual([1.5, -2]);
    expect([...decodeNumbers(bytes(new Float32Array([1, 2, 3])), 'float32', { limit: 2 })]).toEqual([1, 2]);
  });

  it('encodeNumbers: floats round once (or through float32 when asked), integers by the rule asked', () => {
    const tie = 1 + 2 ** -11 + 2 ** -40; // above the float16 tie; float32 loses the 2^-40 and lands on it
    expect(new Uint16Array(encodeNumbers([tie], 'float16', { integers: 'round' }).buffer)[0]).toBe(0x3c01);
    expect(new Uint16Array(encodeNumbers([tie], 'float16', { integers: 'round', viaFloat32: true }).buffer)[0]).toBe(0x3c00);
    const xs = [2.5, -2.5, 3.5, 300, -300, NaN, Infinity, -1.9];
    expect([...new Int8Array(encodeNumbers(xs, 'int8', { integers: 'round' }).buffer)]).toEqual([2, -2, 4, 127, -128, 0, 127, -2]);
    expect([...new Int8Array(encodeNumbers(xs, 'int8', { integers: 'trunc' }).buffer)]).toEqual([2, -2, 3, 127, -128, 0, 127, -1]);
    expect([...new Int8Array(encodeNumbers(xs, 'int8', { integers: 'wrap' }).buffer)]).toEqual([2, -2, 3, 44, -44, 0, 0, -1]);
    expect([...new BigUint64Array(encodeNumbers([-3, 2 ** 64 + 2 ** 12], 'uint64', { integers: 'wrap' }).buffer)]).toEqual([0n, 2n ** 12n]);
    expect([...new BigInt64Array(encodeNumbers([2 ** 63, -(2 ** 70)], 'int64', { integers: 'round' }).buffer)]).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
    expect([...new Float32Array(encodeNumbers([1.5], 'complex64', { integers: 'round' }).buffer)]).toEqual([1.5, 0]);
    expect([...encodeNumbers([0, 2, NaN], 'bool', { integers: 'round' })]).toEqual([0, 1, 0]);
  });

  it('encodeNumbers ∘ decodeNumbers is the identity on every small float pattern that is a value', () => {
    for (const dtype of SMALL) {
      const n = 2 ** WIDTH[dtype];
      const all = WIDTH[dtype] === 8 ? Uint8Array.from({ length: n }, (_, i) => i) : bytes(Uint16Array.from({ length: n }, (_, i) => i));
      const values = decodeNumbers(all, dtype);
      const back = encodeNumbers(values, dtype, { integers: 'round' });
      const at = (x: Uint8Array, b: number) => (WIDTH[dtype] === 8 ? x[b] : x[2 * b]! | (x[2 * b + 1]! << 8));
      const wrong = [...Array(n).keys()].filter((b) => !Number.isNaN(values[b]) && at(back, b) !== at(all, b));
      expect(wrong, dtype).toEqual([]);
    }
  });
});

describe('casts', () => {
  const random = (n: number, seed: number) => {
    const out = new Uint8Array(n);
    let s = seed;
    for (let i = 0; i < n; i++) out[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    return out;
  };

  it('float16 / bfloat16 → float32 / float64 are exact, and back again bit for bit', () => {
    const h = new Uint16Array(random(2 * 4000, 5).buffer).filter((b) => (b & 0x7c00) !== 0x7c00);
    const wide = castBytes(bytes(h), 'float16', 'float64');
    expect(new Float64Array(wide.buffer)).toEqual(Float64Array.from(h, (b) => referenceValue('float16', b)));
    expect(new Uint16Array(castBytes(wide, 'float64', 'float16').buffer)).toEqual(h);
    const bf = new Uint16Array(random(2 * 4000, 6).buffer).filter((b) => (b & 0x7f80) !== 0x7f80);
    const f32s = castBytes(bytes(bf), 'bfloat16', 'float32');
    expect(new Float32Array(f32s.buffer)).toEqual(Float32Array.from(bf, (b) => referenceValue('bfloat16', b)));
    expect(new Uint16Array(castBytes(f32s, 'float32', 'bfloat16').buffer)).toEqual(bf);
  });

  it('float64 → float32 is Math.fround', () => {
    const d = new Float64Array(random(8 * 1000, 8).buffer);
    expect(new Float32Array(castBytes(bytes(d), 'float64', 'float32').buffer)).toEqual(Float32Array.from(d, Math.fround));
  });

  it('integers narrow by wrapping (two\'s complement), 64-bit exactly', () => {
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
