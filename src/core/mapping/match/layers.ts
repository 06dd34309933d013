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

/**
 * `dense_10` as ['dense_', 10, '']: natural order by comparing these, each string split once. The parts of
 * `s.split(/(\d+)/)`, numbers as numbers, scanned by hand: a regex split per name was most of ordering 50,000 views.
 */
export function naturalKey(s: string): (string | number)[] {
  // Sized first (a run of digits makes two parts): an array pushed to would hold 17 slots, per layer.
  let runs = 0;
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i)) && (i === 0 || !isDigit(s.charCodeAt(i - 1)))) runs++;
  const out = new Array<string | number>(2 * runs + 1);
  let n = 0;
  let start = 0;
  for (let i = 0; i < s.length; ) {
    if (!isDigit(s.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    out[n++] = s.slice(start, i);
    out[n++] = Number(s.slice(i, j));
    start = i = j;
  }
  out[n] = s.slice(start);
  return out;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return typeof x === 'number' ? x - (y as number) : x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** comparePosition of `[...x, xAfter]` and `[...y, yAfter]`, without making either. */
function compareFollowed(x: readonly number[], xAfter: number, y: readonly number[], yAfter: number): number {
  const n = Math.min(x.length, y.length) + 1;
  for (let i = 0; i < n; i++) {
    const a = i < x.length ? x[i]! : xAfter;
    const b = i < y.length ? y[i]! : yAfter;
    if (a !== b) return a - b;
  }
  return x.length - y.length;
}

/**
 * Views in order: by position (creation or model order) or by layer name, then weight order, then readable name.
 * `borrowed`: each view's position in place of its own, `views[i]` at `[...borrowed.at[i], borrowed.after[i]]`.
 */
export function orderViews(views: readonly VarView[], byPosition: boolean, borrowed?: { at: readonly number[][]; after: readonly number[] }): VarView[] {
  // Each view's sort keys computed once (not per comparison): tens of thousands of views sort in one pass. Splitting
  // a name costs less than looking it up in a Map; a layer's views mostly come one after another. The readable
  // name's key only where layer and slot tie (rarely, in a checkpoint of one-variable layers). Indices are sorted,
  // with the keys in arrays beside them, rather than an object per view.
  let layer: string | undefined;
  let layerKey: (string | number)[] = [];
  const first = (s: string) => (s === layer ? layerKey : ((layer = s), (layerKey = naturalKey(s))));
  const n = views.length;
  const firsts = byPosition ? [] : views.map((v) => first(v.layer));
  const readables = new Array<(string | number)[] | undefined>(n).fill(undefined);
  const readable = (i: number) => (readables[i] ??= naturalKey(views[i]!.readable));
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const position = borrowed
    ? (a: number, b: number) => compareFollowed(borrowed.at[a]!, borrowed.after[a]!, borrowed.at[b]!, borrowed.after[b]!)
    : (a: number, b: number) => comparePosition(views[a]!.position, views[b]!.position);
  const tie = (a: number, b: number) => views[a]!.slotOrder - views[b]!.slotOrder || compareKeys(readable(a), readable(b)) || a - b;
  if (byPosition) order.sort((a, b) => position(a, b) || tie(a, b));
  else order.sort((a, b) => compareKeys(firsts[a]!, firsts[b]!) || tie(a, b));
  return order.map((i) => views[i]!);
}

export function isFlat(views: readonly VarView[]): boolean {
  return views.length > 0 && views.every((v) => v.layer === '');
}

// PyTorch keeps kernels as [out, in, ...]; TF and Keras as [..., in, out].
const inputAxis = (v: VarView) => (v.shape.length < 2 ? -1 : !v.name.includes('/') && v.name.includes('.') ? 1 : v.shape.length - 2);

/**
 * A layer whose signatures are spelt out only when asked: the structure stage never needs those of the anchored
 * layers (most of them).
 */
class ViewLayer implements Layer {
  readonly vars: number[];
  readonly id: string;
  readonly keys: string[];
  declare readonly family?: string;
  readonly ordinal: number;
  readonly group: readonly VarView[];
  private sigText?: string;
  private patternText?: string;
  private outSigText?: string;
  constructor(g: VarView[], i: number) {
    // A one-variable layer (tens of thousands in an LLM checkpoint) reuses its view's keys, which are unique already,
    // and needs no closure to find its family or its indices.
    const one = g.length === 1;
    const keys = one ? g[0]!.layerKeys : [...new Set(g.flatMap((v) => v.layerKeys))];
    const family = one ? g[0]!.family : g.find((v) => v.family)?.family;
    this.vars = one ? [g[0]!.index] : g.map((v) => v.index);
    this.id = g[0]!.layer || g[0]!.readable;
    this.keys = keys.length ? keys : [g[0]!.readable];
    if (family) this.family = family;
    this.ordinal = i + 1;
    this.group = g;
  }
  get sig(): string {
    return (this.sigText ??= this.group.map((v) => `${v.dtype}[${v.shape.join(',')}]`).join(' '));
  }
  get pattern(): string {
    return (this.patternText ??= this.group.map((v) => `${v.dtype}:${v.shape.length}`).join(' '));
  }
  get outSig(): string {
    return (this.outSigText ??= this.group.map((v) => `${v.dtype}[${v.shape.filter((_, a) => a !== inputAxis(v)).join(',')}]`).join(' '));
  }
}

function finish(groups: VarView[][]): Layer[] {
  return groups.map((g, i) => new ViewLayer(g, i));
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
  // Indexed: tens of thousands of views, mostly before the optimising compiler sees this (for-of allocates then).
  for (let i = 0; i < ordered.length; i++) {
    const v = ordered[i]!;
    const g = byLayer.get(v.layer);
    if (g) g.push(v);
    else {
      const fresh = [v];
      byLayer.set(v.layer, fresh);
      groups.push(fresh);
    }
  }
  for (let i = 0; i < groups.length; i++) if (groups[i]!.length > 1) groups[i]!.sort((a, b) => a.slotOrder - b.slotOrder || naturalCompare(a.readable, b.readable));
  return finish(groups);
}
