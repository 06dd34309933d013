/**
 * Which slot dropped files belong in: the **old** slot takes a checkpoint (the trained weights), the **new** slot
 * takes the model the weights must fit (a model JSON, or a checkpoint used as a template). `gatherDropFacts` looks
 * at the files (registry detection, JSON content); `classifyDrop` and `sourceForSlot` decide from those facts alone,
 * so the decision is a pure function that tests can drive with hand-written facts.
 */
import type { ByteSource } from '../core/io/byte-source';
import { detectModelJson, type ModelJsonKind } from '../core/model/target/detect';
import { type FormatId, listCandidates, openCheckpoint } from '../core/formats/registry';

export type SlotId = 'old' | 'new';

/** What a slot holds now; a slot holding the built-in example counts as free for routing. */
export type Occupancy = 'empty' | 'example' | 'files';

/** How a slot opens its files: as a checkpoint (a template when in the new slot), or as a model JSON. */
export type SlotSource =
  | { as: 'checkpoint'; files: string[]; candidateId?: string }
  | { as: 'model-json'; files: string[]; path: string };

export type RoutePlan = Partial<Record<SlotId, SlotSource>>;

export type Choice = SlotId | 'both';

export interface DropCheckpoint {
  id: string;
  format: FormatId;
  label: string;
  files: string[];
  isDefault: boolean;
  /**
   * The files also describe a model architecture, so they could as well be the new model: a TF.js model.json with
   * its weights, a full-model Keras `.h5` (root `model_config`), a `.keras` archive.
   */
  alsoModel: boolean;
}

export interface DropModelJson {
  path: string;
  kind: ModelJsonKind;
}

export interface DropFacts {
  /** Every dropped path, in drop order. */
  files: string[];
  checkpoints: DropCheckpoint[];
  /** JSON files that describe a new model and are not part of a checkpoint found above. */
  modelJsons: DropModelJson[];
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
  | { kind: 'none' };

const MAX_JSON_BYTES = 64 << 20;

async function jsonText(f: ByteSource): Promise<string | null> {
  if (f.size < 2 || f.size > MAX_JSON_BYTES) return null;
  try {
    const head = new TextDecoder().decode(await f.read(0, Math.min(f.size, 16))).trimStart();
    if (head[0] !== '{' && head[0] !== '[') return null;
    return new TextDecoder().decode(await f.read(0, f.size));
  } catch {
    return null;
  }
}

/** Opens a Keras HDF5 candidate only to see whether it stores its model config. */
async function h5HasModelConfig(files: readonly ByteSource[], id: string): Promise<boolean> {
  try {
    const checkpoint = await openCheckpoint(files, id);
    const has = typeof checkpoint.modelConfig === 'string';
    checkpoint.close?.();
    return has;
  } catch {
    // Unreadable here means unreadable later too: the open reports it in the slot.
    return false;
  }
}

/** Looks at the dropped files: the checkpoints the registry finds and the model JSONs beside them. Never throws. */
export async function gatherDropFacts(files: readonly ByteSource[]): Promise<DropFacts> {
  const candidates = await listCandidates(files);
  const checkpoints: DropCheckpoint[] = [];
  for (const c of candidates) {
    let alsoModel = c.format === 'tfjs' || c.format === 'keras';
    if (c.format === 'keras-h5') alsoModel = await h5HasModelConfig(files, c.id);
    checkpoints.push({ id: c.id, format: c.format, label: c.label, files: [...c.files], isDefault: c.isDefault, alsoModel });
  }
  const claimed = new Set(checkpoints.flatMap((c) => c.files));
  const modelJsons: DropModelJson[] = [];
  for (const f of files) {
    if (claimed.has(f.path)) continue;
    const text = await jsonText(f);
    const detected = text === null ? null : detectModelJson(text);
    if (detected) modelJsons.push({ path: f.path, kind: detected.kind });
  }
  return { files: files.map((f) => f.path), checkpoints, modelJsons };
}

const MODEL_JSON_NAME: Record<ModelJsonKind, string> = {
  'tfjs-layers': 'TF.js layers model without weights',
  'tfjs-graph': 'TF.js graph model without weights',
  'keras-json': 'Keras model JSON',
  list: 'list of variables',
};

const CHECKPOINT_NAME: Record<FormatId, string> = {
  'tf-bundle': 'TensorFlow checkpoint',
  tfjs: 'TF.js model with its weights',
  'keras-h5': 'Keras HDF5 file',
  keras: 'Keras .keras archive',
  safetensors: 'safetensors',
  npz: 'NumPy .npz',
  npy: 'NumPy .npy',
};

export function describeModelJson(kind: ModelJsonKind): string {
  return MODEL_JSON_NAME[kind];
}

/** The checkpoint a drop stands for: the registry's default, else the first. */
function mainCheckpoint(facts: DropFacts): DropCheckpoint | undefined {
  return facts.checkpoints.find((c) => c.isDefault) ?? facts.checkpoints[0];
}

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
  const json = facts.modelJsons[0];
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
  const json = facts.modelJsons[0];
  if (slot === 'new' && json) return jsonSource(json);
  return checkpoint ? checkpointSource(facts, checkpoint) : null;
}
