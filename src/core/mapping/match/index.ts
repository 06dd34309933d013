/**
 * Auto-matching: proposes a link for every new variable it can, each with a confidence and a reason.
 * Stages: names (as stored, normalised per format, after rename rules) → structure (layers aligned by order
 * and shape) → a globally optimal assignment of what is left. A name match is `sure` only when shapes agree and
 * the structure does not contradict it (for auto-numbered names, only when the structure alone forces it).
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetModel, TargetVariable } from '../../model/target-model';
import { proposeTransforms } from '../propose';
import { CONFIDENCES, emptyRecipe, type Confidence, type Link, type Recipe } from '../recipe';
import { fmt } from '../transforms';
import { alignLayers, type AlignedPair } from './align';
import { assignLeftovers } from './leftovers';
import { buildLayers, hasOrder, isFlat, orderViews, type Layer } from './layers';
import { viewOf, type VarView } from './names';
import { applyRules, compileRules, describeRule } from './rules';
import { followSlots, slotBase } from './slots';

export interface MatchOptions {
  /** Links at or above this confidence are accepted (applied); the others are proposals. Default `likely`. */
  accept?: Confidence;
}

export interface MatchResult {
  /** The input recipe with the matcher's links added after the person's. */
  recipe: Recipe;
  /** The links the matcher added. */
  links: Link[];
  /** How many old names each rename rule moved. */
  ruleCounts: number[];
}

export interface Pair {
  old: number;
  new: number;
  confidence: Confidence;
  reason: string;
}

type NewModel = Pick<TargetModel, 'variables'> & { source?: TargetModel['source'] };

const ORDERED_SOURCES = new Set(['tfjs-layers', 'tfjs-graph', 'keras-json']);

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

const sameType = (a: VarView, b: VarView) => a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

interface NamePair {
  old: number;
  new: number;
  how: string;
}

/** One-to-one pairs by name: stored key, then normalised forms, with rules applied to old names first. */
function pairByName(olds: VarView[], news: VarView[], rules: ReturnType<typeof compileRules>, counts: number[]): NamePair[] {
  const newByKey = new Map<string, number[]>();
  for (const v of news) for (const k of v.keys) newByKey.set(k, [...(newByKey.get(k) ?? []), v.index]);
  const effective = olds.map((o) => {
    let rule = -1;
    const moved: string[] = [];
    for (const k of o.keys) {
      const r = applyRules(k, rules);
      if (r.rule >= 0) {
        if (rule < 0) rule = r.rule;
        moved.push(r.name);
      }
    }
    if (rule >= 0) counts[rule]!++;
    return { keys: rule >= 0 ? [...new Set(moved)] : o.keys, rule };
  });
  const oldKeyCount = new Map<string, number>();
  for (const e of effective) for (const k of e.keys) oldKeyCount.set(k, (oldKeyCount.get(k) ?? 0) + 1);
  const takenNew = new Set<number>();
  const pairs: NamePair[] = [];
  const newByIndex = new Map(news.map((v) => [v.index, v]));
  for (let stage = 0; stage < 2; stage++) {
    olds.forEach((o, i) => {
      if (pairs.some((p) => p.old === o.index) && stage === 1) return;
      const { keys, rule } = effective[i]!;
      const tryKeys = stage === 0 ? (rule < 0 ? [o.name] : []) : keys;
      for (const k of tryKeys) {
        const cands = newByKey.get(k);
        if (!cands || cands.length !== 1 || (stage === 1 && oldKeyCount.get(k) !== 1)) continue;
        const n = cands[0]!;
        if (takenNew.has(n)) continue;
        takenNew.add(n);
        const target = newByIndex.get(n)!;
        const how = rule >= 0
          ? `same name after rule ${describeRule(rules[rule]!.rule)}`
          : stage === 0 || (k === o.name && k === target.name)
            ? 'same name'
            : k.includes('#') ? `same layer and weight index (\`${k}\`)` : `same name once normalised (\`${k}\`)`;
        pairs.push({ old: o.index, new: n, how });
        return;
      }
    });
  }
  return pairs;
}

