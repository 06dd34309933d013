/**
 * Graft's one numbers module: the small-float codecs (float16, bfloat16, the float8 family) and the codecs between
 * a tensor's value bytes (little-endian, as `Checkpoint.readValue` gives them) and float64 numbers.
 *
 * Floats are encoded from their exact float64 value and rounded once, to nearest with ties to even, into the
 * target width — never twice through float32 unless a caller asks for it. Floats to integers truncate toward zero
 * or round half to even, as asked, and saturate (NaN → 0) or wrap; integer → integer casts wrap as C and NumPy do.
 */
import { GraftError } from '../errors';
import { type DType, ELEMENT_SIZE } from './dtypes';

/**
 * A small float layout. `ieee`: the all-ones exponent is Inf (mantissa 0) or NaN. `fn`: no Inf; only the all-ones
 * pattern is NaN. `fnuz`: no Inf, no negative zero; only 0x80 (negative zero's bits) is NaN. As ml_dtypes defines them.
 */
interface SmallFloat {
  mant: number;
  exp: number;
  bias: number;
  kind: 'ieee' | 'fn' | 'fnuz';
}

export type SmallFloatDType = 'float16' | 'bfloat16' | 'float8_e5m2' | 'float8_e4m3fn' | 'float8_e4m3fnuz' | 'float8_e4m3b11fnuz' | 'float8_e5m2fnuz';

const SMALL_FLOATS: Record<SmallFloatDType, SmallFloat> = {
  float16: { mant: 10, exp: 5, bias: 15, kind: 'ieee' },
  bfloat16: { mant: 7, exp: 8, bias: 127, kind: 'ieee' },
  float8_e5m2: { mant: 2, exp: 5, bias: 15, kind: 'ieee' },
  float8_e4m3fn: { mant: 3, exp: 4, bias: 7, kind: 'fn' },
  float8_e4m3fnuz: { mant: 3, exp: 4, bias: 8, kind: 'fnuz' },
  float8_e4m3b11fnuz: { mant: 3, exp: 4, bias: 11, kind: 'fnuz' },
  float8_e5m2fnuz: { mant: 2, exp: 5, bias: 16, kind: 'fnuz' },
};

export const isSmallFloat = (d: DType): d is SmallFloatDType => d in SMALL_FLOATS;

const scratch = new DataView(new ArrayBuffer(8));

