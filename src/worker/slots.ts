/**
 * The work behind the worker's calls, as plain functions over core (tested in Node with in-memory files): route a
 * drop, open a slot, swap the slots, inspect a variable of either slot.
 */
import { GraftError, toErrorData } from '../core/errors';
import { gatherDropFacts } from '../core/formats/facts';
import { checkpointTarget, type NewModel, openNewModel } from '../core/formats/new-model';
import { FORMATS, type Candidate, listCandidates, openCheckpoint } from '../core/formats/registry';
import { basename, type ByteSource } from '../core/io/byte-source';
import type { Checkpoint, TensorInfo } from '../core/model/checkpoint';
import { isDecodable } from '../core/model/numbers';
import type { TargetModel, TargetVariable } from '../core/model/target-model';
import { loadTfjs } from '../core/model/target/build-layers';
import { checkpointHistories } from './histories';
import { type Occupancy, type SlotId, type SlotSource, classifyDrop, sourceForSlot } from './route';
import { inspectTensor, summariseNumbers } from './inspect-tensor';
import type { InspectResult, RouteResult, SlotData, SlotOpened, VariableData, ViewOptions } from './protocol';

/** What the worker keeps per slot: the old slot's checkpoint; the new slot's target, with its template checkpoint if any. */
export interface OpenedSlot extends SlotOpened {
  checkpoint: Checkpoint | null;
  target: TargetModel | null;
}

const TARGET_NAMES: Record<TargetModel['source'], string> = {
  'tfjs-layers': 'TF.js layers model',
  'tfjs-graph': 'TF.js graph model',
  'keras-json': 'Keras model JSON',
  'tf-graph': 'TensorFlow graph (MetaGraph)',
  list: 'list of variables',
  checkpoint: 'checkpoint',
};

const formatName = (id: string) => FORMATS.find((f) => f.id === id)?.name ?? id;

function tensorData(t: TensorInfo): VariableData {
  // Fields set one by one, not spread in: objects built by conditional spreads were several times slower to make and
  // to post to the page (50,000 variables).
  const data: VariableData = { name: t.name, dtype: t.dtype, shape: [...t.shape], byteLength: t.byteLength, kind: t.kind, group: t.group };
  if (t.path !== undefined) data.path = t.path;
  if (t.originalName !== undefined) data.originalName = t.originalName;
  if (t.trainable !== undefined) data.trainable = t.trainable;
  if (t.consumerOp !== undefined) data.consumerOp = t.consumerOp;
  if (t.layer !== undefined) data.layer = t.layer;
  if (t.weightIndex !== undefined) data.weightIndex = t.weightIndex;
  return data;
}

function oldVariableData(checkpoint: Checkpoint, t: TensorInfo): VariableData {
  const unreadable = checkpoint.unreadable?.(t.name);
  return unreadable ? { ...tensorData(t), unreadable } : tensorData(t);
}

function targetVariableData(v: TargetVariable): VariableData {
  // Added to tensorData's object (see there). The initializer is shared, not copied: posting the slot to the page
  // copies it anyway (a structuredClone per variable took ~0.5 s for 50,000 of them).
  const data: VariableData = tensorData(v);
  data.initializer = v.initializer;
  if (v.layerClass !== undefined) data.layerClass = v.layerClass;
  if (v.kerasPath !== undefined) data.kerasPath = v.kerasPath;
  return data;
}

function checkpointSlot(checkpoint: Checkpoint, candidates: SlotOpened['candidates'], candidateId: string): OpenedSlot {
  const data: SlotData = {
    role: 'old', kind: 'checkpoint', format: checkpoint.format, formatName: formatName(checkpoint.format),
    label: checkpoint.label, files: [...checkpoint.files], variables: checkpoint.tensors.map((t) => oldVariableData(checkpoint, t)), warnings: [...checkpoint.warnings],
  };
  return { checkpoint, target: null, candidates, candidateId, data };
}

/** `latest`: a dropped `checkpoint` state file names it as the latest save (the registry's default may be a guess). */
async function candidateData(files: readonly ByteSource[], candidates: readonly Candidate[]): Promise<SlotOpened['candidates']> {
  const latest = new Set((await checkpointHistories(files, candidates)).map((h) => h.ids[0]));
  return candidates.map((c) => ({ format: c.format, id: c.id, label: c.label, isDefault: c.isDefault, files: [...c.files], ...(latest.has(c.id) && { latest: true }) }));
}

/** The new slot: its one TargetModel (what matching, previews, the lists and the export use), with its template if any. */
function newSlot(opened: NewModel, candidates: SlotOpened['candidates'], jsonPath = ''): OpenedSlot {
  const { target, checkpoint } = opened;
  const variables = target.variables.map(targetVariableData);
  const blocking = (target.unbuilt ?? []).map((u) => `Layer ${u.layer} (${u.className}) cannot be built: ${u.reason}. Its variables are missing, so the export is refused.`);
  const built: SlotData = checkpoint
    ? { role: 'new', kind: 'template', format: checkpoint.format, formatName: `${formatName(checkpoint.format)}, as template`, label: checkpoint.label, files: [...checkpoint.files], variables, warnings: [...target.warnings] }
    : {
        role: 'new', kind: target.source === 'checkpoint' ? 'template' : target.source, format: target.source, formatName: TARGET_NAMES[target.source],
        label: target.label || basename(jsonPath), files: [jsonPath], variables, warnings: [...target.warnings],
      };
  // A `.keras` / full `.h5`: the model its config describes, or a template of its weights; the page offers both.
  const modelConfig = checkpoint?.modelConfig !== undefined ? { modelConfig: target.source === 'checkpoint' ? ('template' as const) : ('built' as const) } : {};
  const data: SlotData = { ...built, ...modelConfig, ...(blocking.length && { blocking }) };
  return { checkpoint, target, candidates, candidateId: opened.candidateId, data };
}

