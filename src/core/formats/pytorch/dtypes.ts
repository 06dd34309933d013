/** torch's dtypes and storage classes, and the Graft dtype each holds (null: one Graft has no dtype for). */
import type { DType } from '../../model/dtypes';

export interface TorchType {
  dtype: DType | null;
  /** Bytes per element. */
  size: number;
  /** torch's name, e.g. `bfloat16`. */
  name: string;
}

const t = (name: string, dtype: DType | null, size: number): TorchType => ({ name, dtype, size });

/** By the attribute name torch pickles (`torch.float32` is GLOBAL `torch float32`); aliases included. */
export const TORCH_DTYPES: Record<string, TorchType> = {
  float32: t('float32', 'float32', 4), float: t('float32', 'float32', 4),
  float64: t('float64', 'float64', 8), double: t('float64', 'float64', 8),
  float16: t('float16', 'float16', 2), half: t('float16', 'float16', 2),
  bfloat16: t('bfloat16', 'bfloat16', 2),
  int64: t('int64', 'int64', 8), long: t('int64', 'int64', 8),
  int32: t('int32', 'int32', 4), int: t('int32', 'int32', 4),
  int16: t('int16', 'int16', 2), short: t('int16', 'int16', 2),
  int8: t('int8', 'int8', 1),
  uint8: t('uint8', 'uint8', 1),
  uint16: t('uint16', 'uint16', 2),
  uint32: t('uint32', 'uint32', 4),
  uint64: t('uint64', 'uint64', 8),
  bool: t('bool', 'bool', 1),
  complex64: t('complex64', 'complex64', 8), cfloat: t('complex64', 'complex64', 8),
  complex128: t('complex128', 'complex128', 16), cdouble: t('complex128', 'complex128', 16),
  complex32: t('complex32', null, 4), chalf: t('complex32', null, 4),
  float8_e5m2: t('float8_e5m2', 'float8_e5m2', 1),
  float8_e4m3fn: t('float8_e4m3fn', 'float8_e4m3fn', 1),
  float8_e5m2fnuz: t('float8_e5m2fnuz', 'float8_e5m2fnuz', 1),
  float8_e4m3fnuz: t('float8_e4m3fnuz', 'float8_e4m3fnuz', 1),
  float8_e8m0fnu: t('float8_e8m0fnu', null, 1),
  float4_e2m1fn_x2: t('float4_e2m1fn_x2', null, 1),
  qint8: t('qint8', 'qint8', 1),
  quint8: t('quint8', 'quint8', 1),
  qint32: t('qint32', 'qint32', 4),
  quint4x2: t('quint4x2', null, 1),
  quint2x4: t('quint2x4', null, 1),
};

/** Storage classes by class name (`torch.FloatStorage`, `torch.cuda.HalfStorage`): the element type. */
export const STORAGE_TYPES: Record<string, TorchType> = {
  DoubleStorage: TORCH_DTYPES.float64!,
  FloatStorage: TORCH_DTYPES.float32!,
  HalfStorage: TORCH_DTYPES.float16!,
  BFloat16Storage: TORCH_DTYPES.bfloat16!,
  LongStorage: TORCH_DTYPES.int64!,
  IntStorage: TORCH_DTYPES.int32!,
  ShortStorage: TORCH_DTYPES.int16!,
  CharStorage: TORCH_DTYPES.int8!,
  ByteStorage: TORCH_DTYPES.uint8!,
  BoolStorage: TORCH_DTYPES.bool!,
  ComplexDoubleStorage: TORCH_DTYPES.complex128!,
  ComplexFloatStorage: TORCH_DTYPES.complex64!,
  QInt8Storage: TORCH_DTYPES.qint8!,
  QUInt8Storage: TORCH_DTYPES.quint8!,
  QInt32Storage: TORCH_DTYPES.qint32!,
  QUInt4x2Storage: TORCH_DTYPES.quint4x2!,
  QUInt2x4Storage: TORCH_DTYPES.quint2x4!,
  // Bytes; the tensor's own dtype (`_rebuild_tensor_v3`) says what they hold.
  UntypedStorage: TORCH_DTYPES.uint8!,
};

/** The storage class a Graft dtype is saved with, as torch 2 does; null: an UntypedStorage and `_rebuild_tensor_v3`. */
export const LEGACY_STORAGE_CLASS: Partial<Record<DType, string>> = {
  float64: 'DoubleStorage', float32: 'FloatStorage', float16: 'HalfStorage', bfloat16: 'BFloat16Storage',
  int64: 'LongStorage', int32: 'IntStorage', int16: 'ShortStorage', int8: 'CharStorage', uint8: 'ByteStorage',
  bool: 'BoolStorage', complex128: 'ComplexDoubleStorage', complex64: 'ComplexFloatStorage',
};

/** Graft dtype → torch dtype attribute, for every dtype torch can hold. */
export const GRAFT_TO_TORCH: Partial<Record<DType, string>> = {
  float64: 'float64', float32: 'float32', float16: 'float16', bfloat16: 'bfloat16',
  int64: 'int64', int32: 'int32', int16: 'int16', int8: 'int8', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64',
  bool: 'bool', complex64: 'complex64', complex128: 'complex128',
  float8_e5m2: 'float8_e5m2', float8_e4m3fn: 'float8_e4m3fn', float8_e5m2fnuz: 'float8_e5m2fnuz', float8_e4m3fnuz: 'float8_e4m3fnuz',
};
