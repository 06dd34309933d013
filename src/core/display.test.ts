import { describe, expect, it } from 'vitest';
import { groupDigits, middleEllipsis } from './display';

describe('middleEllipsis', () => {
  it('keeps both ends of a long name', () => {
    expect(middleEllipsis('bert/encoder/layer_0/attention/self/query', 21)).toBe('bert/encod…self/query');
    expect(middleEllipsis('bert/encoder/layer_0/attention/self/query', 21)).toHaveLength(21);
    expect(middleEllipsis('short', 21)).toBe('short');
  });
});

describe('groupDigits', () => {
  it('writes what toLocaleString("en-US") writes', () => {
    const cases = [0, 7, 12, 999, 1000, 1001, 9999, 10_000, 123_456, 1_234_567, 99_999_999, 1e15, Number.MAX_SAFE_INTEGER, -1, -1000, -1_234_567, -0, 1.5, 1234.5678, NaN, Infinity, -Infinity, 2 ** 60];
    for (const n of cases) expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
