/**
 * The CLI's CRC32C: @node-rs/crc32's native one (SSE4.2 / ARMv8 CRC instructions, a prebuilt binary per platform)
 * handed to core's `crc32c`, which otherwise runs in WebAssembly. Checking every tensor of a 1.3 GB checkpoint took
 * ~0.85 s of CPU in WebAssembly (plus copying each piece into its memory) and ~0.2 s natively.
 */
import { createRequire } from 'node:module';
import { useFasterCrc32c, wasmCrc32c, type Crc32cFn } from '../core/formats/tf-bundle/crc32c';

type NativeModule = { crc32c(input: Uint8Array, initialState?: number): number };

/** Loads a module the bundler must leave alone: a native addon is resolved from node_modules at run time. */
const load = (name: string): NativeModule => createRequire(import.meta.url)(name) as NativeModule;

/** Whether `fn` gives the standard CRCs, extending a running one, on pieces at unaligned offsets. */
export function agreesWithBuiltin(fn: Crc32cFn): boolean {
  const bytes = new Uint8Array(9000).map((_, i) => (i * 167 + 13) & 0xff);
  const cases = [bytes.subarray(0, 0), bytes.subarray(1, 2), bytes.subarray(3, 4099), bytes.subarray(5, 9000)];
  return cases.every((b) => fn(b, 0) >>> 0 === wasmCrc32c(b) && fn(b, 0x9e3779b9) >>> 0 === wasmCrc32c(b, 0x9e3779b9));
}

/**
 * Makes core's `crc32c` native when @node-rs/crc32 loads on this platform and agrees with the built-in one; else
 * (no binary for this platform, GRAFT_NATIVE_CRC=0) leaves the WebAssembly one. Returns which one is in use.
 */
export function installNativeCrc32c(loadModule: (name: string) => NativeModule = load): 'native' | 'wasm' {
  if (process.env.GRAFT_NATIVE_CRC === '0') return 'wasm';
  let native: NativeModule;
  try {
    native = loadModule('@node-rs/crc32');
  } catch {
    return 'wasm';
  }
  const fn: Crc32cFn = (bytes, crc) => native.crc32c(bytes, crc);
  if (!agreesWithBuiltin(fn)) return 'wasm';
  useFasterCrc32c(fn);
  return 'native';
}
