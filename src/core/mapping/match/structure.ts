/**
 * The structure stage: both sides cut into layers and put in model order; the layers that name pairs already
 * link are anchors; only the stretches between anchors are aligned (alignLayers), so the structure places what
 * the names could not and never moves what they paired. Aligning the gaps instead of whole models also keeps
 * 5,000 × 5,000 variables fast: the gaps are small wherever names agree.
 */
import { alignLayers, type AlignedPair } from './align';
import { buildLayers, hasOrder, isFlat, orderViews, type Layer } from './layers';
import type { VarView } from './names';

export interface Structure {
  oldLayers: Layer[];
  newLayers: Layer[];
  /** Variable index → [layer, position in layer]. */
  oldLayerOf: LayerOf;
  newLayerOf: LayerOf;
  /** Aligned layer pairs: the anchors (forced) and what the gaps between them aligned. */
  aligned: AlignedPair[];
  /** Old layer → the new layer its anchor or alignment pairs it with. */
  pairedOld: { get(layer: number): AlignedPair | undefined };
}

/** Which layer each variable (by index) sits in, and where in it: typed arrays, not a tuple per variable. */
export class LayerOf {
  private readonly layer: Int32Array;
  private readonly pos: Int32Array;
  constructor(layers: readonly Layer[]) {
    let size = 0;
    for (let i = 0; i < layers.length; i++) {
      const vars = layers[i]!.vars;
      for (let k = 0; k < vars.length; k++) size = Math.max(size, vars[k]! + 1);
    }
    this.layer = new Int32Array(size).fill(-1);
    this.pos = new Int32Array(size);
    for (let i = 0; i < layers.length; i++) {
      const vars = layers[i]!.vars;
      for (let k = 0; k < vars.length; k++) {
        this.layer[vars[k]!] = i;
        this.pos[vars[k]!] = k;
      }
    }
  }
  /** The variable's layer, -1 when it is in none. */
  layerOf(v: number): number {
    return v >= 0 && v < this.layer.length ? this.layer[v]! : -1;
  }
  get(v: number): [number, number] | undefined {
    const l = this.layerOf(v);
    return l < 0 ? undefined : [l, this.pos[v]!];
  }
}

// Pairing two layers the names do not link: cheap when their names differ only in numbers (auto-numbering
// shifted by an insert: `dense_1` → `dense_2`, `layer_5` → `layer_6`), dearer when one was renamed, so that a
// layer widened in place beats "a new layer inserted before it and the old one renamed".
const SHIFTED = 1;
const RENAMED = 4;
const numberless = (id: string) => id.replace(/(_\d+)+$/, '').replace(/\d+/g, '#');

/** The longest run of anchors increasing on both sides (patience sort): anchors that cross it are left out. */
function chain(anchors: [number, number][]): [number, number][] {
  const sorted = [...anchors].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const tails: number[] = [];
  const prev = new Int32Array(sorted.length).fill(-1);
  for (let k = 0; k < sorted.length; k++) {
    const y = sorted[k]![1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[tails[mid]!]![1] < y) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1]!;
    tails[lo] = k;
  }
  const out: [number, number][] = [];
  for (let k = tails.length ? tails[tails.length - 1]! : -1; k >= 0; k = prev[k]!) out.push(sorted[k]!);
  return out.reverse();
}

/** The layer pair most of an old layer's anchor pairs point to (ties: the first new layer). */
function anchorPairs(pairs: readonly { old: number; new: number }[], oldLayerOf: LayerOf, newLayerOf: LayerOf, newLayers: number): [number, number][] {
  // Layer pairs as one sorted list of numbers (old layer major), counted in runs: tens of thousands of layers cost
  // one numeric sort instead of a Map per layer.
  const width = newLayers + 1;
  const keys = new Float64Array(pairs.length);
  let n = 0;
  for (let k = 0; k < pairs.length; k++) {
    const ol = oldLayerOf.layerOf(pairs[k]!.old);
    const nl = newLayerOf.layerOf(pairs[k]!.new);
    if (ol >= 0 && nl >= 0) keys[n++] = ol * width + nl;
  }
  const sorted = keys.subarray(0, n).sort();
  const out: [number, number][] = [];
  const takenNew = new Set<number>();
  for (let i = 0; i < n; ) {
    const ol = Math.floor(sorted[i]! / width);
    let best = -1;
    let bestCount = 0;
    while (i < n && Math.floor(sorted[i]! / width) === ol) {
      const key = sorted[i]!;
      let count = 0;
      for (; i < n && sorted[i] === key; i++) count++;
      if (count > bestCount) {
        best = key - ol * width;
        bestCount = count;
      }
    }
    if (takenNew.has(best)) continue;
    takenNew.add(best);
    out.push([ol, best]);
  }
  return out;
}

