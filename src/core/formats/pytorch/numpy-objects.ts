/**
 * NumPy values pickled inside a checkpoint (a `best_acc` that is a numpy.float64, an RNG state array), read from
 * their stand-ins without NumPy: `numpy.core.multiarray.scalar(dtype, bytes)` and `_reconstruct(ndarray, ...)` whose
 * BUILD state is `(version, shape, dtype, is_fortran, raw bytes)`; a dtype is `numpy.dtype('f8', False, True)` with
 * state `(3, '<', ...)` (numpy/_core/src/multiarray/descriptor.c, arraydescr_reduce / arraydescr_setstate).
 */
import type { DType } from '../../model/dtypes';
import { byteOrderUnit, swapByteOrder } from '../../model/numbers';
import { fortranToC } from '../numpy/npy';
import { isKind, type PyObject, type PyValue } from './values';
import { own } from '../../io/untrusted';

export interface NumpyValue {
  dtype: DType;
  shape: number[];
  /** Little-endian, C order. */
  bytes: Uint8Array;
}

const KINDS: Record<string, DType> = {
  b1: 'bool', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64',
  f2: 'float16', f4: 'float32', f8: 'float64', c8: 'complex64', c16: 'complex128',
};

const isReconstruct = (cls: string) => /^numpy\.(_?core\.)?multiarray\._reconstruct$/.test(cls);
const isScalar = (cls: string) => /^numpy\.(_?core\.)?multiarray\.scalar$/.test(cls);

function dtypeOf(v: PyValue | undefined): { dtype: DType; bigEndian: boolean } | null {
  if (!v || !isKind(v, 'object') || v.cls !== 'numpy.dtype' || typeof v.args[0] !== 'string') return null;
  const dtype = own(KINDS, v.args[0]);
  if (!dtype) return null;
  const order = v.state && isKind(v.state, 'tuple') ? v.state.items[1] : '<';
  return { dtype, bigEndian: order === '>' };
}

function ints(v: PyValue | undefined): number[] | null {
  if (!v || !isKind(v, 'tuple')) return null;
  const out = v.items.map((x) => (typeof x === 'bigint' && x >= 0n && x < 2n ** 31n ? Number(x) : NaN));
  return out.some(Number.isNaN) ? null : out;
}

/** The value a NumPy stand-in holds; null where it is not one, or not a plain numeric one (object arrays, records). */
export function numpyValue(o: PyObject): NumpyValue | null {
  let dtype: ReturnType<typeof dtypeOf>;
  let shape: number[] | null;
  let raw: PyValue | undefined;
  let fortran = false;
  if (isScalar(o.cls)) {
    dtype = dtypeOf(o.args[0]);
    shape = [];
    raw = o.args[1];
  } else if (isReconstruct(o.cls) && o.state && isKind(o.state, 'tuple') && o.state.items.length >= 5) {
    const [, shapeValue, dtypeValue, fortranValue, data] = o.state.items;
    dtype = dtypeOf(dtypeValue);
    shape = ints(shapeValue);
    fortran = fortranValue === true;
    raw = data;
  } else return null;
  if (!dtype || !shape || !(raw instanceof Uint8Array)) return null;
  const size = byteOrderUnit(dtype.dtype) * (dtype.dtype.startsWith('complex') ? 2 : 1);
  if (raw.length !== shape.reduce((a, b) => a * b, 1) * size) return null;
  let bytes = dtype.bigEndian ? swapByteOrder(raw, byteOrderUnit(dtype.dtype)) : raw;
  if (fortran && shape.length > 1) bytes = fortranToC(bytes, shape, size);
  return { dtype: dtype.dtype, shape, bytes };
}