function roundHalfEven(q: number): number {
  const f = Math.floor(q);
  const d = q - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** The bits of `x` in a small float layout, rounded once to nearest even; overflow gives Inf, or NaN where there is no Inf. */
export function encodeSmallFloat(x: number, dtype: SmallFloatDType): number {
  const { mant, exp, bias, kind } = SMALL_FLOATS[dtype];
  const expMask = (1 << exp) - 1;
  const mantMask = (1 << mant) - 1;
  const signBit = 1 << (mant + exp);
  const nan = kind === 'ieee' ? (expMask << mant) | (1 << (mant - 1)) : kind === 'fn' ? (expMask << mant) | mantMask : signBit;
  if (Number.isNaN(x)) return nan;
  let sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  // No Inf: an overflow is NaN, keeping its sign where NaN has one (ml_dtypes' non-saturating cast).
  const overflow = kind === 'ieee' ? sign | (expMask << mant) : kind === 'fn' ? sign | nan : nan;
  if (a === Infinity) return overflow;
  let e: number;
  let r: number;
  if (a < 2 ** (1 - bias)) {
    // Subnormal: multiples of 2^(1 - bias - mant). Scaling by a power of two is exact; r = 2^mant is the smallest normal.
    e = 1 - bias;
    r = roundHalfEven(a * 2 ** (mant + bias - 1));
    if (r === 0 && kind === 'fnuz') sign = 0;
    return sign | r;
  }
  scratch.setFloat64(0, a);
  e = ((scratch.getUint16(0) >> 4) & 0x7ff) - 1023;
  r = roundHalfEven((a / 2 ** e - 1) * 2 ** mant);
  if (r === 2 ** mant) {
    r = 0;
    e++;
  }
  const biased = e + bias;
  const fits = kind === 'ieee' ? biased < expMask : kind === 'fn' ? biased < expMask || (biased === expMask && r < mantMask) : biased <= expMask;
  return fits ? sign | (biased << mant) | r : overflow;
}

/** The exact value of small float bits. */
export function decodeSmallFloat(bits: number, dtype: SmallFloatDType): number {
  const { mant, exp, bias, kind } = SMALL_FLOATS[dtype];
  const expMask = (1 << exp) - 1;
  const mantMask = (1 << mant) - 1;
  const signBit = 1 << (mant + exp);
  const negative = (bits & signBit) !== 0;
  const e = (bits >>> mant) & expMask;
  const m = bits & mantMask;
  if (kind === 'fnuz' && bits === signBit) return NaN;
  if (kind === 'ieee' && e === expMask) return m ? NaN : negative ? -Infinity : Infinity;
  if (kind === 'fn' && e === expMask && m === mantMask) return NaN;
  const magnitude = e === 0 ? m * 2 ** (1 - bias - mant) : (1 + m / 2 ** mant) * 2 ** (e - bias);
  return negative ? -magnitude : magnitude;
}

export const float16ToNumber = (bits: number): number => decodeSmallFloat(bits, 'float16');
export const numberToFloat16 = (x: number): number => encodeSmallFloat(x, 'float16');
export const numberToBfloat16 = (x: number): number => encodeSmallFloat(x, 'bfloat16');

/**
 * float16 bits widened to float32 bits, exactly, a NaN keeping its sign and payload (what tfjs-core's table-driven
 * float16 decoder gives, so a dequantized TF.js weight is bit for bit the one TF.js loads).
 */
export function float16ToFloat32Bits(h: number): number {
  if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) return (((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0;
  scratch.setFloat32(0, float16ToNumber(h), true);
  return scratch.getUint32(0, true);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type Get = (v: DataView, o: number) => number;

/** One element as a number (64-bit integers beyond 2^53 round: `castBytes` keeps integer → integer exact). */
const GETTERS: Partial<Record<DType, Get>> = {
  float32: (v, o) => v.getFloat32(o, true),
  float64: (v, o) => v.getFloat64(o, true),
  int8: (v, o) => v.getInt8(o),
  uint8: (v, o) => v.getUint8(o),
  bool: (v, o) => (v.getUint8(o) ? 1 : 0),
  int16: (v, o) => v.getInt16(o, true),
  uint16: (v, o) => v.getUint16(o, true),
  int32: (v, o) => v.getInt32(o, true),
  uint32: (v, o) => v.getUint32(o, true),
  int64: (v, o) => Number(v.getBigInt64(o, true)),
  uint64: (v, o) => Number(v.getBigUint64(o, true)),
  qint8: (v, o) => v.getInt8(o),
  quint8: (v, o) => v.getUint8(o),
  qint16: (v, o) => v.getInt16(o, true),
  quint16: (v, o) => v.getUint16(o, true),
  qint32: (v, o) => v.getInt32(o, true),
};
for (const d of Object.keys(SMALL_FLOATS) as SmallFloatDType[]) {
  GETTERS[d] = ELEMENT_SIZE[d] === 2 ? (v, o) => decodeSmallFloat(v.getUint16(o, true), d) : (v, o) => decodeSmallFloat(v.getUint8(o), d);
}
/** Complex elements by their real part: for display and statistics, never for arithmetic. */
const REAL_PARTS: Partial<Record<DType, Get>> = {
  complex64: (v, o) => v.getFloat32(o, true),
  complex128: (v, o) => v.getFloat64(o, true),
};

/** Dtypes whose values Graft can show as numbers (complex ones by their real part). */
export function isDecodable(dtype: DType): boolean {
  return dtype in GETTERS || dtype in REAL_PARTS;
}

export interface DecodeOptions {
  /** The tensor's shape: its bytes must be exactly that many elements. */
  shape?: readonly number[];
  /** Decode at most this many elements. */
  limit?: number;
  /** Complex elements give their real part (display and statistics); without it a complex dtype is refused. */
  realParts?: boolean;
  /** For errors: the file and the tensor. */
  file?: string;
  name?: string;
}

/**
 * Little-endian value bytes of `dtype` as float64 numbers, exact for every float width (64-bit integers beyond 2^53
 * round: for display, statistics and float arithmetic, never for an integer copy).
 */
export function decodeNumbers(bytes: Uint8Array, dtype: DType, opts: DecodeOptions = {}): Float64Array {
  const get = GETTERS[dtype] ?? (opts.realParts ? REAL_PARTS[dtype] : undefined);
  const where = opts.file ?? '';
  if (!get) throw new GraftError('unsupported', where, `Graft cannot compute with the ${dtype} values of ${opts.name ?? 'a tensor'}`);
  const size = ELEMENT_SIZE[dtype];
  const count = opts.shape ? opts.shape.reduce((a, b) => a * b, 1) : Math.floor(bytes.byteLength / size);
  if (bytes.byteLength !== count * size) {
    const shape = opts.shape ? `shape [${opts.shape.join(', ')}]` : 'whole elements';
    throw new GraftError('corrupt', where, `${opts.name ?? 'tensor'} has ${bytes.byteLength} bytes but ${shape} of ${dtype} needs ${count * size}`);
  }
  const n = Math.min(count, opts.limit ?? count);
  const out = new Float64Array(n);
  if (dtype === 'float32' && bytes.byteOffset % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset, n));
    return out;
  }
  const v = view(bytes);
  for (let i = 0; i < n; i++) out[i] = get(v, i * size);
  return out;
}

const INTS: Partial<Record<DType, { bits: number; signed: boolean }>> = {
  int8: { bits: 8, signed: true }, int16: { bits: 16, signed: true }, int32: { bits: 32, signed: true }, int64: { bits: 64, signed: true },
  uint8: { bits: 8, signed: false }, uint16: { bits: 16, signed: false }, uint32: { bits: 32, signed: false }, uint64: { bits: 64, signed: false },
};

/**
 * How numbers become integers: `trunc` (toward zero) or `round` (half to even), then saturated to the range with
 * NaN → 0; `wrap` truncates (non-finite → 0) and keeps the low bits, as a C cast of an in-range double does —
 * except uint64, where negatives become 0.
 */
export type IntegerRule = 'trunc' | 'round' | 'wrap';

export interface EncodeOptions {
  integers: IntegerRule;
  /** float16, bfloat16 and float8: round each value to float32 first (values computed in float32, as initializers are). */
  viaFloat32?: boolean;
  /** For errors: the file and the tensor. */
  file?: string;
  name?: string;
}

type Set = (v: DataView, o: number, x: number) => void;

function integerSetter(int: { bits: number; signed: boolean }, rule: IntegerRule): Set {
  const { bits, signed } = int;
  if (rule === 'wrap') {
    const t = (x: number) => (Number.isFinite(x) ? Math.trunc(x) : 0);
    if (bits === 64) {
      return signed
        ? (v, o, x) => v.setBigInt64(o, BigInt.asIntN(64, BigInt(t(x))), true)
        : (v, o, x) => v.setBigUint64(o, BigInt.asUintN(64, BigInt(Math.max(0, t(x)))), true);
    }
    // DataView's setters keep the low bits (ToInt8, ToUint16, ...).
    if (bits === 8) return (v, o, x) => v.setUint8(o, t(x) & 0xff);
    if (bits === 16) return (v, o, x) => v.setUint16(o, t(x) & 0xffff, true);
    return (v, o, x) => v.setUint32(o, t(x) >>> 0, true);
  }
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const toInt = (x: number) => (Number.isNaN(x) ? 0 : Math.min(hi, Math.max(lo, rule === 'trunc' ? Math.trunc(x) : roundHalfEven(x))));
  // 2^63 - 1 and 2^64 - 1 are not doubles: the top of a 64-bit range is set apart.
  if (bits === 64) {
    return signed
      ? (v, o, x) => v.setBigInt64(o, x >= 2 ** 63 ? 2n ** 63n - 1n : BigInt(toInt(x)), true)
      : (v, o, x) => v.setBigUint64(o, x >= 2 ** 64 ? 2n ** 64n - 1n : BigInt(toInt(x)), true);
  }
  if (bits === 8) return (v, o, x) => v.setUint8(o, toInt(x) & 0xff);
  if (bits === 16) return (v, o, x) => v.setUint16(o, toInt(x) & 0xffff, true);
  return (v, o, x) => v.setUint32(o, toInt(x) >>> 0, true);
}

/** Integer dtypes written as a plain integer of their storage width (int4 and int2 take a whole byte). */
const STORED_AS: Partial<Record<DType, DType>> = {
  qint8: 'int8', quint8: 'uint8', qint16: 'int16', quint16: 'uint16', qint32: 'int32', int4: 'int8', int2: 'int8', uint4: 'uint8', uint2: 'uint8',
};

function setter(dtype: DType, opts: EncodeOptions): Set {
  const f = opts.viaFloat32 ? Math.fround : (x: number) => x;
  if (isSmallFloat(dtype)) {
    return ELEMENT_SIZE[dtype] === 2 ? (v, o, x) => v.setUint16(o, encodeSmallFloat(f(x), dtype), true) : (v, o, x) => v.setUint8(o, encodeSmallFloat(f(x), dtype));
  }
  switch (dtype) {
    case 'float32': return (v, o, x) => v.setFloat32(o, x, true); // ECMAScript rounds to nearest, ties to even
    case 'float64': return (v, o, x) => v.setFloat64(o, x, true);
    // complex: the number is the real part; the imaginary part stays 0
    case 'complex64': return (v, o, x) => v.setFloat32(o, x, true);
    case 'complex128': return (v, o, x) => v.setFloat64(o, x, true);
    case 'bool': return (v, o, x) => v.setUint8(o, x !== 0 && !Number.isNaN(x) ? 1 : 0);
  }
  const int = INTS[STORED_AS[dtype] ?? dtype];
  if (!int) throw new GraftError('unsupported', opts.file ?? '', `Graft cannot write ${dtype} values${opts.name ? ` for ${opts.name}` : ''}`);
  return integerSetter(int, opts.integers);
}

/** Numbers into little-endian `dtype` bytes: floats rounded once to nearest even, integers by `opts.integers`. */
export function encodeNumbers(values: ArrayLike<number>, dtype: DType, opts: EncodeOptions): Uint8Array {
  const size = ELEMENT_SIZE[dtype];
  const out = new Uint8Array(values.length * size);
  const set = setter(dtype, opts);
  const v = view(out);
  for (let i = 0; i < values.length; i++) set(v, i * size, values[i]!);
  return out;
}

/** A cast between float widths, integer widths and bool, element by element (floats → integers truncate and saturate). */
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
    const g = GETTERS[from]!;
    const get = fi?.bits === 64 ? (o: number) => (fi.signed ? src.getBigInt64(o, true) : src.getBigUint64(o, true)) : (o: number) => BigInt(g(src, o));
    for (let i = 0; i < n; i++) {
      const x = BigInt.asUintN(ti.bits, get(i * fs));
      const o = i * ts;
      switch (ti.bits) {
        case 8: dst.setUint8(o, Number(x)); break;
        case 16: dst.setUint16(o, Number(x), true); break;
        case 32: dst.setUint32(o, Number(x), true); break;
        default: dst.setBigUint64(o, x, true);
      }
    }
    return out;
  }
  if (fi?.bits === 64 && to === 'bool') {
    for (let i = 0; i < n; i++) out[i] = src.getBigUint64(i * 8, true) !== 0n ? 1 : 0;
    return out;
  }
  const get = GETTERS[from];
  if (!get) throw new GraftError('unsupported', '', `Graft cannot compute with ${from} values`);
  const set = setter(to, { integers: 'trunc' });
  for (let i = 0; i < n; i++) set(dst, i * ts, get(src, i * fs));
  return out;
}

/** The bytes of each `unit`-byte word reversed: big-endian ↔ little-endian. */
export function swapByteOrder(bytes: Uint8Array, unit: number): Uint8Array {
  if (unit <= 1) return bytes;
  const out = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += unit) for (let b = 0; b < unit; b++) out[i + b] = bytes[i + unit - 1 - b]!;
  return out;
}

/** The byte-order unit of a dtype: its element size, half of it for complex (two floats). */
export const byteOrderUnit = (dtype: DType): number => (dtype.startsWith('complex') ? ELEMENT_SIZE[dtype] / 2 : ELEMENT_SIZE[dtype]);
