/**
 * The NumPy `.npy` format (numpy/lib/format.py): `\x93NUMPY`, major and minor version, the header length
 * (uint16 in v1, uint32 in v2/v3), then a Python dict literal `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (3, 4), }` padded with spaces and a newline, then the raw array bytes.
 */
import { GraftError } from '../../errors';
import type { DType } from '../../model/dtypes';
import { byteOrderUnit, swapByteOrder } from '../../model/numbers';
import { clip } from '../../io/untrusted';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** numpy refuses headers over 10000 bytes unless asked (`max_header_size`); Graft allows more, within reason. */
const MAX_HEADER_BYTES = 1 << 20;

export interface NpyHeader {
  dtype: DType;
  /** As written, e.g. `>f4`. */
  descr: string;
  littleEndian: boolean;
  itemSize: number;
  fortranOrder: boolean;
  shape: number[];
  /** Offset of the first data byte. */
  dataOffset: number;
  /** product(shape) × item size. */
  dataLength: number;
}

const KINDS: Record<string, Partial<Record<number, DType>>> = {
  b: { 1: 'bool' },
  i: { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' },
  u: { 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' },
  f: { 2: 'float16', 4: 'float32', 8: 'float64' },
  c: { 8: 'complex64', 16: 'complex128' },
};

/** How many bytes to read to be sure the header is complete: the preamble, then its length. */
export function npyPreambleLength(prefix: Uint8Array, file: string): number {
  if (prefix.length < 10 || !NPY_MAGIC.every((b, i) => prefix[i] === b)) {
    throw new GraftError('bad-magic', file, 'does not start with \\x93NUMPY — not a .npy array');
  }
  const major = prefix[6]!;
  if (major === 1) return 10 + (prefix[8]! | (prefix[9]! << 8));
  if (major === 2 || major === 3) {
    if (prefix.length < 12) throw new GraftError('truncated', file, 'the .npy header is cut short');
    const n = (prefix[8]! | (prefix[9]! << 8) | (prefix[10]! << 16)) + prefix[11]! * 2 ** 24;
    if (n > MAX_HEADER_BYTES) throw new GraftError('too-large', file, `the .npy header claims ${n} bytes, more than any array description needs — the file is damaged`);
    return 12 + n;
  }
  throw new GraftError('unsupported', file, `.npy format version ${major}.${prefix[7]} — NumPy writes versions 1, 2 and 3`);
}

function field(header: string, key: string): string | null {
  const m = header.match(new RegExp(`['"]${key}['"]\\s*:\\s*`));
  if (!m || m.index === undefined) return null;
  return header.slice(m.index + m[0].length);
}

/** Parses the header dict; `totalSize` is the bytes available for the data (the file or member size). */
export function parseNpyHeader(bytes: Uint8Array, file: string, totalSize: number): NpyHeader {
  const dataOffset = npyPreambleLength(bytes, file);
  if (dataOffset > totalSize) throw new GraftError('truncated', file, `the .npy header needs ${dataOffset} bytes but the file has ${totalSize}`);
  if (bytes.length < dataOffset) throw new GraftError('truncated', file, 'the .npy header is cut short');
  const major = bytes[6]!;
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(major === 1 ? 10 : 12, dataOffset));

  const descrText = field(text, 'descr');
  const descrMatch = descrText?.match(/^(['"])(.*?)\1/);
  if (!descrMatch) {
    if (descrText?.startsWith('[')) throw new GraftError('unsupported', file, 'holds a structured array (a list of named fields); Graft reads plain numeric arrays');
    throw new GraftError('corrupt', file, `the .npy header has no descr: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const descr = descrMatch[2]!;
  const fortranText = field(text, 'fortran_order');
  if (!fortranText || !/^(True|False)/.test(fortranText)) throw new GraftError('corrupt', file, 'the .npy header has no fortran_order');
  const fortranOrder = fortranText.startsWith('True');
  const shapeText = field(text, 'shape');
  const shapeMatch = shapeText?.match(/^\(([^)]*)\)/);
  if (!shapeMatch) throw new GraftError('corrupt', file, 'the .npy header has no shape tuple');
  const parts = shapeMatch[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = parts.map((p) => (/^\d+L?$/.test(p) ? Number(p.replace('L', '')) : NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) throw new GraftError('corrupt', file, `the .npy shape (${clip(shapeMatch[1]!, 120)}) is not a tuple of non-negative integers`);

  const m = descr.match(/^([<>|=]?)([a-zA-Z])(\d*)$/);
  if (!m) throw new GraftError('unsupported', file, `dtype ${clip(descr, 60)} is not a plain numeric type`);
  const [, order, kind, sizeText] = m as unknown as [string, string, string, string];
  if (kind === 'O') throw new GraftError('unsupported', file, 'holds Python objects (dtype object, saved with allow_pickle) — Graft never unpickles; save the array with a numeric dtype');
  const itemSize = Number(sizeText);
  const dtype = KINDS[kind]?.[itemSize];
  if (!dtype) throw new GraftError('unsupported', file, `dtype ${clip(descr, 60)} is not a numeric type Graft reads (bool, int, uint, float, complex)`);
  const littleEndian = order !== '>';

  let elements = 1n;
  for (const d of shape) elements *= BigInt(d);
  const length = elements * BigInt(itemSize);
  if (length > BigInt(totalSize - dataOffset)) {
    throw new GraftError(
      'truncated',
      file,
      `shape (${clip(shape.join(', '), 120)}) of ${descr} needs ${length} bytes of data but only ${totalSize - dataOffset} follow the header — the file is truncated or its header is damaged`,
    );
  }
  return { dtype, descr, littleEndian, itemSize, fortranOrder, shape, dataOffset, dataLength: Number(length) };
}

/** Plain little-endian, C-order bytes from stored ones. */
export function npyToValue(raw: Uint8Array, h: NpyHeader): Uint8Array {
  let bytes = h.littleEndian ? raw : swapByteOrder(raw, byteOrderUnit(h.dtype));
  if (h.fortranOrder && h.shape.length > 1) bytes = fortranToC(bytes, h.shape, h.itemSize);
  return bytes;
}

/** Reorders column-major (Fortran) elements into row-major (C) order. */
export function fortranToC(bytes: Uint8Array, shape: readonly number[], itemSize: number): Uint8Array {
  const n = shape.length;
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(bytes.length);
  const fStrides = new Array<number>(n);
  let s = 1;
  for (let k = 0; k < n; k++) {
    fStrides[k] = s;
    s *= shape[k]!;
  }
  const idx = new Array<number>(n).fill(0);
  let src = 0; // Fortran offset (elements) of idx
  for (let dst = 0; dst < count; dst++) {
    out.set(bytes.subarray(src * itemSize, (src + 1) * itemSize), dst * itemSize);
    // advance idx in C order (last axis fastest), keeping src in step
    for (let k = n - 1; k >= 0; k--) {
      idx[k]!++;
      src += fStrides[k]!;
      if (idx[k]! < shape[k]!) break;
      src -= fStrides[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out;
}
