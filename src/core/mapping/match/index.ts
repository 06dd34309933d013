/**
 * Auto-matching: proposes a link for every new variable it can, each with a confidence and a reason. Precision
 * first, in stages:
 *   sides     — both sides' variables as comparable views (names normalised per format, the person's rules);
 *   names     — one-to-one pairs by name, then by rules the names suggest (wrapper prefixes, a renamed scope);
 *   structure — layers in model order; what names paired is anchored, only the gaps between anchors are aligned;
 *   place     — confidences (see place.ts): a same-name, same-shape pair is final, the structure never moves it;
 *   leftovers — an optimal assignment of what is left, only ever `guess`;
 *   links     — transform chains; a chain that invents or drops most of a tensor is a `guess`, and between
 *               models that share little only the names' own same-shape pairs stay above `guess`.
 * Before all of them, between a PyTorch-shaped and a TF/Keras-shaped side, layers are paired by kind and layout
 * (ecosystem.ts) and the stages above only see what that left.
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetModel, TargetVariable } from '../../model/target-model';
import { proposeTransforms } from '../propose';
import { emptyRecipe, type Confidence, type Link, type Recipe } from '../recipe';
import { movedKeys, pairByName, type NamePair } from './by-name';
import { detectRules, type DetectedRule } from './detect';
import { linksAcrossEcosystems } from './ecosystem';
import { placeByGraph } from './graph';
import { assignLeftovers } from './leftovers';
import { toLinks } from './links';
import { viewOf, ViewIndex, type VarView, type ViewsByIndex } from './names';
import { measureOverlap, type Overlap } from './overlap';
import { claimAgreeing, claimAligned, claimNamed, Claims, type ClassifiedPair, type IndexSet } from './place';
import { applyRules, compileRules, describeRule, type CompiledRule } from './rules';
import { followSlots, slotBase } from './slots';
import { alignStructure, type Structure } from './structure';

export type { Pair } from './place';
export type { DetectedRule } from './detect';
export type { Overlap } from './overlap';

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
  /** Rename rules the names suggest (a wrapper prefix, a renamed scope), applied as `likely` and offered to the person. */
  detected: DetectedRule[];
  /** How much the two models share; `related: false` when they share little (no shape-changing link is made then). */
  overlap: Overlap;
}

type NewModel = Pick<TargetModel, 'variables'> & { source?: TargetModel['source'] };

const ORDERED_SOURCES = new Set(['tfjs-layers', 'tfjs-graph', 'keras-json']);

interface Sides {
  olds: VarView[];
  news: VarView[];
  old: ViewsByIndex;
  new: ViewsByIndex;
  rules: CompiledRule[];
  include: boolean;
}

/** Stage 1: views of the variables the matcher may link (not those the person already linked). */
function sidesOf(old: { tensors: readonly TensorInfo[] }, target: NewModel, recipe: Recipe): Sides {
  const include = recipe.filters.includeOptimizer;
  const considered = (t: TensorInfo) => (t.kind === 'weight' || include) && t.name !== '_CHECKPOINTABLE_OBJECT_GRAPH';
  const ordered = target.source !== undefined && ORDERED_SOURCES.has(target.source);
  const fixedTargets = new Set(recipe.links.map((l) => l.to));
  const takenSources = new Set(recipe.links.filter((l) => l.accepted !== false).flatMap((l) => l.from));
  // Views only of the variables kept (each keeps its index among all).
  const olds: VarView[] = [];
  for (let i = 0; i < old.tensors.length; i++) {
    const t = old.tensors[i]!;
    if (considered(t) && !takenSources.has(t.name)) olds.push(viewOf(t, i));
  }
  const news: VarView[] = [];
  const unordered = {};
  for (let i = 0; i < target.variables.length; i++) {
    const v: TargetVariable = target.variables[i]!;
    if (considered(v) && !fixedTargets.has(v.name)) news.push(viewOf(v, i, ordered ? { ordinal: i } : unordered));
  }
  return { olds, news, old: new ViewIndex(olds), new: new ViewIndex(news), rules: compileRules(recipe.rules), include };
}

/** One past the largest variable index among `views`. */
function indexLimit(views: readonly VarView[]): number {
  let n = 0;
  for (let i = 0; i < views.length; i++) n = Math.max(n, views[i]!.index + 1);
  return n;
}

const sameType = (a: VarView, b: VarView) => a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