/** A checkpoint as the new model (after a swap): the same TargetModel `openNewModel` gives it. */
async function templateSlot(checkpoint: Checkpoint, candidates: SlotOpened['candidates'], candidateId: string): Promise<OpenedSlot> {
  return newSlot({ target: await checkpointTarget(checkpoint), checkpoint, candidates: [], candidateId }, candidates);
}

/** Opens a slot's files as its source says. The old slot needs weights: a model JSON there is refused with the reason. */
export async function openSlotSource(role: SlotId, files: readonly ByteSource[], source: SlotSource): Promise<OpenedSlot> {
  if (source.as === 'model-json') {
    if (role === 'old') {
      throw new GraftError('usage', source.path, 'is a model architecture without weights — it can only be the new model; drop the trained checkpoint as the old one');
    }
    const opened = await openNewModel(files, { as: 'model-json', path: source.path });
    return newSlot(opened, [], source.path);
  }
  if (role === 'new') {
    const opened = await openNewModel(files, { as: 'checkpoint', ...(source.candidateId !== undefined && { candidateId: source.candidateId }), ...(source.template && { template: true }) });
    return newSlot(opened, await candidateData(files, opened.candidates));
  }
  const candidates = await candidateData(files, await listCandidates(files));
  const chosen = source.candidateId ?? candidates.find((c) => c.isDefault)?.id ?? candidates[0]?.id;
  return checkpointSlot(await openCheckpoint(files, chosen), candidates, chosen ?? '');
}

/** Where a drop goes; `into` is a drop onto one slot. When the files fit nowhere, the registry's sentence says what they are. */
export async function routeFiles(files: readonly ByteSource[], occupancy: Record<SlotId, Occupancy>, into?: SlotId): Promise<RouteResult> {
  const facts = await gatherDropFacts(files);
  if (into) {
    const source = sourceForSlot(facts, into);
    if (source) return { kind: 'route', plan: { [into]: source } };
  } else {
    const routing = classifyDrop(facts, occupancy, await checkpointHistories(files, facts.checkpoints));
    if (routing.kind !== 'none') return routing;
  }
  if (into === 'new') {
    const names = files.map((f) => basename(f.path)).join(', ');
    return {
      kind: 'none',
      error: toErrorData(new GraftError('not-recognised', names, 'none of these files is a model JSON (Keras `to_json()`, a `.keras` config.json, a TF.js model.json, a list of {name, shape, dtype}) or a checkpoint to use as a template')),
    };
  }
  try {
    await openCheckpoint(files);
  } catch (e) {
    return { kind: 'none', error: toErrorData(e) };
  }
  return { kind: 'none', error: { code: 'not-recognised', file: '', message: 'These files could not be placed in either slot.' } };
}

/** The old checkpoint becomes the new model's template; the new slot's checkpoint becomes the old one. */
export async function swapSlots(old: OpenedSlot | null, neu: OpenedSlot | null): Promise<{ old: OpenedSlot | null; new: OpenedSlot | null }> {
  if (neu && !neu.checkpoint) {
    throw new GraftError('usage', neu.data.label, 'the new model is a model JSON without weights, so it cannot become the old checkpoint');
  }
  return {
    old: neu?.checkpoint ? checkpointSlot(neu.checkpoint, neu.candidates, neu.candidateId) : null,
    new: old?.checkpoint ? await templateSlot(old.checkpoint, old.candidates, old.candidateId) : null,
  };
}

/** Stored values in the old slot and for a template; a model JSON's variables show their initializer's values. */
export async function inspectSlot(slot: OpenedSlot, name: string, view: ViewOptions, seed: number): Promise<InspectResult> {
  // A template's variables are the checkpoint's tensors; a `.keras` file's built model names its own.
  if (slot.checkpoint && (!slot.target || slot.target.source === 'checkpoint')) return inspectTensor(slot.checkpoint, name, view);
  const target = slot.target!;
  const info = target.variables.find((v) => v.name === name);
  if (!info) throw new GraftError('not-found', target.label, `has no variable named "${name}"`);
  if (!isDecodable(info.dtype)) {
    return { kind: 'opaque', name, reason: `Graft cannot show the values of a ${info.dtype} variable.` };
  }
  const bytes = await target.defaultValue(name, seed);
  return summariseNumbers(info, bytes, view, target.label);
}

/**
 * Loads TF.js' layers (what builds the layers of a model JSON that build-fast.ts does not cover) ahead of the first
 * such drop, where loading it took seconds.
 */
export function warmModelBuilder(): void {
  void loadTfjs().catch(() => undefined);
}
