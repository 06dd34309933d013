/**
 * Keras initializers run in plain TypeScript, with Keras' semantics (keras/src/initializers): fans as
 * `compute_fans`, VarianceScaling's truncated normal corrected by .87962566103423978 so the kept values have the
 * intended standard deviation, truncation at two standard deviations, Orthogonal from the QR of a normal matrix
 * with the signs of R's diagonal. Graft's own seeded generator replaces TensorFlow's, so the values are
 * distributed as Keras would draw them but are not Keras' numbers.
 */
import type { DType } from '../dtypes';
import { elementCount } from '../dtypes';
import type { InitializerSpec } from '../target-model';
import { Rng } from './random';

type Config = Record<string, unknown>;

/** Canonical Keras class names, looked up by the lowercased name without `_` (Keras 1/2 strings, tfjs names). */
const CANONICAL: Record<string, string> = {
  zeros: 'Zeros', zero: 'Zeros',
  ones: 'Ones', one: 'Ones',
  constant: 'Constant',
  randomnormal: 'RandomNormal', normal: 'RandomNormal',
  randomuniform: 'RandomUniform', uniform: 'RandomUniform',
  truncatednormal: 'TruncatedNormal',
  variancescaling: 'VarianceScaling',
  glorotuniform: 'GlorotUniform', glorotnormal: 'GlorotNormal',
  henormal: 'HeNormal', heuniform: 'HeUniform',
  lecunnormal: 'LecunNormal', lecununiform: 'LecunUniform',
  orthogonal: 'Orthogonal', orthogonalinitializer: 'Orthogonal',
  identity: 'Identity', identityinitializer: 'Identity',
  unitforgetbias: 'UnitForgetBias',
};

/** The Keras class name for an initializer name as found in any Keras or TF.js JSON, or null if unknown. */
export function canonicalInitializer(name: string): string | null {
  const key = name.replace(/_/g, '').toLowerCase();
  return Object.hasOwn(CANONICAL, key) ? CANONICAL[key]! : null;
}

/**
 * The initializer as serialised in a Keras/TF.js config (`{class_name, config}`, Keras 3's `{module, class_name,
 * config, registered_name}`, or a Keras 1/2 string such as `glorot_uniform`), as an InitializerSpec.
 */
export function initializerFromConfig(value: unknown): InitializerSpec | null {
  if (typeof value === 'string') {
    return { kind: 'keras', className: canonicalInitializer(value) ?? value, config: {} };
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Config;
    const cls = o.class_name ?? o.className;
    if (typeof cls !== 'string') return null;
    const config = o.config && typeof o.config === 'object' && !Array.isArray(o.config) ? (o.config as Config) : {};
    return { kind: 'keras', className: canonicalInitializer(cls) ?? cls, config: { ...config } };
  }
  return null;
}

/** Why Graft cannot run this initializer for this shape, or null when it can. */
export function initializerProblem(spec: InitializerSpec, shape: readonly number[]): string | null {
  if (spec.kind !== 'keras') return null;
  const cls = canonicalInitializer(spec.className);
  if (!cls) return `initializer ${spec.className} is not one Graft can run`;
  if (cls === 'Identity' && shape.length !== 2) return `Identity needs a 2-D variable, not shape [${shape.join(',')}]`;
  if (cls === 'Constant' && Array.isArray(spec.config.value) && flatten(spec.config.value).length !== elementCount(shape)) {
    return `Constant's value has ${flatten(spec.config.value).length} elements but the variable has ${elementCount(shape)}`;
  }
  if (cls === 'UnitForgetBias') {
    const inner = initializerFromConfig(spec.config.bias_initializer);
    if (inner && inner.kind === 'keras' && canonicalInitializer(inner.className) === 'UnitForgetBias') return 'nested UnitForgetBias';
    if (inner) return initializerProblem(inner, shape);
  }
  return null;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function flatten(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flatten) : [Number(v)];
}

/** Keras `compute_fans`: the last two axes are (in, out); leading axes are the receptive field. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

interface Scaling {
  scale: number;
  mode: string;
  distribution: string;
}

export const NAMED_SCALINGS: Record<string, Scaling> = {
  GlorotUniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  GlorotNormal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  HeNormal: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
  HeUniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  LecunNormal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
  LecunUniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
};

function varianceScaling(s: Scaling, shape: readonly number[], rng: Rng, out: Float64Array): void {
  const { fanIn, fanOut } = computeFans(shape);
  const mode = s.mode.replace(/_/g, '').toLowerCase();
  const n = mode === 'fanout' ? fanOut : mode === 'fanavg' ? (fanIn + fanOut) / 2 : fanIn;
  const scale = s.scale / Math.max(1, n);
  const dist = s.distribution.replace(/_/g, '').toLowerCase();
  if (dist === 'uniform') {
    const limit = Math.sqrt(3 * scale);
    for (let i = 0; i < out.length; i++) out[i] = (rng.uniform() * 2 - 1) * limit;
  } else if (dist === 'untruncatednormal') {
    const std = Math.sqrt(scale);
    for (let i = 0; i < out.length; i++) out[i] = rng.normal() * std;
  } else {
    // 'truncated_normal', and 'normal' which Keras 2 and TF.js write for the same thing.
    const std = Math.sqrt(scale) / 0.87962566103423978;
    for (let i = 0; i < out.length; i++) out[i] = rng.truncatedNormal() * std;
  }
}

/** Keras Orthogonal: QR of a (max, min) normal matrix, Q's columns signed by diag(R), transposed when wide. */
function orthogonal(shape: readonly number[], gain: number, rng: Rng, out: Float64Array): void {
  if (shape.length < 2) {
    for (let i = 0; i < out.length; i++) out[i] = rng.normal() * gain;
    return;
  }
  const cols = shape[shape.length - 1]!;
  const rows = out.length / cols;
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  // Column j of the m×n matrix drawn row-major as Keras does, stored contiguously for the Gram–Schmidt passes.
  const q: Float64Array[] = Array.from({ length: n }, () => new Float64Array(m));
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[j]![i] = rng.normal();
  // Modified Gram–Schmidt gives the Q whose R has a positive diagonal: exactly Keras' `q * sign(diag(r))`.
  for (let j = 0; j < n; j++) {
    const v = q[j]!;
    for (let k = 0; k < j; k++) {
      const u = q[k]!;
      let dot = 0;
      for (let i = 0; i < m; i++) dot += u[i]! * v[i]!;
      for (let i = 0; i < m; i++) v[i]! -= dot * u[i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) v[i]! /= norm;
  }
  if (rows >= cols) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = q[j]![i]! * gain;
  } else {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = q[i]![j]! * gain;
  }
}

