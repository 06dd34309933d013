/**
 * The export's arithmetic (resize, mean fills) on the best TF.js backend this browser gives: WebGPU (needs an
 * adapter), then WebGL, then WASM, then CPU. Loaded only when an export starts, so the page's first load does not
 * pay for TF.js backends; pure data movement never comes here (the engine does it on bytes).
 */
import type { ArithmeticOps } from '../core/engine/arithmetic';
import { tfjsOps } from '../core/engine/arithmetic';

export interface BackendChoice {
  ops: ArithmeticOps;
  /** The backend that runs: 'webgpu', 'webgl', 'wasm' or 'cpu'. */
  name: string;
  /** What was tried before it and why it was passed over, for the page's tooltip. */
  notes: string[];
}

let chosen: Promise<BackendChoice> | null = null;

const START_LIMIT_MS = 15_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function gpuAdapterNote(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'no WebGPU in this browser';
  const adapter = (await gpu.requestAdapter().catch(() => null)) as { isFallbackAdapter?: boolean; info?: { description?: string; vendor?: string } } | null;
  if (!adapter) return 'WebGPU gave no adapter';
  return null;
}

async function choose(): Promise<BackendChoice> {
  const tf = await import('@tensorflow/tfjs');
  tf.env().set('PROD', true);
  const notes: string[] = [];
  const attempt = async (name: string, load: () => Promise<unknown>): Promise<boolean> => {
    try {
      await load();
      // A backend that never answers (an adapter that hangs) must not hold the export: the next one is tried.
      const started = await Promise.race([tf.setBackend(name).then(async (ok) => ok && (await tf.ready(), true)), sleep(START_LIMIT_MS).then(() => 'late' as const)]);
      if (started === 'late') {
        notes.push(`${name}: did not start within ${START_LIMIT_MS / 1000} s`);
        return false;
      }
      if (started) return true;
      notes.push(`${name}: did not start`);
    } catch (e) {
      notes.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return false;
  };
  const webgpuNote = await gpuAdapterNote();
  const ok =
    (webgpuNote === null ? await attempt('webgpu', () => import('@tensorflow/tfjs-backend-webgpu')) : (notes.push(`webgpu: ${webgpuNote}`), false)) ||
    (typeof OffscreenCanvas !== 'undefined' ? await attempt('webgl', async () => undefined) : (notes.push('webgl: no OffscreenCanvas in this worker'), false)) ||
    (await attempt('wasm', async () => {
      const wasm = await import('./wasm-backend');
      wasm.configureWasm(tf.env());
    })) ||
    (await attempt('cpu', async () => undefined));
  if (!ok) throw new Error(`no TF.js backend could start (${notes.join('; ')})`);
  return { ops: tfjsOps(tf), name: tf.getBackend(), notes };
}

/** The backend, chosen once per worker; a failed choice is tried again on the next export. */
export function bestBackend(): Promise<BackendChoice> {
  if (!chosen) {
    chosen = choose();
    chosen.catch(() => {
      chosen = null;
    });
  }
  return chosen;
}
