import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graft } from './graft.test-util';

// Real tf.compat.v1 files: src/core/formats/tf-meta/testdata/make-meta.py.
const DATA = join(process.cwd(), 'src/core/formats/tf-meta/testdata');

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'graft-meta-'));
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(join(DATA, from), join(dir, to));
  }
  return dir;
}

describe('graft with TF1 MetaGraphs', () => {
  it('inspect model.ckpt.meta lists the checkpoint with trainable flags and consuming ops from the graph', async () => {
    const dir = folder({ 'model.ckpt.meta': 'trained.meta', 'model.ckpt.index': 'trained.index', 'model.ckpt.data-00000-of-00001': 'trained.data-00000-of-00001' });
    const { code, stdout, stderr } = await graft('inspect', join(dir, 'model.ckpt.meta'), '--json');
    expect(stderr.replace(/.*nodedir.*\n?/g, '')).toBe('');
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.find((r) => r.name === 'conv/k')).toMatchObject({ trainable: true, consumerOp: 'Conv2D', kind: 'weight' });
    expect(rows.find((r) => r.name === 'fc/mean')).toMatchObject({ trainable: false, consumerOp: 'Mul' });
    expect(rows.find((r) => r.name === 'conv/k/Adam')).toMatchObject({ trainable: false, kind: 'optimizer' });
  });

  it('inspect lists a lone .meta as the new model it describes, and apply writes into it', async () => {
    const dir = folder({ 'new/new.meta': 'trained.meta', 'old/model.ckpt.index': 'trained.index', 'old/model.ckpt.data-00000-of-00001': 'trained.data-00000-of-00001' });
    const listed = await graft('inspect', join(dir, 'new/new.meta'));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/new\.meta \(new model, tf-graph\): 16 variables/);
    expect(listed.stdout).toMatch(/fc\/kernel\s+float32\s+\[18,3\]\s+trainable\s+MatMul\s+GlorotUniform/);
    const applied = await graft('apply', join(dir, 'old/model.ckpt'), join(dir, 'new/new.meta'), '--out', join(dir, 'out/merged.ckpt'));
    expect(applied.stderr.split('\n').filter((l) => l.startsWith('graft:') && !l.includes('%'))).toEqual([]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/16 variables \(5 exact, 0 transformed, 11 initialised/);
    expect(applied.stdout).toMatch(/import_meta_graph\("new\.meta"\)/);
  });
});
