/**
 * Partitioned variables. The full variable's entry lists its slices; each slice is stored under
 * the key `checkpoint::EncodeTensorNameSlice(name, slice)` (tensorflow/core/util/saved_tensor_slice_util.cc),
 * built with OrderedCode (tensorflow/core/lib/strings/ordered_code.cc).
 */
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import type { SliceExtent } from './protos';

const utf8 = new TextEncoder();

function writeNumIncreasing(out: number[], value: number): void {
  const bytes: number[] = [];
  let v = BigInt(value);
  while (v > 0n) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  out.push(bytes.length, ...bytes);
}

function writeString(out: number[], s: Uint8Array): void {
  for (const b of s) {
    if (b === 0x00) out.push(0x00, 0xff);
    else if (b === 0xff) out.push(0xff, 0x00);
    else out.push(b);
  }
  out.push(0x00, 0x01);
}

// kLengthToHeaderBits in ordered_code.cc
const HEADER_BITS: readonly (readonly [number, number])[] = [
  [0, 0], [0x80, 0], [0xc0, 0], [0xe0, 0], [0xf0, 0], [0xf8, 0], [0xfc, 0], [0xfe, 0], [0xff, 0], [0xff, 0x80], [0xff, 0xc0],
];

export function writeSignedNumIncreasing(out: number[], value: number): void {
  const val = BigInt(value);
  const x = val < 0n ? ~val : val;
  if (x < 64n) {
    out.push((HEADER_BITS[1]![0] ^ Number(BigInt.asUintN(8, val))) & 0xff);
    return;
  }
  // kBitsToLength[Log2Floor64(x) + 1]: n bytes hold numbers of up to 7n - 1 bits
  const bits = x.toString(2).length;
  const len = Math.floor(bits / 7) + 1;
  const buf: number[] = [];
  const u = BigInt.asUintN(64, val);
  const sign = val < 0n ? 0xff : 0x00;
  buf.push(sign, sign);
  for (let i = 0; i < 8; i++) buf.push(Number((u >> BigInt(56 - 8 * i)) & 0xffn));
  const begin = buf.slice(buf.length - len);
  begin[0] = (begin[0]! ^ HEADER_BITS[len]![0]) & 0xff;
  begin[1] = (begin[1]! ^ HEADER_BITS[len]![1]) & 0xff;
  out.push(...begin);
}

/** The key TF stores one slice of a partitioned variable under. */
export function encodeTensorNameSlice(name: string | Uint8Array, slice: readonly SliceExtent[]): Uint8Array {
  const out: number[] = [];
  writeNumIncreasing(out, 0);
  writeString(out, typeof name === 'string' ? utf8.encode(name) : name);
  writeNumIncreasing(out, slice.length);
  for (const e of slice) {
    // A full extent is start 0, length -1 (TensorSlice::kFullExtent).
    writeSignedNumIncreasing(out, e.length < 0 ? 0 : e.start);
    writeSignedNumIncreasing(out, e.length < 0 ? -1 : e.length);
  }
  return Uint8Array.from(out);
}

/** The slice's shape within the full shape; validates it lies inside. */
export function sliceShape(slice: readonly SliceExtent[], full: readonly number[], file: string, name: string): number[] {
  if (slice.length !== full.length) {
    throw new GraftError(
      'corrupt',
      file,
      `a slice of partitioned variable "${clip(name)}" has rank ${slice.length} but the variable has rank ${full.length}`,
    );
  }
  return slice.map((e, d) => {
    const dim = full[d]!;
    const length = e.length < 0 ? dim : e.length;
    const start = e.length < 0 ? 0 : e.start;
    if (start < 0 || length < 0 || start + length > dim) {
      throw new GraftError(
        'corrupt',
        file,
        `a slice of partitioned variable "${clip(name)}" covers [${start}, ${start + length}) of dimension ${d}, which has size ${dim}`,
      );
    }
    return length;
  });
}

/**
 * Copies one slice's row-major bytes into the full tensor's row-major bytes.
 * `elementSize` is in bytes and may be anything (1, 2, 8, 16...).
 */
export function copySliceInto(
  full: Uint8Array,
  fullShape: readonly number[],
  slice: readonly SliceExtent[],
  sliceBytes: Uint8Array,
  elementSize: number,
): void {
  const rank = fullShape.length;
  const starts = slice.map((e) => (e.length < 0 ? 0 : e.start));
  const lengths = slice.map((e, d) => (e.length < 0 ? fullShape[d]! : e.length));
  if (rank === 0) {
    full.set(sliceBytes.subarray(0, elementSize));
    return;
  }
  // Strides in elements of the full tensor.
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * fullShape[d + 1]!;
  const run = lengths[rank - 1]! * elementSize;
  const rows = lengths.slice(0, -1).reduce((a, b) => a * b, 1);
  if (run === 0 || rows === 0) return;
  const index = new Array<number>(rank - 1).fill(0);
  let src = 0;
  for (let r = 0; r < rows; r++) {
    let dst = starts[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) dst += (starts[d]! + index[d]!) * strides[d]!;
    full.set(sliceBytes.subarray(src, src + run), dst * elementSize);
    src += run;
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < lengths[d]!) break;
      index[d] = 0;
    }
  }
}
