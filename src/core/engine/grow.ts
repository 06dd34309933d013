/**
 * The growth steps (mapping/grow-steps.ts) on bytes. Copies are byte gathers; division and noise decode to
 * float64, compute there and round once into the dtype, so the exported script (NumPy in float64, then Graft's
 * rounding) gives the same bits.
 */
import type { GrowTransform } from '../mapping/grow-steps';
import { replicationCounts } from '../mapping/grow-steps';
import { ELEMENT_SIZE, elementCount } from '../model/dtypes';
import { decodeNumbers, encodeNumbers } from '../model/numbers';
import { Rng, deriveSeed } from '../model/target/random';
import type { Value } from './chain';
import { gatherAxis } from './chain';

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const grown = (shape: readonly number[], axis: number, size: number) => shape.map((d, i) => (i === axis ? size : d));

/** The seed of a noise step: its own stream, apart from the variable's initializer stream. */
export const noiseSeed = (seed: number, name: string) => deriveSeed(seed, `${name}#net2wider-noise`);

export function net2widerBytes(v: Value, t: Extract<GrowTransform, { op: 'net2wider' }>, seed: number, name: string): Uint8Array {
  const bytes = gatherAxis(v.bytes, v.shape, t.axis, t.mapping, ELEMENT_SIZE[v.dtype]);
  if (!t.noise) return bytes;
  const shape = grown(v.shape, t.axis, t.mapping.length);
  const x = decodeNumbers(bytes, v.dtype);
  const inner = count(shape.slice(t.axis + 1));
  const len = shape[t.axis]!;
  const old = v.shape[t.axis]!;
  const rng = new Rng(noiseSeed(seed, name));
  // Flat order, new positions only: the script draws the same normals for the same entries (a boolean mask, C order).
  for (let i = 0; i < x.length; i++) {
    if (Math.floor(i / inner) % len >= old) x[i] = x[i]! + t.noise * rng.normal();
  }
  return encodeNumbers(x, v.dtype, { integers: 'round' });
}

export function divideReplicatedBytes(v: Value, t: Extract<GrowTransform, { op: 'divide-replicated' }>): Uint8Array {
  const x = decodeNumbers(gatherAxis(v.bytes, v.shape, t.axis, t.mapping, ELEMENT_SIZE[v.dtype]), v.dtype);
  const counts = replicationCounts(t.mapping);
  const inner = count(v.shape.slice(t.axis + 1));
  const len = t.mapping.length;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! / counts.get(t.mapping[Math.floor(i / inner) % len]!)!;
  return encodeNumbers(x, v.dtype, { integers: 'round' });
}

/** Identity [n, n], or a kernel [k.., c, c] one at the centre tap ((k − 1) // 2 on each axis, SAME padding's own tap). */
export function identityBytes(t: Extract<GrowTransform, { op: 'identity' }>): Uint8Array {
  const x = new Float64Array(elementCount(t.shape));
  const c = t.shape[t.shape.length - 1]!;
  let centre = 0;
  for (const k of t.shape.slice(0, -2)) centre = centre * k + Math.floor((k - 1) / 2);
  for (let i = 0; i < c; i++) x[(centre * c + i) * c + i] = 1;
  return encodeNumbers(x, t.dtype, { integers: 'round' });
}

export function constantBytes(t: Extract<GrowTransform, { op: 'constant' }>): Uint8Array {
  return encodeNumbers(new Float64Array(elementCount(t.shape)).fill(t.value), t.dtype, { integers: 'round' });
}
