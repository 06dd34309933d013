/**
 * Turning name pairs and the layer alignment into pairs with a confidence. Precedence, strongest first:
 * 1. same name, same shape: final (`sure`; `likely` through a rule the matcher detected);
 * 2. same name, shape changed, in a layer named by the person (`likely`);
 * 3. a name that only says where the variable sits (TF1 `Variable_N`, `layer_with_weights-N`, Keras 3
 *    `vars/i`), or an auto-numbered layer whose shape changed: kept where the alignment agrees;
 * 4. the alignment of what is left (`likely` when the structure alone forces it, else `guess`).
 */
import { fmt } from '../transforms';
import type { AlignedPair } from './align';
import type { NamePair } from './by-name';
import type { VarView, ViewsByIndex } from './names';
import type { Structure } from './structure';

export const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export interface Pair {
  old: number;
  new: number;
  confidence: 'sure' | 'likely' | 'guess';
  reason: string;
  /** Made by names (and rules) rather than by order and shape: the overlap check keeps these. */
  byName?: boolean;
}

export interface ClassifiedPair extends NamePair {
  /** fixed: same name and shape; changed: same name, another shape; weak: a position-only key. */
  kind: 'fixed' | 'changed' | 'weak';
  /** Through a rule the matcher found, not one the person gave. */
  detected: boolean;
  /** The layer's name is auto-numbered (`dense_3`, `layer_5`): a changed shape may mean another layer. */
  positional: boolean;
}

/** A set of variable indices as a byte per index: tens of thousands of claims add no hash entry each. */
export class IndexSet {
  private bytes = new Uint8Array(1024);
  has(index: number): boolean {
    return index < this.bytes.length && this.bytes[index] === 1;
  }
  add(index: number): void {
    if (index >= this.bytes.length) {
      const grown = new Uint8Array(Math.max(index + 1, 2 * this.bytes.length));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[index] = 1;
  }
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 1) yield i;
  }
}

export class Claims {
  readonly pairs: Pair[] = [];
  readonly usedOld = new IndexSet();
  readonly usedNew = new IndexSet();
  claim(p: Pair): void {
    if (this.usedOld.has(p.old) || this.usedNew.has(p.new)) return;
    this.pairs.push(p);
    this.usedOld.add(p.old);
    this.usedNew.add(p.new);
  }
}

/** Pairs the names stand behind on their own: rules 1 and 2. */
export function claimNamed(named: readonly ClassifiedPair[], claims: Claims): void {
  // forEach, not for-of: these run once over tens of thousands of pairs (for-of allocates before it is optimised).
  named.forEach((p) => {
    if (p.kind === 'fixed') claims.claim({ old: p.old, new: p.new, confidence: p.detected ? 'likely' : 'sure', reason: p.how, byName: true });
  });
  named.forEach((p) => {
    if (p.kind === 'changed' && !p.positional) claims.claim({ old: p.old, new: p.new, confidence: 'likely', reason: p.how, byName: true });
  });
}

/** Rule 3: position-only names and auto-numbered layers whose shape changed, where the alignment agrees. */
export function claimAgreeing(named: readonly ClassifiedPair[], st: Structure, views: { old: ViewsByIndex; new: ViewsByIndex }, claims: Claims): void {
  for (let i = 0; i < named.length; i++) {
    const p = named[i]!;
    if (p.kind === 'fixed' || (p.kind === 'changed' && !p.positional)) continue;
    const ol = st.oldLayerOf.get(p.old);
    const nl = st.newLayerOf.get(p.new);
    if (!ol || !nl) {
      // Not a model weight (optimizer state, bookkeeping): no layer order to check it against.
      const o = views.old.get(p.old)!;
      const n = views.new.get(p.new)!;
      if (p.kind === 'weak' && sameShape(o.shape, n.shape)) claims.claim({ old: p.old, new: p.new, confidence: o.name === n.name ? 'sure' : 'likely', reason: p.how, byName: true });
      continue;
    }
    const a = st.pairedOld.get(ol[0]);
    // A key that is only a creation number (TF1 `Variable_N`) must also sit at the same place in its layer; one that
    // names the weight inside the layer (`layer_with_weights-3/kernel`, `…/cell/vars/1`) says that itself.
    if (!a || a.new !== nl[0] || (p.kind === 'weak' && /^Variable(_\d+)?$/.test(p.key) && ol[1] !== nl[1])) continue;
    const same = sameShape(views.old.get(p.old)!.shape, views.new.get(p.new)!.shape);
    const confidence = same ? (p.kind === 'weak' && a.forced ? 'sure' : 'likely') : a.forced ? 'likely' : 'guess';
    claims.claim({ old: p.old, new: p.new, confidence: p.detected && confidence === 'sure' ? 'likely' : confidence, reason: p.how, byName: p.kind !== 'weak' });
  }
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

function where(a: AlignedPair, st: Structure): string {
  const o = st.oldLayers[a.old]!.ordinal;
  const n = st.newLayers[a.new]!.ordinal;
  if (o === n) return `${ordinal(n)} layer with weights on both sides`;
  return `old ${ordinal(o)} ↔ new ${ordinal(n)} layer with weights (a layer was ${o > n ? 'removed' : 'inserted'} before it)`;
}

/** Rule 4: what the alignment pairs among the variables still free, weight by weight. */
export function claimAligned(st: Structure, views: { old: ViewsByIndex; new: ViewsByIndex }, claims: Claims): void {
  for (let i = 0; i < st.aligned.length; i++) {
    const a = st.aligned[i]!;
    const ol = st.oldLayers[a.old]!;
    const nl = st.newLayers[a.new]!;
    if (ol.vars.length !== nl.vars.length) continue;
    for (let k = 0; k < ol.vars.length; k++) {
      const oi = ol.vars[k]!;
      const ni = nl.vars[k]!;
      if (claims.usedOld.has(oi) || claims.usedNew.has(ni)) continue;
      const o = views.old.get(oi)!;
      const n = views.new.get(ni)!;
      const same = o.dtype === n.dtype && sameShape(o.shape, n.shape);
      const shape = same ? 'same shape' : `${fmt(o.shape)} → ${fmt(n.shape)}`;
      claims.claim({ old: oi, new: ni, confidence: a.forced ? 'likely' : 'guess', reason: `${where(a, st)}, ${shape}${a.forced ? '' : '; other alignments fit as well'}` });
    }
  }
}
