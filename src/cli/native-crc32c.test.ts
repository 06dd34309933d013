import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32c, useFasterCrc32c, wasmCrc32c } from '../core/formats/tf-bundle/crc32c';
import { agreesWithBuiltin, installNativeCrc32c } from './native-crc32c';

const native = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c(b: Uint8Array, crc?: number): number };
const nativeCrc = (b: Uint8Array, crc = 0) => native.crc32c(b, crc) >>> 0;

// Lengths on both sides of every switch (64: native, 4096: WebAssembly) and large pieces at odd offsets.
const lengths = [0, 1, 63, 64, 4095, 4096, 4097, 1 << 20];
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 100 }),
  fc.uint8Array({ minLength: 4090, maxLength: 4100 }),
  fc.uint8Array({ minLength: 16_000, maxLength: 70_000 }),
);

afterEach(() => useFasterCrc32c(undefined));

describe('native crc32c', () => {
  it('gives the same CRCs as the built-in one for lengths 0, 1, 4095, 4096 and large, from any running CRC', () => {
    const big = new Uint8Array((1 << 20) + 7).map((_, i) => (i * 2654435761) >>> 24);
    for (const n of lengths) {
      for (const seed of [0, 1, 0xffffffff, 0x12345678]) expect(nativeCrc(big.subarray(7, 7 + n), seed)).toBe(wasmCrc32c(big.subarray(7, 7 + n), seed));
    }
    fc.assert(
      fc.property(bytes, fc.integer({ min: 0, max: 0xffffffff }), (b, seed) => nativeCrc(b, seed) === wasmCrc32c(b, seed)),
      { numRuns: 100 },
    );
  });

  it('extends a running CRC as the built-in one does: crc(a ++ b) = crc(b, crc(a))', () => {
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        const ab = new Uint8Array(a.byteLength + b.byteLength);
        ab.set(a);
        ab.set(b, a.byteLength);
        return nativeCrc(b, nativeCrc(a)) === wasmCrc32c(ab) && nativeCrc(ab) === wasmCrc32c(ab);
      }),
      { numRuns: 50 },
    );
  });

  it('is what core’s crc32c uses once installed, with the standard check value', () => {
    expect(installNativeCrc32c()).toBe('native');
    let calls = 0;
    useFasterCrc32c((b, crc) => {
      calls++;
      return native.crc32c(b, crc);
    });
    expect(crc32c(new TextEncoder().encode('123456789'.repeat(8)))).toBe(wasmCrc32c(new TextEncoder().encode('123456789'.repeat(8))));
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283); // below 64 bytes: JavaScript
    expect(calls).toBe(1);
  });

  it('falls back to the built-in one when the module cannot load or disagrees', () => {
    expect(installNativeCrc32c(() => {
      throw new Error('no binary for this platform');
    })).toBe('wasm');
    const wrong = { crc32c: (b: Uint8Array, crc = 0) => (native.crc32c(b, crc) ^ 1) >>> 0 };
    expect(agreesWithBuiltin((b, c) => wrong.crc32c(b, c))).toBe(false);
    expect(installNativeCrc32c(() => wrong)).toBe('wasm');
    const b = new Uint8Array(5000).fill(7);
    expect(crc32c(b)).toBe(nativeCrc(b)); // still right: the wrong one was never installed
  });
});
