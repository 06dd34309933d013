/**
 * How each dtype is stored in TF.js weights. `tf.io.decodeWeights` (tfjs-core 4.22 `io_utils.ts`) decodes float32,
 * int32, bool, string and complex64, and float32 quantized to uint8/uint16/float16; anything else fails the whole
 * load ("Unsupported dtype in weight ..."). Other dtypes are converted as tensorflowjs_converter does: floats to
 * float32, integers to int32 where every value fits, and what has no values (resource, variant) is left out.
 */
import { GraftError } from '../../errors';
import type { DType } from '../../model/dtypes';

export type TfjsDtype = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

export interface TfjsStorage {
  dtype: TfjsDtype;
  /** float16 is kept as TF.js keeps half-precision weights: float32 quantized to float16 (decoded exactly). */
  quantization?: { dtype: 'float16' };
  /** Bytes per element in the shards; 0 for strings. */
  size: number;
  /** The stored bytes from the tensor's own (little-endian) bytes; absent when they are stored as given. */
  convert?: (bytes: Uint8Array, name: string, file: string) => Uint8Array;
  /** What was changed, for the writer's notes ("int64 stored as int32 (TF.js has no int64)"). */
  change?: string;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

function toInt32(read: (v: DataView, i: number) => number | bigint, size: number, checked: string | null) {
  return (bytes: Uint8Array, name: string, file: string): Uint8Array => {
    const n = bytes.byteLength / size;
    const src = view(bytes);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const x = read(src, i * size);
      if (checked !== null && (x < -2147483648 || x > 2147483647)) {
        throw new GraftError('unsupported', file, `${name} holds ${x} at element ${i}, which does not fit the int32 TF.js stores ${checked} as (TF.js has no ${checked})`);
      }
      out[i] = Number(x);
    }
    return new Uint8Array(out.buffer);
  };
}

function toFloat32(read: (v: DataView, i: number) => number, size: number) {
  return (bytes: Uint8Array): Uint8Array => {
    const n = bytes.byteLength / size;
    const src = view(bytes);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = read(src, i * size);
    return new Uint8Array(out.buffer);
  };
}

const asInt32 = (from: DType, read: (v: DataView, i: number) => number | bigint, size: number, checked = false): TfjsStorage => ({
  dtype: 'int32',
  size: 4,
  convert: toInt32(read, size, checked ? from : null),
  change: `${from} stored as int32 (TF.js has no ${from}${checked ? '; every value fits' : ''})`,
});

const bf16 = new DataView(new ArrayBuffer(4));

/** How `dtype` is stored in TF.js weights; null when TF.js cannot hold it and it is left out. */
export function tfjsStorage(dtype: DType, name: string, file: string): TfjsStorage | null {
  switch (dtype) {
    case 'float32':
    case 'int32':
    case 'complex64':
      return { dtype, size: 4 * (dtype === 'complex64' ? 2 : 1) };
    case 'bool':
      return { dtype, size: 1 };
    case 'string':
      return { dtype, size: 0 };
    case 'float16':
      return { dtype: 'float32', quantization: { dtype: 'float16' }, size: 2, change: 'float16 stored as float16-quantized float32 (TF.js has no float16 dtype; it decodes the same values as float32)' };
    case 'bfloat16':
      return {
        dtype: 'float32',
        size: 4,
        convert: toFloat32((v, o) => (bf16.setUint32(0, v.getUint16(o, true) << 16), bf16.getFloat32(0)), 2),
        change: 'bfloat16 stored as float32 (TF.js has no bfloat16; the values are unchanged)',
      };
    case 'float64':
      return { dtype: 'float32', size: 4, convert: toFloat32((v, o) => v.getFloat64(o, true), 8), change: 'float64 rounded to float32 (TF.js has no float64)' };
    case 'complex128':
      return { dtype: 'complex64', size: 8, convert: toFloat32((v, o) => v.getFloat64(o, true), 8), change: 'complex128 rounded to complex64 (TF.js has no complex128)' };
    case 'int8':
    case 'qint8':
    case 'int4':
    case 'int2':
      return asInt32(dtype, (v, o) => v.getInt8(o), 1);
    case 'uint8':
    case 'quint8':
    case 'uint4':
    case 'uint2':
      return asInt32(dtype, (v, o) => v.getUint8(o), 1);
    case 'int16':
    case 'qint16':
      return asInt32(dtype, (v, o) => v.getInt16(o, true), 2);
    case 'uint16':
    case 'quint16':
      return asInt32(dtype, (v, o) => v.getUint16(o, true), 2);
    case 'qint32':
      return { dtype: 'int32', size: 4, change: 'qint32 stored as int32 (TF.js has no qint32)' };
    case 'uint32':
      return asInt32(dtype, (v, o) => v.getUint32(o, true), 4, true);
    case 'int64':
      return asInt32(dtype, (v, o) => v.getBigInt64(o, true), 8, true);
    case 'uint64':
      return asInt32(dtype, (v, o) => v.getBigUint64(o, true), 8, true);
    case 'resource':
    case 'variant':
      return null;
    default:
      throw new GraftError('unsupported', file, `weight ${name} has dtype ${dtype}, which TF.js cannot hold and Graft does not widen`);
  }
}
