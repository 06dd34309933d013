import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURES, type Expected } from '../core/formats/tf-bundle/test-util';

const BIN = resolve(process.cwd(), 'bin/graft.mjs');
const run = promisify(execFile);


// TF's enum names as the reference reader printed them → Graft's dtype names.
const TF_DTYPES: Record<string, string> = {
  DT_FLOAT: 'float32', DT_DOUBLE: 'float64', DT_HALF: 'float16', DT_BFLOAT16: 'bfloat16',
  DT_INT8: 'int8', DT_INT16: 'int16', DT_INT32: 'int32', DT_INT64: 'int64',
  DT_UINT8: 'uint8', DT_UINT16: 'uint16', DT_UINT32: 'uint32', DT_UINT64: 'uint64',
  DT_BOOL: 'bool', DT_STRING: 'string', DT_COMPLEX64: 'complex64', DT_COMPLEX128: 'complex128',
};

function tfBundles(): { fixture: string; file: string; rows: Expected[] }[] {
  const out: { fixture: string; file: string; rows: Expected[] }[] = [];
  for (const fixture of readdirSync(FIXTURES).sort()) {
    const listing = join(FIXTURES, fixture, 'expected.jsonl');
    if (!existsSync(listing)) continue;
    const rows = readFileSync(listing, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Expected);
    const byFile = new Map<string, Expected[]>();
    for (const r of rows.filter((r) => r.format === 'tf-bundle')) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
    for (const [file, fileRows] of byFile) out.push({ fixture, file, rows: fileRows });
  }
  return out;
}

async function graft(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('graft inspect --json --sha256 on every TF fixture', () => {
  const bundles = tfBundles();
  it('finds the TF bundle fixtures', () => expect(bundles.length).toBeGreaterThanOrEqual(12));

  for (const { fixture, file, rows } of bundles) {
    const hasData = rows.every((r) => r.sha256 !== null);
    it(`${fixture}/${file}`, async () => {
      const path = join(FIXTURES, fixture, file);
      const { code, stdout, stderr } = await graft('inspect', path, '--json', ...(hasData ? ['--sha256'] : []));
      expect(stderr.replace(/.*nodedir.*\n?/g, '')).toBe('');
      expect(code).toBe(0);
      const got = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const want = rows.map((r) => ({ name: r.name, dtype: TF_DTYPES[r.dtype] ?? r.dtype, shape: r.shape, ...(hasData ? { sha256: r.sha256 } : {}) }));
      const pick = (o: Record<string, unknown>) => ({ name: o.name, dtype: o.dtype, shape: o.shape, ...(hasData ? { sha256: o.sha256 } : {}) });
      const byName = (a: { name: unknown }, b: { name: unknown }) => String(a.name).localeCompare(String(b.name));
      expect(got.map(pick).sort(byName)).toEqual(want.sort(byName));
      for (const line of got) expect(['weight', 'optimizer', 'bookkeeping']).toContain(line.kind);
    });
  }
});

describe('graft inspect failures', () => {
  it('exits non-zero naming the missing shard when a tensor of an index-only checkpoint is read', async () => {
    const { code, stderr } = await graft('inspect', join(FIXTURES, 'bert-index-only-johnny/bert_model.ckpt.index'), '--sha256');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/bert_model\.ckpt\.data-00000-of-00001/);
  });

  it('exits non-zero with one sentence for a damaged tensor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-cli-'));
    const src = join(FIXTURES, 'tf1-saver-rnn-aplain');
    copyFileSync(join(src, 'model.ckpt.index'), join(dir, 'model.ckpt.index'));
    const data = readFileSync(join(src, 'model.ckpt.data-00000-of-00001'));
    data[10] = data[10]! ^ 0xff; // inside the first tensor (inference/bias1, offset 0, 320 bytes)
    writeFileSync(join(dir, 'model.ckpt.data-00000-of-00001'), data);
    const { code, stderr } = await graft('inspect', join(dir, 'model.ckpt'), '--json', '--sha256');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/inference\/bias1/);
    expect(stderr).toMatch(/checksum/i);
  });

  it('exits non-zero for a path that does not exist', async () => {
    const { code, stderr } = await graft('inspect', '/nonexistent/model.ckpt');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/no such file/);
  });

  it('never opens a sibling checkpoint in place of the file the person named', async () => {
    const { code, stderr } = await graft('inspect', join(FIXTURES, 'keras3-weights-h5-diabetes/model.json'));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/model\.json is a Keras model architecture without weights/);
  });

  it('prints one tensor numpy-like', async () => {
    const { code, stdout } = await graft('inspect', join(FIXTURES, 'savedmodel-tfjs-testobjects/int64_multiply'), '--tensor', 'v1/.ATTRIBUTES/VARIABLE_VALUE');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^v1\/\.ATTRIBUTES\/VARIABLE_VALUE  int64 \[\]/);
    expect(stdout).toMatch(/array\(-?\d+, dtype=int64, shape=\(\)\)/);
  });
});
