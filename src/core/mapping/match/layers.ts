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

const isDigit = (c: number) => c >= 48 && c <= 57;

/** The digits s[from, to) as Number() reads them (exact up to 15 digits when summed here, Number() beyond). */
function digitsValue(s: string, from: number, to: number): number {
  if (to - from > 15) return Number(s.slice(from, to));
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

/**
 * Natural order (`dense_2` before `dense_10`): text parts by UTF-16 code unit, runs of digits by their value, a name
 * whose parts run out first before the other. Walked in place: keys split per view (an array and a string per part)
 * were 20 MiB that lived through sorting 50,000 views.
 */
export function compareNatural(a: string, b: string): number {
  if (a === b) return 0;
  for (let i = 0, j = 0; ; ) {
    let ie = i;
    while (ie < a.length && !isDigit(a.charCodeAt(ie))) ie++;
    let je = j;
    while (je < b.length && !isDigit(b.charCodeAt(je))) je++;
    const n = Math.min(ie - i, je - j);
    for (let k = 0; k < n; k++) {
      const d = a.charCodeAt(i + k) - b.charCodeAt(j + k);
      if (d !== 0) return d;
    }
    if (ie - i !== je - j) return ie - i - (je - j);
    const aEnd = ie === a.length;
    const bEnd = je === b.length;
    if (aEnd || bEnd) return (aEnd ? 0 : 1) - (bEnd ? 0 : 1);
    let ae = ie + 1;
    while (ae < a.length && isDigit(a.charCodeAt(ae))) ae++;
    let be = je + 1;
    while (be < b.length && isDigit(b.charCodeAt(be))) be++;
    const x = digitsValue(a, ie, ae);
    const y = digitsValue(b, je, be);
    if (x !== y) return x - y;
    i = ae;
    j = be;
  }
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
  // Indices are sorted rather than an object per view; names are compared in place (compareNatural).
  const n = views.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const position = borrowed
    ? (a: number, b: number) => compareFollowed(borrowed.at[a]!, borrowed.after[a]!, borrowed.at[b]!, borrowed.after[b]!)
    : (a: number, b: number) => comparePosition(views[a]!.position, views[b]!.position);
  const tie = (a: number, b: number) => views[a]!.slotOrder - views[b]!.slotOrder || compareNatural(views[a]!.readable, views[b]!.readable) || a - b;
  if (byPosition) order.sort((a, b) => position(a, b) || tie(a, b));
  else order.sort((a, b) => compareNatural(views[a]!.layer, views[b]!.layer) || tie(a, b));
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
