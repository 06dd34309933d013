import { describe, expect, it } from 'vitest';
import { decodeNumbers, encodeNumbers } from '../model/numbers';
import { reorderBytes, sumBytes } from './layout';

const f32 = (values: number[], shape: number[]) => ({ bytes: new Uint8Array(new Float32Array(values).buffer), shape, dtype: 'float32' as const });

describe('layout step bytes', () => {
  it('reorder moves whole blocks along the axis', () => {
    // [2, 6]: rows a0..a5 and b0..b5, blocks of 2 along axis 1 taken as 1, 0, 2.
    const v = f32([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15], [2, 6]);
    expect([...new Float32Array(reorderBytes(v, 1, [1, 0, 2]).buffer)]).toEqual([2, 3, 0, 1, 4, 5, 12, 13, 10, 11, 14, 15]);
    expect([...new Float32Array(reorderBytes(f32([0, 1, 2, 3], [4]), 0, [1, 0]).buffer)]).toEqual([2, 3, 0, 1]);
  });

  it('sum rounds as NumPy float32 and float16 addition does', () => {
    const a = [1, 1e-8, 0.1, -3.5, 16777216];
    const b = [2, 1, 0.2, 3.5, 1];
    const got = new Float32Array(sumBytes([f32(a, [5]), f32(b, [5])]).buffer);
    expect([...got]).toEqual(a.map((x, i) => Math.fround(Math.fround(x) + Math.fround(b[i]!))));
    const half = (xs: number[]) => ({ bytes: encodeNumbers(xs, 'float16', { integers: 'round' }), shape: [xs.length], dtype: 'float16' as const });
    // 2048 + 1 is not a float16: the sum rounds to even (2048), as np.float16(2048) + np.float16(1) does.
    expect([...decodeNumbers(sumBytes([half([2048, 0.5]), half([1, 0.25])]), 'float16')]).toEqual([2048, 0.75]);
  });
});
