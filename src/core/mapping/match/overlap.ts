/**
 * How much two models share, from what the matcher found: the new model's values that name pairs can carry,
 * the new variables with an old one of the same name and shape, and the new variables the layer alignment pairs
 * with an old one of the same shape. Two models that share little get no link the names do not stand behind.
 */
import type { VarView } from './names';

export interface Overlap {
  related: boolean;
  /** Share of the new model's weight values that name pairs carry (0..1). */
  byName: number;
  /** New weights with an old weight of the same name and shape. */
  sameNameAndShape: number;
  /** New weights the layer alignment pairs with an old weight of the same shape. */
  byStructure: number;
  newWeights: number;
  sentence: string;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Old values a pair can carry into the new variable: per axis the smaller size, all of them for a reshape. */
function carried(o: VarView, n: VarView): number {
  if (o.shape.length === n.shape.length) return o.shape.reduce((k, d, i) => k * Math.min(d, n.shape[i]!), 1);
  return count(o.shape) === count(n.shape) ? count(n.shape) : 0;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * `namePairs`: what names (and rules) paired. `structural`: what order and shape alone paired with an unchanged
 * shape. Related: names carry a fifth of the new values, or most of the new values (or variables) have an old one
 * of the same shape by name or by order.
 */
export function measureOverlap(newW: readonly VarView[], namePairs: readonly { o: VarView; n: VarView }[], structural: readonly VarView[]): Overlap {
  const total = newW.reduce((s, v) => s + count(v.shape), 0);
  const kept = namePairs.reduce((s, p) => s + carried(p.o, p.n), 0);
  const sameNamed = namePairs.filter((p) => p.o.shape.length === p.n.shape.length && p.o.shape.every((d, i) => d === p.n.shape[i])).map((p) => p.n);
  const same = sameNamed.length;
  const byName = total ? kept / total : 0;
  const sameValues = [...sameNamed, ...structural].reduce((s, v) => s + count(v.shape), 0);
  const n = newW.length;
  const related = n === 0 || byName >= 0.2 || same >= 0.3 * n || same + structural.length >= 0.5 * n || sameValues >= 0.5 * total;
  const sentence = related
    ? `${same} of ${n} new weights have an old one of the same name and shape; names can carry ${pct(byName)} of the new values`
    : `the two models share little: ${same} of ${n} new weights have an old one of the same name and shape, names could carry ${pct(byName)} of the new values and ` +
      `${structural.length} of ${n} line up by layer order and shape — no shape-changing or order-only link is made by default`;
  return { related, byName, sameNameAndShape: same, byStructure: structural.length, newWeights: n, sentence };
}
