/**
 * Constant tensors of a graph (a `Const` node's `value`), read the way TensorFlow's MakeNdarray reads them:
 * `tensor_content` holds the raw little-endian values, else the typed `*_val` list does, its last value repeated to
 * fill the shape (one value for a whole `zeros` or `Fill`-like constant). A repeated value stays one number here,
 * so a declared shape the file does not back allocates nothing.
 */
import { GraftError } from '../../errors';
import { ELEMENT_SIZE, type DType } from '../../model/dtypes';
import { dtypeFromCode } from '../tf-bundle/protos';
import { int64, type ShapeProto, type TensorProtoMsg } from './protos';

/** Constants with more values than this are not expanded (an initializer that big is not recognised). */
export const MAX_CONSTANT_VALUES = 1 << 14;

export interface ConstantValue {
  dtype: DType | undefined;
  shape: number[];
  /** Every element has this value (a zeros/ones/Fill-like constant, or a scalar). */
  splat?: number;
  /** The values in C order, where they differ and are at most MAX_CONSTANT_VALUES. */
  values?: Float64Array;
  /** A string tensor's elements. */
  strings?: Uint8Array[];
}

/** The dimensions of a shape attribute or tensor shape; null for an unknown rank or an unknown (-1) dimension. */
export function shapeOf(shape: ShapeProto | null | undefined, file: string, what: string): number[] | null {
  if (!shape || shape.unknown_rank) return null;
  const dims = shape.dim.map((d) => int64(d.size, file, `a dimension of ${what}`));
  return dims.every((d) => d >= 0) ? dims : null;
}

export function elementCountOf(shape: readonly number[], file: string, what: string): number {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n)) throw new GraftError('too-large', file, `${what} has shape [${shape.join(', ')}], more elements than Graft can address`);
  return n;
}

function fromContent(bytes: Uint8Array, dtype: DType, count: number): Float64Array | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  const size = ELEMENT_SIZE[dtype];
  for (let i = 0; i < count; i++) {
    const at = i * size;
    switch (dtype) {
      case 'float32': out[i] = view.getFloat32(at, true); break;
      case 'float64': out[i] = view.getFloat64(at, true); break;
      case 'int32': out[i] = view.getInt32(at, true); break;
      case 'int16': out[i] = view.getInt16(at, true); break;
      case 'int8': out[i] = view.getInt8(at); break;
      case 'uint8': out[i] = view.getUint8(at); break;
      case 'uint16': out[i] = view.getUint16(at, true); break;
      case 'uint32': out[i] = view.getUint32(at, true); break;
      case 'bool': out[i] = view.getUint8(at) ? 1 : 0; break;
      case 'int64': out[i] = Number(view.getBigInt64(at, true)); break;
      case 'uint64': out[i] = Number(view.getBigUint64(at, true)); break;
      case 'float16': case 'bfloat16': out[i] = halfBits(view.getUint16(at, true), dtype); break;
      default: return null;
    }
  }
  return out;
}

/** float16 / bfloat16 bits (TensorProto.half_val) as a number. */
function halfBits(bits: number, dtype: DType): number {
  if (dtype === 'bfloat16') return new Float32Array(new Uint32Array([(bits & 0xffff) << 16]).buffer)[0]!;
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The typed value list of a TensorProto that has no tensor_content, as numbers. */
function listed(t: TensorProtoMsg, dtype: DType, file: string): number[] | null {
  switch (dtype) {
    case 'float32': return t.float_val;
    case 'float64': return t.double_val;
    case 'int32': case 'int16': case 'int8': case 'uint8': case 'uint16': return t.int_val;
    case 'int64': case 'uint64': case 'uint32': return t.int64_val.map((v) => int64(v, file, 'a constant value'));
    case 'bool': return t.bool_val.map((b) => (b ? 1 : 0));
    case 'float16': case 'bfloat16': return t.half_val.map((b) => halfBits(b, dtype));
    default: return null;
  }
}

/** A Const node's value; `what` names the node in errors. Null when it holds no numbers Graft reads (resource, variant). */
export function constantValue(t: TensorProtoMsg, file: string, what: string): ConstantValue | null {
  const dtype = dtypeFromCode(t.dtype);
  const shape = shapeOf(t.tensor_shape, file, what);
  if (!dtype || !shape) return null;
  const count = elementCountOf(shape, file, what);
  if (dtype === 'string') {
    if (t.string_val.length > count) return null;
    return { dtype, shape, strings: t.string_val };
  }
  if (t.tensor_content.byteLength > 0) {
    const size = ELEMENT_SIZE[dtype];
    if (size === 0 || t.tensor_content.byteLength !== count * size) {
      throw new GraftError('corrupt', file, `${what} holds ${t.tensor_content.byteLength} bytes of ${dtype} but its shape [${shape.join(', ')}] needs ${count * size} — the file is damaged`);
    }
    if (count > MAX_CONSTANT_VALUES) return { dtype, shape };
    const values = fromContent(t.tensor_content, dtype, count);
    return values ? compact(dtype, shape, values) : { dtype, shape };
  }
  const vals = listed(t, dtype, file);
  if (!vals) return { dtype, shape };
  if (vals.length > count) throw new GraftError('corrupt', file, `${what} lists ${vals.length} values but its shape [${shape.join(', ')}] has ${count} elements — the file is damaged`);
  if (vals.length <= 1) return { dtype, shape, splat: vals[0] ?? 0 };
  if (count > MAX_CONSTANT_VALUES) return { dtype, shape };
  const values = new Float64Array(count);
  values.set(vals);
  values.fill(vals[vals.length - 1]!, vals.length);
  return compact(dtype, shape, values);
}

function compact(dtype: DType, shape: number[], values: Float64Array): ConstantValue {
  const first = values[0];
  if (first !== undefined && values.every((v) => Object.is(v, first))) return { dtype, shape, splat: first };
  if (values.length === 0) return { dtype, shape, splat: 0 };
  return { dtype, shape, values };
}
