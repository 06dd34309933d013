import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../core/io/byte-source';
import { openSlotSource, routeFiles } from './slots';

// Real tf.compat.v1 files: src/core/formats/tf-meta/testdata/make-meta.py.
const DATA = join(process.cwd(), 'src/core/formats/tf-meta/testdata');
const file = (name: string, as: string) => memorySource(as, new Uint8Array(readFileSync(join(DATA, name))));

describe('the page with TF1 graphs', () => {
  it('a checkpoint with its .meta goes to old (graph facts on its variables), a lone .meta to new as a tf-graph model', async () => {
    const files = [
      file('trained.index', 'old/model.ckpt.index'), file('trained.data-00000-of-00001', 'old/model.ckpt.data-00000-of-00001'),
      file('trained.meta', 'old/model.ckpt.meta'), file('inits.meta', 'graph.meta'),
    ];
    const routed = await routeFiles(files, { old: 'empty', new: 'empty' });
    expect(routed).toMatchObject({ kind: 'route', plan: { old: { as: 'checkpoint', candidateId: 'old/model.ckpt' }, new: { as: 'model-json', path: 'graph.meta' } } });
    if (routed.kind !== 'route') return;
    const old = await openSlotSource('old', files, routed.plan.old!);
    expect(old.data.files).toContain('old/model.ckpt.meta');
    expect(old.data.variables.find((v) => v.name === 'fc/kernel')).toMatchObject({ trainable: true, consumerOp: 'MatMul' });
    const neu = await openSlotSource('new', files, routed.plan.new!);
    expect(neu.data).toMatchObject({ kind: 'tf-graph', format: 'tf-graph', files: ['graph.meta'] });
    expect(neu.data.variables.find((v) => v.name === 'table')?.initializer).toEqual({ kind: 'keras', className: 'Constant', config: { value: [0, 1, 2, 3, 4, 5] } });
  });
});