/** Old views in the new side's order: a paired one where its partner sits, the others after the paired one before them. */
function borrowOrder(oldW: readonly VarView[], newW: readonly VarView[], links: readonly { old: number; new: number; weak?: boolean }[]): VarView[] {
  // By variable index in arrays (not Maps), and the borrowed positions beside the views rather than in a copy of
  // each: tens of thousands of views.
  // Sized up front: written out of order, a growing array could turn into a dictionary.
  const sized = (views: readonly VarView[]) => new Array<number[] | undefined>(views.reduce((n, v) => Math.max(n, v.index + 1), 0)).fill(undefined);
  const newPos = sized(newW);
  for (let i = 0; i < newW.length; i++) newPos[newW[i]!.index] = newW[i]!.position;
  const partner = sized(oldW);
  for (let i = 0; i < links.length; i++) {
    const pos = newPos[links[i]!.new];
    if (pos) partner[links[i]!.old] = pos;
  }
  let last: number[] = [-1];
  let k = 0;
  const ordered = orderViews(oldW, false);
  // ordered[i] sits at [...at[i], after[i]].
  const at = new Array<number[]>(ordered.length);
  const after = new Array<number>(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    const pos = partner[ordered[i]!.index];
    if (pos) {
      last = pos;
      k = 0;
      at[i] = pos;
      after[i] = 0;
    } else {
      at[i] = last;
      after[i] = ++k;
    }
  }
  return orderViews(ordered, true, { at, after });
}

/** Whether no other layer, on either side, has the pair's signature (or, for a changed layer, its coarse pattern). */
function uniqueIn(olds: readonly Layer[], news: readonly Layer[]): (o: Layer, n: Layer) => boolean {
  const tally = (ls: readonly Layer[], key: (l: Layer) => string) => ls.reduce((m, l) => m.set(key(l), (m.get(key(l)) ?? 0) + 1), new Map<string, number>());
  const sig = [tally(olds, (l) => l.sig), tally(news, (l) => l.sig)];
  const pat = [tally(olds, (l) => l.pattern), tally(news, (l) => l.pattern)];
  return (o, n) => (o.sig === n.sig ? sig[0]!.get(o.sig) === 1 && sig[1]!.get(n.sig) === 1 : pat[0]!.get(o.pattern) === 1 && pat[1]!.get(n.pattern) === 1);
}

/** Whether a layer strictly between `from` and `to` is not anchored. */
function unanchored(anchored: Uint8Array, from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (!anchored[i]) return true;
  return false;
}

/**
 * `anchors`: variable pairs the names fixed. `links`: every name pair (fixed or not), which breaks ties
 * between equally good alignments inside a gap.
 */
