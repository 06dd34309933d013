/**
 * Triage of what did not carry as is, said in words, each with the action that resolves it: the models share
 * little; a scope was renamed (the rule that fixes it); only the head's class count or the vocabulary changed;
 * every layer differs by the same ratio (another variant or config); layers resized; the same values in another
 * shape (a reshape) or layout (a transpose); layers inserted or removed (where). A pure function of the plan, the
 * match result and both sides' variables.
 */
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetVariable } from '../../model/target-model';
import type { Plan } from '../plan';
import type { RenameRule, Link } from '../recipe';
import { fmt } from '../transforms';
import type { DetectedRule } from './detect';
import type { Overlap } from './overlap';

export type FindingKind = 'share-little' | 'renamed-scope' | 'head' | 'vocabulary' | 'variant' | 'resized' | 'reshape' | 'transposed' | 'inserted' | 'removed';

export interface Finding {
  kind: FindingKind;
  /** What happened, in one sentence. */
  sentence: string;
  /** What resolves it. */
  action: string;
  /** The variables it is about (new names; old names for `removed`). */
  names: string[];
  /** `renamed-scope`: the rename rule that resolves it (the page's "Add rule"). */
  rule?: RenameRule;
}

export interface TriageInput {
  plan: Plan;
  result: { detected: readonly DetectedRule[]; overlap: Overlap };
  old: readonly TensorInfo[];
  variables: readonly TargetVariable[];
}

interface Changed {
  to: string;
  layer: string;
  oldShape: number[];
  newShape: number[];
  ops: Link['transforms'][number]['op'][];
  applied: boolean;
}

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const scopeOf = (s: string) => (s.includes('/') ? s.slice(0, s.lastIndexOf('/')) : s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : s);
const list = (names: readonly string[], n = 4) => names.slice(0, n).map((x) => `\`${x}\``).join(', ') + (names.length > n ? ` and ${names.length - n} more` : '');
const plural = (n: number, one: string, many: string) => (n === 1 ? one : `${n} ${many}`);

/** The command-line spelling of a rule: `old/=new/` or `re:REGEX=REPLACEMENT`. */
export function ruleArg(rule: RenameRule): string {
  return rule.kind === 'prefix' ? `${rule.from}=${rule.to}` : `re:${rule.from}=${rule.to}`;
}

