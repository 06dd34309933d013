import { describe, expect, it } from 'vitest';
import { decodeNumbers } from '../numbers';
import type { InitializerSpec } from '../target-model';
import { encodeValues } from './encode';
import { computeFans, initializerProblem, initializerValues, valuesFor } from './initializers';
import { deriveSeed } from './random';

const keras = (className: string, config: Record<string, unknown> = {}): InitializerSpec => ({ kind: 'keras', className, config });

function stats(v: Float64Array) {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    sq += x * x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  return { mean, std: Math.sqrt(sq / v.length - mean * mean), min, max };
}

describe('initializers', () => {
  it('computes fans as Keras does', () => {
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([8, 12])).toEqual({ fanIn: 8, fanOut: 12 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
  });

  it('glorot_uniform stays within ±sqrt(6/(fan_in+fan_out)) and spreads uniformly', () => {
    const shape = [200, 300];
    const v = initializerValues(keras('GlorotUniform', { seed: null }), shape, 1);
    const limit = Math.sqrt(6 / 500);
    const s = stats(v);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeLessThan(-0.99 * limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.002);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 3);
    // roughly uniform: each tenth of the range holds about a tenth of the values
    const bins = new Array<number>(10).fill(0);
    for (const x of v) bins[Math.min(9, Math.floor(((x + limit) / (2 * limit)) * 10))]!++;
    for (const b of bins) expect(Math.abs(b / v.length - 0.1)).toBeLessThan(0.01);
  });

  it('he_normal is a truncated normal with std sqrt(2/fan_in)', () => {
    const shape = [3, 3, 64, 128];
    const v = initializerValues(keras('HeNormal', { seed: null }), shape, 2);
    const std = Math.sqrt(2 / (3 * 3 * 64));
    const s = stats(v);
    expect(s.std / std).toBeGreaterThan(0.97);
    expect(s.std / std).toBeLessThan(1.03);
    const bound = (2 * std) / 0.87962566103423978;
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
  });

  it('VarianceScaling as TF.js writes it (mode fan_avg, distribution normal) and the named ones agree', () => {
    const shape = [100, 100];
    const a = initializerValues(keras('VarianceScaling', { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null }), shape, 9);
    const b = initializerValues(keras('GlorotNormal'), shape, 9);
    expect(a).toEqual(b);
    const c = initializerValues(keras('VarianceScaling', { scale: 2, mode: 'fanIn', distribution: 'untruncated_normal' }), shape, 9);
    expect(stats(c).std).toBeCloseTo(Math.sqrt(2 / 100), 2);
  });

  it('zeros, ones, constants and identity are exact', () => {
    expect([...initializerValues(keras('Zeros'), [2, 3], 5)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...initializerValues(keras('Ones'), [4], 5)]).toEqual([1, 1, 1, 1]);
    expect([...initializerValues(keras('Constant', { value: 0.25 }), [3], 5)]).toEqual([0.25, 0.25, 0.25]);
    expect([...initializerValues(keras('Identity', { gain: 2 }), [2, 3], 5)]).toEqual([2, 0, 0, 0, 2, 0]);
    expect([...initializerValues(keras('glorot_uniform'), [0, 4], 5)]).toEqual([]);
  });

  it('random_uniform, random_normal and truncated_normal use their config', () => {
    const u = stats(initializerValues(keras('RandomUniform', { minval: 2, maxval: 3 }), [20000], 3));
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(2.5, 2);
    const n = stats(initializerValues(keras('RandomNormal', { mean: 1, stddev: 0.5 }), [20000], 3));
    expect(n.mean).toBeCloseTo(1, 1);
    expect(n.std).toBeCloseTo(0.5, 1);
    const t = stats(initializerValues(keras('TruncatedNormal', { mean: 0, stddev: 0.1 }), [20000], 3));
    expect(t.max).toBeLessThanOrEqual(0.2);
    expect(t.min).toBeGreaterThanOrEqual(-0.2);
  });

  it('orthogonal gives orthonormal rows or columns, scaled by gain', () => {
    for (const shape of [[6, 4], [4, 12], [3, 3, 5]]) {
      const v = initializerValues(keras('OrthogonalInitializer', { gain: 1.5 }), shape, 7);
      const cols = shape[shape.length - 1]!;
      const rows = v.length / cols;
      const tall = rows >= cols;
      const n = tall ? cols : rows;
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let k = 0; k < (tall ? rows : cols); k++) {
            dot += tall ? v[k * cols + a]! * v[k * cols + b]! : v[a * cols + k]! * v[b * cols + k]!;
          }
          expect(dot).toBeCloseTo(a === b ? 2.25 : 0, 9);
        }
      }
    }
  });

  it('unit_forget_bias puts ones in the forget gate slice', () => {
    const v = initializerValues(keras('UnitForgetBias', { units: 3, bias_initializer: { class_name: 'Zeros', config: {} } }), [12], 1);
    expect([...v]).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('is deterministic per (seed, name) and differs across names and seeds', () => {
    const spec = keras('GlorotUniform');
    const a = initializerValues(spec, [10, 10], deriveSeed(42, 'dense/kernel'));
    const b = initializerValues(spec, [10, 10], deriveSeed(42, 'dense/kernel'));
    const c = initializerValues(spec, [10, 10], deriveSeed(42, 'dense_1/kernel'));
    const d = initializerValues(spec, [10, 10], deriveSeed(43, 'dense/kernel'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
  });

  it('integer variables get zeros from random initializers and exact constants', () => {
    expect([...valuesFor(keras('GlorotUniform'), 'int32', [3], 1)]).toEqual([0, 0, 0]);
    expect([...valuesFor(keras('Constant', { value: 7 }), 'int64', [2], 1)]).toEqual([7, 7]);
    const bytes = encodeValues(valuesFor(keras('Constant', { value: 7 }), 'int64', [2], 1), 'int64', 'f', 'n');
    expect([...new BigInt64Array(bytes.buffer)]).toEqual([7n, 7n]);
  });

  it('reports initializers it cannot run', () => {
    expect(initializerProblem(keras('STFTInitializer'), [4])).toMatch(/STFTInitializer/);
    expect(initializerProblem(keras('Identity'), [2, 2, 2])).toMatch(/2-D/);
    expect(initializerProblem(keras('HeUniform'), [2, 2, 2])).toBeNull();
    expect([...initializerValues(keras('MyCustomInit'), [2], 1)]).toEqual([0, 0]);
  });

  it('treats names of Object.prototype members as unknown initializers (found by npm run fuzz)', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(initializerProblem(keras(name), [2])).toMatch(/not one Graft can run/);
    }
  });
});

