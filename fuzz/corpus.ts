/**
 * The seeds: every real fixture (../shared/fixtures, beside the repo, as the fixture tests find it), the repo's own
 * testdata (PyTorch, Keras HDF5, TF MetaGraph, TF.js, model JSON) and fuzz/seeds (safetensors, NumPy, .keras written
 * by the real libraries). Each folder is one drop; each checkpoint the registry finds in it is a seed of its reader.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../src/core/io/byte-source';
import { listCandidates } from '../src/core/formats/registry';
import { sniffMetaGraph } from '../src/core/formats/tf-meta/sniff';
import { detectParsed } from '../src/core/model/target/detect';
import type { FileBytes } from './mutate-tf';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURE_ROOT = resolve(REPO, '../shared/fixtures');

export const CHECKPOINT_READERS = ['tf-bundle', 'tfjs', 'keras-h5', 'keras', 'safetensors', 'npz', 'npy', 'pytorch'] as const;
export const READERS = [...CHECKPOINT_READERS, 'tf-meta', 'model-json', 'recipe', 'python'] as const;
export type Reader = (typeof READERS)[number];

export interface Seed {
  reader: Reader;
  /** Drop and candidate, for reports. */
  name: string;
  files: FileBytes[];
}

/** A fixed old checkpoint and new model that recipes are compiled and exported against. */
export interface Pair {
  name: string;
  /** false: the new model is a template too large to write per input (BERT): recipes are compiled, not exported. */
  exported: boolean;
  old: { files: FileBytes[]; candidateId: string };
  target: { files: FileBytes[]; candidateId: string };
}

export interface Corpus {
  seeds: Map<Reader, Seed[]>;
  pairs: Pair[];
  /** Every seed file's bytes, for splices. */
  donors: Uint8Array[];
}

const SKIP = /(^|\/)(expected[^/]*\.jsonl?|README\.md|[^/]*\.py|[^/]*\.ts|real-pairs\.json|numbers-reference\.json)$/;

function drops(): { name: string; root: string }[] {
  const out: { name: string; root: string }[] = [];
  if (existsSync(FIXTURE_ROOT)) for (const d of readdirSync(FIXTURE_ROOT).sort()) if (statSync(join(FIXTURE_ROOT, d)).isDirectory()) out.push({ name: d, root: join(FIXTURE_ROOT, d) });
  for (const d of ['src/core/formats/pytorch/testdata', 'src/core/formats/keras-h5/testdata', 'src/core/formats/tf-meta/testdata', 'src/core/formats/tfjs/testdata', 'src/core/model/target/testdata']) {
    out.push({ name: d, root: join(REPO, d) });
  }
  const seeds = join(REPO, 'fuzz/seeds');
  for (const d of readdirSync(seeds).sort()) if (statSync(join(seeds, d)).isDirectory()) out.push({ name: `fuzz/seeds/${d}`, root: join(seeds, d) });
  return out;
}

function filesUnder(root: string, prefix: string): FileBytes[] {
  const out: FileBytes[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const path = `${prefix}/${relative(root, p)}`;
        if (!SKIP.test(path)) out.push({ path, bytes: new Uint8Array(readFileSync(p)) });
      }
    }
  };
  walk(root);
  return out;
}

const PAIRS: [string, string, string][] = [
  // drop, old candidate, new candidate (a template); BERT's index-only names are the ones a catastrophic rename rule was slow on
  ['tf1-saver-houseprices', 'tf1-saver-houseprices/model.ckpt', 'tf1-saver-houseprices/model_longtrain.ckpt'],
  ['bert-index-only-johnny', 'bert-index-only-johnny/bert_model.ckpt', 'bert-index-only-johnny/bert_model.ckpt'],
  ['tf2-keras-2shard-little_ruan', 'tf2-keras-2shard-little_ruan/model.ckpt', 'tf2-keras-2shard-little_ruan/model.ckpt'],
];

let cached: Corpus | undefined;

export async function loadCorpus(): Promise<Corpus> {
  if (cached) return cached;
  const seeds = new Map<Reader, Seed[]>(READERS.map((r) => [r, []]));
  const donors: Uint8Array[] = [];
  const pairs: Pair[] = [];
  for (const drop of drops()) {
    const files = filesUnder(drop.root, drop.name.split('/').pop()!);
    donors.push(...files.map((f) => f.bytes));
    const sources = files.map((f) => memorySource(f.path, f.bytes));
    for (const c of await listCandidates(sources)) {
      const picked = files.filter((f) => c.files.includes(f.path));
      seeds.get(c.format)!.push({ reader: c.format, name: `${drop.name}:${c.id}`, files: picked });
    }
    for (const f of files) {
      const src = memorySource(f.path, f.bytes);
      if ((f.path.endsWith('.meta') || f.path.endsWith('saved_model.pb')) && (await sniffMetaGraph(src))) {
        seeds.get('tf-meta')!.push({ reader: 'tf-meta', name: `${drop.name}:${f.path}`, files: [f] });
      } else if (f.path.endsWith('.json')) {
        try {
          if (detectParsed(JSON.parse(new TextDecoder().decode(f.bytes)))) seeds.get('model-json')!.push({ reader: 'model-json', name: `${drop.name}:${f.path}`, files: [f] });
        } catch {
          // not JSON: not a model JSON seed
        }
      }
    }
    for (const [name, old, target] of PAIRS) {
      if (drop.name !== name) continue;
      const tf = files.filter((f) => /\.(index|data-\d+-of-\d+)$/.test(f.path));
      pairs.push({ name, exported: name !== 'bert-index-only-johnny', old: { files: tf, candidateId: old }, target: { files: tf, candidateId: target } });
    }
  }
  cached = { seeds, pairs, donors };
  return cached;
}
