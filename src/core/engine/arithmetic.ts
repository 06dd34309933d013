/**
 * The engine's arithmetic: resize (bilinear, bicubic) and mean fills. The heavy part runs as TF.js ops behind
 * `ArithmeticOps`, so the page can run it on the backend it chose (WebGPU, WebGL, WASM, CPU) and Node on the
 * CPU backend. Both resizes are separable, so each changed axis is one matrix product with an interpolation
 * matrix built here, in plain TypeScript, with TensorFlow's `tf.image.resize` weights (half-pixel centres;
 * bicubic: Keys a = −0.5 from TF's 1024-entry table, taps outside the input dropped and the rest renormalised,
 * as resize_bicubic_op.cc does). Everything is float32, as in TF.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { ResizeMethod } from '../mapping';
import type { DType } from '../model/dtypes';
import { decodeNumbers, encodeNumbers } from '../model/numbers';

export interface ArithmeticOps {
  /** The backend that runs the ops ('webgpu', 'webgl', 'wasm', 'cpu', ...), for the page to show. */
  readonly backend: string;
  /** y[o, t, r] = Σ_s w[t, s] · x[o, s, r], with x of shape [outer, s, r] and w of shape [t, s]. */
  interpolateAxis(x: Float32Array, outer: number, s: number, r: number, w: Float32Array, t: number): Promise<Float32Array>;
  /** The mean over the middle axis of x [outer, n, inner]: [outer, inner]. */
  meanAxis(x: Float32Array, outer: number, n: number, inner: number): Promise<Float32Array>;
}

type Tf = Pick<typeof tfc, 'tensor' | 'tensor2d' | 'tensor3d' | 'matMul' | 'mean' | 'tidy' | 'getBackend'>;

/** ArithmeticOps over a TF.js namespace with its backend already set. Every tensor is disposed. */
export function tfjsOps(tf: Tf): ArithmeticOps {
  const read = async (t: tfc.Tensor): Promise<Float32Array> => {
    try {
      // `await data()`: dataSync() on a WebGPU tensor returned zeros (DESIGN.md, known traps).
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  };
  return {
    get backend() {
      return tf.getBackend();
    },
    interpolateAxis(x, outer, s, r, w, t) {
      const y = tf.tidy(() => {
        const weights = tf.tensor2d(w, [t, s]);
        if (outer === 1) return tf.matMul(weights, tf.tensor2d(x, [s, r]));
        return tf.matMul(weights.reshape([1, t, s]), tf.tensor3d(x, [outer, s, r]));
      });
      return read(y);
    },
    meanAxis(x, outer, n, inner) {
      return read(tf.tidy(() => tf.mean(tf.tensor3d(x, [outer, n, inner]), 1)));
    },
  };
}

/** Node and tests: TF.js on its CPU backend, loaded on first use. */
export async function cpuOps(): Promise<ArithmeticOps> {
  const tf = await import('@tensorflow/tfjs');
  // Quiet the "install tfjs-node" banner the CPU backend prints on first use in Node.
  tf.env().set('PROD', true);
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  return tfjsOps(tf);
}

const TABLE = 1024;
const KEYS_A = -0.5;

function keysCoeffs(offset: number): [number, number, number, number] {
  const c = (i: number): [number, number] => {
    let x = Math.fround(i / TABLE);
    const near = Math.fround(((KEYS_A + 2) * x - (KEYS_A + 3)) * x * x + 1);
    x += 1;
    const far = Math.fround(((KEYS_A * x - 5 * KEYS_A) * x + 8 * KEYS_A) * x - 4 * KEYS_A);
    return [near, far];
  };
  const [n0, f0] = c(offset);
  const [n1, f1] = c(TABLE - offset);
  return [f0, n0, n1, f1];
}

/** The [outLen, inLen] matrix that resizes one axis as `tf.image.resize(method)` does (half-pixel centres). */
export function interpolationMatrix(inLen: number, outLen: number, method: ResizeMethod): Float32Array {
  const w = new Float32Array(outLen * inLen);
  const scale = Math.fround(inLen / outLen);
  for (let o = 0; o < outLen; o++) {
    const at = Math.fround(Math.fround(o + 0.5) * scale - 0.5);
    const floor = Math.floor(at);
    const row = o * inLen;
    if (method === 'bilinear') {
      const lerp = at - floor;
      const lo = Math.max(floor, 0);
      const hi = Math.min(Math.ceil(at), inLen - 1);
      w[row + lo]! += 1 - lerp;
      w[row + hi]! += lerp;
    } else {
      const offset = Math.round((at - floor) * TABLE);
      const coeffs = keysCoeffs(offset);
      let sum = 0;
      const taps: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const i = floor - 1 + k;
        if (i < 0 || i >= inLen) continue;
        taps.push([i, coeffs[k]!]);
        sum += coeffs[k]!;
      }
      const norm = Math.abs(sum) >= 1e-35 ? 1 / sum : 1;
      for (const [i, c] of taps) w[row + i]! += c * norm;
    }
  }
  return w;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Resizes each axis whose length changes, one after the other (both methods are separable). */
export async function resizeBytes(bytes: Uint8Array, shape: readonly number[], dtype: DType, method: ResizeMethod, outShape: readonly number[], ops: ArithmeticOps, check?: () => void): Promise<Uint8Array> {
  let values: Float32Array = Float32Array.from(decodeNumbers(bytes, dtype));
  const current = [...shape];
  for (let axis = 0; axis < shape.length; axis++) {
    if (current[axis] === outShape[axis]) continue;
    check?.();
    const outer = count(current.slice(0, axis));
    const inner = count(current.slice(axis + 1));
    const w = interpolationMatrix(current[axis]!, outShape[axis]!, method);
    values = await ops.interpolateAxis(values, outer, current[axis]!, inner, w, outShape[axis]!);
    current[axis] = outShape[axis]!;
  }
  return encodeNumbers(values, dtype, { integers: 'round' });
}

/** The mean of x along `axis`, as the bytes of a tensor with that axis of length 1 (integers round half to even). */
export async function meanAlongBytes(bytes: Uint8Array, shape: readonly number[], dtype: DType, axis: number, ops: ArithmeticOps): Promise<Uint8Array> {
  const values = Float32Array.from(decodeNumbers(bytes, dtype));
  const mean = await ops.meanAxis(values, count(shape.slice(0, axis)), shape[axis]!, count(shape.slice(axis + 1)));
  return encodeNumbers(mean, dtype, { integers: 'round' });
}
