/**
 * Transform chains as data: each step is a plain object that survives JSON (it lives in the recipe), and
 * `chainShapes` checks every step against the shape and dtype it receives and gives each step's output, so
 * the plan can say what a chain produces before any byte is read.
 */
import { ELEMENT_SIZE, elementCount, isNumeric, type DType } from '../model/dtypes';
import { checkReorder, checkSum, describeLayoutStep, type LayoutTransform } from './layout-steps';
import { GENERATOR_OPS, checkGrowStep, describeGrowStep, type GrowOp, type GrowTransform } from './grow-steps';

export type PadFill = 'zeros' | 'initializer' | 'mean' | 'copy';
export type ResizeMethod = 'bilinear' | 'bicubic';

export type Transform =
  | { op: 'reshape'; shape: number[] }
  | { op: 'transpose'; perm: number[] }
  | { op: 'squeeze'; axis: number }
  | { op: 'expand'; axis: number }
  /** Keeps the values and adds `before`/`after` entries along `axis`, filled as `fill` says. */
  | { op: 'pad'; axis: number; before: number; after: number; fill: PadFill }
  | { op: 'slice'; axis: number; start: number; size: number }
  /** Interpolates to `shape` (full output shape); at most two axes may change. */
  | { op: 'resize'; method: ResizeMethod; shape: number[] }
  | { op: 'cast'; dtype: DType }
  /** Joins all sources along an existing axis; only as the first step of a link with several sources. */
  | { op: 'concat'; axis: number }
  /** Stacks all sources along a new axis; only as the first step of a link with several sources. */
  | { op: 'stack'; axis: number }
  /** Block reorder and sum, for layouts across ecosystems (layout-steps.ts). */
  | LayoutTransform
  /** Cuts `axis` into pieces of `sizes` and keeps piece `index` (one fused source into several targets). */
  | { op: 'split'; axis: number; sizes: number[]; index: number }
  /** Function-preserving growth (grow-steps.ts). */
  | GrowTransform;

export type TransformOp = Transform['op'];

export interface Operand {
  shape: number[];
  dtype: DType;
}

export interface StepOutput {
  op: TransformOp;
  shape: number[];
  dtype: DType;
  /** Something the person should know, e.g. a lossy cast. */
  note?: string;
}

export type ChainResult =
  | { ok: true; out: Operand; steps: StepOutput[]; notes: string[] }
  | { ok: false; reason: string; stepIndex: number; steps: StepOutput[] };

const FLOATS = new Set<DType>(['float16', 'bfloat16', 'float32', 'float64']);
// Significand bits (with the implicit one) and exponent bits: a cast is exact when both do not shrink.
const FLOAT_BITS: Partial<Record<DType, [number, number]>> = { float16: [11, 5], bfloat16: [8, 8], float32: [24, 8], float64: [53, 11] };
const INT_BITS: Partial<Record<DType, [number, boolean]>> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false], bool: [1, false],
};

export const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

/** Why a cast from `from` to `to` may change values, or undefined when every value survives it. */
export function lossyCastNote(from: DType, to: DType): string | undefined {
  if (from === to) return undefined;
  const ff = FLOAT_BITS[from];
  const ft = FLOAT_BITS[to];
  const inf = INT_BITS[from];
  const int = INT_BITS[to];
  if (ff && ft) {
    if (ft[0] >= ff[0] && ft[1] >= ff[1]) return undefined;
    return `${from} → ${to} rounds values${ft[1] < ff[1] ? ' and may overflow to ±inf' : ''}`;
  }
  if (ff && int) return `${from} → ${to} drops fractions and clamps or wraps out-of-range values`;
  if (inf && ft) {
    const bits = inf[1] ? inf[0] - 1 : inf[0];
    return bits <= ft[0] ? undefined : `${from} → ${to}: integers beyond 2^${ft[0]} lose precision`;
  }
  if (inf && int) {
    if (to === 'bool') return `${from} → bool keeps only zero / non-zero`;
    const [fb, fs] = inf;
    const [tb, ts] = int;
    if (fs === ts && tb >= fb) return undefined;
    if (!fs && ts && tb > fb) return undefined;
    return `${from} → ${to} may overflow${fs && !ts ? ' and wraps negative values' : ''}`;
  }
  return `${from} → ${to} may change values`;
}

function isCastable(d: DType): boolean {
  return FLOATS.has(d) || INT_BITS[d] !== undefined;
}

type StepCheck = { ok: true; out: Operand; note?: string } | { ok: false; reason: string };

function bad(reason: string): StepCheck {
  return { ok: false, reason };
}

function checkAxis(a: number, rank: number, what: string): string | undefined {
  return a < rank ? undefined : `${what} axis ${a} is out of range for rank ${rank}`;
}

