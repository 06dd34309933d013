/**
 * Sequence alignment of two layer lists (edit distance over layer signatures): a layer is kept (same
 * signature, cost 0), fed differently (only its kernels' input axis changed: cost 3), changed (same variables
 * and ranks, some sizes differ: cost 6), or inserted/removed (cost 10 each). Layers of different kinds never
 * pair. Among alignments of equal cost, the one pairing layers the names link wins (a second, lexicographic
 * cost). An aligned pair is *forced* when every alignment of minimal structural cost pairs the two: the
 * structure alone, without names, says so.
 */
import type { Layer } from './layers';

export interface AlignedPair {
  old: number;
  new: number;
  /** Same signature and name (kept at no cost); only alignLayers says it, the structure stage never reads it. */
  same?: boolean;
  forced: boolean;
  sameName: boolean;
}

const KEEP = 0;
const FED = 3;
const CHANGE = 6;
const GAP = 10;
const NEVER = 2 * GAP + 1; // dearer than removing one layer and inserting another, so never chosen

/** Layers whose names link them: by default, a layer key both have. */
function keysLinked(olds: readonly Layer[], news: readonly Layer[]): (i: number, j: number) => boolean {
  const oNames = new Map<string, number[]>();
  olds.forEach((l, i) => l.keys.forEach((k) => {
    const list = oNames.get(k);
    if (list) list.push(i);
    else oNames.set(k, [i]);
  }));
  const named = news.map((l) => new Set(l.keys.flatMap((k) => oNames.get(k) ?? [])));
  return (i, j) => named[j]!.has(i);
}

type Table = Int32Array | Float64Array;

/** The DP's inputs and tables: S structural and T tie-break cost per pair, F best cost of prefixes, B of suffixes. */
interface Grid {
  n: number;
  m: number;
  /** The tie-break part of a cost stays below K, so floor(cost / K) is the structural part. */
  K: number;
  /** Row width of F and B. */
  W: number;
  /** Cost of a gap, tie-break included. */
  G: number;
  S: Uint8Array;
  T: Uint8Array;
  F: Table;
  B: Table;
}

/** Structural (S) and tie-break (T) cost of pairing each old layer i with each new layer j, at i * m + j. */
function pairCosts(olds: readonly Layer[], news: readonly Layer[], linked: (i: number, j: number) => boolean, nameCost: (i: number, j: number) => number): { S: Uint8Array; T: Uint8Array } {
  const n = olds.length;
  const m = news.length;
  const S = new Uint8Array(n * m);
  const T = new Uint8Array(n * m);
  // Layer signatures compared once per distinct pair of strings, not once per cell.
  const sigId = new Map<string, number>();
  const id = (s: string) => sigId.get(s) ?? (sigId.set(s, sigId.size), sigId.size - 1);
  const oSig = olds.map((l) => id(l.sig));
  const nSig = news.map((l) => id(l.sig));
  const oPat = olds.map((l) => id(l.pattern));
  const nPat = news.map((l) => id(l.pattern));
  const oOut = olds.map((l) => (l.outSig === undefined ? -1 : id(l.outSig)));
  const nOut = news.map((l) => (l.outSig === undefined ? -2 : id(l.outSig)));
  for (let j = 0; j < m; j++) {
    const nl = news[j]!;
    for (let i = 0; i < n; i++) {
      const ol = olds[i]!;
      let s: number;
      if (ol.family && nl.family && ol.family !== nl.family) s = NEVER;
      else s = oSig[i] === nSig[j] ? KEEP : oOut[i] === nOut[j] ? FED : oPat[i] === nPat[j] ? CHANGE : NEVER;
      S[i * m + j] = s < NEVER ? Math.min(s + nameCost(i, j), NEVER - 1) : NEVER;
      T[i * m + j] = linked(i, j) ? 0 : 1;
    }
  }
  return { S, T };
}