describe('encoding', () => {
  it('rounds float16 and bfloat16 from float32, as initializer values are float32', () => {
    const tie = 1 + 2 ** -11 + 2 ** -40; // rounded once: 0x3c01; float32 drops the 2^-40 and ties to 0x3c00
    expect([...new Uint16Array(encodeValues(Float64Array.from([1, -2, 65504, 1e6, 2 ** -24, tie]), 'float16', 'f', 'n').buffer)])
      .toEqual([0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0001, 0x3c00]);
    expect([...new Uint16Array(encodeValues(Float64Array.from([1, -0.5, 1 + 2 ** -8]), 'bfloat16', 'f', 'n').buffer)]).toEqual([0x3f80, 0xbf00, 0x3f80]);
  });

  it('wraps integers and writes float8 zeros only', () => {
    expect([...new Int8Array(encodeValues(Float64Array.from([300, -1.9, NaN]), 'int8', 'f', 'n').buffer)]).toEqual([44, -1, 0]);
    expect([...encodeValues(Float64Array.from([0, 0]), 'float8_e4m3fn', 'f', 'n')]).toEqual([0, 0]);
    expect(() => encodeValues(Float64Array.from([1]), 'float8_e4m3fn', 'f', 'n')).toThrow(/no numeric encoding/);
  });

  it('round-trips values through every float dtype', () => {
    const values = Float64Array.from([0, 1, -1.5, 0.1, 1000]);
    for (const dtype of ['float16', 'bfloat16', 'float32', 'float64'] as const) {
      const back = decodeNumbers(encodeValues(values, dtype, 'f', 'n'), dtype, { shape: [5] });
      for (let i = 0; i < 5; i++) expect(back[i]).toBeCloseTo(values[i]!, dtype === 'bfloat16' ? 0 : 1);
    }
  });
});
