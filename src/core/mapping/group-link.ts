/**
 * Dropping an old group onto a new group on the canvas: their children are paired by the name below the
 * group (suffix, as stored or normalised: `W` ↔ `kernel`), then what is left by position among variables of
 * a compatible shape. Returns the links for the page to preview before it commits them.
 */
import type { TensorInfo } from '../model/checkpoint';
import type { TargetVariable } from '../model/target-model';
import { normaliseSlot } from './match/names';
import { canLink } from './plan';
import { proposeTransforms } from './propose';
import type { Link } from './recipe';
import { fmt } from './transforms';

function suffix(name: string, group: string): string {
  const clean = name.replace(/\/\.ATTRIBUTES\/VARIABLE_VALUE$/, '').replace(/:\d+$/, '');
  const rest = group && clean.startsWith(`${group}/`) ? clean.slice(group.length + 1) : clean.slice(clean.lastIndexOf('/') + 1);
  return rest;
}

function normalisedSuffix(s: string): string {
  const parts = s.split('/');
  const last = parts[parts.length - 1]!;
  const k1 = /_(W|b|U)$/.exec(last);
  parts[parts.length - 1] = normaliseSlot(k1 ? k1[1]! : last);
  return parts.join('/');
}

function linkOf(from: TensorInfo, to: TargetVariable, reason: string): Link | null {
  if (!canLink(from, to).ok) return null;
  const same = from.dtype === to.dtype && fmt(from.shape) === fmt(to.shape);
  const p = same ? { transforms: [], summary: '' } : proposeTransforms([from], { shape: to.shape, dtype: to.dtype, name: to.name });
  if (!p) return null;
  return { from: [from.name], to: to.name, transforms: p.transforms, reason: p.summary ? `${reason}; ${p.summary}` : reason };
}

export function linkGroups(olds: readonly TensorInfo[], news: readonly TargetVariable[], oldGroup?: string, newGroup?: string): Link[] {
  const og = oldGroup ?? olds[0]?.group ?? '';
  const ng = newGroup ?? news[0]?.group ?? '';
  const links: Link[] = [];
  const usedOld = new Set<string>();
  const usedNew = new Set<string>();
  const keyed = (f: (s: string) => string) => {
    const index = new Map<string, TensorInfo[]>();
    for (const o of olds) if (!usedOld.has(o.name)) index.set(f(suffix(o.path ?? o.name, og)), [...(index.get(f(suffix(o.path ?? o.name, og))) ?? []), o]);
    for (const n of news) {
      if (usedNew.has(n.name)) continue;
      const cands = index.get(f(suffix(n.name, ng)));
      if (!cands || cands.length !== 1) continue;
      const l = linkOf(cands[0]!, n, `same name within the group (\`${f(suffix(n.name, ng))}\`)`);
      if (!l) continue;
      links.push(l);
      usedOld.add(cands[0]!.name);
      usedNew.add(n.name);
    }
  };
  keyed((s) => s);
  keyed(normalisedSuffix);
  const restOld = olds.filter((o) => !usedOld.has(o.name));
  let k = 0;
  for (const n of news) {
    if (usedNew.has(n.name)) continue;
    while (k < restOld.length) {
      const o = restOld[k++]!;
      const l = o.shape.length === n.shape.length ? linkOf(o, n, 'same position within the group') : null;
      if (l) {
        links.push(l);
        break;
      }
    }
  }
  const order = new Map(news.map((n, i) => [n.name, i]));
  return links.sort((a, b) => order.get(a.to)! - order.get(b.to)!);
}
