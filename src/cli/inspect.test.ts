import { readFileSync, mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, TF_DTYPES, tfFixtures } from '../core/formats/tf-bundle/fixtures.test-util';
import { graft } from './graft.test-util';

describe('graft inspect --json --sha256 on every TF fixture', () => {
  const bundles = tfFixtures();
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
