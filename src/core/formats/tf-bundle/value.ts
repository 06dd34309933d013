/**
 * A bundle tensor's value (`Checkpoint.readValue`): a big-endian bundle's numbers byte-swapped and its strings
 * re-encoded with little-endian length checksums; a little-endian bundle's stored bytes as they are, with the CRC32C
 * that `read` has just verified them against.
 */
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import type { TensorInfo, TensorValue } from '../../model/checkpoint';
import { ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import { byteOrderUnit, swapByteOrder } from '../../model/numbers';
import { unmaskCrc } from './crc32c';
import type { BundleEntry } from './protos';
import { decodeStringTensor, encodeStringTensor } from './strings';

type Read = (name: string, into?: Uint8Array) => Promise<Uint8Array>;

export async function bundleValue(read: Read, info: TensorInfo, entry: BundleEntry, littleEndian: boolean, file: string, into?: Uint8Array): Promise<TensorValue> {
  if (info.dtype === 'string') {
    const raw = await read(info.name);
    if (littleEndian) return { bytes: raw };
    return { bytes: encodeStringTensor(decodeStringTensor(raw, elementCount(info.shape), file, info.name, false)).bytes };
  }
  if (ELEMENT_SIZE[info.dtype] === 0) throw new GraftError('unsupported', file, `${clip(info.name)} has dtype ${info.dtype}, whose values Graft cannot copy`);
  const bytes = await read(info.name, into);
  if (!littleEndian) return { bytes: swapByteOrder(bytes, byteOrderUnit(info.dtype)) };
  // A partitioned variable's bytes are its slices', each with its own CRC.
  return entry.slices.length === 0 ? { bytes, crc32c: unmaskCrc(entry.crc32c) } : { bytes };
}
