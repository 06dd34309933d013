/**
 * The formats Graft reads, and the two entry points every caller uses: which checkpoints are in
 * the dropped files, and open one of them.
 */
import { GraftError } from '../errors';
import { basename, type ByteSource } from '../io/byte-source';
import type { Checkpoint } from '../model/checkpoint';
import { detectKeras, explainKeras, openKerasH5, openKerasZip } from './keras-h5';
import { detectNumpy, openNpyFiles, openNpz } from './numpy';
import { detectPytorch, explainPytorch, openPytorch, openShardedPytorch } from './pytorch';
import { detectSafetensors, openSafetensors, openShardedSafetensors } from './safetensors';
import { openTfBundle } from './tf-bundle/bundle';
import { detectTfBundles, type TfBundleMatch } from './tf-bundle/detect';
import { detectTfjs, explainTfjs, openTfjs } from './tfjs';

export type FormatId = 'tf-bundle' | 'tfjs' | 'keras-h5' | 'keras' | 'safetensors' | 'npz' | 'npy' | 'pytorch';

export interface Candidate {
  format: FormatId;
  /** Stable within one drop: for a TF bundle, the prefix path. */
  id: string;
  label: string;
  isDefault: boolean;
  /** Paths of the files this candidate reads. */
  files: string[];
}

export interface FormatSpec {
  id: FormatId;
  name: string;
  /** What Graft expects to be dropped, for the "not recognised" sentence. */
  expects: string;
  /** Candidates among the files; never throws. */
  detect(files: readonly ByteSource[]): Promise<Candidate[]>;
  open(files: readonly ByteSource[], id: string): Promise<Checkpoint>;
  /**
   * Sentences about dropped files that look like this format's but are not checkpoints (a model.json whose
   * weight files are missing, a model architecture without weights), for the "not recognised" error. Never throws.
   */
  explain?(files: readonly ByteSource[]): Promise<string[]>;
}

function notFound(id: string, what: string): GraftError {
  return new GraftError('not-found', id, `no ${what} with this name among the dropped files`);
}

/** The first candidate a format finds is its default. */
function withDefault<T extends Omit<Candidate, 'isDefault'>>(list: T[]): Candidate[] {
  return list.map((c, i) => ({ ...c, isDefault: i === 0 }));
}

/** The MetaGraph TF saved with a bundle: `PREFIX.meta`, or a SavedModel's `saved_model.pb`. */
function graphBeside(files: readonly ByteSource[], m: TfBundleMatch): ByteSource | undefined {
  const model = m.prefix.split('/').slice(0, -2).join('/');
  const path = m.savedModel ? (model ? `${model}/saved_model.pb` : 'saved_model.pb') : `${m.prefix}.meta`;
  return files.find((f) => f.path === path);
}

const tfBundle: FormatSpec = {
  id: 'tf-bundle',
  name: 'TensorFlow checkpoint',
  expects: 'a TensorFlow checkpoint (PREFIX.index with its PREFIX.data-NNNNN-of-NNNNN files, a checkpoint folder, or a SavedModel folder)',
  async detect(files) {
    const matches = await detectTfBundles(files);
    return matches.map((m) => {
      const graph = graphBeside(files, m);
      return { format: 'tf-bundle', id: m.prefix, label: m.label, isDefault: m.isDefault, files: graph ? [...m.files, graph.path] : m.files };
    });
  },
  async open(files, id) {
    const m = (await detectTfBundles(files)).find((x) => x.prefix === id);
    if (!m) throw new GraftError('not-found', id, 'no TensorFlow checkpoint with this prefix among the dropped files');
    const bundle = await openTfBundle(m.index, m.shards, m.prefix);
    const graph = graphBeside(files, m);
    // The MetaGraph reader (and protobufjs under it) loads only when a graph lies beside the checkpoint.
    return graph ? (await import('./tf-meta/annotate')).withMetaGraph(bundle, graph) : bundle;
  },
};

const tfjs: FormatSpec = {
  id: 'tfjs',
  name: 'TensorFlow.js model',
  expects: 'a TensorFlow.js model (model.json with the weight files its weightsManifest names)',
  async detect(files) {
    return withDefault((await detectTfjs(files)).map((m) => ({ format: 'tfjs' as const, id: m.modelPath, label: m.modelPath, files: m.files })));
  },
  async open(files, id) {
    const m = (await detectTfjs(files)).find((x) => x.modelPath === id);
    if (!m) throw notFound(id, 'TF.js model.json with all its weight files');
    return openTfjs(m.modelPath, m.model, m.groups);
  },
  explain: explainTfjs,
};

const kerasH5: FormatSpec = {
  id: 'keras-h5',
  name: 'Keras HDF5 weights',
  expects: 'Keras weights in HDF5 (.h5, .weights.h5)',
  async detect(files) {
    const found = (await detectKeras(files)).filter((m) => m.kind === 'h5');
    return withDefault(found.map((m) => ({ format: 'keras-h5' as const, id: m.source.path, label: m.source.path, files: [m.source.path] })));
  },
  async open(files, id) {
    const f = files.find((x) => x.path === id);
    if (!f) throw notFound(id, 'HDF5 file');
    return openKerasH5(f);
  },
  explain: explainKeras,
};

