import { describe, expect, it } from 'vitest';
import { interpolationMatrix } from './arithmetic';

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
