/**
 * Variables grouped into layers and put in model order, so the two sides can be aligned like two strings.
 * Order: creation order where both sides know it (TF2 `layer_with_weights-N`, TF1 `Variable_N`, model JSON
 * order), else natural name order on both sides (numbered families stay in order inside the family).
 * A side with no scopes at all (TF1 `Variable_N`) is cut into pseudo-layers: a variable of rank ≥ 2 opens a
 * layer, the rank ≤ 1 variables after it (bias, norm scales) join it; the other side is then cut the same way
 * so both are comparable.
 */
import { naturalCompare, type VarView } from './names';

export interface Layer {
  /** Indices into the side's views, in weight order. */
  vars: number[];
  id: string;
  keys: string[];
  family?: string;
  /** Exact signature: shapes and dtypes in weight order. */
  sig: string;
  /** Coarse signature: number of variables, their ranks and dtypes (a shape change keeps it). */
  pattern: string;
  /**
   * The signature without the kernels' input axis: equal when only what feeds the layer changed (a layer
   * inserted before it), so the layer itself is the same one.
   */
  outSig?: string;
  /** 1-based position among layers with weights, for reasons. */
  ordinal: number;
}

function comparePosition(a: number[] | undefined, b: number[] | undefined): number {
  const x = a ?? [];
  const y = b ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

export function hasOrder(views: readonly VarView[]): boolean {
  return views.length > 0 && views.every((v) => v.position !== undefined);
}

/** `dense_10` as ['dense_', 10, '']: natural order by comparing these, each string split once. */
function naturalKey(s: string): (string | number)[] {
  return s.split(/(\d+)/).map((part, i) => (i % 2 ? Number(part) : part));
}

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return typeof x === 'number' ? x - (y as number) : x < y ? -1 : 1;
  }
  return a.length - b.length;
}

export function orderViews(views: readonly VarView[], byPosition: boolean): VarView[] {
  // Each view's sort keys computed once (not per comparison): tens of thousands of views sort in one pass.
  const keys = new Map<string, (string | number)[]>();
  const key = (s: string) => keys.get(s) ?? (keys.set(s, naturalKey(s)), keys.get(s)!);
  const rows = views.map((v, i) => ({ v, i, first: byPosition ? [] : key(v.layer), readable: key(v.readable) }));
  if (byPosition) rows.sort((a, b) => comparePosition(a.v.position, b.v.position) || a.v.slotOrder - b.v.slotOrder || compareKeys(a.readable, b.readable) || a.i - b.i);
  else rows.sort((a, b) => compareKeys(a.first, b.first) || a.v.slotOrder - b.v.slotOrder || compareKeys(a.readable, b.readable) || a.i - b.i);
  return rows.map((r) => r.v);
}

export function isFlat(views: readonly VarView[]): boolean {
  return views.length > 0 && views.every((v) => v.layer === '');
}

// PyTorch keeps kernels as [out, in, ...]; TF and Keras as [..., in, out].
const inputAxis = (v: VarView) => (v.shape.length < 2 ? -1 : !v.name.includes('/') && v.name.includes('.') ? 1 : v.shape.length - 2);

function finish(groups: VarView[][]): Layer[] {
  return groups.map((g, i) => {
    // A one-variable layer (tens of thousands in an LLM checkpoint) reuses its view's keys, which are unique already.
    const keys = g.length === 1 ? g[0]!.layerKeys : [...new Set(g.flatMap((v) => v.layerKeys))];
    const family = g.find((v) => v.family)?.family;
    return {
      vars: g.map((v) => v.index),
      id: g[0]!.layer || g[0]!.readable,
      keys: keys.length ? keys : [g[0]!.readable],
      ...(family ? { family } : {}),
      sig: g.map((v) => `${v.dtype}[${v.shape.join(',')}]`).join(' '),
      pattern: g.map((v) => `${v.dtype}:${v.shape.length}`).join(' '),
      outSig: g.map((v) => `${v.dtype}[${v.shape.filter((_, a) => a !== inputAxis(v)).join(',')}]`).join(' '),
      ordinal: i + 1,
    };
  });
}

/** Layers of already ordered views: by scope, or pseudo-layers when `pseudo`. */
export function buildLayers(ordered: readonly VarView[], pseudo: boolean): Layer[] {
  const groups: VarView[][] = [];
  if (pseudo) {
    for (const v of ordered) {
      if (v.shape.length >= 2 || groups.length === 0) groups.push([v]);
      else groups[groups.length - 1]!.push(v);
    }
    return finish(groups);
  }
  const byLayer = new Map<string, VarView[]>();
  for (const v of ordered) {
    const g = byLayer.get(v.layer);
    if (g) g.push(v);
    else {
      const fresh = [v];
      byLayer.set(v.layer, fresh);
      groups.push(fresh);
    }
  }
  for (const g of groups) g.sort((a, b) => a.slotOrder - b.slotOrder || naturalCompare(a.readable, b.readable));
  return finish(groups);
}
