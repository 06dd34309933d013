/**
 * Which slot dropped files belong in, the page's policy: the **old** slot takes a checkpoint (the trained weights),
 * the **new** slot takes the model the weights must fit (a model JSON, or a checkpoint used as a template).
 * `gatherDropFacts` (core) says what the files are; `classifyDrop` and `sourceForSlot` decide from those facts alone,
 * so the decision is a pure function that tests can drive with hand-written facts.
 */
import { type DropCheckpoint, type DropFacts, type DropModelJson, mainCheckpoint, modelJsonIn } from '../core/formats/facts';
import type { FormatId } from '../core/formats/registry';
import type { CheckpointHistory } from './histories';

export type { DropFacts };

export type SlotId = 'old' | 'new';

/** What a slot holds now; a slot holding the built-in example counts as free for routing. */
export type Occupancy = 'empty' | 'example' | 'files';

/** How a slot opens its files: as a checkpoint (a template when in the new slot), or as a model JSON. */
export type SlotSource =
  | { as: 'checkpoint'; files: string[]; candidateId?: string; /** New slot: the checkpoint as a template even where it stores a model config. */ template?: boolean }
  | { as: 'model-json'; files: string[]; path: string };

export type RoutePlan = Partial<Record<SlotId, SlotSource>>;

export type Choice = SlotId | 'both';

/** One model among several dropped together: the person says where each goes (old, new, or not used). */
export interface DropModel {
  /** What it is, e.g. `before/model.h5 (Keras HDF5 file)`. */
  label: string;
  /** Where Graft suggests it goes: from its folder or file name (before/old → old, after/new → new), else in drop order. */
  suggested: SlotId | 'none';
  /** How it opens in the old slot; absent for a model JSON, which has no weights. */
  old?: SlotSource;
  new: SlotSource;
}

export type Routing =
  | { kind: 'route'; plan: RoutePlan }
  | {
      kind: 'ask';
      /** What is being asked about, e.g. `model/model.json (TF.js model with weights)`. */
      subject: string;
      /** Why Graft cannot decide alone, one sentence for the dialog. */
      reason: string;
      options: Record<Choice, RoutePlan>;
    }
  | {
      /** Two or more models in one drop: asked once, per model. */
      kind: 'pair';
      reason: string;
      models: DropModel[];
    }
  | { kind: 'none' };

const CHECKPOINT_NAME: Record<FormatId, string> = {
  'tf-bundle': 'TensorFlow checkpoint',
  tfjs: 'TF.js model with its weights',
  'keras-h5': 'Keras HDF5 file',
  keras: 'Keras .keras archive',
  safetensors: 'safetensors',
  npz: 'NumPy .npz',
  npy: 'NumPy .npy',
  pytorch: 'PyTorch checkpoint',
};

/** A checkpoint source keeps every dropped file that is not a model JSON (a `checkpoint` state file, other candidates). */
function checkpointSource(facts: DropFacts, c: DropCheckpoint): SlotSource {
  const jsons = new Set(facts.modelJsons.map((j) => j.path));
  return { as: 'checkpoint', files: facts.files.filter((f) => !jsons.has(f)), candidateId: c.id };
}

function jsonSource(j: DropModelJson): SlotSource {
  return { as: 'model-json', files: [j.path], path: j.path };
}

const OLD_WORDS = /(?:^|[/_.\s-])(?:before|old|orig|original|previous|prev|pretrained|trained|source|src)(?:[/_.\s-]|$)/i;
const NEW_WORDS = /(?:^|[/_.\s-])(?:after|new|changed|target|updated|dst)(?:[/_.\s-]|$)/i;
const hint = (path: string): SlotId | null => (OLD_WORDS.test(path) && !NEW_WORDS.test(path) ? 'old' : NEW_WORDS.test(path) && !OLD_WORDS.test(path) ? 'new' : null);

/**
 * The checkpoints of a drop as models: the prefixes one `checkpoint` state file names are one model (its history,
 * opened at the latest); every other candidate is a model of its own.
 */
function checkpointModels(facts: DropFacts, histories: readonly CheckpointHistory[]): { label: string; path: string; source: SlotSource }[] {
  const out: { label: string; path: string; source: SlotSource }[] = [];
  const grouped = new Set<string>();
  for (const h of histories) {
    const members = facts.checkpoints.filter((c) => h.ids.includes(c.id) && !grouped.has(c.id));
    const latest = members.find((c) => c.id === h.ids[0]) ?? members[0];
    if (!latest) continue;
    for (const c of members) grouped.add(c.id);
    const files = [...new Set([h.state, ...members.flatMap((c) => c.files)])];
    const saves = members.length > 1 ? `, ${members.length} saves` : '';
    out.push({ label: `${latest.label} (${CHECKPOINT_NAME[latest.format]}${saves})`, path: latest.id, source: { as: 'checkpoint', files, candidateId: latest.id } });
  }
  for (const c of facts.checkpoints) {
    if (grouped.has(c.id)) continue;
    out.push({ label: `${c.label} (${CHECKPOINT_NAME[c.format]})`, path: c.id, source: { as: 'checkpoint', files: [...c.files], candidateId: c.id } });
  }
  return out;
}

