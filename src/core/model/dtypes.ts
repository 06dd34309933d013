/** dtype names used everywhere in Graft: lowercase, TF's rarer ones by their TF name without `dt_`. */
export type DType =
  | 'float16' | 'bfloat16' | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string' | 'complex64' | 'complex128'
  | 'qint8' | 'quint8' | 'qint16' | 'quint16' | 'qint32'
  | 'resource' | 'variant'
  | 'float8_e5m2' | 'float8_e4m3fn' | 'float8_e4m3fnuz' | 'float8_e4m3b11fnuz' | 'float8_e5m2fnuz'
  | 'int4' | 'uint4' | 'int2' | 'uint2';

/**
 * Bytes per element as stored; 0 where elements have no fixed size (string, resource, variant). int4/int2 take a
 * whole byte each, as TensorFlow and ml_dtypes store them.
 */
export const ELEMENT_SIZE: Record<DType, number> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8,
  int8: 1, int16: 2, int32: 4, int64: 8,
  uint8: 1, uint16: 2, uint32: 4, uint64: 8,
  bool: 1, string: 0, complex64: 8, complex128: 16,
  qint8: 1, quint8: 1, qint16: 2, quint16: 2, qint32: 4,
  resource: 0, variant: 0,
  float8_e5m2: 1, float8_e4m3fn: 1, float8_e4m3fnuz: 1, float8_e4m3b11fnuz: 1, float8_e5m2fnuz: 1,
  int4: 1, uint4: 1, int2: 1, uint2: 1,
};

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** C-order (row-major) strides of a shape, in elements. */
export function cOrderStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

export function isNumeric(dtype: DType): boolean {
  return ELEMENT_SIZE[dtype] > 0 && dtype !== 'resource' && dtype !== 'variant';
}
