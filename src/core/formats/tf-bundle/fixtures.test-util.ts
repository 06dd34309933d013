/** Test helpers (Node only): fixture folders as ByteSources, counting how many bytes are read. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { FIXTURE_ROOT, fixtureGroups, type FixtureRow } from '../fixture-rows.test-util';

export const FIXTURES = FIXTURE_ROOT;

/** A TF bundle row of expected.jsonl: where the reference reader found the tensor. */
export interface Expected extends FixtureRow {
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

/** Fixture folders that hold TF bundles, each with its expected rows grouped by index file. */
export function tfFixtures(): { fixture: string; file: string; rows: Expected[] }[] {
  return fixtureGroups(null, 'tf-bundle') as { fixture: string; file: string; rows: Expected[] }[];
}

export const TF_DTYPES: Record<string, string> = {
  DT_FLOAT: 'float32', DT_DOUBLE: 'float64', DT_HALF: 'float16', DT_BFLOAT16: 'bfloat16',
  DT_INT8: 'int8', DT_INT16: 'int16', DT_INT32: 'int32', DT_INT64: 'int64',
  DT_UINT8: 'uint8', DT_UINT16: 'uint16', DT_UINT32: 'uint32', DT_UINT64: 'uint64',
  DT_BOOL: 'bool', DT_STRING: 'string', DT_COMPLEX64: 'complex64', DT_COMPLEX128: 'complex128',
};
