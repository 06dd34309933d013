/** Test helpers (Node only): fixture folders as ByteSources, counting how many bytes are read. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { memorySource, type ByteSource } from '../../io/byte-source';

export const FIXTURES = resolve(process.cwd(), '../shared/fixtures');

export interface Expected {
  file: string;
  format: string;
  name: string;
  dtype: string;
  shape: number[];
  sha256: string | null;
  shard_id: number;
  offset: number;
  size: number;
}

/** A source over bytes that records every read, to prove data files are never read whole. */
export interface CountingSource extends ByteSource {
  reads: { offset: number; length: number }[];
}

export function countingSource(path: string, bytes: Uint8Array): CountingSource {
  const inner = memorySource(path, bytes);
  const reads: { offset: number; length: number }[] = [];
  return {
    path,
    size: inner.size,
    reads,
    read(offset, length) {
      reads.push({ offset, length });
      return inner.read(offset, length);
    },
  };
}

/** Every file under a fixture folder, with folder-relative paths as a drop gives them. */
export function fixtureSources(fixture: string): CountingSource[] {
  const root = join(FIXTURES, fixture);
  const out: CountingSource[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(countingSource(relative(root, abs).split('\\').join('/'), new Uint8Array(readFileSync(abs))));
    }
  };
  walk(root);
  return out;
}

export function expectedRows(fixture: string): Expected[] {
  const p = join(FIXTURES, fixture, 'expected.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Expected);
}

/** Fixture folders that hold TF bundles, each with its expected rows grouped by index file. */
export function tfFixtures(): { fixture: string; file: string; rows: Expected[] }[] {
  const out: { fixture: string; file: string; rows: Expected[] }[] = [];
  for (const fixture of readdirSync(FIXTURES).sort()) {
    const byFile = new Map<string, Expected[]>();
    for (const r of expectedRows(fixture).filter((r) => r.format === 'tf-bundle')) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
    for (const [file, rows] of byFile) out.push({ fixture, file, rows });
  }
  return out;
}

export const TF_DTYPES: Record<string, string> = {
  DT_FLOAT: 'float32', DT_DOUBLE: 'float64', DT_HALF: 'float16', DT_BFLOAT16: 'bfloat16',
  DT_INT8: 'int8', DT_INT16: 'int16', DT_INT32: 'int32', DT_INT64: 'int64',
  DT_UINT8: 'uint8', DT_UINT16: 'uint16', DT_UINT32: 'uint32', DT_UINT64: 'uint64',
  DT_BOOL: 'bool', DT_STRING: 'string', DT_COMPLEX64: 'complex64', DT_COMPLEX128: 'complex128',
};
