import CRC32C from 'crc-32/crc32c';

/** CRC32C (Castagnoli) of `bytes`, extending `crc` when given, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  return CRC32C.buf(bytes, crc | 0) >>> 0;
}

// https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/lib/hash/crc32c.h
const MASK_DELTA = 0xa282ead8;

/** TF stores masked CRCs so that a CRC of data that itself holds CRCs stays well distributed. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

export function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