const kerasZip: FormatSpec = {
  id: 'keras',
  name: 'Keras archive',
  expects: 'a Keras 3 .keras archive',
  async detect(files) {
    const found = (await detectKeras(files)).filter((m) => m.kind === 'keras-zip');
    return withDefault(found.map((m) => ({ format: 'keras' as const, id: m.source.path, label: m.source.path, files: [m.source.path] })));
  },
  async open(files, id) {
    const f = files.find((x) => x.path === id);
    if (!f) throw notFound(id, '.keras archive');
    return openKerasZip(f);
  },
};

const safetensors: FormatSpec = {
  id: 'safetensors',
  name: 'safetensors',
  expects: 'safetensors (a .safetensors file, or model.safetensors.index.json with its shards)',
  async detect(files) {
    const found = await detectSafetensors(files);
    return withDefault(found.map((m) => ({ format: 'safetensors' as const, id: m.id, label: m.label, files: m.files })));
  },
  async open(files, id) {
    const m = (await detectSafetensors(files)).find((x) => x.id === id);
    if (!m) throw notFound(id, 'safetensors file');
    return m.kind === 'sharded' ? openShardedSafetensors(m.source.path, m.index!, m.shards) : openSafetensors(m.source);
  },
};

const npz: FormatSpec = {
  id: 'npz',
  name: 'NumPy .npz',
  expects: 'NumPy arrays (.npz, or .npy files)',
  async detect(files) {
    const found = (await detectNumpy(files)).filter((m) => m.kind === 'npz');
    return withDefault(found.map((m) => ({ format: 'npz' as const, id: m.id, label: m.id, files: [m.id] })));
  },
  async open(files, id) {
    const m = (await detectNumpy(files)).find((x) => x.kind === 'npz' && x.id === id);
    if (!m) throw notFound(id, '.npz file');
    return openNpz(m.sources[0]!);
  },
};

const npy: FormatSpec = {
  id: 'npy',
  name: 'NumPy .npy',
  expects: '.npy arrays',
  async detect(files) {
    const found = (await detectNumpy(files)).filter((m) => m.kind === 'npy');
    return withDefault(found.map((m) => ({ format: 'npy' as const, id: m.id, label: m.id, files: m.sources.map((s) => s.path) })));
  },
  async open(files, id) {
    const m = (await detectNumpy(files)).find((x) => x.kind === 'npy' && x.id === id);
    if (!m) throw notFound(id, '.npy file');
    return openNpyFiles(m.sources, m.id);
  },
};

const pytorch: FormatSpec = {
  id: 'pytorch',
  name: 'PyTorch checkpoint',
  expects: 'a PyTorch checkpoint (.pt, .pth, .bin written by torch.save, or pytorch_model.bin.index.json with its shards)',
  async detect(files) {
    const found = await detectPytorch(files);
    return withDefault(found.map((m) => ({ format: 'pytorch' as const, id: m.id, label: m.id, files: m.files })));
  },
  async open(files, id) {
    const m = (await detectPytorch(files)).find((x) => x.id === id);
    if (!m) throw notFound(id, 'PyTorch checkpoint');
    return m.kind === 'sharded' ? openShardedPytorch(m.source.path, m.index!, m.shards) : openPytorch(m.source, m.layout!);
  },
  explain: explainPytorch,
};

export const FORMATS: readonly FormatSpec[] = [tfBundle, tfjs, kerasH5, kerasZip, safetensors, npz, npy, pytorch];

/** What the formats say about dropped files that are not checkpoints. */
export async function explainFiles(files: readonly ByteSource[]): Promise<string[]> {
  const out: string[] = [];
  for (const format of FORMATS) {
    try {
      out.push(...((await format.explain?.(files)) ?? []));
    } catch {
      // explain never throws
    }
  }
  return out;
}

export async function listCandidates(files: readonly ByteSource[]): Promise<Candidate[]> {
  const all: Candidate[] = [];
  for (const format of FORMATS) {
    try {
      all.push(...(await format.detect(files)));
    } catch {
      // detect never throws; a format that does is skipped rather than hiding the others
    }
  }
  // One default across formats: the first one a format marked.
  let seen = false;
  return all.map((c) => {
    const isDefault = c.isDefault && !seen;
    if (isDefault) seen = true;
    return { ...c, isDefault };
  });
}

/** Opens the candidate `candidateId`, or the default one. */
export async function openCheckpoint(files: readonly ByteSource[], candidateId?: string): Promise<Checkpoint> {
  const candidates = await listCandidates(files);
  const names = files.map((f) => basename(f.path));
  if (candidates.length === 0) {
    const explained = await explainFiles(files);
    if (explained.length > 0) throw new GraftError('not-recognised', '', `no checkpoint among the dropped files: ${explained.join('; ')}`);
    const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
    throw new GraftError(
      'not-recognised',
      shown || '(no files)',
      `none of these files is a checkpoint Graft reads — expected ${FORMATS.map((f) => f.expects).join('; or ')}`,
    );
  }
  const chosen =
    candidateId === undefined
      ? (candidates.find((c) => c.isDefault) ?? candidates[0]!)
      : candidates.find((c) => c.id === candidateId);
  if (!chosen) {
    throw new GraftError('not-found', candidateId ?? '', `no checkpoint with this id among the dropped files; found ${candidates.map((c) => c.id).join(', ')}`);
  }
  const format = FORMATS.find((f) => f.id === chosen.format)!;
  return format.open(files, chosen.id);
}
