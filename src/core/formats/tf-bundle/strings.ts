/**
 * DT_STRING tensors as stored in a bundle's data file (tensor_bundle.cc, WriteStringTensor):
 *   [varint64 length of each element][4-byte masked CRC32C of the lengths][the element bytes]
 * The lengths' CRC covers each length as a uint32 (a uint64 when it does not fit), in the writer's
 * byte order — not the varint bytes. The entry's CRC continues over the 4 checksum bytes and the
 * element bytes.
 */
import { GraftError } from '../../errors';
import { clip } from '../../io/untrusted';
import { Cursor, concatBytes, putVarint } from './cursor';
import { crc32c, maskCrc, unmaskCrc } from './crc32c';

export interface StringLayout {
  lengths: number[];
  /** Offset of the element bytes within the stored bytes. */
  dataStart: number;
  /** The unmasked CRC32C over the lengths, the lengths checksum and the element bytes. */
  crc: number;
}

function lengthBytes(length: number, littleEndian: boolean): Uint8Array {
  const wide = length > 0xffffffff;
  const out = new Uint8Array(wide ? 8 : 4);
  const dv = new DataView(out.buffer);
  if (wide) dv.setBigUint64(0, BigInt(length), littleEndian);
  else dv.setUint32(0, length, littleEndian);
  return out;
}

/**
 * Walks the stored bytes of a string tensor with `count` elements, checks the lengths checksum
 * and that everything fits, and computes the entry CRC. Throws 'corrupt' or 'tensor-checksum'.
 */
export function parseStringTensor(bytes: Uint8Array, count: number, file: string, name: string, offset = 0, littleEndian = true): StringLayout {
  // TF's ReadStringTensor reads an entry of size 0 as nothing, with CRC 0.
  if (bytes.byteLength === 0 && count === 0) return { lengths: [], dataStart: 0, crc: 0 };
  const c = new Cursor(bytes, file, offset, `string tensor "${clip(name)}"`);
  if (count > bytes.byteLength) {
    throw new GraftError(
      'corrupt',
      file,
      `string tensor "${clip(name)}" at offset ${offset} claims ${count} elements but has only ${bytes.byteLength} bytes`,
    );
  }
  const lengths: number[] = [];
  let crc = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const len = c.varint(64, `the length of element ${i}`);
    lengths.push(len);
    total += len;
    crc = crc32c(lengthBytes(len, littleEndian), crc);
  }
  const raw = c.take(4, 'the lengths checksum');
  const stored = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, littleEndian);
  if (unmaskCrc(stored) !== crc) {
    throw new GraftError(
      'tensor-checksum',
      file,
      `string tensor "${clip(name)}" at offset ${offset}: the checksum of its element lengths does not match — the data file is damaged`,
    );
  }
  crc = crc32c(raw, crc);
  if (total !== c.remaining) {
    throw new GraftError(
      'corrupt',
      file,
      `string tensor "${clip(name)}" at offset ${offset}: its element lengths add up to ${total} bytes but ${c.remaining} bytes follow them`,
    );
  }
  crc = crc32c(bytes.subarray(c.pos), crc);
  return { lengths, dataStart: c.pos, crc };
}

/** The elements of a DT_STRING tensor from its raw stored bytes (what `Checkpoint.read` returns). */
export function decodeStringTensor(bytes: Uint8Array, count: number, file: string, name: string, littleEndian = true): Uint8Array[] {
  const layout = parseStringTensor(bytes, count, file, name, 0, littleEndian);
  const out: Uint8Array[] = [];
  let p = layout.dataStart;
  for (const len of layout.lengths) {
    out.push(bytes.subarray(p, p + len));
    p += len;
  }
  return out;
}

/** Stored bytes and unmasked entry CRC of a string tensor, as TF's WriteStringTensor makes them. */
export function encodeStringTensor(elements: readonly Uint8Array[], littleEndian = true): { bytes: Uint8Array; crc: number } {
  const varints: number[] = [];
  let crc = 0;
  for (const e of elements) {
    putVarint(varints, e.byteLength);
    crc = crc32c(lengthBytes(e.byteLength, littleEndian), crc);
  }
  const check = new Uint8Array(4);
  new DataView(check.buffer).setUint32(0, maskCrc(crc), littleEndian);
  crc = crc32c(check, crc);
  for (const e of elements) crc = crc32c(e, crc);
  return { bytes: concatBytes([Uint8Array.from(varints), check, ...elements]), crc };
}
