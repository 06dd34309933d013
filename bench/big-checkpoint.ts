// A realistic large TF checkpoint for benchmarks: the BERT layout of ../shared/fixtures/bert-index-only-johnny
// scaled to BERT-large (24 layers, hidden 1024, vocab 30522: ~1.34 GB of float32), random values, written with
// Graft's own streaming TF writer. Cached under bench/.cache; rebuilt only when missing.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TfBundleWriter } from '../src/core/formats/tf-bundle';

export interface BigCheckpoint {
  prefix: string;
  files: string[];
  bytes: number;
  largestTensor: number;
  tensors: { name: string; shape: number[] }[];
}

const FIXTURE = resolve(process.cwd(), '../shared/fixtures/bert-index-only-johnny/expected.jsonl');
const HIDDEN = 1024;
const LAYERS = 24;
const VOCAB = 30522;

function layout(): { name: string; shape: number[] }[] {
  const rows = readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { name: string; shape: number[] });
  const scale = (d: number) => (d === 768 ? HIDDEN : d === 3072 ? 4 * HIDDEN : d === 5981 ? VOCAB : d);
  const out: { name: string; shape: number[] }[] = [];
  for (const r of rows) {
    const m = /\/layer_(\d+)\//.exec(r.name);
    if (m && m[1] !== '0') continue;
    const shape = r.shape.map(scale);
    if (!m) out.push({ name: r.name, shape });
    else for (let l = 0; l < LAYERS; l++) out.push({ name: r.name.replace('/layer_0/', `/layer_${l}/`), shape });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function fillRandom(values: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = ((s >>> 8) / 16777216 - 0.5) * 0.04;
  }
}

export async function ensureBigCheckpoint(): Promise<BigCheckpoint> {
  const dir = resolve('bench/.cache/bert-large');
  const prefix = join(dir, 'model.ckpt');
  const files = [`${prefix}.index`, `${prefix}.data-00000-of-00001`];
  const tensors = layout();
  const bytes = tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const largestTensor = Math.max(...tensors.map((t) => t.shape.reduce((a, b) => a * b, 1) * 4));
  if (files.every(existsSync) && statSync(files[1]!).size === bytes) return { prefix, files, bytes, largestTensor, tensors };

  mkdirSync(dir, { recursive: true });
  const writer = new TfBundleWriter();
  const data = await open(files[1]!, 'w');
  try {
    let seed = 1;
    for (const t of tensors) {
      const values = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
      fillRandom(values, seed++);
      for (const piece of writer.add({ name: t.name, dtype: 'float32', shape: t.shape, bytes: new Uint8Array(values.buffer) })) await data.write(piece.bytes);
    }
  } catch (e) {
    await data.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  await data.close();
  const index = await open(files[0]!, 'w');
  await index.write(writer.index());
  await index.close();
  return { prefix, files, bytes, largestTensor, tensors };
}
