/**
 * Rename rules the names themselves suggest, found among the variables the name stage left unpaired: a wrapper
 * prefix on the old side (`module.`, `_orig_mod.`, a top scope) or on the new side (`model.`), and one scope
 * renamed everywhere (`bert/` → `model/`, `attention/self/` → `attention/self_attn/` in every layer). Each
 * candidate is voted for by the old/new pairs it would make; one that makes at least two pairs, most of them of
 * equal shape, is kept and offered to the person as one rule.
 */
import type { RenameRule } from '../recipe';
import { compileRules, type CompiledRule } from './rules';
import type { VarView } from './names';

export interface DetectedRule {
  /** The rule as the person would write it for the old checkpoint's stored keys. */
  rule: RenameRule;
  /** How many old variables it pairs with a new one. */
  moved: number;
  /** What it does, in words: "the old names lose their `module.` prefix". */
  description: string;
}

interface Candidate {
  /** The rule over slash-separated readable names, as the matcher applies it. */
  internal: RenameRule;
  offered: RenameRule;
  description: string;
  olds: Set<number>;
  sameShape: number;
}

const SAMPLE = 500;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sameShape = (a: VarView, b: VarView) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

function counted(views: readonly VarView[], key: (v: VarView) => string[]): Map<string, VarView | null> {
  const m = new Map<string, VarView | null>();
  for (const v of views) for (const k of key(v)) m.set(k, m.has(k) ? null : v);
  return m;
}

function vote(cands: Map<string, Candidate>, id: string, make: () => Omit<Candidate, 'olds' | 'sameShape'>, o: VarView, n: VarView): void {
  let c = cands.get(id);
  if (!c) cands.set(id, (c = { ...make(), olds: new Set(), sameShape: 0 }));
  if (c.olds.has(o.index)) return;
  c.olds.add(o.index);
  if (sameShape(o, n)) c.sameShape++;
}

/** Candidates: leading segments dropped from old names or added to them, one segment renamed. */
function candidates(olds: readonly VarView[], news: readonly VarView[], dotted: boolean): Map<string, Candidate> {
  const sep = dotted ? '.' : '/';
  const show = (s: string) => (dotted ? s.split('/').join('.') : s);
  const split = new WeakMap<VarView, string[]>();
  const segs = (v: VarView) => split.get(v) ?? (split.set(v, v.readable.split('/')), split.get(v)!);
  const cands = new Map<string, Candidate>();
  const newByName = counted(news, (v) => [v.readable]);
  const oldByName = counted(olds, (v) => [v.readable]);
  for (const o of olds) {
    const s = segs(o);
    for (let k = 1; k <= 2 && k < s.length - 1; k++) {
      const n = newByName.get(s.slice(k).join('/'));
      if (!n) continue;
      const prefix = s.slice(0, k).join('/') + '/';
      vote(cands, `drop ${prefix}`, () => ({ internal: { kind: 'prefix', from: prefix, to: '' }, offered: { kind: 'prefix', from: show(prefix), to: '' }, description: `the old names lose their \`${show(prefix)}\` prefix` }), o, n);
    }
  }
  for (const n of news) {
    const s = segs(n);
    for (let k = 1; k <= 2 && k < s.length - 1; k++) {
      const o = oldByName.get(s.slice(k).join('/'));
      if (!o) continue;
      const prefix = s.slice(0, k).join('/') + '/';
      vote(cands, `add ${prefix}`, () => ({ internal: { kind: 'regex', from: '^', to: prefix }, offered: { kind: 'regex', from: '^', to: show(prefix) }, description: `the old names gain the new model's \`${show(prefix)}\` prefix` }), o, n);
    }
  }
  // One segment renamed: the top two levels first; deeper ones only when those explain too little (they cost a
  // string per segment of every name).
  const shallow = renames(cands, olds, news, segs, sep, [0, 1]);
  if (shallow * 2 < olds.length) renames(cands, olds, news, segs, sep, [2, 3, 4, 5, 6, 7, 8]);
  return cands;
}

/** Votes for one segment renamed at one of `depths`; returns the most votes one rename got. */
function renames(cands: Map<string, Candidate>, olds: readonly VarView[], news: readonly VarView[], segs: (v: VarView) => string[], sep: string, depths: number[]): number {
  const masked = (v: VarView) => {
    const s = segs(v);
    return depths.filter((p) => p < s.length - 1).map((p) => `${p}|${s.slice(0, p).join('/')}|${s.slice(p + 1).join('/')}`);
  };
  const newMasked = counted(news, masked);
  const oldMasked = counted(olds, masked);
  let best = 0;
  for (const [key, o] of oldMasked) {
    const n = newMasked.get(key);
    if (!o || !n) continue;
    const p = Number(key.slice(0, key.indexOf('|')));
    const from = segs(o)[p]!;
    const to = segs(n)[p]!;
    const internal: RenameRule = p === 0 ? { kind: 'prefix', from: `${from}/`, to: `${to}/` } : { kind: 'regex', from: `^((?:[^/]+/){${p}})${esc(from)}/`, to: `$1${to}/` };
    const offered: RenameRule = p === 0 ? { kind: 'prefix', from: `${from}${sep}`, to: `${to}${sep}` } : { kind: 'regex', from: `^((?:[^${esc(sep)}]+${esc(sep)}){${p}})${esc(from)}${esc(sep)}`, to: `$1${to}${sep}` };
    vote(cands, `rename ${p} ${from} ${to}`, () => ({ internal, offered, description: p === 0 ? `the old \`${from}\` scope is the new \`${to}\`` : `the old \`${from}\` scope is the new \`${to}\` at depth ${p + 1}` }), o, n);
    best = Math.max(best, cands.get(`rename ${p} ${from} ${to}`)!.olds.size);
  }
  return best;
}

/**
 * Rules worth offering, best first, each with the compiled form the matcher applies to readable names. A rule
 * is kept when it pairs at least two old variables not already paired by a better rule, at least half of them
 * with a new variable of the same shape.
 */
export function detectRules(olds: readonly VarView[], news: readonly VarView[]): { detected: DetectedRule[]; compiled: CompiledRule[] } {
  if (olds.length < 2 || news.length < 2) return { detected: [], compiled: [] };
  const dotted = olds.every((o) => !o.name.includes('/') && o.name.includes('.'));
  // Votes from an even sample of the old side are enough to find a rule that moves most names; the rule then
  // applies to all of them.
  const step = Math.max(1, Math.floor(olds.length / SAMPLE));
  const sample = step > 1 ? olds.filter((_, i) => i % step === 0) : olds;
  const ranked = [...candidates(sample, news, dotted).values()].sort((a, b) => b.olds.size - a.olds.size || b.sameShape - a.sameShape);
  const covered = new Set<number>();
  const detected: DetectedRule[] = [];
  const internal: RenameRule[] = [];
  for (const c of ranked) {
    if (detected.length === 3 || c.olds.size < 2) break;
    const fresh = [...c.olds].filter((i) => !covered.has(i)).length;
    if (fresh < 2 || c.sameShape * 2 < c.olds.size) continue;
    for (const i of c.olds) covered.add(i);
    detected.push({ rule: c.offered, moved: c.olds.size, description: c.description });
    internal.push(c.internal);
  }
  return { detected, compiled: compileRules(internal, true) };
}
