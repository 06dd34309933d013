import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isGraftError } from '../../errors';
import { listCandidates, openCheckpoint } from '../registry';
import type { TfBundleCheckpoint } from './bundle';
import { fixtureSources, TF_DTYPES, tfFixtures } from './fixtures.test-util';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('every real TF bundle fixture', () => {
  const bundles = tfFixtures();
  it('finds them', () => expect(bundles.length).toBeGreaterThanOrEqual(12));

  for (const { fixture, file, rows } of bundles) {
    it(`${fixture}/${file} lists and reads exactly its expected tensors`, async () => {
      const sources = fixtureSources(fixture);
      const prefix = file.replace(/\.index$/, '');
      const candidates = await listCandidates(sources);
      expect(candidates.map((c) => c.id)).toContain(prefix);
      const ckpt = (await openCheckpoint(sources, prefix)) as TfBundleCheckpoint;
      expect(ckpt.format).toBe('tf-bundle');
      expect(ckpt.littleEndian).toBe(true);
      if (rows.every((r) => r.sha256 !== null)) expect(ckpt.warnings).toEqual([]);

      const listed = ckpt.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }));
      const expected = rows.map((r) => ({ name: r.name, dtype: TF_DTYPES[r.dtype], shape: r.shape }));
      expect(listed.sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));

      for (const r of rows) {
        const entry = ckpt.entry(r.name)!;
        expect([entry.shardId, entry.offset, entry.size]).toEqual([r.shard_id, r.offset, r.size]);
        if (r.sha256 === null) {
          const err = await ckpt.read(r.name).catch((e: unknown) => e);
          expect(isGraftError(err) && err.code).toBe('missing-file');
          expect(String((err as Error).message)).toContain('bert_model.ckpt.data-00000-of-00001');
        } else {
          expect(sha256(await ckpt.read(r.name)), r.name).toBe(r.sha256);
        }
      }
      // Data shards are read by range, never whole (unless a single tensor is the whole file).
      for (const s of sources.filter((s) => /\.data-\d+-of-\d+$/.test(s.path))) {
        for (const read of s.reads) expect(read.length).toBeLessThanOrEqual(Math.max(...rows.map((r) => r.size)));
      }
    });
  }

  it('bert: the index lists 202 tensors, warns that the shard is missing', async () => {
    const ckpt = await openCheckpoint(fixtureSources('bert-index-only-johnny'));
    expect(ckpt.tensors).toHaveLength(202);
    expect(ckpt.warnings.join('\n')).toMatch(/bert_model\.ckpt\.data-00000-of-00001 is missing/);
  });

  it('gpflow: the broken saved_model.pb is ignored and variables/ opens', async () => {
    const candidates = await listCandidates(fixtureSources('savedmodel-gpflow-gpphi'));
    expect(candidates).toEqual([
      expect.objectContaining({ id: 'models/GP_phi/variables/variables', isDefault: true, label: 'models/GP_phi (SavedModel)' }),
    ]);
    const ckpt = await openCheckpoint(fixtureSources('savedmodel-gpflow-gpphi'));
    expect(ckpt.tensors).toHaveLength(14);
    expect(ckpt.warnings).toEqual([]);
  });
});
