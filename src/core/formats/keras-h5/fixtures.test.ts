import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { expectedListing, fixtureFiles, fixtureGroups, listing } from '../fixture-rows.test-util';
import { listCandidates, openCheckpoint } from '../registry';
import type { KerasH5Checkpoint } from './read';

describe('Keras HDF5 fixtures list exactly their expected.jsonl', () => {
  const groups = fixtureGroups(['keras']);
  it('finds the Keras fixtures', () => expect(new Set(groups.map((g) => g.fixture)).size).toBeGreaterThanOrEqual(5));

  for (const { fixture, file, rows } of groups) {
    it(`${fixture}/${file}`, async () => {
      const files = fixtureFiles(fixture);
      const candidates = await listCandidates(files);
      expect(candidates.map((c) => [c.format, c.id])).toEqual([['keras-h5', file]]);
      const ckpt = (await openCheckpoint(files, file)) as KerasH5Checkpoint;
      expect(ckpt.format).toBe('keras-h5');
      expect(await listing(ckpt)).toEqual(expectedListing(rows));
      expect(ckpt.warnings).toEqual([]);
      for (const t of ckpt.tensors) {
        expect(['weight', 'optimizer']).toContain(t.kind);
        expect(t.byteLength).toBe((await ckpt.read(t.name)).byteLength);
      }
      ckpt.close();
    });
  }
});

describe('Keras HDF5 order, layers and kinds', () => {
  it('Keras 2 full model: weight_names order, layer and index, optimizer weights, model_config', async () => {
    const ckpt = (await openCheckpoint(fixtureFiles('keras2-h5-fullmodel-regression'))) as KerasH5Checkpoint;
    expect(ckpt.layout).toBe('keras-legacy');
    expect(ckpt.tensors.slice(0, 2).map((t) => [t.name, t.layer, t.weightIndex, t.group, t.kind])).toEqual([
      ['model_weights/dense_1/dense_1/kernel:0', 'dense_1', 0, 'dense_1', 'weight'],
      ['model_weights/dense_1/dense_1/bias:0', 'dense_1', 1, 'dense_1', 'weight'],
    ]);
    const opt = ckpt.tensors.filter((t) => t.kind === 'optimizer').map((t) => t.name);
    expect(opt).toHaveLength(12);
    expect(opt[2]).toBe('optimizer_weights/training/Adadelta/Variable_2:0'); // weight_names order, not alphabetical
    expect(JSON.parse(ckpt.modelConfig!)).toMatchObject({ class_name: 'Sequential' });
  });

  it('Keras 1: dense_1_W, dense_1_b under their layer', async () => {
    const ckpt = await openCheckpoint(fixtureFiles('keras1-h5-weights-tictactoe'));
    expect(ckpt.tensors.map((t) => [t.name, t.layer, t.weightIndex])).toEqual([
      ['dense_1/dense_1_W', 'dense_1', 0], ['dense_1/dense_1_b', 'dense_1', 1],
      ['dense_2/dense_2_W', 'dense_2', 0], ['dense_2/dense_2_b', 'dense_2', 1],
      ['dense_3/dense_3_W', 'dense_3', 0], ['dense_3/dense_3_b', 'dense_3', 1],
    ]);
    expect(ckpt.modelConfig).toBeUndefined();
  });

  it('Keras 3 .weights.h5: layers in natural order, vars by index, optimizer vars marked', async () => {
    const ckpt = (await openCheckpoint(fixtureFiles('keras3-weights-h5-churn'))) as KerasH5Checkpoint;
    expect(ckpt.layout).toBe('keras3-weights');
    const weights = ckpt.tensors.filter((t) => t.kind === 'weight');
    expect(weights.map((t) => [t.name, t.layer, t.weightIndex])).toEqual([
      ['layers/dense/vars/0', 'dense', 0], ['layers/dense/vars/1', 'dense', 1],
      ['layers/dense_1/vars/0', 'dense_1', 0], ['layers/dense_1/vars/1', 'dense_1', 1],
      ['layers/dense_2/vars/0', 'dense_2', 0], ['layers/dense_2/vars/1', 'dense_2', 1],
    ]);
    const opt = ckpt.tensors.filter((t) => t.kind === 'optimizer');
    expect(opt.map((t) => t.name)).toEqual(Array.from({ length: 14 }, (_, i) => `optimizer/vars/${i}`));
    expect(opt[0]!.dtype).toBe('int64');
  });

  it('reads lazily: a source without readSync is read once; one with readSync is read by range', async () => {
    const [h5] = fixtureFiles('keras3-weights-h5-churn').filter((f) => f.path.endsWith('.h5'));
    const ranges: number[] = [];
    const counted = { ...h5!, readSync: (o: number, n: number) => (ranges.push(n), h5!.readSync!(o, n)) };
    const ckpt = (await openCheckpoint([counted])) as KerasH5Checkpoint;
    await ckpt.read('layers/dense/vars/0');
    expect(Math.max(...ranges)).toBeLessThan(h5!.size / 4);
    ckpt.close();
  });

  it('a Keras model JSON alone is not a checkpoint, and the error says what it is', async () => {
    const files = fixtureFiles('keras3-weights-h5-diabetes').filter((f) => f.path === 'model.json');
    expect(await listCandidates(files)).toEqual([]);
    const err = await openCheckpoint(files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).code).toBe('not-recognised');
    expect((err as GraftError).message).toMatch(/model\.json is a Keras model architecture without weights — drop it as the new model/);
  });

  it('a damaged HDF5 file fails with a GraftError naming it', async () => {
    const [h5] = fixtureFiles('keras2-h5-weights-titanic').filter((f) => f.path.endsWith('.h5'));
    const bytes = new Uint8Array(await h5!.read(0, h5!.size));
    const cut = memorySource('cut.h5', bytes.slice(0, 2048));
    const err = await openCheckpoint([cut]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).file).toBe('cut.h5');
  });
});
