declare module 'snappyjs' {
  export function uncompress(input: Uint8Array): Uint8Array;
  export function compress(input: Uint8Array): Uint8Array;
}

declare module 'crc-32/crc32c' {
  /** Signed 32-bit CRC32C of `data`, continuing from `seed` (a previous result). */
  export function buf(data: Uint8Array | number[], seed?: number): number;
}
