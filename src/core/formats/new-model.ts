/**
 * The new model, opened one way for the page's worker and the CLI: a model JSON (Keras `to_json()`, a TF.js
 * model.json without its weights, a list of variables) or a TF1 graph (a MetaGraph `.meta`, a SavedModel's
 * `saved_model.pb`, opened through the same `model-json` source) is built with its initializers; any checkpoint is a template
 * (its tensors are the variables, in storage order, and their stored values the defaults; the model config a `.keras`
 * or full-model `.h5` stores comes along as the topology the writers need). Which of the two the files are is decided
 * by content (`modelJsonIn`), never by a file name. A `.keras` or full-model `.h5` is the model its config describes,
 * starting from the weights it stores (`checkpointTarget`).
 */
import { GraftError } from '../errors';
import { basename, type ByteSource } from '../io/byte-source';
import type { Checkpoint } from '../model/checkpoint';
import type { TargetModel } from '../model/target-model';
import { buildTarget } from '../model/target/build';
import { targetFromCheckpoint } from '../model/target/from-checkpoint';
import { kerasFileTarget } from '../model/target/from-keras-file';
import { type Candidate, listCandidates, openCheckpoint } from './registry';
import type { TfBundleCheckpoint } from './tf-bundle/bundle';
import { sniffMetaGraph } from './tf-meta/sniff';

/** How the new model opens: a model JSON among the files, or one of the checkpoints in them (default: the registry's). */
export type NewModelSource = { as: 'model-json'; path: string } | { as: 'checkpoint'; candidateId?: string; /** A `.keras` / full `.h5` as a template of its weights, not built from its config. */ template?: boolean };

export interface NewModel {
  /** The one TargetModel of this new model: matching, previews, the page's lists and the export all use it. */
  target: TargetModel;
  /** The template checkpoint; null for a model JSON. */
  checkpoint: Checkpoint | null;
  /** The checkpoints among the files (empty for a model JSON) and which one was opened ('' for a model JSON). */
  candidates: Candidate[];
  candidateId: string;
}

/**
 * A checkpoint as the new model's template. A TF bundle lists its variables in storage order (TF writes TF2
 * checkpoints in object-graph order, not key order), so an identity export rewrites it byte for byte.
 */
export function templateTarget(checkpoint: Checkpoint): TargetModel {
  const target = targetFromCheckpoint(checkpoint);
  if (checkpoint.format !== 'tf-bundle') return target;
  const bundle = checkpoint as TfBundleCheckpoint;
  const at = (name: string) => bundle.entry(name) ?? { shardId: 0, offset: 0 };
  const variables = [...target.variables].sort((a, b) => at(a.name).shardId - at(b.name).shardId || at(a.name).offset - at(b.name).offset);
  return { ...target, variables };
}

/**
 * The new model a checkpoint stands for: the model a `.keras` or full-model `.h5` describes (built from its config,
 * starting from its stored weights), else the checkpoint itself as a template.
 */
export async function checkpointTarget(checkpoint: Checkpoint): Promise<TargetModel> {
  return (await kerasFileTarget(checkpoint)) ?? templateTarget(checkpoint);
}

/** The new model from one model JSON file, named in every message by its base name. */
export async function targetFromJsonFile(file: ByteSource): Promise<TargetModel> {
  const text = new TextDecoder().decode(await file.read(0, file.size));
  return buildTarget({ text, fileName: basename(file.path) });
}

/** Opens `files` as the new model, as `source` says. */
export async function openNewModel(files: readonly ByteSource[], source: NewModelSource): Promise<NewModel> {
  if (source.as === 'model-json') {
    const file = files.find((f) => f.path === source.path);
    if (!file) throw new GraftError('missing-file', source.path, 'the model JSON is not among the files given for the new model');
    // The MetaGraph reader (and protobufjs under it) loads only for a graph: most new models are JSON.
    const target = (await sniffMetaGraph(file)) ? await (await import('./tf-meta/target')).openMetaGraphTarget(file) : await targetFromJsonFile(file);
    return { target, checkpoint: null, candidates: [], candidateId: '' };
  }
  const candidates = await listCandidates(files);
  const chosen = source.candidateId ?? candidates.find((c) => c.isDefault)?.id ?? candidates[0]?.id;
  const checkpoint = await openCheckpoint(files, chosen);
  const target = source.template ? templateTarget(checkpoint) : await checkpointTarget(checkpoint);
  return { target, checkpoint, candidates, candidateId: chosen ?? '' };
}
