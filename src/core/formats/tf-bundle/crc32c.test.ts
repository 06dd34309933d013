import CRC32C from 'crc-32/crc32c.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc, unmaskCrc } from './crc32c';

const reference = (bytes: Uint8Array, crc = 0) => CRC32C.buf(bytes, crc | 0) >>> 0;
// Sizes on both sides of the JavaScript/WebAssembly switch (4 KiB) and past hash-wasm's 16 KiB copy chunks.
const bytes = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 4000, maxLength: 4200 }), fc.uint8Array({ minLength: 16_000, maxLength: 40_000 }));

describe('crc32c', () => {
  it('gives the standard check value and TF’s known CRCs', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(4096).fill(0xff))).toBe(reference(new Uint8Array(4096).fill(0xff)));
  });

  it('equals crc-32’s CRC32C on any bytes, from any starting CRC', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 0, max: 0xffffffff }), (b, seed) => {
        expect(crc32c(b)).toBe(reference(b));
        expect(crc32c(b, seed)).toBe(reference(b, seed));
      }),
      { numRuns: 300 },
    );
  });

  it('extends a running CRC: crc(a ++ b) = crc(b, crc(a))', () => {
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        const ab = new Uint8Array(a.byteLength + b.byteLength);
        ab.set(a);
        ab.set(b, a.byteLength);
        expect(crc32c(b, crc32c(a))).toBe(crc32c(ab));
        expect(crc32c(ab)).toBe(reference(ab));
      }),
      { numRuns: 200 },
    );
  });

  it('reads subarrays of larger buffers at their own offset', () => {
    const big = new Uint8Array(50_000).map((_, i) => (i * 131) & 0xff);
    for (const [s, e] of [[3, 2000], [17, 40_001], [1, 4097], [5, 4100]] as const) expect(crc32c(big.subarray(s, e))).toBe(reference(big.subarray(s, e)));
  });

  it('mask and unmask are inverses', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (c) => unmaskCrc(maskCrc(c)) === c));
  });
});
