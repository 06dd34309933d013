/**
 * How much of a transformed value is the old one: the share of the new tensor a chain invents (pad fill) and
 * the share of the old tensor it drops (slice). A conv kernel zero-padded around its centre invents nothing: with
 * 'same' padding the layer computes what it did. Permutations, reshapes and casts keep everything.
 */
import { elementCount } from '../../model/dtypes';
import type { Transform } from '../transforms';

export interface Coverage {
  /** Share of the new tensor's values that do not come from the old one (0..1). */
  invented: number;
  /** Share of the old tensor's values left out (0..1). */
  dropped: number;
}

export function coverage(source: readonly number[], transforms: readonly Transform[]): Coverage {
  let shape = [...source];
  // Per axis: entries that carry old values (`real`), and those that count as carried (`kept`: real ones plus a
  // centred conv pad's zeros).
  let real = [...source];
  let kept = [...source];
  for (const t of transforms) {
    if (t.op === 'pad') {
      const centred = t.fill === 'zeros' && t.before > 0 && t.before === t.after;
      shape[t.axis] = shape[t.axis]! + t.before + t.after;
      if (centred) kept[t.axis] = shape[t.axis]!;
    } else if (t.op === 'slice') {
      real[t.axis] = Math.min(real[t.axis]!, t.size);
      kept[t.axis] = Math.min(kept[t.axis]!, t.size);
      shape[t.axis] = t.size;
    } else if (t.op === 'transpose') {
      const permute = (a: number[]) => t.perm.map((p) => a[p]!);
      shape = permute(shape);
      real = permute(real);
      kept = permute(kept);
    } else if (t.op === 'squeeze') {
      for (const a of [shape, real, kept]) a.splice(t.axis, 1);
    } else if (t.op === 'expand') {
      for (const a of [shape, real, kept]) a.splice(t.axis, 0, 1);
    } else if (t.op === 'resize') {
      shape = [...t.shape];
      kept = [...t.shape];
    } else if (t.op === 'reshape') {
      return { invented: 0, dropped: 0 };
    }
  }
  const product = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);
  const total = elementCount(source);
  const out = product(shape);
  return { invented: out ? Math.max(0, 1 - product(kept) / out) : 0, dropped: total ? Math.max(0, 1 - product(real) / total) : 0 };
}

/** Why a chain should not be applied without the person: it makes up or throws away most of the tensor. */
export function lossNote(c: Coverage): string | null {
  if (c.invented > 0.5) return `${Math.round(c.invented * 100)}% of the new tensor would be filled, not carried`;
  if (c.dropped > 0.5) return `${Math.round(c.dropped * 100)}% of the old tensor would be dropped`;
  return null;
}