/** Layers in model order (a variable's layer, else its scope; a scopeless bias joins the kernel before it). */
function layersOf<T extends { name: string; shape: number[]; kind: string; layer?: string }>(vars: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  let last = '';
  // Indexed loops over variables and entries here: run once over tens of thousands, mostly before the optimising
  // compiler has seen them, where for-of costs an iterator result per element.
  for (let i = 0; i < vars.length; i++) {
    const v = vars[i]!;
    if (v.kind !== 'weight') continue;
    const flat = !v.name.includes('/') && !v.name.includes('.');
    const name = v.layer ?? (flat && v.shape.length <= 1 && last ? last : scopeOf(v.name));
    const list = out.get(name);
    if (list) list.push(v);
    else out.set(name, [v]);
    last = name;
  }
  return out;
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Every new variable whose value comes, or is proposed to come, from an old one of another shape. */
function changedPairs(plan: Plan, old: ReadonlyMap<string, TensorInfo>, layerOf: () => ReadonlyMap<string, string>): Changed[] {
  const out: Changed[] = [];
  for (let i = 0; i < plan.entries.length; i++) {
    const e = plan.entries[i]!;
    const link = e.from.length === 1 ? e : e.pending?.from.length === 1 ? e.pending : undefined;
    const src = link && old.get(link.from[0]!);
    if (!src || sameDims(src.shape, e.shape)) continue;
    out.push({ to: e.to, layer: layerOf().get(e.to) ?? scopeOf(e.to), oldShape: src.shape, newShape: e.shape, ops: link.transforms.map((t) => t.op), applied: e.from.length === 1 });
  }
  return out;
}

/** Reshapes and layout permutations: the same values, arranged otherwise. */
/** A keep-the-function chain (Net2Net): its reshapes only bracket a division through a Flatten. */
const grown = (c: Changed) => c.ops.includes('net2wider') || c.ops.includes('divide-replicated');

function rearranged(changed: readonly Changed[]): Finding[] {
  const out: Finding[] = [];
  const reshaped = changed.filter((c) => c.ops.includes('reshape') && !grown(c));
  if (reshaped.length) {
    const c = reshaped[0]!;
    out.push({
      kind: 'reshape', names: reshaped.map((x) => x.to),
      sentence: `${plural(reshaped.length, 'a variable holds', 'variables hold')} the same number of values in another shape (${list(reshaped.map((x) => x.to), 2)}: ${fmt(c.oldShape)} → ${fmt(c.newShape)})`,
      action: 'they are reshaped in order; check that the new layout splits the values the way the old one did (heads × head size, kernel height × width)',
    });
  }
  const transposed = changed.filter((c) => c.ops.includes('transpose') && !c.ops.includes('reshape'));
  if (transposed.length) {
    out.push({
      kind: 'transposed', names: transposed.map((x) => x.to),
      sentence: `${plural(transposed.length, 'a kernel is', 'kernels are')} stored in another layout (${list(transposed.map((x) => x.to), 2)}: ${fmt(transposed[0]!.oldShape)} → ${fmt(transposed[0]!.newShape)})`,
      action: 'they are transposed (PyTorch [out, in, …] ↔ TF [… in, out]); nothing to do unless the old framework is not the one the name suggests',
    });
  }
  return out;
}

/** The axis pairs (old size → new size) a same-rank change touches. */
function dimChanges(c: Changed): [number, number][] {
  if (c.oldShape.length !== c.newShape.length) return [];
  return c.oldShape.flatMap((d, i) => (d !== c.newShape[i] ? [[d, c.newShape[i]!] as [number, number]] : []));
}

const resizedOnly = (changed: readonly Changed[]) => changed.filter((c) => (grown(c) || !c.ops.includes('reshape')) && !c.ops.includes('transpose') && dimChanges(c).length > 0);

/** Most layers grow or shrink by one ratio: another variant or config of the model. */
function variant(changed: readonly Changed[], linkedLayers: () => number): Finding[] {
  const resized = resizedOnly(changed);
  const layers = new Set(resized.map((c) => c.layer));
  if (layers.size < 4) return [];
  const linked = linkedLayers();
  if (layers.size * 4 < linked * 3) return [];
  const ratios = new Set(resized.flatMap((c) => dimChanges(c).map(([a, b]) => (b / a).toFixed(3))));
  if (ratios.size !== 1) return [];
  const sizes = [...new Map(resized.flatMap(dimChanges)).entries()].sort((x, y) => x[0] - y[0]);
  return [{
    kind: 'variant', names: resized.map((c) => c.to),
    sentence: `${layers.size} of ${linked} layers differ by the same ratio (×${+Number([...ratios][0]).toFixed(3)}: ${sizes.map(([a, b]) => `${a} → ${b}`).join(', ')}): the checkpoint is of another variant or config of this model`,
    action: `use the checkpoint of the same variant, or build the new model with the old sizes (${sizes.map(([a]) => a).join(', ')}); padding every layer does not give a trained model`,
  }];
}

/** Changes only on each tensor's output axis (a bias; a kernel's last axis, or axis 0 in PyTorch layout). */
function outputsOnly(c: Changed): boolean {
  const out = c.oldShape.length <= 1 || (!c.to.includes('/') && c.to.includes('.')) ? 0 : c.oldShape.length - 1;
  return c.oldShape.every((d, i) => i === out || d === c.newShape[i]);
}

const VOCAB = /embed|vocab|word|token|wte|lm_head|output_bias/i;
const HEAD = /head|classif|logit|(^|[/._])(fc|out|output|cls|predictions?)$/i;

/** Resized layers: the head's class count, the vocabulary, or layers widened or narrowed. */
function resizedLayers(changed: readonly Changed[], lastLayer: string | undefined): Finding[] {
  const resized = resizedOnly(changed);
  if (resized.length === 0) return [];
  const dims = [...new Set(resized.flatMap((c) => dimChanges(c).map(([a, b]) => `${a} → ${b}`)))];
  const layers = [...new Set(resized.map((c) => c.layer))];
  const names = resized.map((c) => c.to);
  const applied = resized.every((c) => c.applied);
  const [a, b] = dims[0]!.split(' → ').map(Number) as [number, number];
  if (dims.length === 1 && layers.length <= 2 && resized.every((c) => VOCAB.test(c.to))) {
    return [{
      kind: 'vocabulary', names,
      sentence: `only the vocabulary changed: ${a} → ${b} tokens (${list(names, 2)})`,
      action: b > a ? `the old tokens' rows carry${applied ? '' : ' once their proposals are accepted'}; the ${b - a} new ones start at the mean embedding — check the new tokens were appended, not inserted` : `the first ${b} tokens carry; check the vocabulary was cut at its end`,
    }];
  }
  if (dims.length === 1 && layers.length === 1 && resized.every(outputsOnly) && (layers[0] === lastLayer || HEAD.test(layers[0]!))) {
    return [{
      kind: 'head', names,
      sentence: `only the head changed: ${a} → ${b} outputs in \`${layers[0]}\`; everything else carries`,
      action: applied
        ? `its first ${Math.min(a, b)} outputs carry${b > a ? ` and ${plural(b - a, 'a new one starts', 'new ones start')} fresh` : ''}; if the classes mean something else now, unlink it`
        : `it starts fresh (as for fine-tuning); to keep its first ${Math.min(a, b)} outputs, accept its proposals (graft match --accept guess)`,
    }];
  }
  const big = resized.filter((c) => !c.applied).length;
  const kept = resized.some(grown);
  return [{
    kind: 'resized', names,
    sentence: `${plural(layers.length, 'a layer', 'layers')} changed size (${list(layers, 3)}: ${dims.slice(0, 3).join(', ')})`,
    action: kept ? 'new units copy old ones and the layers that read them divide by the copy count (keep the function), so the model computes what the old one did' : `old values stay in the first entries; new units start from the initializer and new inputs at zero, so kept units compute what they did${big ? `; ${big} change${big === 1 ? '' : 's'} would make up or drop most of a tensor and ${big === 1 ? 'is' : 'are'} only proposed` : ''}${b > a ? '; to copy old units instead (Net2Net: the whole function kept), use "Keep the function" on a widened kernel or graft match --keep-function' : ''}`,
  }];
}

export function triage(input: TriageInput): Finding[] {
  const { overlap, detected } = input.result;
  if (!overlap.related) {
    return [{ kind: 'share-little', sentence: overlap.sentence, action: 'check that these are the checkpoint and the model you meant; links the names stand behind are kept, any other is yours to draw', names: [] }];
  }
  const out: Finding[] = detected.map((d) => ({
    kind: 'renamed-scope', names: [], rule: d.rule,
    sentence: `${d.description}: ${plural(d.moved, 'a variable', 'variables')} linked through it (as likely)`,
    action: `add the rule to make these links sure: --rule '${ruleArg(d.rule)}'`,
  }));
  const newLayers = layersOf(input.variables);
  // Which layer a variable is in, and how many layers are linked, only where a changed shape asks (most large
  // checkpoints carry every shape as it is): maps of tens of thousands of names otherwise built for nothing.
  let layerOf: Map<string, string> | undefined;
  const layerOfVariable = () => {
    if (layerOf) return layerOf;
    layerOf = new Map<string, string>();
    newLayers.forEach((vs, l) => {
      for (let i = 0; i < vs.length; i++) layerOf!.set(vs[i]!.name, l);
    });
    return layerOf;
  };
  const oldByName = new Map<string, TensorInfo>();
  for (let i = 0; i < input.old.length; i++) oldByName.set(input.old[i]!.name, input.old[i]!);
  const changed = changedPairs(input.plan, oldByName, layerOfVariable);
  out.push(...rearranged(changed));
  const linkedLayers = () => {
    const linkedTo = new Set<string>();
    input.plan.entries.forEach((e) => {
      if (e.from.length) linkedTo.add(e.to);
    });
    let n = 0;
    newLayers.forEach((vs) => (n += vs.some((v) => linkedTo.has(v.name)) ? 1 : 0));
    return n;
  };
  const v = variant(changed, linkedLayers);
  out.push(...(v.length ? v : resizedLayers(changed, [...newLayers.keys()].pop())));
  out.push(...insertedAndRemoved(input, newLayers));
  return out;
}

/**
 * Layers none of whose weights carry or are proposed (inserted), old layers none of whose weights are used or
 * proposed (removed). A scope all of whose layers are inserted is named once (`encoder/layer_12`).
 */
function insertedAndRemoved(input: TriageInput, newLayers: Map<string, TargetVariable[]>): Finding[] {
  const byTo = new Map<string, Plan['entries'][number]>();
  const proposedFrom = new Set<string>();
  input.plan.entries.forEach((e) => {
    byTo.set(e.to, e);
    if (e.pending) for (const f of e.pending.from) proposedFrom.add(f);
  });
  // A layer whose links make its values (identity, constant: inserted to keep the function) is accounted for too.
  const carried = (vs: readonly TargetVariable[]) => vs.some((v) => {
    const e = byTo.get(v.name);
    return e !== undefined && (e.from.length > 0 || e.pending !== undefined || e.status === 'transformed');
  });
  const out: Finding[] = [];
  const order = [...newLayers.keys()];
  const fresh = collapse(order, new Set(order.filter((l) => !carried(newLayers.get(l)!))));
  if (fresh.length && fresh.length * 2 <= order.length) {
    const where = (name: string) => {
      const i = order.findIndex((l) => l === name || l.startsWith(`${name}/`) || l.startsWith(`${name}.`));
      const before = order.slice(0, i).reverse().find((l) => carried(newLayers.get(l)!));
      const after = order.slice(i + 1).find((l) => carried(newLayers.get(l)!) && !l.startsWith(name));
      return before && after ? ` between \`${before}\` and \`${after}\`` : before ? ` after \`${before}\`` : after ? ` before \`${after}\`` : '';
    };
    out.push({
      kind: 'inserted', names: order.filter((l) => fresh.some((f) => l === f || l.startsWith(f))).flatMap((l) => newLayers.get(l)!.map((v) => v.name)),
      sentence: `${plural(fresh.length, 'a layer has', 'layers have')} no old weights: ${fresh.slice(0, 4).map((f) => `\`${f}\`${where(f)}`).join('; ')}${fresh.length > 4 ? `; and ${fresh.length - 4} more` : ''}`,
      action: 'they start from their initializers (new layers), or link them by hand if they are old layers renamed',
    });
  }
  const unused = new Set(input.plan.unused);
  const oldLayers = layersOf(input.old);
  const oldOrder = [...oldLayers.keys()];
  const gone = collapse(oldOrder, new Set(oldOrder.filter((l) => oldLayers.get(l)!.every((t) => unused.has(t.name) && !proposedFrom.has(t.name)))));
  if (gone.length && gone.length * 2 <= oldOrder.length) {
    out.push({
      kind: 'removed', names: oldOrder.filter((l) => gone.some((g) => l === g || l.startsWith(g))).flatMap((l) => oldLayers.get(l)!.map((t) => t.name)),
      sentence: `${plural(gone.length, 'an old layer', 'old layers')} nothing uses: ${list(gone)}`,
      action: 'they were removed from the model and their weights are dropped, or link them by hand if they were renamed',
    });
  }
  return out;
}

/** `hits` named by their highest scope all of whose layers are hits (`a/b/x`, `a/b/y` → `a/b` when `a/b` has nothing else). */
function collapse(order: readonly string[], hits: ReadonlySet<string>): string[] {
  const parent = (s: string) => (s.includes('/') ? s.slice(0, s.lastIndexOf('/')) : s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : '');
  const under = (scope: string) => order.filter((l) => l.startsWith(`${scope}/`) || l.startsWith(`${scope}.`));
  const named: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const l = order[i]!;
    if (!hits.has(l)) continue;
    let name = l;
    for (let p = parent(name); p && under(p).every((x) => hits.has(x)); p = parent(p)) name = p;
    if (!named.includes(name)) named.push(name);
  }
  return named;
}
