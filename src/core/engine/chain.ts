/**
 * Runs one plan entry's transform chain on bytes. Data movement (reshape, transpose, squeeze, expand, slice,
 * pad with zeros / copy / initializer values, concat, stack, split) is bit-exact byte work for any dtype;
 * casts are exact plain TypeScript (numbers.ts); resize and mean fills go through ArithmeticOps (TF.js).
 */
import { GraftError } from '../errors';
import type { PlanEntry, Transform } from '../mapping';
import { ELEMENT_SIZE, elementCount, type DType } from '../model/dtypes';
import type { TargetModel } from '../model/target-model';
import { deriveSeed } from '../model/target/random';
import { valuesFor } from '../model/target/initializers';
import { castBytes, encodeNumbers } from '../model/numbers';
import { meanAlongBytes, resizeBytes, type ArithmeticOps } from './arithmetic';
import { concatBytes, padBytes, sliceBytes, transposeBytes } from './byte-ops';
import { reorderBytes, sumBytes } from './layout';
import { constantBytes, divideReplicatedBytes, identityBytes, net2widerBytes } from './grow';

export interface Value {
  bytes: Uint8Array;
  shape: number[];
  dtype: DType;
}

export interface ChainContext {
  entry: PlanEntry;
  target: TargetModel;
  seed: number;
  ops: () => Promise<ArithmeticOps>;
  /** Throws when the run was cancelled; called between steps and inside long ones. */
  check: () => void;
  /** Memory for a step's result (any contents) where the caller recycles buffers; undefined: fresh memory. */
  alloc?: (byteLength: number) => Uint8Array | undefined;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** out[.., p, ..] = src[.., index[p], ..] along `axis`: bytes only. */
export function gatherAxis(src: Uint8Array, shape: readonly number[], axis: number, index: readonly number[], elem: number): Uint8Array {
  const outer = count(shape.slice(0, axis));
  const len = shape[axis]!;
  const inner = count(shape.slice(axis + 1)) * elem;
  const out = new Uint8Array(outer * index.length * inner);
  for (let o = 0; o < outer; o++) {
    for (let p = 0; p < index.length; p++) {
      const from = (o * len + index[p]!) * inner;
      out.set(src.subarray(from, from + inner), (o * index.length + p) * inner);
    }
  }
  return out;
}

const INVERTIBLE = new Set<Transform['op']>(['reshape', 'transpose', 'squeeze', 'expand']);

/**
 * The whole-tensor fill for an `initializer` pad at `stepIndex`: the new variable's own default value brought
 * back through the data movement that follows the pad, so the padded entries hold exactly the values they would
 * have had if the variable had been initialised; where that is not possible, the initializer drawn for the pad's
 * own shape.
 */
async function initializerFill(ctx: ChainContext, stepIndex: number, shape: number[], dtype: DType): Promise<Uint8Array> {
  const { entry, target, seed } = ctx;
  const rest = entry.transforms.slice(stepIndex + 1);
  if (dtype === entry.dtype && rest.every((t) => INVERTIBLE.has(t.op))) {
    let bytes = await target.defaultValue(entry.to, seed);
    // Walk back: the input of step i is the output of step i - 1 (or the pad's output for the first one after it).
    for (let i = entry.transforms.length - 1; i > stepIndex; i--) {
      const t = entry.transforms[i]!;
      if (t.op !== 'transpose') continue;
      const inverse = new Array<number>(t.perm.length);
      t.perm.forEach((p, k) => (inverse[p] = k));
      bytes = transposeBytes(bytes, entry.steps[i]!.shape, inverse, ELEMENT_SIZE[dtype]);
    }
    return bytes;
  }
  const v = target.variables.find((x) => x.name === entry.to);
  if (!v || v.initializer.kind === 'template') {
    throw new GraftError('unsupported', target.label, `${entry.to}: the pad at step ${stepIndex + 1} fills from the template's value, but the steps after it change its shape; use zeros, mean or copy there`);
  }
  return encodeNumbers(valuesFor(v.initializer, dtype, shape, deriveSeed(seed, entry.to)), dtype, { integers: 'round' });
}

async function pad(v: Value, t: Extract<Transform, { op: 'pad' }>, ctx: ChainContext, stepIndex: number, outShape: number[]): Promise<Uint8Array> {
  const elem = ELEMENT_SIZE[v.dtype];
  const len = v.shape[t.axis]!;
  switch (t.fill) {
    case 'zeros':
      return padBytes(v.bytes, v.shape, t.axis, t.before, t.after, elem, new Uint8Array(elem), ctx.alloc?.(elementCount(outShape) * elem));
    case 'initializer':
      return padBytes(v.bytes, v.shape, t.axis, t.before, t.after, elem, await initializerFill(ctx, stepIndex, outShape, v.dtype), ctx.alloc?.(elementCount(outShape) * elem));
    case 'copy': {
      // NumPy's pad(mode='wrap'): entry p of the result is entry (p − before) mod len of the input.
      const index = Array.from({ length: len + t.before + t.after }, (_, p) => (((p - t.before) % len) + len) % len);
      return gatherAxis(v.bytes, v.shape, t.axis, index, elem);
    }
    case 'mean': {
      // NumPy's pad(mode='mean'): every new entry is the mean of all existing entries along the axis.
      const mean = await meanAlongBytes(v.bytes, v.shape, v.dtype, t.axis, await ctx.ops());
      const withMean = concatBytes([{ bytes: v.bytes, shape: v.shape }, { bytes: mean, shape: v.shape.map((d, i) => (i === t.axis ? 1 : d)) }], t.axis, elem);
      const grown = v.shape.map((d, i) => (i === t.axis ? d + 1 : d));
      const index = Array.from({ length: len + t.before + t.after }, (_, p) => (p < t.before || p >= t.before + len ? len : p - t.before));
      return gatherAxis(withMean, grown, t.axis, index, elem);
    }
  }
}

/** The entry's value from its sources' values, step by step as the plan's `steps` say. */
export async function runChain(sources: Value[], ctx: ChainContext): Promise<Value> {
  const { entry } = ctx;
  let inputs = sources;
  for (let i = 0; i < entry.transforms.length; i++) {
    ctx.check();
    const t = entry.transforms[i]!;
    const step = entry.steps[i]!;
    if (t.op === 'identity' || t.op === 'constant') {
      inputs = [{ bytes: t.op === 'identity' ? identityBytes(t) : constantBytes(t), shape: step.shape, dtype: step.dtype }];
      continue;
    }
    const v = inputs[0]!;
    const elem = ELEMENT_SIZE[v.dtype];
    let bytes: Uint8Array;
    switch (t.op) {
      case 'reshape':
      case 'squeeze':
      case 'expand':
        bytes = v.bytes;
        break;
      case 'transpose':
        bytes = transposeBytes(v.bytes, v.shape, t.perm, elem, ctx.alloc?.(v.bytes.byteLength));
        break;
      case 'slice':
        bytes = sliceBytes(v.bytes, v.shape, t.axis, t.start, t.size, elem);
        break;
      case 'split': {
        const start = t.sizes.slice(0, t.index).reduce((a, b) => a + b, 0);
        bytes = sliceBytes(v.bytes, v.shape, t.axis, start, t.sizes[t.index]!, elem);
        break;
      }
      case 'pad':
        bytes = await pad(v, t, ctx, i, step.shape);
        break;
      case 'concat':
        bytes = concatBytes(inputs, t.axis, elem);
        break;
      case 'reorder':
        bytes = reorderBytes(v, t.axis, t.order);
        break;
      case 'sum':
        bytes = sumBytes(inputs);
        break;
      case 'stack':
        bytes = concatBytes(inputs.map((x) => ({ bytes: x.bytes, shape: [...x.shape.slice(0, t.axis), 1, ...x.shape.slice(t.axis)] })), t.axis, elem);
        break;
      case 'cast':
        bytes = castBytes(v.bytes, v.dtype, t.dtype);
        break;
      case 'resize':
        bytes = await resizeBytes(v.bytes, v.shape, v.dtype, t.method, t.shape, await ctx.ops(), ctx.check);
        break;
      case 'net2wider':
        bytes = net2widerBytes(v, t, ctx.seed, entry.to);
        break;
      case 'divide-replicated':
        bytes = divideReplicatedBytes(v, t);
        break;
    }
    const expected = elementCount(step.shape) * ELEMENT_SIZE[step.dtype];
    if (bytes.byteLength !== expected) {
      throw new GraftError('corrupt', '', `${entry.to}: step ${i + 1} (${t.op}) gave ${bytes.byteLength} bytes but [${step.shape.join(', ')}] ${step.dtype} needs ${expected}`);
    }
    inputs = [{ bytes, shape: step.shape, dtype: step.dtype }];
  }
  if (inputs.length !== 1) throw new GraftError('corrupt', '', `${entry.to}: ${inputs.length} sources and no concat or stack to join them`);
  return inputs[0]!;
}