function layerIndex(layers: Layer[]): Map<number, [number, number]> {
  const m = new Map<number, [number, number]>();
  layers.forEach((l, i) => l.vars.forEach((v, k) => m.set(v, [i, k])));
  return m;
}

export function autoMatch(old: { tensors: readonly TensorInfo[] }, target: NewModel, recipe: Recipe = emptyRecipe(), options: MatchOptions = {}): MatchResult {
  const accept = CONFIDENCES.indexOf(options.accept ?? 'likely');
  const include = recipe.filters.includeOptimizer;
  const considered = (t: TensorInfo) => (t.kind === 'weight' || include) && t.name !== '_CHECKPOINTABLE_OBJECT_GRAPH';
  const ordered = target.source !== undefined && ORDERED_SOURCES.has(target.source);

  const fixedTargets = new Set(recipe.links.map((l) => l.to));
  const takenSources = new Set(recipe.links.filter((l) => l.accepted !== false).flatMap((l) => l.from));
  const oldViews = old.tensors.map((t, i) => viewOf(t, i)).filter((v, i) => considered(old.tensors[i]!) && !takenSources.has(v.name));
  const newViews = target.variables
    .map((v: TargetVariable, i) => viewOf(v, i, ordered ? { ordinal: i } : {}))
    .filter((v, i) => considered(target.variables[i]!) && !fixedTargets.has(v.name));

  const rules = compileRules(recipe.rules);
  const ruleCounts = new Array<number>(recipe.rules.length).fill(0);
  // Optimizer slots of a variable go with it (followSlots), not by their own names.
  const newNames = new Set(newViews.map((v) => v.name));
  const isSlot = (v: VarView) => v.kind === 'optimizer' && slotBase(v.name).some((b) => newNames.has(b));
  const namePairs = pairByName(oldViews, newViews.filter((v) => !isSlot(v)), rules, ruleCounts);

  // Structure over model weights. Old layers are ordered by their names after the rules, so a renamed scope
  // sorts where its new name does.
  const oldW = oldViews.filter((v) => v.kind === 'weight').map((v) => {
    const moved = rules.length ? applyRules(v.readable, rules) : { rule: -1, name: v.readable };
    if (moved.rule < 0) return v;
    const at = moved.name.lastIndexOf('/');
    return { ...v, layer: v.layer === '' ? '' : at > 0 ? moved.name.slice(0, at) : v.layer };
  });
  const newW = newViews.filter((v) => v.kind === 'weight');
  const byPosition = hasOrder(oldW) && hasOrder(newW);
  const pseudo = isFlat(oldW) || isFlat(newW);
  const oldLayers = buildLayers(orderViews(oldW, byPosition), pseudo);
  const newLayers = buildLayers(orderViews(newW, byPosition), pseudo);
  const oldLayerOf = layerIndex(oldLayers);
  const newLayerOf = layerIndex(newLayers);
  newLayers.forEach((l, j) => l.keys.push(`\0L${j}`));
  const partnerKeys = new Map<number, string[]>();
  for (const p of namePairs) {
    const ol = oldLayerOf.get(p.old)?.[0];
    const nl = newLayerOf.get(p.new)?.[0];
    if (ol !== undefined && nl !== undefined) partnerKeys.set(ol, [...(partnerKeys.get(ol) ?? []), `\0L${nl}`]);
  }
  const aligned = alignLayers(oldLayers, newLayers, (l) => [...l.keys, ...(partnerKeys.get(oldLayers.indexOf(l)) ?? [])]);
  const alignedByOld = new Map<number, AlignedPair>(aligned.map((a) => [a.old, a]));

  const oldByIndex = new Map(oldViews.map((v) => [v.index, v]));
  const newByIndex = new Map(newViews.map((v) => [v.index, v]));
  const pairs: Pair[] = [];
  const usedOld = new Set<number>();
  const usedNew = new Set<number>();
  const claim = (p: Pair) => {
    pairs.push(p);
    usedOld.add(p.old);
    usedNew.add(p.new);
  };

  for (const np of namePairs) {
    const o = oldByIndex.get(np.old)!;
    const n = newByIndex.get(np.new)!;
    const same = sameType(o, n);
    if (!same && !proposeTransforms([o], { shape: n.shape, dtype: n.dtype, name: n.name })) continue;
    const ol = oldLayerOf.get(np.old);
    const nl = newLayerOf.get(np.new);
    if (ol === undefined || nl === undefined) {
      claim({ old: np.old, new: np.new, confidence: same ? 'sure' : 'likely', reason: np.how });
      continue;
    }
    const a = alignedByOld.get(ol[0]);
    const positional = o.positional || n.positional;
    // An auto-numbered name must also sit at the same place inside its layer: TF1 `Variable_9` is not the
    // old `Variable_9` when the variables around it were renumbered.
    const agrees = a !== undefined && a.new === nl[0] && (!positional || ol[1] === nl[1]);
    if (agrees) {
      const strong = !positional || a.forced;
      claim({ old: np.old, new: np.new, confidence: same ? (strong ? 'sure' : 'likely') : strong ? 'likely' : 'guess', reason: np.how });
    } else if (!positional) {
      claim({ old: np.old, new: np.new, confidence: same ? 'likely' : 'guess', reason: `${np.how}, though the layer order suggests otherwise` });
    }
  }

  for (const a of aligned) {
    const ol = oldLayers[a.old]!;
    const nl = newLayers[a.new]!;
    ol.vars.forEach((oi, k) => {
      const ni = nl.vars[k]!;
      if (usedOld.has(oi) || usedNew.has(ni)) return;
      const o = oldByIndex.get(oi)!;
      const n = newByIndex.get(ni)!;
      const same = sameType(o, n);
      const where = ol.ordinal === nl.ordinal
        ? `${ordinal(nl.ordinal)} layer with weights on both sides`
        : `old ${ordinal(ol.ordinal)} ↔ new ${ordinal(nl.ordinal)} layer with weights (a layer was ${ol.ordinal > nl.ordinal ? 'removed' : 'inserted'} before it)`;
      const shape = same ? 'same shape' : `${fmt(o.shape)} → ${fmt(n.shape)}`;
      const doubt = a.forced ? '' : '; other alignments fit as well';
      claim({ old: oi, new: ni, confidence: a.forced ? 'likely' : 'guess', reason: `${where}, ${shape}${doubt}` });
    });
  }

  const restOld = oldW.filter((v) => !usedOld.has(v.index));
  const restNew = newW.filter((v) => !usedNew.has(v.index));
  for (const p of assignLeftovers(restOld, restNew)) claim(p);
  if (include) for (const p of followSlots(oldViews, newViews, pairs, usedOld, usedNew)) claim(p);

  const links: Link[] = [];
  const byNew = new Map(pairs.map((p) => [p.new, p]));
  target.variables.forEach((v, i) => {
    const p = byNew.get(i);
    if (!p) return;
    const src = old.tensors[p.old]!;
    const same = src.dtype === v.dtype && fmt(src.shape) === fmt(v.shape);
    const proposal = same ? { transforms: [], summary: '' } : proposeTransforms([src], { shape: v.shape, dtype: v.dtype, name: v.name });
    if (!proposal) return;
    const reason = proposal.summary ? `${p.reason}; ${proposal.summary}` : p.reason;
    links.push({
      from: [src.name],
      to: v.name,
      transforms: proposal.transforms,
      confidence: p.confidence,
      reason,
      accepted: CONFIDENCES.indexOf(p.confidence) <= accept,
    });
  });
  return { recipe: { ...recipe, links: [...recipe.links, ...links] }, links, ruleCounts };
}
