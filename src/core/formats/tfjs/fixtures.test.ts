import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { expectedListing, fixtureFiles, fixtureGroups, listing } from '../fixture-rows.test-util';
import { listCandidates, openCheckpoint } from '../registry';

describe('TF.js fixtures list exactly their expected.jsonl', () => {
  const groups = fixtureGroups(['tfjs']);
  it('finds the TF.js fixtures', () => expect(new Set(groups.map((g) => g.fixture)).size).toBeGreaterThanOrEqual(3));

  for (const { fixture, file, rows } of groups) {
    it(`${fixture}/${file}`, async () => {
      const files = fixtureFiles(fixture);
      const candidates = await listCandidates(files);
      expect(candidates.map((c) => c.id)).toContain(file);
      const ckpt = await openCheckpoint(files, file);
      expect(ckpt.format).toBe('tfjs');
      expect(await listing(ckpt, true)).toEqual(expectedListing(rows, true));
      expect(ckpt.warnings).toEqual([]);
      for (const t of ckpt.tensors) expect((await ckpt.readValue(t.name)).bytes).toEqual(await ckpt.read(t.name)); // no strings, nothing quantized
    });
  }

  it('layers model: trainable flags from the topology', async () => {
    const ckpt = await openCheckpoint(fixtureFiles('tfjs-layers-adamshannag'));
    expect(ckpt.tensors.map((t) => t.trainable)).toEqual([true, true, true, true, true, true]);
    expect(ckpt.tensors.map((t) => t.group)).toEqual(['dense', 'dense', 'dense_1', 'dense_1', 'dense_2', 'dense_2']);
  });

  it('a model.json whose weight files were not dropped is not a checkpoint, and the error names them', async () => {
    const files = fixtureFiles('tfjs-layers-adamshannag').filter((f) => f.path.endsWith('model.json'));
    expect(await listCandidates(files)).toEqual([]);
    const err = await openCheckpoint(files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).code).toBe('not-recognised');
    expect((err as GraftError).message).toMatch(/model\/model\.json is a TF\.js layers model whose weight file group1-shard1of1\.bin was not dropped/);
  });
});
