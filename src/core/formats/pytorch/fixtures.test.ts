/**
 * Files written by the real torch 2.13 (testdata/make.py): each lists exactly what torch/numpy computed in
 * expected.jsonl — names, dtypes, shapes, kinds and the sha256 of the C-order little-endian bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { listCandidates, openCheckpoint } from '../registry';
import type { PytorchCheckpoint } from './read';

const HERE = join(__dirname, 'testdata');

interface Row {
  file: string;
  name: string;
  dtype: string;
  shape: number[];
  kind: string;
  sha256: string;
}

const rows = readFileSync(join(HERE, 'expected.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Row);
const files = [...new Set(rows.map((r) => r.file))];

function source(name: string): ByteSource {
  return memorySource(name, new Uint8Array(readFileSync(join(HERE, name))));
}

function sourcesFor(file: string): ByteSource[] {
  if (!file.endsWith('.index.json')) return [source(file)];
  const index = JSON.parse(readFileSync(join(HERE, file), 'utf8')) as { weight_map: Record<string, string> };
  return [source(file), ...[...new Set(Object.values(index.weight_map))].map(source)];
}

describe('PyTorch files written by torch', () => {
  for (const file of files) {
    it(`${file} lists what torch saved, bytes included`, async () => {
      const sources = sourcesFor(file);
      const candidates = await listCandidates(sources);
      expect(candidates.map((c) => [c.format, c.id])).toEqual([['pytorch', file]]);
      const ckpt = await openCheckpoint(sources);
      const got = [];
      for (const t of ckpt.tensors) {
        const bytes = await ckpt.read(t.name);
        expect(bytes.byteLength).toBe(t.byteLength);
        expect((await ckpt.readValue(t.name)).bytes).toEqual(bytes);
        got.push({ file, name: t.name, dtype: t.dtype, shape: t.shape, kind: t.kind, sha256: createHash('sha256').update(bytes).digest('hex') });
      }
      expect(got).toEqual(rows.filter((r) => r.file === file));
    });
  }

  it('legacy and zip files of one state dict, in any pickle protocol, list the same', async () => {
    const pairs = [['cnn.pt', 'cnn-legacy.pt'], ['cnn.pt', 'cnn-p5.pt'], ['cnn.pt', 'cnn-p1-legacy.pt'], ['block.pt', 'block-legacy.pt'], ['views.pt', 'views-legacy.pt']] as const;
    for (const [zip, legacy] of pairs) {
      expect(rows.filter((r) => r.file === legacy).map(({ file: _, ...r }) => r)).toEqual(rows.filter((r) => r.file === zip).map(({ file: _, ...r }) => r));
    }
  });

  it('a training checkpoint: the model under its key, optimizer state as optimizer, numbers as bookkeeping, text named in a note', async () => {
    const ckpt = await openCheckpoint([source('train.pt')]);
    const byName = new Map(ckpt.tensors.map((t) => [t.name, t]));
    expect(byName.get('model_state_dict.fc.weight')).toMatchObject({ kind: 'weight', group: 'model_state_dict.fc', originalName: 'fc.weight' });
    expect(byName.get('optimizer_state_dict.state.0.exp_avg')).toMatchObject({ kind: 'optimizer', shape: [4, 3, 3, 3] });
    expect(byName.get('optimizer_state_dict.param_groups.0.params')).toMatchObject({ kind: 'optimizer', dtype: 'int64', shape: [7] });
    expect(byName.get('epoch')).toMatchObject({ kind: 'bookkeeping', dtype: 'int64', shape: [] });
    expect(byName.get('model_state_dict.bn1.num_batches_tracked')).toMatchObject({ kind: 'bookkeeping' });
    expect(ckpt.warnings.join('\n')).toMatch(/not tensors, so not listed: .*config\.name \(str\)/);
  });

  it('DataParallel keys keep module. and name the model key without it', async () => {
    const ckpt = await openCheckpoint([source('dataparallel.pt')]);
    expect(ckpt.tensors[0]).toMatchObject({ name: 'module.conv1.weight', originalName: 'conv1.weight', group: 'module.conv1' });
  });

  it('tied weights and views of one storage are reported', async () => {
    const tied = (await openCheckpoint([source('tied.pt')])) as PytorchCheckpoint;
    expect(tied.shared).toEqual([['embed.weight', 'head.weight']]);
    expect(tied.warnings.join('\n')).toMatch(/embed\.weight and head\.weight are views of one storage/);
    const views = (await openCheckpoint([source('views.pt')])) as PytorchCheckpoint;
    expect(views.shared).toEqual([['transposed', 'narrowed', 'stepped', 'whole']]);
  });

  it('a whole pickled model lists its weights by state_dict name and runs none of its code', async () => {
    const ckpt = await openCheckpoint([source('whole-model.pt')]);
    expect(ckpt.warnings.join('\n')).toMatch(/whole pickled model/);
    expect(ckpt.warnings.join('\n')).toMatch(/__main__\.Cnn/);
  });

  it('a pickle whose __reduce__ runs os.system is refused by name, and nothing runs', async () => {
    const err = await openCheckpoint([source('malicious.pt')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).code).toBe('unsupported');
    expect((err as GraftError).message).toMatch(/calls posix\.system \(os\.system\) — loading this pickle in Python would run that code/);
    expect(existsSync('/tmp/graft-pwned')).toBe(false);
  });
});
