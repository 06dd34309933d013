/** The bytes of the layout steps (mapping/layout-steps.ts): a block reorder moves bytes, a sum adds as IEEE does. */
import { ELEMENT_SIZE, type DType } from '../model/dtypes';
import { decodeNumbers, encodeNumbers } from '../model/numbers';
import { concatBytes, sliceBytes } from './byte-ops';

interface Value {
  bytes: Uint8Array;
  shape: number[];
  dtype: DType;
}

export function reorderBytes(v: Value, axis: number, order: readonly number[]): Uint8Array {
  const elem = ELEMENT_SIZE[v.dtype];
  const block = v.shape[axis]! / order.length;
  const shape = v.shape.map((d, i) => (i === axis ? block : d));
  return concatBytes(order.map((b) => ({ bytes: sliceBytes(v.bytes, v.shape, axis, b * block, block, elem), shape })), axis, elem);
}

/**
 * The element-wise sum of same-shaped float values, added left to right and rounded to their dtype after each
 * addition, as NumPy adds arrays of that dtype (a float32 or narrower sum is exact in float64, so one rounding
 * of it is the dtype's own correctly rounded sum).
 */
export function sumBytes(values: readonly Value[]): Uint8Array {
  const dtype = values[0]!.dtype;
  let total = values[0]!.bytes;
  for (const v of values.slice(1)) {
    const a = decodeNumbers(total, dtype);
    const b = decodeNumbers(v.bytes, dtype);
    for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
    total = encodeNumbers(a, dtype, { integers: 'round' });
  }
  return total;
}