type Checker<O extends Exclude<TransformOp, GrowOp>> = (step: Extract<Transform, { op: O }>, x: Operand, inputs: readonly Operand[]) => StepCheck;

function same(shape: number[], dtype: DType, note?: string): StepCheck {
  return { ok: true, out: { shape, dtype }, ...(note ? { note } : {}) };
}

/** `shape` with axis `a` set to `size`. */
function withAxis(shape: readonly number[], a: number, size: number): number[] {
  const out = [...shape];
  out[a] = size;
  return out;
}

function checkJoin(step: Extract<Transform, { op: 'concat' | 'stack' }>, { shape, dtype }: Operand, inputs: readonly Operand[]): StepCheck {
  const rank = shape.length;
  const limit = step.op === 'concat' ? rank : rank + 1;
  if (step.axis >= limit) return bad(`${step.op} axis ${step.axis} is out of range for rank ${rank}`);
  for (const x of inputs) {
    if (x.dtype !== dtype) return bad(`${step.op} needs one dtype, got ${dtype} and ${x.dtype}`);
    const fits = x.shape.length === rank && x.shape.every((d, i) => d === shape[i] || (step.op === 'concat' && i === step.axis));
    if (!fits) return bad(`${step.op} along axis ${step.axis} cannot join ${fmt(shape)} and ${fmt(x.shape)}`);
  }
  if (step.op === 'stack') return same([...shape.slice(0, step.axis), inputs.length, ...shape.slice(step.axis)], dtype);
  return same(withAxis(shape, step.axis, inputs.reduce((n, x) => n + x.shape[step.axis]!, 0)), dtype);
}

function checkResize(step: Extract<Transform, { op: 'resize' }>, { shape, dtype }: Operand): StepCheck {
  if (!FLOATS.has(dtype)) return bad(`resize interpolates, so it needs floats, not ${dtype} (cast first)`);
  if (step.shape.length !== shape.length) return bad(`resize to ${fmt(step.shape)} must keep the rank of ${fmt(shape)}`);
  const changed = step.shape.filter((d, i) => d !== shape[i]).length;
  if (changed > 2) return bad(`resize changes ${changed} axes of ${fmt(shape)}; at most two (a 2-D grid) can be interpolated`);
  if (step.shape.some((d, i) => d !== shape[i] && (d === 0 || shape[i] === 0))) return bad('resize cannot interpolate from or to an empty axis');
  return same([...step.shape], dtype);
}

/** One checker per op: the step's output for input `x` (and all `inputs`, for concat/stack), or why it does not fit. */
const CHECKERS: { [O in Exclude<TransformOp, GrowOp>]: Checker<O> } = {
  reshape: (step, { shape, dtype }) => {
    if (elementCount(step.shape) === elementCount(shape)) return same([...step.shape], dtype);
    return bad(`reshape ${fmt(shape)} → ${fmt(step.shape)} changes the number of values (${elementCount(shape)} → ${elementCount(step.shape)})`);
  },
  transpose: (step, { shape, dtype }) => {
    const sorted = [...step.perm].sort((a, b) => a - b);
    if (step.perm.length !== shape.length || sorted.some((v, i) => v !== i)) {
      return bad(`transpose perm [${step.perm.join(',')}] is not a permutation of the ${shape.length} axes of ${fmt(shape)}`);
    }
    return same(step.perm.map((p) => shape[p]!), dtype);
  },
  squeeze: (step, { shape, dtype }) => {
    const err = checkAxis(step.axis, shape.length, 'squeeze');
    if (err) return bad(err);
    if (shape[step.axis] !== 1) return bad(`squeeze axis ${step.axis} of ${fmt(shape)} has size ${shape[step.axis]}, not 1`);
    return same(shape.filter((_, i) => i !== step.axis), dtype);
  },
  expand: (step, { shape, dtype }) => {
    if (step.axis > shape.length) return bad(`expand axis ${step.axis} is out of range for rank ${shape.length}`);
    return same([...shape.slice(0, step.axis), 1, ...shape.slice(step.axis)], dtype);
  },
  pad: (step, { shape, dtype }) => {
    const err = checkAxis(step.axis, shape.length, 'pad');
    if (err) return bad(err);
    if (step.fill === 'mean' && (!isNumeric(dtype) || dtype === 'bool')) return bad(`a mean fill needs numbers, not ${dtype}`);
    if (step.fill === 'copy' && shape[step.axis] === 0 && step.before + step.after > 0) return bad('a copy fill needs at least one existing entry');
    return same(withAxis(shape, step.axis, shape[step.axis]! + step.before + step.after), dtype);
  },
  slice: (step, { shape, dtype }) => {
    const err = checkAxis(step.axis, shape.length, 'slice');
    if (err) return bad(err);
    if (step.start + step.size > shape[step.axis]!) {
      return bad(`slice ${step.start}..${step.start + step.size} runs past axis ${step.axis} of ${fmt(shape)}`);
    }
    return same(withAxis(shape, step.axis, step.size), dtype);
  },
  resize: checkResize,
  cast: (step, { shape, dtype }) => {
    if (!isCastable(dtype) || !isCastable(step.dtype)) return bad(`cannot cast ${dtype} to ${step.dtype}`);
    return same([...shape], step.dtype, lossyCastNote(dtype, step.dtype));
  },
  concat: checkJoin,
  stack: checkJoin,
  split: (step, { shape, dtype }) => {
    const err = checkAxis(step.axis, shape.length, 'split');
    if (err) return bad(err);
    const total = step.sizes.reduce((a, b) => a + b, 0);
    if (total !== shape[step.axis]) return bad(`split sizes [${step.sizes.join(',')}] add up to ${total}, not axis ${step.axis} of ${fmt(shape)}`);
    if (step.index >= step.sizes.length) return bad(`split keeps piece ${step.index} of ${step.sizes.length}`);
    return same(withAxis(shape, step.axis, step.sizes[step.index]!), dtype);
  },
  reorder: checkReorder,
  sum: checkSum,
};

