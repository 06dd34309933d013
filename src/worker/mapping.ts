/**
 * The mapping work that needs what the worker holds: auto-matching over the opened checkpoint and new model, and
 * the preview of one plan entry computed from the real bytes (the engine's own chain, so the preview is the export).
 */
import { cancelledError } from '../core/engine/execute';
import { runChain, type Value } from '../core/engine/chain';
import { GraftError } from '../core/errors';
import { autoMatch, emptyRecipe, keepFunction, type KeepFunctionOptions, type KeepFunctionResult, type PlanEntry, type Recipe } from '../core/mapping';
import { isDecodable } from '../core/model/numbers';
import { ELEMENT_SIZE, elementCount } from '../core/model/dtypes';
import type { TargetModel } from '../core/model/target-model';
import { inspectSlot, type OpenedSlot } from './slots';
import { summariseNumbers } from './inspect-tensor';
import type { InspectResult, Matched, PreviewResult, ViewOptions } from './protocol';

function both(old: OpenedSlot | null, neu: OpenedSlot | null): { old: OpenedSlot & { checkpoint: NonNullable<OpenedSlot['checkpoint']> }; target: TargetModel } {
  if (!old?.checkpoint) throw new GraftError('usage', '', 'open the old checkpoint first');
  if (!neu?.target) throw new GraftError('usage', '', 'open the new model first');
  return { old: old as OpenedSlot & { checkpoint: NonNullable<OpenedSlot['checkpoint']> }, target: neu.target };
}

/** The matcher's links added to the person's recipe, with the rules it detected and how much the models share. */
export function matchSlots(old: OpenedSlot | null, neu: OpenedSlot | null, recipe: Recipe): Matched {
  const { old: o, target } = both(old, neu);
  const { recipe: matched, detected, overlap } = autoMatch(o.checkpoint, target, recipe);
  return { recipe: matched, facts: { detected, overlap } };
}

/** The links that keep the old model's function in the grown one (Net2Net), computed where the new model's graph is. */
export function keepFunctionSlots(old: OpenedSlot | null, neu: OpenedSlot | null, recipe: Recipe, options: KeepFunctionOptions): KeepFunctionResult {
  const { old: o, target } = both(old, neu);
  return keepFunction(recipe, o.checkpoint, target, options);
}

/**
 * The first match of a pair of slots, started as soon as both are open: the page asks for it only after drawing
 * the opened slots and looking for a saved recipe (≈ 0.5 s with 5,000 variables a side), and by then the answer is
 * ready or on its way. Kept for exactly these two slots and the empty recipe the page starts from.
 */
let ahead: { old: OpenedSlot; neu: OpenedSlot; recipe: string; result: Promise<Matched> } | null = null;

/** Starts the first match of `old` and `neu` after the current call has answered (a task later). */
export function matchAhead(old: OpenedSlot | null, neu: OpenedSlot | null): void {
  ahead = null;
  if (!old?.checkpoint || !neu?.target) return;
  const recipe = emptyRecipe();
  const result = new Promise<Matched>((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(matchSlots(old, neu, recipe));
      } catch (e) {
        reject(e);
      }
    }),
  );
  result.catch(() => undefined);
  ahead = { old, neu, recipe: JSON.stringify(recipe), result };
}

/** `matchSlots`, answered from the match started ahead when it is the same question. */
export function matchSlotsAhead(old: OpenedSlot | null, neu: OpenedSlot | null, recipe: Recipe): Promise<Matched> | Matched {
  const a = ahead;
  if (a && a.old === old && a.neu === neu && JSON.stringify(recipe) === a.recipe) return a.result;
  return matchSlots(old, neu, recipe);
}

/** Only the latest preview request runs to the end: an earlier one stops at its next step. */
let latestPreview = 0;

/**
 * Before: each source's values; after: the entry's output through the engine's chain (or, for an unlinked
 * variable, what it is filled with). `entry` is the plan's entry, or a waiting proposal shaped like one.
 */
export async function previewEntry(
  old: OpenedSlot | null, neu: OpenedSlot | null, entry: PlanEntry, view: ViewOptions, seed: number, id: number,
): Promise<PreviewResult> {
  latestPreview = Math.max(latestPreview, id);
  const check = () => {
    if (id !== latestPreview) throw cancelledError();
  };
  const { old: o, target } = both(old, neu);
  const checkpoint = o.checkpoint;
  const before: InspectResult[] = [];
  // A link with no source but a value-making first step (identity, constant) runs its chain like any other.
  if (entry.status === 'initialised' || (entry.from.length === 0 && entry.status !== 'transformed')) {
    const after = entry.fill === 'zeros' ? zeros(entry, view) : await inspectSlot(neu!, entry.to, view, seed);
    return { id, before, after };
  }
  const values: Value[] = [];
  for (const name of entry.from) {
    check();
    const info = checkpoint.tensors.find((t) => t.name === name);
    if (!info) throw new GraftError('not-found', checkpoint.label, `has no variable named "${name}"`);
    if (!isDecodable(info.dtype)) throw new GraftError('unsupported', checkpoint.label, `${name} is ${info.dtype}: Graft copies it as is but cannot show its values`);
    const { bytes } = await checkpoint.readValue(name);
    values.push({ bytes, shape: [...info.shape], dtype: info.dtype });
    before.push(summariseNumbers(info, bytes, view, checkpoint.label));
  }
  check();
  if (entry.status === 'incompatible') return { id, before, after: null };
  const out = await runChain(values, { entry, target, seed, ops: loadOps, check });
  check();
  const info = { name: entry.to, shape: out.shape, dtype: out.dtype, byteLength: out.bytes.byteLength, kind: entry.kind, group: '' };
  const after = summariseNumbers(info, out.bytes, view, target.label);
  return { id, before, after };
}

function zeros(entry: PlanEntry, view: ViewOptions): InspectResult {
  const bytes = new Uint8Array(elementCount(entry.shape) * ELEMENT_SIZE[entry.dtype]);
  return summariseNumbers({ name: entry.to, shape: entry.shape, dtype: entry.dtype, byteLength: bytes.byteLength, kind: entry.kind, group: '' }, bytes, view);
}

let ops: ReturnType<typeof import('../core/engine/arithmetic').cpuOps> | null = null;
/** TF.js loads only when a previewed chain resizes or fills with a mean. */
const loadOps = () => (ops ??= import('../core/engine/arithmetic').then((m) => m.cpuOps()));
