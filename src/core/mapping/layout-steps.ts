/**
 * The steps that convert layouts between ecosystems beyond data movement (match/layouts.ts proposes them):
 * `reorder` permutes equal blocks along an axis (a recurrent layer's packed gates: Keras' GRU z,r,h is torch's
 * r,z,n), `sum` adds its sources element-wise (torch's bias_ih + bias_hh is Keras' one LSTM bias).
 */
import type { DType } from '../model/dtypes';

export type LayoutTransform =
  /** Cuts `axis` into `order.length` equal blocks; block k of the result is block order[k] of the input. */
  | { op: 'reorder'; axis: number; order: number[] }
  /** Adds all sources element-wise; only as the first step of a link with several sources. */
  | { op: 'sum' };

interface Operand {
  shape: number[];
  dtype: DType;
}

type Check = { ok: true; out: Operand } | { ok: false; reason: string };

const FLOATS = new Set<DType>(['float16', 'bfloat16', 'float32', 'float64']);
const shapeText = (shape: readonly number[]) => `[${shape.join(',')}]`;

export function checkReorder(step: Extract<LayoutTransform, { op: 'reorder' }>, { shape, dtype }: Operand): Check {
  if (step.axis >= shape.length) return { ok: false, reason: `reorder axis ${step.axis} is out of range for rank ${shape.length}` };
  const blocks = step.order.length;
  const sorted = [...step.order].sort((a, b) => a - b);
  if (sorted.some((v, i) => v !== i)) return { ok: false, reason: `reorder [${step.order.join(',')}] is not a permutation of ${blocks} blocks` };
  if (shape[step.axis]! % blocks !== 0) return { ok: false, reason: `axis ${step.axis} of ${shapeText(shape)} does not cut into ${blocks} equal blocks` };
  return { ok: true, out: { shape: [...shape], dtype } };
}

export function checkSum(_step: unknown, { shape, dtype }: Operand, inputs: readonly Operand[]): Check {
  if (!FLOATS.has(dtype)) return { ok: false, reason: `sum adds, so it needs floats, not ${dtype} (cast first)` };
  for (const x of inputs) {
    if (x.dtype !== dtype) return { ok: false, reason: `sum needs one dtype, got ${dtype} and ${x.dtype}` };
    if (x.shape.length !== shape.length || x.shape.some((d, i) => d !== shape[i])) return { ok: false, reason: `sum cannot add ${shapeText(shape)} and ${shapeText(x.shape)}` };
  }
  return { ok: true, out: { shape: [...shape], dtype } };
}

/** For every position along the reordered axis, the input position it takes. */
export function reorderIndex(length: number, order: readonly number[]): number[] {
  const block = length / order.length;
  return order.flatMap((b) => Array.from({ length: block }, (_, i) => b * block + i));
}

export function describeLayoutStep(t: LayoutTransform): string {
  return t.op === 'reorder' ? `reorder axis ${t.axis} blocks [${t.order.join(',')}]` : 'sum';
}
