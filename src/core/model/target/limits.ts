/**
 * Bounds on a new model's JSON, checked when it is parsed, before anything is built: nesting depth (every walk
 * over a config recurses, and the TF.js export serialises it again), and variable shapes (default values are
 * allocated from them).
 */
import { GraftError } from '../../errors';
import { ELEMENT_SIZE, type DType } from '../dtypes';

/** Real Keras configs nest under 20 levels (a model inside a model inside a model: 17); 256 leaves room for 60. */
export const MAX_JSON_DEPTH = 256;
/** One variable's values, as its default value is made in memory: 4 GiB (a 256k × 4096 float32 embedding). */
export const MAX_VARIABLE_BYTES = 2 ** 32;
export const MAX_VARIABLE_ELEMENTS = 2 ** 32;

/** Whether `value` nests deeper than `limit` arrays/objects; an explicit stack, so any depth is safe to measure. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  // Values and their depths on two stacks, arrays walked by index: a list of 50,000 variables costs no pair or
  // copied array per entry.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  const push = (child: unknown, d: number) => {
    if (typeof child === 'object' && child !== null) {
      values.push(child);
      depths.push(d);
    }
  };
  while (values.length) {
    const v = values.pop();
    const d = depths.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > limit) return true;
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) push(v[i], d + 1);
    // for-in with own keys: Object.values' values without an array of them per object.
    else for (const k in v) if (Object.hasOwn(v, k)) push((v as Record<string, unknown>)[k], d + 1);
  }
  return false;
}

export function checkJsonDepth(value: unknown, file: string, what = 'the model JSON'): void {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new GraftError('corrupt', file, `${what} nests deeper than ${MAX_JSON_DEPTH} levels of lists and objects; no Keras or TF.js model is that deep, so the file is damaged or not a model`);
  }
}

const shown = (shape: unknown) => {
  const s = Array.isArray(shape) && shape.length > 8 ? `a list of ${shape.length} entries` : JSON.stringify(shape) ?? String(shape);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

/** Why `shape` cannot be a variable's shape (negative, fractional, unsafe or too many values in all), or undefined. */
export function shapeProblem(shape: unknown, dtype: DType): string | undefined {
  if (!Array.isArray(shape) || shape.length > 64 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return `has shape ${shown(shape)}; expected a list of at most 64 non-negative whole numbers`;
  }
  let n = 1;
  for (const d of shape as number[]) n *= d;
  const bytes = n * Math.max(ELEMENT_SIZE[dtype], 1);
  if (n > MAX_VARIABLE_ELEMENTS || bytes > MAX_VARIABLE_BYTES) {
    return `has shape ${shown(shape)}, ${n.toExponential(2)} values of ${dtype}; Graft makes variables of at most ${MAX_VARIABLE_BYTES / 2 ** 30} GiB`;
  }
  return undefined;
}
