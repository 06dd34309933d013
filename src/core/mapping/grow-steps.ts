/**
 * The steps of function-preserving growth (Net2Net, Chen et al. 2015, arXiv:1511.05641) as transform data:
 * `net2wider` copies units into new positions (the producer's kernel, bias and batch-norm statistics),
 * `divide-replicated` copies them and divides each by how often its unit is copied (the consumer's incoming
 * weights), and `identity` / `constant` make a value from nothing (an inserted layer that computes identity).
 * A `mapping` lists, for every position of the grown axis, the old unit it copies: `mapping[j] = j` keeps unit j.
 */
import { isNumeric, type DType } from '../model/dtypes';

export type GrowTransform =
  /**
   * out[.., j, ..] = in[.., mapping[j], ..] along `axis`; with `noise`, entries at positions ≥ the input's length
   * get `noise` · N(0, 1) added (seeded by the recipe's seed and the variable's name), which breaks the symmetry of
   * copied units and keeps the function only approximately.
   */
  | { op: 'net2wider'; axis: number; mapping: number[]; noise?: number }
  /** out[.., j, ..] = in[.., mapping[j], ..] / (how many positions of `mapping` name mapping[j]). */
  | { op: 'divide-replicated'; axis: number; mapping: number[] }
  /** A new value: identity matrix [n, n], or a kernel [k.., c, c] that is one at the centre tap of each channel. */
  | { op: 'identity'; shape: number[]; dtype: DType }
  /** A new value of `shape`, every entry `value`. */
  | { op: 'constant'; shape: number[]; dtype: DType; value: number };

export type GrowOp = GrowTransform['op'];

export const GENERATOR_OPS: ReadonlySet<string> = new Set<GrowOp>(['identity', 'constant']);

interface Operand {
  shape: number[];
  dtype: DType;
}

type Check = { ok: true; out: Operand; note?: string } | { ok: false; reason: string };

const FLOATS = new Set<DType>(['float16', 'bfloat16', 'float32', 'float64']);
const shapeText = (shape: readonly number[]) => `[${shape.join(',')}]`;

/** How many positions of `mapping` name each unit. */
export function replicationCounts(mapping: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const m of mapping) counts.set(m, (counts.get(m) ?? 0) + 1);
  return counts;
}

function checkMapping(step: Extract<GrowTransform, { axis: number }>, { shape, dtype }: Operand): Check {
  if (step.axis >= shape.length) return { ok: false, reason: `${step.op} axis ${step.axis} is out of range for rank ${shape.length}` };
  const len = shape[step.axis]!;
  const outside = step.mapping.find((m) => m >= len);
  if (outside !== undefined) return { ok: false, reason: `${step.op} copies unit ${outside}, but axis ${step.axis} of ${shapeText(shape)} has ${len}` };
  const divides = step.op === 'divide-replicated' || (step.op === 'net2wider' && (step.noise ?? 0) > 0);
  if (divides && !FLOATS.has(dtype)) return { ok: false, reason: `${step.op} computes, so it needs floats, not ${dtype} (cast first)` };
  const out = { shape: shape.map((d, i) => (i === step.axis ? step.mapping.length : d)), dtype };
  if (step.op === 'net2wider' && (step.noise ?? 0) > 0) return { ok: true, out, note: `noise ${step.noise} on the new units keeps the function only approximately` };
  return { ok: true, out };
}

function checkGenerator(step: Extract<GrowTransform, { op: 'identity' | 'constant' }>): Check {
  if (step.op === 'constant') {
    if (!isNumeric(step.dtype) || step.dtype.startsWith('complex')) return { ok: false, reason: `constant makes real numbers, not ${step.dtype}` };
    return { ok: true, out: { shape: [...step.shape], dtype: step.dtype } };
  }
  if (!FLOATS.has(step.dtype)) return { ok: false, reason: `identity makes floats, not ${step.dtype}` };
  const s = step.shape;
  const square = s.length >= 2 && s[s.length - 1] === s[s.length - 2];
  if (!square) return { ok: false, reason: `identity needs [n, n] or a kernel [k.., c, c] with as many inputs as outputs, not ${shapeText(s)}` };
  return { ok: true, out: { shape: [...s], dtype: step.dtype } };
}

/** The output of a growth step for its inputs (none for identity/constant), or why it does not fit. */
export function checkGrowStep(step: GrowTransform, inputs: readonly Operand[]): Check {
  if (step.op === 'identity' || step.op === 'constant') {
    if (inputs.length > 0) return { ok: false, reason: `${step.op} makes a value from nothing, so it is the only first step of a link with no sources` };
    return checkGenerator(step);
  }
  if (inputs.length !== 1) return { ok: false, reason: `${step.op} takes one input, got ${inputs.length}` };
  return checkMapping(step, inputs[0]!);
}

export function describeGrowStep(t: GrowTransform): string {
  const copies = (m: readonly number[]) => m.length - new Set(m).size;
  switch (t.op) {
    case 'net2wider': return `net2wider axis ${t.axis} → ${t.mapping.length} (${copies(t.mapping)} copied)${t.noise ? ` noise ${t.noise}` : ''}`;
    case 'divide-replicated': return `divide-replicated axis ${t.axis} → ${t.mapping.length}`;
    case 'identity': return `identity ${shapeText(t.shape)}`;
    case 'constant': return `constant ${t.value} ${shapeText(t.shape)}`;
  }
}
