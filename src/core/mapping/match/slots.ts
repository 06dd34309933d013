/**
 * Optimizer slots follow their variables: when new `X` is linked from old `Y`, new `X/Adam` comes from old
 * `Y/Adam` (TF1 slot names) and a TF2 `.OPTIMIZER_SLOT` of X from the same slot of Y.
 */
import type { Pair } from './index';
import type { VarView } from './names';

const TF2_SLOT = /^(.*?)\/\.OPTIMIZER_SLOT\/(.*)$/;

function split(name: string): { base: string; slot: string; tf2: boolean } | null {
  const m = TF2_SLOT.exec(name);
  if (m) return { base: m[1]!, slot: m[2]!, tf2: true };
  const at = name.lastIndexOf('/');
  return at > 0 ? { base: name.slice(0, at), slot: name.slice(at + 1), tf2: false } : null;
}

const VALUE = '/.ATTRIBUTES/VARIABLE_VALUE';

/** Names the variable a slot belongs to could have: TF1 `X` of `X/Adam`, TF2 `P/.ATTRIBUTES/VARIABLE_VALUE`. */
export function slotBase(name: string): string[] {
  const s = split(name);
  if (!s) return [];
  return s.tf2 ? [`${s.base}${VALUE}`, s.base] : [s.base];
}

export function followSlots(olds: VarView[], news: VarView[], pairs: readonly Pair[], usedOld: Set<number>, usedNew: Set<number>): Pair[] {
  const oldByName = new Map(olds.map((v) => [v.name, v]));
  const newByName = new Map(news.map((v) => [v.name, v]));
  const linkedFrom = new Map<string, { name: string; pair: Pair }>();
  const oldName = new Map(olds.map((v) => [v.index, v.name]));
  const newName = new Map(news.map((v) => [v.index, v.name]));
  for (const p of pairs) linkedFrom.set(newName.get(p.new)!, { name: oldName.get(p.old)!, pair: p });
  const out: Pair[] = [];
  for (const n of news) {
    if (n.kind !== 'optimizer' || usedNew.has(n.index)) continue;
    const s = split(n.name);
    if (!s) continue;
    const baseKey = s.tf2 ? `${s.base}${VALUE}` : s.base;
    const src = linkedFrom.get(baseKey) ?? linkedFrom.get(s.base);
    if (!src || !newByName.has(baseKey) && !newByName.has(s.base)) continue;
    const srcBase = s.tf2 ? src.name.replace(VALUE, '') : src.name;
    const o = oldByName.get(s.tf2 ? `${srcBase}/.OPTIMIZER_SLOT/${s.slot}` : `${srcBase}/${s.slot}`);
    if (!o || usedOld.has(o.index)) continue;
    usedOld.add(o.index);
    usedNew.add(n.index);
    out.push({ old: o.index, new: n.index, confidence: src.pair.confidence, reason: `optimizer slot ${s.slot} of ${src.name}` });
  }
  return out;
}