/** Suggests one model per slot: names first (before/after, old/new), then a model JSON for new, then drop order. */
function suggest(models: { path: string; json: boolean }[]): (SlotId | 'none')[] {
  const out: (SlotId | 'none')[] = models.map(() => 'none');
  const take = (slot: SlotId, fits: (i: number) => boolean) => {
    if (out.includes(slot)) return;
    const i = models.findIndex((m, k) => out[k] === 'none' && !(slot === 'old' && m.json) && fits(k));
    if (i >= 0) out[i] = slot;
  };
  for (const slot of ['old', 'new'] as const) take(slot, (k) => hint(models[k]!.path) === slot);
  take('new', (k) => models[k]!.json);
  for (const slot of ['old', 'new'] as const) take(slot, (k) => hint(models[k]!.path) === null);
  for (const slot of ['old', 'new'] as const) take(slot, () => true);
  return out;
}

function pairOf(facts: DropFacts, checkpoints: ReturnType<typeof checkpointModels>): Routing {
  const all = [
    ...checkpoints.map((c) => ({ label: c.label, path: c.path, json: false, old: c.source as SlotSource | undefined, new: c.source })),
    ...facts.modelJsons.map((j) => ({ label: `${j.path} (model JSON)`, path: j.path, json: true, old: undefined, new: jsonSource(j) })),
  ];
  const suggested = suggest(all);
  return {
    kind: 'pair',
    reason: `These files hold ${all.length} models. Say which one is the old checkpoint (the trained weights) and which the new model.`,
    models: all.map((m, i) => ({ label: m.label, suggested: suggested[i]!, ...(m.old && { old: m.old }), new: m.new })),
  };
}

/**
 * Where a drop goes when it was dropped onto no slot in particular:
 * - a checkpoint and a model JSON together: the checkpoint to old, the JSON to new;
 * - a model JSON alone: new;
 * - a checkpoint that is only weights: old — unless the person's own checkpoint is already in old and new is free,
 *   then it could be either (a second checkpoint to use as the new model's template): ask;
 * - a checkpoint that is also a model (TF.js with weights, full-model `.h5`, `.keras`): ask;
 * - two or more models (checkpoints that are not one state file's history, with or without model JSONs): ask once,
 *   per model, which goes where;
 * - nothing recognised: none (the caller reports what the files are).
 */
export function classifyDrop(facts: DropFacts, occupancy: Record<SlotId, Occupancy>, histories: readonly CheckpointHistory[] = []): Routing {
  const models = checkpointModels(facts, histories);
  if (models.length >= 2) return pairOf(facts, models);
  const checkpoint = mainCheckpoint(facts);
  const json = modelJsonIn(facts);
  if (checkpoint && json) return { kind: 'route', plan: { old: checkpointSource(facts, checkpoint), new: jsonSource(json) } };
  if (json) return { kind: 'route', plan: { new: jsonSource(json) } };
  if (!checkpoint) return { kind: 'none' };

  const source = checkpointSource(facts, checkpoint);
  const options: Record<Choice, RoutePlan> = { old: { old: source }, new: { new: source }, both: { old: source, new: source } };
  const subject = `${checkpoint.label} (${CHECKPOINT_NAME[checkpoint.format]})`;
  if (checkpoint.alsoModel) {
    return {
      kind: 'ask',
      subject,
      reason: 'It holds trained weights and describes a model, so it could be either side.',
      options,
    };
  }
  if (occupancy.old === 'files' && occupancy.new !== 'files') {
    return {
      kind: 'ask',
      subject,
      reason: `The old slot already holds a checkpoint and the new slot ${occupancy.new === 'example' ? 'holds only the built-in example' : 'is empty'}: replace the old one, or use this one as the new model’s template?`,
      options,
    };
  }
  return { kind: 'route', plan: options.old };
}

/**
 * What a drop onto one slot opens there, or null when nothing in it fits that slot. The old slot takes a
 * checkpoint; the new slot prefers a model JSON, else takes a checkpoint as its template.
 */
export function sourceForSlot(facts: DropFacts, slot: SlotId): SlotSource | null {
  const checkpoint = mainCheckpoint(facts);
  const json = slot === 'new' ? modelJsonIn(facts) : null;
  if (json) return jsonSource(json);
  return checkpoint ? checkpointSource(facts, checkpoint) : null;
}
