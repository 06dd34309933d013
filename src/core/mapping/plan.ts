/**
 * compile(recipe, old, new) → Plan, a pure function: for every new variable its sources, transform chain,
 * each step's output shape and a status; the old variables nothing uses; the counts the summary bar shows.
 * The canvas colours and the CLI's lines come from here, never from the UI.
 */
import type { TensorInfo, VariableKind } from '../model/checkpoint';
import { ELEMENT_SIZE, type DType } from '../model/dtypes';
import type { TargetVariable } from '../model/target-model';
import { chainSizeProblem } from './chain-size';
import { GENERATOR_OPS } from './grow-steps';
import { proposeTransforms } from './propose';
import type { Confidence, FillPolicy, Link, Recipe } from './recipe';
import { chainShapes, fmt, type StepOutput, type Transform } from './transforms';

export type PlanStatus = 'exact' | 'transformed' | 'initialised' | 'incompatible';

export interface PlanEntry {
  to: string;
  shape: number[];
  dtype: DType;
  kind: VariableKind;
  status: PlanStatus;
  /** Old variables the value comes from (empty when initialised). */
  from: string[];
  transforms: Transform[];
  /** Output of each transform step, for the page's preview. */
  steps: StepOutput[];
  confidence?: Confidence;
  reason?: string;
  /** Index of the recipe link behind this entry. */
  link?: number;
  /** How an initialised variable is filled. */
  fill?: FillPolicy;
  /** Why an entry is incompatible, in one sentence. */
  problem?: string;
  /** For an incompatible entry: the chain that would fit, if one exists. */
  suggestion?: Transform[];
  /** Lossy casts and the like. */
  notes: string[];
  /** A proposed link (accepted: false) that is drawn but not applied. */
  pending?: { from: string[]; transforms: Transform[]; confidence?: Confidence; reason?: string; link: number };
}

export interface PlanSummary {
  total: number;
  exact: number;
  transformed: number;
  initialised: number;
  incompatible: number;
  /** Old model weights nothing uses (PyTorch's "unexpected keys"). */
  unused: number;
  /** Old optimizer and bookkeeping variables left out by the recipe's filters. */
  excluded: number;
  /** Proposed links waiting to be accepted. */
  pending: number;
}

export interface Plan {
  entries: PlanEntry[];
  unused: string[];
  /** Recipe links that name no new variable, or a new variable twice. */
  problems: string[];
  summary: PlanSummary;
}

export interface OldSide {
  tensors: readonly TensorInfo[];
  /** `Checkpoint.unreadable`: why a tensor's bytes cannot be read; a link from it is then incompatible. */
  unreadable?(name: string): string | undefined;
}

export interface NewSide {
  variables: readonly TargetVariable[];
}

const isFloatLike = (d: DType) => ['float16', 'bfloat16', 'float32', 'float64'].includes(d);
const isComplex = (d: DType) => d === 'complex64' || d === 'complex128';

/** Whether an old variable may be linked onto a new one at all (shapes aside): the canvas's isValidConnection. */
export function canLink(from: Pick<TensorInfo, 'dtype' | 'name'>, to: Pick<TensorInfo, 'dtype' | 'name'>): { ok: true } | { ok: false; reason: string } {
  const a = from.dtype;
  const b = to.dtype;
  if (a === b && ELEMENT_SIZE[a] === 0 && a !== 'string') return { ok: false, reason: `${a} variables hold no values to copy` };
  if (a === b) return { ok: true };
  if (a === 'string' || b === 'string') return { ok: false, reason: `${from.name} is ${a} and ${to.name} is ${b}: text and numbers cannot be converted` };
  if (ELEMENT_SIZE[a] === 0 || ELEMENT_SIZE[b] === 0) return { ok: false, reason: `${a} → ${b}: no values to convert` };
  if (isComplex(a) !== isComplex(b)) return { ok: false, reason: `${a} → ${b}: complex and real numbers do not convert` };
  if (isComplex(a)) return { ok: false, reason: `${a} → ${b}: complex casts are not supported` };
  const castable = (d: DType) => isFloatLike(d) || /^u?int(8|16|32|64)$/.test(d) || d === 'bool';
  if (!castable(a) || !castable(b)) return { ok: false, reason: `${a} → ${b}: Graft cannot cast between these dtypes` };
  return { ok: true };
}

function effectiveFill(policy: FillPolicy, v: TargetVariable): FillPolicy {
  if (policy === 'template') return v.initializer.kind === 'template' ? 'template' : 'initializer';
  return policy;
}

/** A link that gives a value: from old variables, or made by a first identity/constant step (an inserted layer). */
const hasSource = (link: Link) => link.from.length > 0 || GENERATOR_OPS.has(link.transforms[0]?.op ?? '');

function isActive(link: Link): boolean {
  return link.accepted !== false && hasSource(link);
}

