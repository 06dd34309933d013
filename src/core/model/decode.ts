import { GraftError } from '../errors';
import { type DType, ELEMENT_SIZE, elementCount } from './dtypes';

/** Numeric dtypes Graft can turn into numbers for statistics and display. */
export function isDecodable(dtype: DType): boolean {
  return dtype in READERS;
}

type Reader = (view: DataView, offset: number, littleEndian: boolean) => number;

const float16 = (bits: number): number => {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
};

const bfloat16Scratch = new DataView(new ArrayBuffer(4));
const bfloat16 = (bits: number): number => {
  bfloat16Scratch.setUint32(0, bits << 16);
  return bfloat16Scratch.getFloat32(0);
};

const READERS: Partial<Record<DType, Reader>> = {
  float16: (v, o, le) => float16(v.getUint16(o, le)),
  bfloat16: (v, o, le) => bfloat16(v.getUint16(o, le)),
  float32: (v, o, le) => v.getFloat32(o, le),
  float64: (v, o, le) => v.getFloat64(o, le),
  int8: (v, o) => v.getInt8(o),
  int16: (v, o, le) => v.getInt16(o, le),
  int32: (v, o, le) => v.getInt32(o, le),
  int64: (v, o, le) => Number(v.getBigInt64(o, le)),
  uint8: (v, o) => v.getUint8(o),
  uint16: (v, o, le) => v.getUint16(o, le),
  uint32: (v, o, le) => v.getUint32(o, le),
  uint64: (v, o, le) => Number(v.getBigUint64(o, le)),
  bool: (v, o) => (v.getUint8(o) ? 1 : 0),
  qint8: (v, o) => v.getInt8(o),
  quint8: (v, o) => v.getUint8(o),
  qint16: (v, o, le) => v.getInt16(o, le),
  quint16: (v, o, le) => v.getUint16(o, le),
  qint32: (v, o, le) => v.getInt32(o, le),
  // complex: the real part, which is what a histogram of a complex tensor usually wants
  complex64: (v, o, le) => v.getFloat32(o, le),
  complex128: (v, o, le) => v.getFloat64(o, le),
};

/**
 * The tensor's values as float64 numbers (int64 beyond 2^53 loses precision: this is for display and
 * statistics only, never for writing). `limit` caps how many elements are decoded.
 */
export function decodeNumbers(
  bytes: Uint8Array,
  dtype: DType,
  shape: readonly number[],
  opts: { littleEndian?: boolean; limit?: number; file?: string; name?: string } = {},
): Float64Array {
  const reader = READERS[dtype];
  const where = opts.file ?? '';
  if (!reader) throw new GraftError('unsupported', where, `cannot show values of ${opts.name ?? 'a tensor'} with dtype ${dtype}`);
  const size = ELEMENT_SIZE[dtype];
  const count = elementCount(shape);
  if (bytes.byteLength !== count * size) {
    throw new GraftError(
      'corrupt',
      where,
      `${opts.name ?? 'tensor'} has ${bytes.byteLength} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${count * size}`,
    );
  }
  const n = Math.min(count, opts.limit ?? count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = opts.littleEndian ?? true;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = reader(view, i * size, le);
  return out;
}
