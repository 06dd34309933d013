/** Test helper (Node only): a fixture folder as in-memory ByteSources (with readSync), and its expected rows. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { memorySource, type ByteSource } from '../io/byte-source';
import type { Checkpoint } from '../model/checkpoint';
import type { TargetVariable } from '../model/target-model';
import type { OutputFormat } from './writers';

export const FIXTURE_ROOT = resolve(process.cwd(), '../shared/fixtures');

export interface FixtureRow {
  file: string;
  format: string;
  name: string;
  dtype: string;
  shape: number[];
  sha256: string | null;
  quantization?: { dtype: string; scale?: number; min?: number };
}

export function fixtureFolders(prefixes: string[]): string[] {
  return readdirSync(FIXTURE_ROOT)
    .filter((d) => prefixes.some((p) => d.startsWith(p)) && existsSync(join(FIXTURE_ROOT, d, 'expected.jsonl')))
    .sort();
}

export function fixtureRows(fixture: string): FixtureRow[] {
  return readFileSync(join(FIXTURE_ROOT, fixture, 'expected.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FixtureRow);
}

/** The expected rows of the fixture folders starting with `prefixes` (all folders: none given), grouped by file. */
export function fixtureGroups(prefixes: string[] | null, format?: string): { fixture: string; file: string; rows: FixtureRow[] }[] {
  const folders = prefixes ? fixtureFolders(prefixes) : fixtureFolders(['']);
  const out: { fixture: string; file: string; rows: FixtureRow[] }[] = [];
  for (const fixture of folders) {
    const byFile = new Map<string, FixtureRow[]>();
    for (const r of fixtureRows(fixture)) if (!format || r.format === format) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
    for (const [file, rows] of byFile) out.push({ fixture, file, rows });
  }
  return out;
}

export function fixtureFiles(fixture: string, sub = ''): ByteSource[] {
  const root = join(FIXTURE_ROOT, fixture, sub);
  const out: ByteSource[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(memorySource(relative(join(FIXTURE_ROOT, fixture), abs).split('\\').join('/'), new Uint8Array(readFileSync(abs))));
    }
  };
  walk(root);
  return out;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The checkpoint's listing in the reference reader's terms, sorted by name. */
export async function listing(ckpt: Checkpoint, withQuantization = false): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const t of ckpt.tensors) {
    const row: Record<string, unknown> = { name: t.name, dtype: t.dtype, shape: t.shape, sha256: sha256(await ckpt.read(t.name)) };
    if (withQuantization && t.quantization) row.quantization = t.quantization;
    rows.push(row);
  }
  return rows.sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

export function expectedListing(rows: FixtureRow[], withQuantization = false): Record<string, unknown>[] {
  return rows
    .map((r) => ({ name: r.name, dtype: r.dtype, shape: r.shape, sha256: r.sha256, ...(withQuantization && r.quantization ? { quantization: r.quantization } : {}) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The key each output format stores a new variable under, as these tests expect it (written out, not the writers' code). */
export function storedName(format: OutputFormat, v: TargetVariable): string {
  if (format === 'keras') return v.kerasPath!;
  if (format === 'keras-legacy') return `${v.layer}/${v.name}:0`;
  // A Keras model's TF checkpoint is object-based: `tf.train.Checkpoint(model=m)` keys.
  if (format === 'tf' && v.trackablePath !== undefined) return `model/${v.trackablePath}/.ATTRIBUTES/VARIABLE_VALUE`;
  return v.name;
}