export function compile(recipe: Recipe, old: OldSide, target: NewSide): Plan {
  const oldByName = new Map<string, TensorInfo>();
  old.tensors.forEach((t) => oldByName.set(t.name, t));
  const newNames = new Set<string>();
  target.variables.forEach((v) => newNames.add(v.name));
  const problems: string[] = [];
  const linkFor = new Map<string, number>();
  recipe.links.forEach((link, i) => {
    if (!newNames.has(link.to)) {
      problems.push(`link ${i} goes to ${link.to}, which the new model does not have`);
      return;
    }
    const prev = linkFor.get(link.to);
    if (prev !== undefined) {
      // An applied link beats a pending one; otherwise the first stays.
      if (!isActive(recipe.links[prev]!) && isActive(link)) linkFor.set(link.to, i);
      problems.push(`links ${prev} and ${i} both go to ${link.to}; only ${linkFor.get(link.to)} is used`);
      return;
    }
    linkFor.set(link.to, i);
  });

  const used = new Set<string>();
  const entries: PlanEntry[] = target.variables.map((v) => {
    const index = linkFor.get(v.name);
    const link = index === undefined ? undefined : recipe.links[index]!;
    if (!link || !isActive(link)) {
      const base = { to: v.name, shape: v.shape, dtype: v.dtype, kind: v.kind, notes: [] as string[] };
      const pending = link && hasSource(link)
        ? { pending: { from: link.from, transforms: link.transforms, ...(link.confidence ? { confidence: link.confidence } : {}), ...(link.reason ? { reason: link.reason } : {}), link: index! } }
        : {};
      return { ...base, status: 'initialised', from: [], transforms: [], steps: [], fill: effectiveFill(recipe.fill, v), ...pending };
    }
    // Indexed: tens of thousands of links, mostly before the optimising compiler sees this (for-of allocates then).
    for (let k = 0; k < link.from.length; k++) used.add(link.from[k]!);
    // Built field by field in the order the spreads gave them ({to, shape, dtype, kind, notes, confidence?, reason?,
    // link, from, transforms, ...}): tens of thousands of entries made without intermediate objects.
    const entry = { to: v.name, shape: v.shape, dtype: v.dtype, kind: v.kind, notes: [] as string[] } as PlanEntry;
    if (link.confidence) entry.confidence = link.confidence;
    if (link.reason) entry.reason = link.reason;
    entry.link = index!;
    entry.from = link.from;
    entry.transforms = link.transforms;
    const sources: TensorInfo[] = [];
    for (let k = 0; k < link.from.length; k++) {
      const name = link.from[k]!;
      const t = oldByName.get(name);
      if (!t) return incompatibleEntry(entry, `the old checkpoint has no variable named ${name}`);
      const unreadable = old.unreadable?.(name);
      if (unreadable) return incompatibleEntry(entry, `${name} cannot be read: ${unreadable}`);
      const ok = canLink(t, v);
      if (!ok.ok) return incompatibleEntry(entry, ok.reason);
      sources.push(t);
    }
    // A plain copy (most links of a large checkpoint) has no steps to shape or to size.
    const copy = link.transforms.length === 0 && sources.length === 1;
    if (copy && sources[0]!.dtype === v.dtype && sameDims(sources[0]!.shape, v.shape)) {
      entry.status = link.from.length === 1 ? 'exact' : 'transformed';
      entry.steps = [];
      return entry;
    }
    const chain = copy ? { ok: true as const, out: sources[0]!, steps: [], notes: [] } : chainShapes(link.transforms, sources);
    if (!chain.ok) return incompatibleEntry(entry, `step ${chain.stepIndex + 1}: ${chain.reason}`, chain.steps);
    const tooLarge = copy ? undefined : chainSizeProblem(v, sources, link.transforms, chain.steps);
    if (tooLarge) return incompatibleEntry(entry, tooLarge, chain.steps);
    const { shape, dtype } = chain.out;
    if (shape.length !== v.shape.length || shape.some((d, i) => d !== v.shape[i]) || dtype !== v.dtype) {
      const got = `${fmt(shape)} ${dtype}`;
      const want = `${fmt(v.shape)} ${v.dtype}`;
      const suggestion = proposeTransforms(sources, { shape: v.shape, dtype: v.dtype, name: v.name });
      const what = link.transforms.length ? 'the transforms give' : 'the source is';
      return incompatibleEntry(entry, `${what} ${got} but ${v.name} is ${want}`, chain.steps, suggestion?.transforms);
    }
    entry.status = link.from.length === 1 && link.transforms.length === 0 ? 'exact' : 'transformed';
    entry.steps = chain.steps;
    entry.notes = chain.notes;
    return entry;
  });

  const considered = (t: TensorInfo) => t.kind === 'weight' || recipe.filters.includeOptimizer;
  const unused: string[] = [];
  let excluded = 0;
  for (let i = 0; i < old.tensors.length; i++) {
    const t = old.tensors[i]!;
    if (used.has(t.name)) continue;
    if (!considered(t)) excluded++;
    else if (t.name !== '_CHECKPOINTABLE_OBJECT_GRAPH') unused.push(t.name);
  }
  const counts: Record<PlanStatus, number> = { exact: 0, transformed: 0, initialised: 0, incompatible: 0 };
  let pending = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    counts[e.status]++;
    if (e.pending) pending++;
  }
  return {
    entries,
    unused,
    problems,
    summary: {
      total: entries.length,
      exact: counts.exact,
      transformed: counts.transformed,
      initialised: counts.initialised,
      incompatible: counts.incompatible,
      unused: unused.length,
      excluded,
      pending,
    },
  };
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function incompatibleEntry(entry: PlanEntry, problem: string, steps: StepOutput[] = [], suggestion?: Transform[] | null): PlanEntry {
  return { ...entry, status: 'incompatible', steps, problem, ...(suggestion ? { suggestion } : {}) };
}