export function alignStructure(oldW: readonly VarView[], newW: readonly VarView[], anchors: readonly { old: number; new: number }[], links: readonly { old: number; new: number; weak?: boolean }[]): Structure {
  // Each side in its own model order where it knows it (creation order, a model JSON's layer order); an old side
  // that does not know it follows the new side's order through the name pairs.
  const pseudo = isFlat(oldW) || isFlat(newW);
  const oldOrdered = hasOrder(oldW) ? orderViews(oldW, true) : hasOrder(newW) ? borrowOrder(oldW, newW, links) : orderViews(oldW, false);
  const oldLayers = buildLayers(oldOrdered, pseudo);
  // Without the new model's order, both sides are in name order, which says nothing of where a renamed layer sits.
  const ordered = hasOrder(newW);
  const newLayers = buildLayers(orderViews(newW, hasOrder(newW)), pseudo);
  const oldLayerOf = new LayerOf(oldLayers);
  const newLayerOf = new LayerOf(newLayers);
  const fixed = anchorPairs(anchors, oldLayerOf, newLayerOf, newLayers.length);
  const anchoredOld = new Uint8Array(oldLayers.length);
  const anchoredNew = new Uint8Array(newLayers.length);
  // Indexed loops without destructuring here and below: these run once over tens of thousands of anchors, mostly
  // before the optimising compiler has seen them, where each destructured pair costs an iterator.
  for (let k = 0; k < fixed.length; k++) {
    anchoredOld[fixed[k]![0]] = 1;
    anchoredNew[fixed[k]![1]] = 1;
  }
  const width = newLayers.length;
  // Only gaps ask which layers the names link, and gaps hold unanchored layers only.
  const linked = new Set<number>();
  const named = new Set<number>();
  for (let k = 0; k < links.length; k++) {
    const p = links[k]!;
    const ol = oldLayerOf.layerOf(p.old);
    const nl = newLayerOf.layerOf(p.new);
    if (ol < 0 || nl < 0 || anchoredOld[ol] || anchoredNew[nl]) continue;
    linked.add(ol * width + nl);
    if (!p.weak) named.add(ol * width + nl);
  }
  const aligned: AlignedPair[] = [];
  const run = chain(fixed);
  // In name order only, a layer the names do not link is placed by order only where its signature is unique
  // among all unanchored layers (name order says nothing of where a renamed layer sat).
  const alone = ordered ? () => true : uniqueIn(oldLayers.filter((_, i) => !anchoredOld[i]), newLayers.filter((_, j) => !anchoredNew[j]));
  let from: [number, number] = [-1, -1];
  const stops = run.slice();
  stops.push([oldLayers.length, newLayers.length]);
  for (let k = 0; k < stops.length; k++) {
    const to = stops[k]!;
    // The gap's lists only where both sides have an unanchored layer in it (next to none between most anchors).
    if (unanchored(anchoredOld, from[0], to[0]) && unanchored(anchoredNew, from[1], to[1])) {
      const olds: number[] = [];
      const news: number[] = [];
      for (let i = from[0] + 1; i < to[0]; i++) if (!anchoredOld[i]) olds.push(i);
      for (let j = from[1] + 1; j < to[1]; j++) if (!anchoredNew[j]) news.push(j);
      alignGap(olds, news);
    }
    if (to[0] < oldLayers.length) aligned.push({ old: to[0], new: to[1], forced: true, sameName: true });
    from = to;
  }
  function alignGap(olds: number[], news: number[]): void {
    const isLinked = (i: number, j: number) => linked.has(olds[i]! * width + news[j]!);
    const nameCost = (i: number, j: number) => {
      const a = oldLayers[olds[i]!]!.id;
      const b = newLayers[news[j]!]!.id;
      // A position-only key (Keras 3 `layers/dense_1/vars/0`) links layers no more than shifted numbers do.
      return a === b || named.has(olds[i]! * width + news[j]!) ? 0 : numberless(a) === numberless(b) || isLinked(i, j) ? SHIFTED : RENAMED;
    };
    const gap = alignLayers(olds.map((i) => oldLayers[i]!), news.map((j) => newLayers[j]!), isLinked, nameCost);
    for (const a of gap) aligned.push({ ...a, old: olds[a.old]!, new: news[a.new]!, forced: a.forced && (a.sameName || alone(oldLayers[olds[a.old]!]!, newLayers[news[a.new]!]!)) });
  }
  // Anchors off the run (the names pair layers the order puts elsewhere) still hold their layers.
  const inRun = new Uint8Array(oldLayers.length);
  for (let k = 0; k < run.length; k++) inRun[run[k]![0]] = 1;
  for (let k = 0; k < fixed.length; k++) {
    const ol = fixed[k]![0];
    const nl = fixed[k]![1];
    if (!inRun[ol]) aligned.push({ old: ol, new: nl, forced: true, sameName: true });
  }
  const pairedOld: (AlignedPair | undefined)[] = new Array<AlignedPair | undefined>(oldLayers.length);
  for (let k = 0; k < aligned.length; k++) pairedOld[aligned[k]!.old] = aligned[k];
  return { oldLayers, newLayers, oldLayerOf, newLayerOf, aligned, pairedOld: { get: (layer) => pairedOld[layer] } };
}
