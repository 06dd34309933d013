// Both packages are CommonJS (UMD) without named ESM exports: import their default export.
declare module 'snappyjs' {
  const snappy: {
    uncompress(input: Uint8Array): Uint8Array;
    compress(input: Uint8Array): Uint8Array;
  };
  export default snappy;
}

declare module 'crc-32/crc32c.js' {
  const CRC32C: {
    /** Signed 32-bit CRC32C of `data`, continuing from `seed` (a previous result). */
    buf(data: Uint8Array | number[], seed?: number): number;
  };
  export default CRC32C;
}