/** What a filler gets: the spec's config, the variable's shape and seed, and a generator seeded with it. */
interface Draw {
  c: Config;
  shape: readonly number[];
  seed: number;
  rng: Rng;
}

/** LSTM with unit_forget_bias: [bias_initializer(units), ones(units), bias_initializer(2 * units)]. */
function unitForgetBias({ c, seed }: Draw, out: Float64Array): void {
  const units = num(c.units, out.length / 4);
  const inner = initializerFromConfig(c.bias_initializer) ?? { kind: 'zeros' as const };
  const head = initializerValues(inner, [units], seed);
  const tail = initializerValues(inner, [units * 2], seed ^ 0x5bd1e995);
  out.set(head, 0);
  out.fill(1, units, units * 2);
  out.set(tail, units * 2);
}

/** One filler per canonical class name (the VarianceScaling presets come from NAMED_SCALINGS); `out` starts as zeros. */
const FILLERS: Record<string, (d: Draw, out: Float64Array) => void> = {
  Zeros: () => {},
  Ones: (_, out) => out.fill(1),
  Constant: ({ c }, out) => (Array.isArray(c.value) ? out.set(flatten(c.value)) : out.fill(num(c.value, 0))),
  RandomNormal: ({ c, rng }, out) => {
    const mean = num(c.mean, 0);
    const std = num(c.stddev, 0.05);
    for (let i = 0; i < out.length; i++) out[i] = mean + rng.normal() * std;
  },
  RandomUniform: ({ c, rng }, out) => {
    const lo = num(c.minval, -0.05);
    const hi = num(c.maxval, 0.05);
    for (let i = 0; i < out.length; i++) out[i] = lo + rng.uniform() * (hi - lo);
  },
  TruncatedNormal: ({ c, rng }, out) => {
    const mean = num(c.mean, 0);
    const std = num(c.stddev, 0.05);
    for (let i = 0; i < out.length; i++) out[i] = mean + rng.truncatedNormal() * std;
  },
  VarianceScaling: ({ c, shape, rng }, out) => {
    const mode = typeof c.mode === 'string' ? c.mode : 'fan_in';
    const distribution = typeof c.distribution === 'string' ? c.distribution : 'truncated_normal';
    varianceScaling({ scale: num(c.scale, 1), mode, distribution }, shape, rng, out);
  },
  Orthogonal: ({ c, shape, rng }, out) => orthogonal(shape, num(c.gain, 1), rng, out),
  Identity: ({ c, shape }, out) => {
    const [r, k] = shape as [number, number];
    const gain = num(c.gain, 1);
    for (let i = 0; i < Math.min(r, k); i++) out[i * k + i] = gain;
  },
  UnitForgetBias: unitForgetBias,
};

/**
 * The initializer's values for `shape` as float64 numbers, drawn from a generator seeded with `seed` (already
 * derived from the recipe's seed and the variable's name). Unknown initializers give zeros; the caller warns
 * about them when the model is built (see `initializerProblem`).
 */
export function initializerValues(spec: InitializerSpec, shape: readonly number[], seed: number): Float64Array {
  const out = new Float64Array(elementCount(shape));
  if (spec.kind !== 'keras' || initializerProblem(spec, shape)) return out;
  const cls = canonicalInitializer(spec.className)!;
  const draw: Draw = { c: spec.config, shape, seed, rng: new Rng(seed) };
  const fill = FILLERS[cls];
  if (fill) fill(draw, out);
  else if (NAMED_SCALINGS[cls]) varianceScaling(NAMED_SCALINGS[cls], shape, draw.rng, out);
  return out;
}

/** Whether the spec always gives the same value whatever the seed (zeros, ones, constants). */
export function isDeterministic(spec: InitializerSpec): boolean {
  if (spec.kind !== 'keras') return true;
  const cls = canonicalInitializer(spec.className);
  return cls === 'Zeros' || cls === 'Ones' || cls === 'Constant' || cls === 'Identity';
}

/** Integer and bool variables take only exact initializers; anything random gives zeros there. */
export function valuesFor(spec: InitializerSpec, dtype: DType, shape: readonly number[], seed: number): Float64Array {
  const floating = /^(float|bfloat|complex)/.test(dtype);
  if (!floating && !isDeterministic(spec)) return new Float64Array(elementCount(shape));
  return initializerValues(spec, shape, seed);
}
