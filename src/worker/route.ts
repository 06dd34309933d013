/**
 * Which slot dropped files belong in, the page's policy: the **old** slot takes a checkpoint (the trained weights),
 * the **new** slot takes the model the weights must fit (a model JSON, or a checkpoint used as a template).
 * `gatherDropFacts` (core) says what the files are; `classifyDrop` and `sourceForSlot` decide from those facts alone,
 * so the decision is a pure function that tests can drive with hand-written facts.
 */
import { type DropCheckpoint, type DropFacts, type DropModelJson, mainCheckpoint, modelJsonIn } from '../core/formats/facts';
import type { FormatId } from '../core/formats/registry';

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

/**
 * Where a drop goes when it was dropped onto no slot in particular:
 * - a checkpoint and a model JSON together: the checkpoint to old, the JSON to new;
 * - a model JSON alone: new;
 * - a checkpoint that is only weights: old — unless the person's own checkpoint is already in old and new is free,
 *   then it could be either (a second checkpoint to use as the new model's template): ask;
 * - a checkpoint that is also a model (TF.js with weights, full-model `.h5`, `.keras`): ask;
 * - nothing recognised: none (the caller reports what the files are).
 */
export function classifyDrop(facts: DropFacts, occupancy: Record<SlotId, Occupancy>): Routing {
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
      reason: 'The old slot already holds a checkpoint and the new slot is empty: replace the old one, or use this one as the new model’s template?',
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
