import { describe, expect, it } from 'vitest';
import { formatArray } from './format-array';

describe('formatArray', () => {
  it('prints a scalar, a vector and a matrix like numpy', () => {
    expect(formatArray([7], [], 'int64')).toBe('array(7, dtype=int64, shape=())');
    expect(formatArray([1, 2.5], [2], 'float32')).toBe('array([1, 2.5], dtype=float32, shape=(2,))');
    expect(formatArray([1, 2, 3, 4], [2, 2], 'int32')).toBe('array([[1, 2],\n       [3, 4]], dtype=int32, shape=(2, 2))');
  });

  it('elides the middle of large tensors', () => {
    const values = Array.from({ length: 2000 }, (_, i) => i);
    const text = formatArray(values, [2000], 'int32');
    expect(text).toBe('array([0, 1, 2, ..., 1997, 1998, 1999], dtype=int32, shape=(2000,))');
  });

  it('spells out nan and inf', () => {
    expect(formatArray([NaN, Infinity, -Infinity], [3], 'float32')).toBe('array([nan, inf, -inf], dtype=float32, shape=(3,))');
  });
});