/** Stage 2: name pairs, with the person's rules, then with the rules the unpaired names suggest. */
function matchNames(s: Sides): { named: ClassifiedPair[]; detected: DetectedRule[]; detectedRules: CompiledRule[]; ruleCounts: number[] } {
  // Optimizer slots of a variable go with it (followSlots), not by their own names.
  const optimizer = s.news.some((v) => v.kind === 'optimizer');
  const newNames = optimizer ? new Set(s.news.map((v) => v.name)) : undefined;
  const candidates = newNames ? s.news.filter((v) => !(v.kind === 'optimizer' && slotBase(v.name).some((b) => newNames.has(b)))) : s.news;
  const plain = pairByName(s.olds, candidates, s.rules);
  const ruleCounts = new Array<number>(s.rules.length).fill(0);
  if (s.rules.length) {
    for (const o of s.olds) {
      const r = movedKeys(o, s.rules).rule;
      if (r >= 0) ruleCounts[r]!++;
    }
  }
  // By variable index in arrays, not Sets of tens of thousands.
  const pairedOld = new Uint8Array(indexLimit(s.olds));
  const pairedNew = new Uint8Array(indexLimit(s.news));
  plain.forEach((p) => {
    pairedOld[p.old] = 1;
    pairedNew[p.new] = 1;
  });
  const restOld = s.olds.filter((v) => v.kind === 'weight' && !pairedOld[v.index]);
  const restNew = candidates.filter((v) => v.kind === 'weight' && !pairedNew[v.index]);
  const { detected, compiled } = detectRules(restOld, restNew);
  const more = compiled.length ? pairByName(restOld, restNew, compiled, (r) => `${detected[r]!.description} (a rule Graft detected: ${describeRule(detected[r]!.rule)})`) : [];
  detected.forEach((d, i) => (d.moved = more.filter((p) => p.rule === i).length));
  const named: ClassifiedPair[] = [];
  const classify = (pairs: readonly NamePair[], isDetected: boolean) => pairs.forEach((p) => {
    const o = s.old.get(p.old)!;
    const n = s.new.get(p.new)!;
    const same = sameType(o, n);
    if (!same && !proposeTransforms([o], { shape: n.shape, dtype: n.dtype, name: n.name })) return;
    const kind = p.weak ? 'weak' : same ? 'fixed' : 'changed';
    named.push({ old: p.old, new: p.new, key: p.key, weak: p.weak, rule: p.rule, how: p.how, kind, detected: isDetected, positional: o.positional || n.positional });
  });
  classify(plain, false);
  classify(more, true);
  return { named, detected: detected.filter((d) => d.moved > 0), detectedRules: compiled, ruleCounts };
}

/** Stage 3: layers in order (old layers named as the rules rename them), anchored on what the names fixed. */
function structureOf(s: Sides, named: readonly ClassifiedPair[], detectedRules: readonly CompiledRule[]): Structure {
  const rules = [...s.rules, ...detectedRules];
  const weights = s.olds.filter((v) => v.kind === 'weight');
  // Without rules every view stays as it is: no `{rule: -1}` answer made per view.
  const oldW = rules.length === 0 ? weights : weights.map((v) => {
    const moved = applyRules(v.readable, rules);
    if (moved.rule < 0) return v;
    const at = moved.name.lastIndexOf('/');
    return { ...v, layer: v.layer === '' ? '' : at > 0 ? moved.name.slice(0, at) : v.layer };
  });
  const newW = s.news.filter((v) => v.kind === 'weight');
  const anchors = named.filter((p) => p.kind === 'fixed' || (p.kind === 'changed' && !p.positional));
  return alignStructure(oldW, newW, anchors, named);
}

/** Stage 5: what the pairs say about how related the models are. */
function overlapOf(s: Sides, claims: Claims): Overlap {
  const newW = s.news.filter((v) => v.kind === 'weight');
  const byName = claims.pairs.filter((p) => p.byName).map((p) => ({ o: s.old.get(p.old)!, n: s.new.get(p.new)! }));
  const structural = claims.pairs.filter((p) => !p.byName && p.confidence !== 'guess' && sameType(s.old.get(p.old)!, s.new.get(p.new)!) && s.new.get(p.new)!.kind === 'weight').map((p) => s.new.get(p.new)!);
  return measureOverlap(newW, byName, structural);
}

export function autoMatch(old: { tensors: readonly TensorInfo[] }, target: NewModel, given: Recipe = emptyRecipe(), options: MatchOptions = {}): MatchResult {
  const accept = options.accept ?? 'likely';
  const ordered = target.source !== undefined && ORDERED_SOURCES.has(target.source);
  const across = linksAcrossEcosystems(old.tensors, target.variables, given, accept, ordered);
  const recipe = across.length ? { ...given, links: [...given.links, ...across] } : given;
  const s = sidesOf(old, target, recipe);
  const { named, detected, detectedRules, ruleCounts } = matchNames(s);
  const st = structureOf(s, named, detectedRules);
  let claims = new Claims();
  claimNamed(named, claims);
  claimAgreeing(named, st, s, claims);
  claimAligned(st, s, claims);
  const weights = (vs: VarView[], used: IndexSet) => vs.filter((v) => v.kind === 'weight' && !used.has(v.index));
  for (const p of assignLeftovers(weights(s.olds, claims.usedOld), weights(s.news, claims.usedNew))) claims.claim(p);
  claims = placeByGraph(claims, s, old.tensors, target.variables);
  if (s.include) for (const p of followSlots(s.olds, s.news, claims.pairs, new Set(claims.usedOld), new Set(claims.usedNew))) claims.claim(p);
  const overlap = overlapOf(s, claims);
  const links = toLinks(old.tensors, target.variables, claims.pairs, overlap, accept);
  // concat, not spreads: an array spread steps an iterator per element (tens of thousands of links).
  return { recipe: { ...recipe, links: recipe.links.concat(links) }, links: across.concat(links), ruleCounts, detected, overlap };
}
