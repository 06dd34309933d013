/**
 * Tests only: files whose stored bytes are not their values — a quantized and a string TF.js weight, a big-endian
 * `.npy`, a big-endian TF bundle — with the values a reader must give for them. The CLI's and the page's tests
 * show these values through `Checkpoint.readValue`.
 */
import { memorySource, type ByteSource } from '../io/byte-source';
import type { DType } from '../model/dtypes';
import { f32be, npy } from './numpy/npy.test-util';
import { dataFileName, encodeStringTensor, writeTfBundle } from './tf-bundle';
import { tfjsModel, tfjsStrings } from './tfjs/builders.test-util';

export interface ValueCase {
  title: string;
  /** The files, paths relative to a folder; `open` is the one to name. */
  files: { path: string; bytes: Uint8Array }[];
  open: string;
  tensor: string;
  dtype: DType;
  shape: number[];
  /** The values, or the strings, the tensor holds. */
  want: number[] | string[];
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const i64be = (xs: bigint[]) => {
  const out = new Uint8Array(xs.length * 8);
  xs.forEach((x, i) => new DataView(out.buffer).setBigInt64(i * 8, x, false));
  return out;
};

async function plain(sources: ByteSource[]): Promise<{ path: string; bytes: Uint8Array }[]> {
  return Promise.all(sources.map(async (s) => ({ path: s.path, bytes: await s.read(0, s.size) })));
}

export async function valueCases(): Promise<ValueCase[]> {
  const tfjs = await plain(tfjsModel([
    { name: 'q8', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 }, bytes: Uint8Array.from([0, 1, 2, 255]) },
    { name: 'qf16', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' }, bytes: new Uint8Array(new Uint16Array([0x3e00, 0xc000]).buffer) },
    { name: 'words', shape: [3], dtype: 'string', bytes: tfjsStrings(['a', 'héllo', '']) },
  ], 'tfjs'));
  const bundle = writeTfBundle([
    { name: 'w', dtype: 'float32', shape: [2], bytes: f32be([1.5, -3]) },
    { name: 'n', dtype: 'int64', shape: [2], bytes: i64be([7n, -(2n ** 40n)]) },
    { name: 's', dtype: 'string', shape: [2], bytes: encodeStringTensor([utf8('big'), utf8('endian')], false).bytes },
  ], { littleEndian: false });
  const tf = [{ path: 'tf/ck.index', bytes: bundle.index }, ...bundle.shards.map((b, i) => ({ path: `tf/${dataFileName('ck', i, bundle.shards.length)}`, bytes: b }))];
  const npyFiles = [{ path: 'npy/big.npy', bytes: npy('>f4', [2], f32be([1.5, -3])) }];
  return [
    { title: 'a uint8-quantized TF.js weight', files: tfjs, open: 'tfjs/model.json', tensor: 'q8', dtype: 'float32', shape: [4], want: [-1, -0.5, 0, 126.5] },
    { title: 'a float16-quantized TF.js weight', files: tfjs, open: 'tfjs/model.json', tensor: 'qf16', dtype: 'float32', shape: [2], want: [1.5, -2] },
    { title: 'a TF.js string weight', files: tfjs, open: 'tfjs/model.json', tensor: 'words', dtype: 'string', shape: [3], want: ['a', 'héllo', ''] },
    { title: 'a big-endian .npy', files: npyFiles, open: 'npy/big.npy', tensor: 'big', dtype: 'float32', shape: [2], want: [1.5, -3] },
    { title: 'a big-endian TF bundle (float32)', files: tf, open: 'tf/ck.index', tensor: 'w', dtype: 'float32', shape: [2], want: [1.5, -3] },
    { title: 'a big-endian TF bundle (int64)', files: tf, open: 'tf/ck.index', tensor: 'n', dtype: 'int64', shape: [2], want: [7, -(2 ** 40)] },
    { title: 'a big-endian TF bundle (strings)', files: tf, open: 'tf/ck.index', tensor: 's', dtype: 'string', shape: [2], want: ['big', 'endian'] },
  ];
}

/** A case's files as dropped sources. */
export const caseSources = (c: ValueCase): ByteSource[] => c.files.map((f) => memorySource(f.path, f.bytes));
