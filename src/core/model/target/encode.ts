import { GraftError } from '../../errors';
import { type DType, ELEMENT_SIZE } from '../dtypes';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 bits → float16 bits, rounding to nearest even (overflow to ±Inf, NaN kept NaN). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) r++;
  return sign | r;
}

/** float32 bits → bfloat16 bits, rounding to nearest even. */
export function toBfloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * Values as raw little-endian bytes of `dtype`. Floats convert with rounding; integers take the value truncated
 * toward zero (initializers only give integers exact values: zeros, ones, constants); bool is value ≠ 0;
 * complex gets the value as its real part.
 */
export function encodeValues(values: Float64Array, dtype: DType, file: string, name: string): Uint8Array {
  const size = ELEMENT_SIZE[dtype];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  const n = values.length;
  const int = (v: number) => (Number.isFinite(v) ? Math.trunc(v) : 0);
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < n; i++) view.setFloat32(i * 4, values[i]!, true);
      break;
    case 'float64':
      for (let i = 0; i < n; i++) view.setFloat64(i * 8, values[i]!, true);
      break;
    case 'float16':
      for (let i = 0; i < n; i++) view.setUint16(i * 2, toFloat16Bits(values[i]!), true);
      break;
    case 'bfloat16':
      for (let i = 0; i < n; i++) view.setUint16(i * 2, toBfloat16Bits(values[i]!), true);
      break;
    case 'complex64':
      for (let i = 0; i < n; i++) view.setFloat32(i * 8, values[i]!, true);
      break;
    case 'complex128':
      for (let i = 0; i < n; i++) view.setFloat64(i * 16, values[i]!, true);
      break;
    case 'int8': case 'qint8': case 'int4': case 'int2':
      for (let i = 0; i < n; i++) view.setInt8(i, int(values[i]!));
      break;
    case 'uint8': case 'quint8': case 'uint4': case 'uint2':
      for (let i = 0; i < n; i++) view.setUint8(i, int(values[i]!));
      break;
    case 'bool':
      for (let i = 0; i < n; i++) view.setUint8(i, values[i] ? 1 : 0);
      break;
    case 'int16': case 'qint16':
      for (let i = 0; i < n; i++) view.setInt16(i * 2, int(values[i]!), true);
      break;
    case 'uint16': case 'quint16':
      for (let i = 0; i < n; i++) view.setUint16(i * 2, int(values[i]!), true);
      break;
    case 'int32': case 'qint32':
      for (let i = 0; i < n; i++) view.setInt32(i * 4, int(values[i]!), true);
      break;
    case 'uint32':
      for (let i = 0; i < n; i++) view.setUint32(i * 4, int(values[i]!), true);
      break;
    case 'int64':
      for (let i = 0; i < n; i++) view.setBigInt64(i * 8, BigInt(int(values[i]!)), true);
      break;
    case 'uint64':
      for (let i = 0; i < n; i++) view.setBigUint64(i * 8, BigInt(Math.max(0, int(values[i]!))), true);
      break;
    default:
      // float8 variants: only zeros, whose encoding is 0x00 in all of them.
      if (size === 1 && values.every((v) => v === 0)) return out;
      throw new GraftError('unsupported', file, `cannot write a default value for ${name}: dtype ${dtype} has no numeric encoding in Graft`);
  }
  return out;
}
