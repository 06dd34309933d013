/**
 * Casts and number codecs in plain TypeScript, exact: every float value is decoded to a float64 (exact for
 * float16/bfloat16/float32) and rounded once, to nearest with ties to even, into the target width — no double
 * rounding through float32. Integers convert like C casts where that is defined: narrower integers wrap (two's
 * complement), floats truncate toward zero and saturate at the target's range (NaN → 0), bool is value ≠ 0.
 */
import { GraftError } from '../errors';
import { ELEMENT_SIZE, type DType } from '../model/dtypes';

const scratch = new DataView(new ArrayBuffer(8));

function roundHalfEven(q: number): number {
  const f = Math.floor(q);
  const d = q - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Bits of the nearest float with `mant` stored significand bits and `exp` exponent bits (IEEE layout, with subnormals). */
export function roundToFloatBits(x: number, mant: number, exp: number): number {
  const bias = (1 << (exp - 1)) - 1;
  const expMask = (1 << exp) - 1;
  const signBit = 1 << (mant + exp);
  if (Number.isNaN(x)) return (expMask << mant) | (1 << (mant - 1));
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  const inf = sign | (expMask << mant);
  if (a === Infinity) return inf;
  const minNormal = 2 ** (1 - bias);
  if (a < minNormal) {
    // Subnormal: multiples of 2^(1 - bias - mant). The scaling is by a power of two, so exact.
    const r = roundHalfEven(a * 2 ** (mant + bias - 1));
    return sign | r; // r === 2^mant carries into the smallest normal, which is the right bits
  }
  scratch.setFloat64(0, a);
  let e = ((scratch.getUint16(0) >> 4) & 0x7ff) - 1023;
  let r = roundHalfEven((a / 2 ** e - 1) * 2 ** mant);
  if (r === 2 ** mant) {
    r = 0;
    e++;
  }
  if (e + bias >= expMask) return inf;
  return sign | ((e + bias) << mant) | r;
}

function floatFromBits(bits: number, mant: number, exp: number): number {
  const bias = (1 << (exp - 1)) - 1;
  const expMask = (1 << exp) - 1;
  const sign = bits & (1 << (mant + exp)) ? -1 : 1;
  const e = (bits >>> mant) & expMask;
  const m = bits & ((1 << mant) - 1);
  if (e === 0) return sign * m * 2 ** (1 - bias - mant);
  if (e === expMask) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 2 ** mant) * 2 ** (e - bias);
}

export const float16ToNumber = (bits: number) => floatFromBits(bits, 10, 5);
export const bfloat16ToNumber = (bits: number) => floatFromBits(bits, 7, 8);
export const numberToFloat16 = (x: number) => roundToFloatBits(x, 10, 5);
export const numberToBfloat16 = (x: number) => roundToFloatBits(x, 7, 8);

const FLOATS = new Set<DType>(['float16', 'bfloat16', 'float32', 'float64']);
const INTS: Partial<Record<DType, { bits: number; signed: boolean }>> = {
  int8: { bits: 8, signed: true }, int16: { bits: 16, signed: true }, int32: { bits: 32, signed: true }, int64: { bits: 64, signed: true },
  uint8: { bits: 8, signed: false }, uint16: { bits: 16, signed: false }, uint32: { bits: 32, signed: false }, uint64: { bits: 64, signed: false },
};

export const isFloat = (d: DType) => FLOATS.has(d);

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** One element as a number (64-bit integers beyond 2^53 round: use `castBytes` for integer → integer). */
function getter(dtype: DType): (v: DataView, o: number) => number {
  switch (dtype) {
    case 'float16': return (v, o) => float16ToNumber(v.getUint16(o, true));
    case 'bfloat16': return (v, o) => bfloat16ToNumber(v.getUint16(o, true));
    case 'float32': return (v, o) => v.getFloat32(o, true);
    case 'float64': return (v, o) => v.getFloat64(o, true);
    case 'int8': return (v, o) => v.getInt8(o);
    case 'uint8': return (v, o) => v.getUint8(o);
    case 'bool': return (v, o) => (v.getUint8(o) ? 1 : 0);
    case 'int16': return (v, o) => v.getInt16(o, true);
    case 'uint16': return (v, o) => v.getUint16(o, true);
    case 'int32': return (v, o) => v.getInt32(o, true);
    case 'uint32': return (v, o) => v.getUint32(o, true);
    case 'int64': return (v, o) => Number(v.getBigInt64(o, true));
    case 'uint64': return (v, o) => Number(v.getBigUint64(o, true));
    default: throw new GraftError('unsupported', '', `Graft cannot compute with ${dtype} values`);
  }
}

