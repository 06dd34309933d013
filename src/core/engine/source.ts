/**
 * An old variable's value as the engine works on it: plain little-endian bytes of its listed dtype. Fixed-size
 * dtypes come from `readValue` where the reader has one (it returns the stored bytes untouched when they are
 * already plain little-endian, so exact links stay bit for bit), else from `read`; a big-endian TF bundle has
 * no `readValue` and is swapped here. String tensors travel in TF's stored string encoding (little-endian),
 * the one `OutputTensor` documents for strings.
 */
import { GraftError } from '../errors';
import type { Checkpoint, TensorInfo } from '../model/checkpoint';
import { ELEMENT_SIZE, elementCount } from '../model/dtypes';
import { unmaskCrc } from '../formats/tf-bundle/crc32c';
import { decodeStringTensor, encodeStringTensor } from '../formats/tf-bundle/strings';

function swapped(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.byteLength);
  for (let i = 0; i < bytes.byteLength; i += size) for (let b = 0; b < size; b++) out[i + b] = bytes[i + size - 1 - b]!;
  return out;
}

/** TF.js stores each string element as a little-endian uint32 byte length followed by the bytes. */
function tfjsStrings(bytes: Uint8Array, count: number, file: string, name: string): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 4 > bytes.byteLength) throw new GraftError('corrupt', file, `string weight ${name}: element ${i} runs past its ${bytes.byteLength} bytes`);
    const len = view.getUint32(p, true);
    p += 4;
    if (p + len > bytes.byteLength) throw new GraftError('corrupt', file, `string weight ${name}: element ${i} runs past its ${bytes.byteLength} bytes`);
    out.push(bytes.subarray(p, p + len));
    p += len;
  }
  return out;
}

type Bundle = Checkpoint & { littleEndian?: boolean; entry?(name: string): { crc32c: number; slices: unknown[] } | undefined };

export interface SourceValue {
  bytes: Uint8Array;
  /** The unmasked CRC32C of `bytes` when it is known without computing it (a TF bundle verified it on read). */
  crc32c?: number;
}

/**
 * The value, with its CRC32C when the reader already checked the bytes against it. `into` (at least
 * `info.byteLength` bytes) may receive the bytes, as `Checkpoint.read` documents.
 */
export async function readSourceValue(ckpt: Checkpoint, info: TensorInfo, into?: Uint8Array): Promise<SourceValue> {
  const bytes = await readSource(ckpt, info, into);
  const bundle = ckpt as Bundle;
  if (ckpt.format !== 'tf-bundle' || bundle.littleEndian === false || info.dtype === 'string' || !bundle.entry) return { bytes };
  const e = bundle.entry(info.name);
  // `read` has just compared the bytes' CRC32C with the entry's; a partitioned variable's is the slices'.
  return e && e.slices.length === 0 ? { bytes, crc32c: unmaskCrc(e.crc32c) } : { bytes };
}

export async function readSource(ckpt: Checkpoint, info: TensorInfo, into?: Uint8Array): Promise<Uint8Array> {
  const bigEndianBundle = ckpt.format === 'tf-bundle' && (ckpt as Bundle).littleEndian === false;
  if (info.dtype === 'string') {
    const raw = await ckpt.read(info.name);
    if (ckpt.format === 'tf-bundle') {
      if (!bigEndianBundle) return raw;
      return encodeStringTensor(decodeStringTensor(raw, elementCount(info.shape), ckpt.label, info.name, false)).bytes;
    }
    if (ckpt.format === 'tfjs') return encodeStringTensor(tfjsStrings(raw, elementCount(info.shape), ckpt.label, info.name)).bytes;
    throw new GraftError('unsupported', ckpt.label, `${info.name} is a string tensor in a ${ckpt.format} file; Graft copies strings only from TF checkpoints and TF.js models`);
  }
  const size = ELEMENT_SIZE[info.dtype];
  if (size === 0) throw new GraftError('unsupported', ckpt.label, `${info.name} has dtype ${info.dtype}, whose values Graft cannot copy`);
  if (ckpt.readValue) return ckpt.readValue(info.name);
  const raw = await ckpt.read(info.name, into);
  if (!bigEndianBundle || size === 1) return raw;
  return swapped(raw, info.dtype.startsWith('complex') ? size / 2 : size);
}