/** F[i][j]: least cost of aligning the first i old with the first j new layers. */
function fillForward({ n, m, K, W, G, S, T, F }: Grid): void {
  for (let j = 0; j <= m; j++) F[j] = j * G;
  for (let i = 1; i <= n; i++) {
    F[i * W] = i * G;
    for (let j = 1; j <= m; j++) {
      const c = S[(i - 1) * m + j - 1]! * K + T[(i - 1) * m + j - 1]!;
      F[i * W + j] = Math.min(F[(i - 1) * W + j - 1]! + c, F[(i - 1) * W + j]! + G, F[i * W + j - 1]! + G);
    }
  }
}

/** B[i][j]: least cost of aligning old layers from i on with new layers from j on. */
function fillBackward({ n, m, K, W, G, S, T, B }: Grid): void {
  for (let j = m; j >= 0; j--) B[n * W + j] = (m - j) * G;
  for (let i = n - 1; i >= 0; i--) {
    B[i * W + m] = (n - i) * G;
    for (let j = m - 1; j >= 0; j--) {
      const c = S[i * m + j]! * K + T[i * m + j]!;
      B[i * W + j] = Math.min(B[(i + 1) * W + j + 1]! + c, B[(i + 1) * W + j]! + G, B[i * W + j + 1]! + G);
    }
  }
}

/** Old layer i is forced onto new layer j when no structurally optimal alignment pairs it elsewhere or drops it; -1 otherwise. */
function forcedPartners({ n, m, K, W, S, F, B }: Grid): Int32Array {
  const optS = Math.floor(F[n * W + m]! / K);
  const st = (x: number) => Math.floor(x / K);
  const forcedTo = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let partner = -1;
    let many = false;
    for (let j = 0; j <= m && !many; j++) {
      if (j < m && S[i * m + j]! < NEVER && st(F[i * W + j]!) + S[i * m + j]! + st(B[(i + 1) * W + j + 1]!) === optS) {
        if (partner >= 0) many = true;
        partner = j;
      }
      if (st(F[i * W + j]!) + GAP + st(B[(i + 1) * W + j]!) === optS) many = true;
    }
    if (!many) forcedTo[i] = partner;
  }
  return forcedTo;
}

/** Walks F back from the end: the pairs of one least-cost alignment, in order. */
function traceBack({ n, m, K, W, G, S, T, F }: Grid, forcedTo: Int32Array): AlignedPair[] {
  const pairs: AlignedPair[] = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const c = S[(i - 1) * m + j - 1]! * K + T[(i - 1) * m + j - 1]!;
    const here = F[i * W + j]!;
    if (here === F[(i - 1) * W + j - 1]! + c && S[(i - 1) * m + j - 1]! < NEVER) {
      const o = i - 1;
      const nw = j - 1;
      pairs.push({ old: o, new: nw, same: S[o * m + nw] === KEEP, forced: forcedTo[o] === nw, sameName: T[o * m + nw] === 0 });
      i--;
      j--;
    } else if (here === F[(i - 1) * W + j]! + G) i--;
    else j--;
  }
  return pairs.reverse();
}

/**
 * `linked(i, j)`: the names link old layer i and new layer j (the tie-break). `nameCost(i, j)`: an extra cost of
 * pairing them that their names give (see structure.ts), part of the cost that decides what is forced.
 */
export function alignLayers(olds: readonly Layer[], news: readonly Layer[], linked: (i: number, j: number) => boolean = keysLinked(olds, news), nameCost: (i: number, j: number) => number = () => 0): AlignedPair[] {
  const n = olds.length;
  const m = news.length;
  if (n === 0 || m === 0) return [];
  const K = n + m + 1;
  const W = m + 1;
  const big = (n + m) * NEVER * K > 2 ** 31 - 1;
  const table = (): Table => (big ? new Float64Array((n + 1) * W) : new Int32Array((n + 1) * W));
  const grid: Grid = { n, m, K, W, G: GAP * K + 1, ...pairCosts(olds, news, linked, nameCost), F: table(), B: table() };
  fillForward(grid);
  fillBackward(grid);
  return traceBack(grid, forcedPartners(grid));
}
