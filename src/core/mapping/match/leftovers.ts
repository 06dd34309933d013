/**
 * The last stage: old and new weights nothing else linked, paired one-to-one at minimum total cost
 * (equal shape best, then a layout permutation, then a same-rank resize of the same kind of weight), with
 * the name and position as tie-breaks. Only ever `guess`.
 */
import { proposeTransforms } from '../propose';
import { fmt } from '../transforms';
import { assign } from './assign';
import type { Pair } from './index';
import type { VarView } from './names';

// Above this many on a side, pairs are made per exact shape in order (any pairing of equal shapes costs the same).
const HUNGARIAN_LIMIT = 250;

function cost(o: VarView, n: VarView, oi: number, ni: number, on: number, nn: number): number {
  if (o.dtype !== n.dtype && (o.dtype === 'string' || n.dtype === 'string')) return Infinity;
  const drift = Math.abs(oi / Math.max(1, on) - ni / Math.max(1, nn));
  const slot = o.slot === n.slot ? 0 : 0.5;
  const dtype = o.dtype === n.dtype ? 0 : 0.5;
  if (fmt(o.shape) === fmt(n.shape)) return slot + dtype + drift;
  if (o.shape.length !== n.shape.length || o.slot !== n.slot) return Infinity;
  const sorted = (s: number[]) => fmt([...s].sort((a, b) => a - b));
  if (sorted(o.shape) === sorted(n.shape)) return 1 + dtype + drift;
  if (!proposeTransforms([o], { shape: n.shape, dtype: n.dtype, name: n.name })) return Infinity;
  const ratio = o.shape.reduce((r, d, i) => r + Math.abs(Math.log((d + 1) / (n.shape[i]! + 1))), 0);
  return 2 + Math.min(ratio, 5) + dtype + drift;
}

function reasonFor(o: VarView, n: VarView, alone: boolean): string {
  if (fmt(o.shape) === fmt(n.shape)) return alone ? `the only unlinked old variable of shape ${fmt(o.shape)}` : `unlinked variables of the same shape ${fmt(o.shape)}, paired in order`;
  return `closest unlinked ${o.slot} by shape, ${fmt(o.shape)} → ${fmt(n.shape)}`;
}

export function assignLeftovers(olds: VarView[], news: VarView[]): Pair[] {
  if (olds.length === 0 || news.length === 0) return [];
  const out: Pair[] = [];
  const count = (list: VarView[], v: VarView) => list.filter((x) => x.dtype === v.dtype && fmt(x.shape) === fmt(v.shape)).length;
  if (olds.length > HUNGARIAN_LIMIT || news.length > HUNGARIAN_LIMIT) {
    // Lists filled by push and taken from by a cursor: tens of thousands of one shape stay linear.
    const byShape = new Map<string, { list: VarView[]; next: number }>();
    for (const o of olds) {
      const key = `${o.dtype}${fmt(o.shape)}`;
      const at = byShape.get(key);
      if (at) at.list.push(o);
      else byShape.set(key, { list: [o], next: 0 });
    }
    for (const n of news) {
      const at = byShape.get(`${n.dtype}${fmt(n.shape)}`);
      const o = at && at.next < at.list.length ? at.list[at.next++] : undefined;
      if (o) out.push({ old: o.index, new: n.index, confidence: 'guess', reason: reasonFor(o, n, false) });
    }
    return out;
  }
  const matrix = olds.map((o, i) => news.map((n, j) => cost(o, n, i, j, olds.length, news.length)));
  for (const [i, j] of assign(matrix)) {
    const o = olds[i]!;
    const n = news[j]!;
    const alone = count(olds, o) === 1 && count(news, n) === 1;
    out.push({ old: o.index, new: n.index, confidence: 'guess', reason: reasonFor(o, n, alone) });
  }
  return out;
}
