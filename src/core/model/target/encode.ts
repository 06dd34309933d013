import { GraftError } from '../../errors';
import type { DType } from '../dtypes';
import { encodeNumbers } from '../numbers';

/**
 * A new variable's default value as raw little-endian bytes of `dtype`, as the exported Python script computes it:
 * initializer values are float32 numbers, so float16/bfloat16 round from float32; integers take the value truncated
 * toward zero and wrapped (initializers only give integers exact values: zeros, ones, constants); bool is value ≠ 0;
 * complex gets the value as its real part; float8 takes zeros only.
 */
export function encodeValues(values: Float64Array, dtype: DType, file: string, name: string): Uint8Array {
  if (dtype.startsWith('float8') && !values.every((v) => v === 0)) {
    throw new GraftError('unsupported', file, `cannot write a default value for ${name}: dtype ${dtype} has no numeric encoding in Graft`);
  }
  return encodeNumbers(values, dtype, { integers: 'wrap', viaFloat32: true, file, name });
}