const GROW_OPS: ReadonlySet<string> = new Set<GrowOp>(['net2wider', 'divide-replicated', 'identity', 'constant']);
const isGrowStep = (t: Transform): t is GrowTransform => GROW_OPS.has(t.op);

/** The output of one step given its inputs (several only for concat/stack), or why the step does not fit. */
export function applyStep(step: Transform, inputs: readonly Operand[]): StepCheck {
  if (isGrowStep(step)) return checkGrowStep(step, inputs);
  const multi = step.op === 'concat' || step.op === 'stack' || step.op === 'sum';
  if (!multi && inputs.length !== 1) return bad(`${step.op} takes one input, got ${inputs.length} (join several sources with concat or stack first)`);
  if (inputs.length === 0) return bad(`${step.op} needs at least one input`);
  const first = inputs[0]!;
  if (ELEMENT_SIZE[first.dtype] === 0) return bad(`${first.dtype} tensors can only be copied as they are`);
  const check = CHECKERS[step.op] as Checker<Exclude<TransformOp, GrowOp>>;
  return check(step, first, inputs);
}

/** Runs the chain over the sources' shapes and dtypes: every step's output, or the first step that does not fit. */
export function chainShapes(chain: readonly Transform[], inputs: readonly Operand[]): ChainResult {
  const steps: StepOutput[] = [];
  const notes: string[] = [];
  if (inputs.length === 0 && !GENERATOR_OPS.has(chain[0]?.op ?? '')) return { ok: false, reason: 'no source', stepIndex: -1, steps };
  let current: Operand[] = inputs.map((x) => ({ shape: [...x.shape], dtype: x.dtype }));
  for (let i = 0; i < chain.length; i++) {
    const step = chain[i]!;
    if ((step.op === 'concat' || step.op === 'stack' || step.op === 'sum') && i > 0) return { ok: false, reason: `${step.op} must be the first step`, stepIndex: i, steps };
    const r = applyStep(step, current);
    if (!r.ok) return { ok: false, reason: r.reason, stepIndex: i, steps };
    steps.push({ op: step.op, shape: r.out.shape, dtype: r.out.dtype, ...(r.note ? { note: r.note } : {}) });
    if (r.note) notes.push(r.note);
    current = [r.out];
  }
  if (current.length !== 1) {
    return { ok: false, reason: `${current.length} sources need a concat or stack step to become one tensor`, stepIndex: chain.length, steps };
  }
  return { ok: true, out: current[0]!, steps, notes };
}

/** A one-line description of a step, for the CLI and reasons. */
export function describeTransform(t: Transform): string {
  switch (t.op) {
    case 'reshape': return `reshape ${fmt(t.shape)}`;
    case 'transpose': return `transpose [${t.perm.join(',')}]`;
    case 'squeeze': return `squeeze axis ${t.axis}`;
    case 'expand': return `expand axis ${t.axis}`;
    case 'pad': return `pad axis ${t.axis} +${t.before}/+${t.after} (${t.fill})`;
    case 'slice': return `slice axis ${t.axis} ${t.start}..${t.start + t.size}`;
    case 'resize': return `resize ${t.method} ${fmt(t.shape)}`;
    case 'cast': return `cast ${t.dtype}`;
    case 'concat': return `concat axis ${t.axis}`;
    case 'stack': return `stack axis ${t.axis}`;
    case 'split': return `split axis ${t.axis} [${t.sizes.join(',')}] #${t.index}`;
    case 'reorder':
    case 'sum': return describeLayoutStep(t);
    default: return describeGrowStep(t);
  }
}
