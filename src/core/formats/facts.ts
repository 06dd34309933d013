/**
 * What a set of files is, by content: the checkpoints the registry finds in them (and whether each also describes a
 * model), and the JSON files that are new-model descriptions no checkpoint claims. The page routes a drop from these
 * facts (`worker/route.ts`); the page and the CLI both pick the new model from them (`modelJsonIn`).
 */
import type { ByteSource } from '../io/byte-source';
import { detectModelJson, type ModelJsonKind } from '../model/target/detect';
import { type FormatId, listCandidates, openCheckpoint } from './registry';
import { sniffMetaGraph } from './tf-meta/sniff';

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

/** A new-model description: a model JSON, or a TF1 graph (a MetaGraph `.meta`, a SavedModel's `saved_model.pb`). */
export interface DropModelJson {
  path: string;
  kind: ModelJsonKind | 'tf-graph';
}

export interface DropFacts {
  /** Every dropped path, in drop order. */
  files: string[];
  checkpoints: DropCheckpoint[];
  /** JSON files that describe a new model and are not part of a checkpoint found above. */
  modelJsons: DropModelJson[];
}

const MAX_JSON_BYTES = 64 << 20;

/** The file's text when it starts like JSON and is small enough to be a model description; else null. Never throws. */
export async function jsonText(f: ByteSource): Promise<string | null> {
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

/**
 * Looks at the files: the checkpoints the registry finds and the model JSONs beside them. Never throws.
 * `alsoModel: false` skips opening Keras HDF5 files to see whether they store a model (every `alsoModel` is then
 * false), for a caller that does not ask the person where the files go.
 */
export async function gatherDropFacts(files: readonly ByteSource[], opts: { alsoModel?: boolean } = {}): Promise<DropFacts> {
  const candidates = await listCandidates(files);
  const checkpoints: DropCheckpoint[] = [];
  for (const c of candidates) {
    let alsoModel = opts.alsoModel !== false && (c.format === 'tfjs' || c.format === 'keras');
    if (c.format === 'keras-h5' && opts.alsoModel !== false) alsoModel = await h5HasModelConfig(files, c.id);
    checkpoints.push({ id: c.id, format: c.format, label: c.label, files: [...c.files], isDefault: c.isDefault, alsoModel });
  }
  const claimed = new Set(checkpoints.flatMap((c) => c.files));
  const modelJsons: DropModelJson[] = [];
  for (const f of files) {
    if (claimed.has(f.path)) continue;
    const text = await jsonText(f);
    const detected = text === null ? null : detectModelJson(text);
    if (detected) modelJsons.push({ path: f.path, kind: detected.kind });
    else if (text === null && (await sniffMetaGraph(f))) modelJsons.push({ path: f.path, kind: 'tf-graph' });
  }
  return { files: files.map((f) => f.path), checkpoints, modelJsons };
}

/** The checkpoint the files stand for: the registry's default, else the first. */
export function mainCheckpoint(facts: DropFacts): DropCheckpoint | undefined {
  return facts.checkpoints.find((c) => c.isDefault) ?? facts.checkpoints[0];
}

/**
 * The model JSON that is the new model, by content, or null when the new model is a checkpoint used as template.
 * A file the person named (`wanted`) decides: it is the new model when it is a model JSON no checkpoint claims (a
 * TF.js model.json with its weights is a checkpoint). Nothing named: the first such model JSON among the files,
 * before any checkpoint.
 */
export function modelJsonIn(facts: DropFacts, wanted?: string): DropModelJson | null {
  if (wanted !== undefined) return facts.modelJsons.find((j) => j.path === wanted) ?? null;
  return facts.modelJsons[0] ?? null;
}
