/** One input for a reader: a seed, mutated by a strategy that fits its format, or a generated document. */
import { OUTPUT_FORMATS } from '../src/core/formats/writers';
import type { Corpus, Reader, Seed } from './corpus';
import { generateModelJson, generatePythonCase, generateRecipe, type Side } from './generate';
import { mutateBytes } from './mutate-bytes';
import { isZip, mutateHdf5, mutateNpyHeader, mutatePickle, mutateZipDirectory, mutateZipMemberInPlace, mutateZipRebuild } from './mutate-containers';
import { INDEX_FOCUS, mutateJsonFile, mutateSafetensors, TFJS_FOCUS } from './mutate-json';
import { mutateTfIndex, mutateTfObjectGraph, type FileBytes } from './mutate-tf';
import { mutateMessage } from './protobuf';
import type { Rng } from './rng';
import type { Input } from './targets';

type FileMutator = (rng: Rng, bytes: Uint8Array) => Uint8Array | null;
type SetMutator = (rng: Rng, files: FileBytes[]) => FileBytes[] | null;

const utf8 = new TextEncoder();

/** A file mutator applied to one file of the set, drawn among those `pick` accepts. */
function onFile(pick: (f: FileBytes) => boolean, fn: FileMutator): SetMutator {
  return (rng, files) => {
    const candidates = files.map((f, i) => [f, i] as const).filter(([f]) => pick(f));
    if (candidates.length === 0) return null;
    const [f, i] = rng.pick(candidates);
    const bytes = fn(rng, f.bytes);
    if (!bytes) return null;
    const out = files.slice();
    out[i] = { path: f.path, bytes };
    return out;
  };
}

const ends = (...suffixes: string[]) => (f: FileBytes) => suffixes.some((s) => f.path.endsWith(s));
const zipped = (f: FileBytes) => isZip(f.bytes);

/** Structure-aware strategies per reader, each with its weight; plain byte mutations fill the rest. */
const STRATEGIES: Partial<Record<Reader, [string, number, SetMutator][]>> = {
  'tf-bundle': [
    ['tf-index-protobuf', 0.35, mutateTfIndex],
    ['tf-object-graph', 0.15, mutateTfObjectGraph],
  ],
  tfjs: [['tfjs-model-json', 0.5, onFile(ends('.json'), (rng, b) => mutateJsonFile(rng, b, TFJS_FOCUS))]],
  safetensors: [
    ['safetensors-header', 0.4, onFile(ends('.safetensors'), mutateSafetensors)],
    ['index-json', 0.15, onFile(ends('.index.json'), (rng, b) => mutateJsonFile(rng, b, INDEX_FOCUS))],
  ],
  keras: [
    ['zip-directory', 0.25, onFile(zipped, mutateZipDirectory)],
    ['zip-member', 0.3, onFile(zipped, mutateZipRebuild)],
  ],
  npz: [
    ['zip-directory', 0.3, onFile(zipped, mutateZipDirectory)],
    ['zip-member-stored', 0.15, onFile(zipped, mutateZipMemberInPlace)],
    ['zip-member', 0.15, onFile(zipped, mutateZipRebuild)],
  ],
  pytorch: [
    ['zip-directory', 0.15, onFile(zipped, mutateZipDirectory)],
    ['pickle-in-zip', 0.3, onFile(zipped, mutateZipMemberInPlace)],
    ['pickle', 0.25, onFile((f) => !isZip(f.bytes) && f.bytes[0] === 0x80, (rng, b) => mutatePickle(rng, b))],
    ['index-json', 0.05, onFile(ends('.index.json'), (rng, b) => mutateJsonFile(rng, b, INDEX_FOCUS))],
  ],
  npy: [['npy-header', 0.5, onFile(ends('.npy'), mutateNpyHeader)]],
  'keras-h5': [['hdf5-sizes', 0.5, onFile(() => true, mutateHdf5)]],
  'tf-meta': [['metagraph-protobuf', 0.5, onFile(() => true, (rng, b) => mutateMessage(rng, b))]],
  'model-json': [['model-json-tree', 0.5, onFile(() => true, (rng, b) => mutateJsonFile(rng, b))]],
};

/** Plain byte mutations of one file: index, JSON and header files more often than tensor data. */
function bytesStrategy(rng: Rng, files: FileBytes[], donors: readonly Uint8Array[]): { files: FileBytes[]; ops: string[] } {
  const meta = files.filter((f) => !/\.(data-\d+-of-\d+|bin)$/.test(f.path) || f.bytes.length < 4096);
  const f = meta.length && rng.chance(0.75) ? rng.pick(meta) : rng.pick(files);
  const m = mutateBytes(rng, f.bytes, donors);
  return { files: files.map((x) => (x === f ? { path: f.path, bytes: m.bytes } : x)), ops: m.ops.map((o) => `${o}:${f.path}`) };
}

export interface PairSides {
  (i: number): { old: Side; target: Side } | undefined;
}

/** The next input for `reader`. */
export function makeInput(rng: Rng, reader: Reader, corpus: Corpus, pairSides: PairSides): Input {
  const format = rng.pick(OUTPUT_FORMATS);
  if (reader === 'recipe') {
    const pair = rng.int(corpus.pairs.length);
    const { old, target } = pairSides(pair) ?? { old: { names: [], shapes: [] }, target: { names: [], shapes: [] } };
    let bytes: Uint8Array = utf8.encode(JSON.stringify(generateRecipe(rng, old, target)));
    const ops = ['generate-recipe'];
    if (rng.chance(0.25)) {
      bytes = mutateJsonFile(rng, bytes) ?? bytes;
      ops.push('json-tree');
    }
    const match = rng.chance(0.7) ? rng.pick(['sure', 'likely', 'guess'] as const) : undefined;
    return { reader, files: [{ path: 'recipe.json', bytes }], pair, format, ...(match && { match }), ops, seed: corpus.pairs[pair]?.name };
  }
  if (reader === 'python') {
    return { reader, files: [{ path: 'case.json', bytes: utf8.encode(JSON.stringify(generatePythonCase(rng))) }], ops: ['generate-python-case'] };
  }
  const seeds: Seed[] = corpus.seeds.get(reader) ?? [];
  if (reader === 'model-json' && (seeds.length === 0 || rng.chance(0.5))) {
    return { reader, files: [{ path: 'model.json', bytes: utf8.encode(generateModelJson(rng)) }], format, ops: ['generate-model-json'] };
  }
  if (seeds.length === 0) throw new Error(`no seeds for ${reader}`);
  const seed = rng.pick(seeds);
  let r = rng.float();
  for (const [name, weight, fn] of STRATEGIES[reader] ?? []) {
    if (r < weight) {
      try {
        const files = fn(rng, seed.files);
        if (files) return { reader, files, format, seed: seed.name, ops: [name] };
      } catch {
        // the strategy could not parse this seed: fall back to bytes
      }
      break;
    }
    r -= weight;
  }
  const { files, ops } = bytesStrategy(rng, seed.files, corpus.donors);
  return { reader, files, format, seed: seed.name, ops };
}
