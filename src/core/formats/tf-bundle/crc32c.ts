import CRC32C from 'crc-32/crc32c.js';
import { createCRC32 } from 'hash-wasm';

// hash-wasm's CRC-32 in WebAssembly with the Castagnoli polynomial: about 2 GB/s where crc-32's JavaScript runs
// at 0.6–2 GB/s depending on how warm the JIT is. Created once, here (top-level await: Node, Vitest, the page and
// its worker all load this as an ES module). Its state is the running CRC (little-endian) behind a 4-byte tag
// that `save` writes and `load` checks, so a CRC is extended by loading it into a saved state.
const wasm = await createCRC32(0x82f63b78);
const state = wasm.init().save();
const stateView = new DataView(state.buffer, state.byteOffset, state.byteLength);

/** Below this crc-32's JavaScript is faster: WebAssembly costs ~0.5 µs a call (string tensors checksum many tiny pieces). */
const WASM_FROM = 4096;

/** A CRC32C over bytes extending a running CRC, as `crc32c` below: e.g. a native one the CLI brings. */
export type Crc32cFn = (bytes: Uint8Array, crc: number) => number;

/** Set by `useFasterCrc32c`; used from FAST_FROM bytes on. */
let faster: Crc32cFn | undefined;
/** Below this a call into native code costs more than crc-32's JavaScript gains (one N-API hop, ~0.1 µs). */
const FAST_FROM = 64;

/**
 * Hands `crc32c` a faster implementation (the CLI's SSE4.2 one, ~4× the WebAssembly's speed at a quarter of its CPU),
 * or takes it back with undefined. Core stays pure: the page and its worker never call this. The caller checks that
 * `fn` gives the standard CRCs before handing it over (see src/cli/native-crc32c.ts).
 */
export function useFasterCrc32c(fn: Crc32cFn | undefined): void {
  faster = fn;
}

/** CRC32C (Castagnoli) of `bytes`, extending `crc` when given, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  if (faster && bytes.byteLength >= FAST_FROM) return faster(bytes, crc >>> 0) >>> 0;
  return wasmCrc32c(bytes, crc);
}

/** The built-in CRC32C (WebAssembly, JavaScript for small pieces), whatever `useFasterCrc32c` was given. */
export function wasmCrc32c(bytes: Uint8Array, crc = 0): number {
  if (bytes.byteLength < WASM_FROM) return CRC32C.buf(bytes, crc | 0) >>> 0;
  stateView.setUint32(4, crc >>> 0, true);
  wasm.load(state).update(bytes);
  const out = wasm.digest('binary');
  return ((out[0]! << 24) | (out[1]! << 16) | (out[2]! << 8) | out[3]!) >>> 0;
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