/** A float or saturated integer (truncated toward zero) into one element. */
function setter(dtype: DType, integers: 'trunc' | 'round'): (v: DataView, o: number, x: number) => void {
  const toInt = (x: number, lo: number, hi: number) => (Number.isNaN(x) ? 0 : Math.min(hi, Math.max(lo, integers === 'trunc' ? Math.trunc(x) : roundHalfEven(x))));
  switch (dtype) {
    case 'float16': return (v, o, x) => v.setUint16(o, numberToFloat16(x), true);
    case 'bfloat16': return (v, o, x) => v.setUint16(o, numberToBfloat16(x), true);
    case 'float32': return (v, o, x) => v.setFloat32(o, x, true); // ECMAScript rounds to nearest, ties to even
    case 'float64': return (v, o, x) => v.setFloat64(o, x, true);
    case 'bool': return (v, o, x) => v.setUint8(o, x !== 0 && !Number.isNaN(x) ? 1 : 0);
    case 'int64': return (v, o, x) => v.setBigInt64(o, x >= 2 ** 63 ? 2n ** 63n - 1n : BigInt(toInt(x, -(2 ** 63), 2 ** 63)), true);
    case 'uint64': return (v, o, x) => v.setBigUint64(o, x >= 2 ** 64 ? 2n ** 64n - 1n : BigInt(toInt(x, 0, 2 ** 64)), true);
    default: {
      const int = INTS[dtype];
      if (!int) throw new GraftError('unsupported', '', `Graft cannot write ${dtype} values`);
      const lo = int.signed ? -(2 ** (int.bits - 1)) : 0;
      const hi = int.signed ? 2 ** (int.bits - 1) - 1 : 2 ** int.bits - 1;
      const size = int.bits / 8;
      return (v, o, x) => {
        const n = toInt(x, lo, hi);
        if (size === 1) v.setUint8(o, n & 0xff);
        else if (size === 2) v.setUint16(o, n & 0xffff, true);
        else v.setUint32(o, n >>> 0, true);
      };
    }
  }
}

/** Values of a numeric tensor as float64 (for interpolation and means). */
export function decodeAll(bytes: Uint8Array, dtype: DType): Float64Array {
  const size = ELEMENT_SIZE[dtype];
  const n = bytes.byteLength / size;
  const out = new Float64Array(n);
  if (dtype === 'float32' && bytes.byteOffset % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset, n));
    return out;
  }
  const get = getter(dtype);
  const v = view(bytes);
  for (let i = 0; i < n; i++) out[i] = get(v, i * size);
  return out;
}

/** Numbers into `dtype` bytes: floats rounded to nearest even, integers rounded half to even and saturated. */
export function encodeAll(values: ArrayLike<number>, dtype: DType): Uint8Array {
  const size = ELEMENT_SIZE[dtype];
  const out = new Uint8Array(values.length * size);
  const set = setter(dtype, 'round');
  const v = view(out);
  for (let i = 0; i < values.length; i++) set(v, i * size, values[i]!);
  return out;
}

/** A cast between float widths, integer widths and bool, element by element. */
export function castBytes(bytes: Uint8Array, from: DType, to: DType): Uint8Array {
  if (from === to) return bytes;
  const fs = ELEMENT_SIZE[from];
  const ts = ELEMENT_SIZE[to];
  const n = bytes.byteLength / fs;
  const out = new Uint8Array(n * ts);
  const src = view(bytes);
  const dst = view(out);
  const fi = INTS[from];
  const ti = INTS[to];
  if ((fi || from === 'bool') && ti) {
    // Integer → integer: wrap to the target width, as C and NumPy do; BigInt keeps 64-bit values exact.
    const get = fi?.bits === 64
      ? (o: number) => (fi.signed ? src.getBigInt64(o, true) : src.getBigUint64(o, true))
      : (() => {
          const g = getter(from);
          return (o: number) => BigInt(g(src, o));
        })();
    const wrap = (x: bigint) => (ti.signed ? BigInt.asIntN(ti.bits, x) : BigInt.asUintN(ti.bits, x));
    for (let i = 0; i < n; i++) {
      const x = wrap(get(i * fs));
      const o = i * ts;
      switch (ti.bits) {
        case 8: dst.setUint8(o, Number(BigInt.asUintN(8, x))); break;
        case 16: dst.setUint16(o, Number(BigInt.asUintN(16, x)), true); break;
        case 32: dst.setUint32(o, Number(BigInt.asUintN(32, x)), true); break;
        default: dst.setBigUint64(o, BigInt.asUintN(64, x), true);
      }
    }
    return out;
  }
  if (fi?.bits === 64 && to === 'bool') {
    for (let i = 0; i < n; i++) out[i] = src.getBigUint64(i * 8, true) !== 0n ? 1 : 0;
    return out;
  }
  const get = getter(from);
  const set = setter(to, 'trunc');
  for (let i = 0; i < n; i++) set(dst, i * ts, get(src, i * fs));
  return out;
}
