import { afterEach, describe, expect, it } from 'vitest';
import { memorySource } from '../io/byte-source';
import type { CheckpointWriter, OutputTensor, StoredTensor } from '../io/output';
import { openCheckpoint } from '../formats/registry';
import { crc32c } from '../formats/tf-bundle/crc32c';
import { useRangeCrc32c } from '../formats/tf-bundle/stored-bytes';
import { dataFileName, writeTfBundle } from '../formats/tf-bundle';
import { compile, emptyRecipe, type Link } from '../mapping';
import { execute } from './execute';
import { listTarget, randomBytes } from './engine.test-util';

// [700, 800] float32 is 2.24 MB: its check reads it in several pieces of the 1 MiB half-buffer.
const SHAPES = [[64], [700, 800], [256, 512], [3], [300, 700]];
const tensors = SHAPES.map((shape, i) => ({ name: `t${i}`, dtype: 'float32' as const, shape, bytes: randomBytes(shape.reduce((a, b) => a * b, 4), i + 1) }));

async function bundle(damage?: { tensor: number; at: number }) {
  const { index, shards } = writeTfBundle(tensors);
  const data = shards[0]!.slice();
  if (damage) data[tensors.slice(0, damage.tensor).reduce((n, t) => n + t.bytes.byteLength, 0) + damage.at]! ^= 1;
  return openCheckpoint([memorySource('m.index', index), memorySource(dataFileName('m', 0, 1), data)]);
}

/** Takes stored ranges while `takes(i)` says so (i: the how-manieth offer), and records what it got either way. */
function rangeWriter(takes: (i: number) => boolean) {
  const got: { name: string; bytes?: Uint8Array; stored?: StoredTensor }[] = [];
  let offers = 0;
  let finished = false;
  const writer: CheckpointWriter = {
    async add(t: OutputTensor) {
      got.push({ name: t.name, bytes: t.bytes.slice() });
    },
    async addStored(t: StoredTensor) {
      if (!takes(offers++)) return false;
      got.push({ name: t.name, stored: t });
      return true;
    },
    async finish() {
      finished = true;
    },
  };
  return { writer, got, finished: () => finished };
}

const identity = () => {
  const links: Link[] = tensors.map((t) => ({ from: [t.name], to: t.name, transforms: [] }));
  return { recipe: emptyRecipe({ links }), target: listTarget(tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape }))) };
};

describe('exact entries as stored ranges', () => {
  it('hands a writer that takes ranges every unchanged tensor as its range and CRC, without its bytes', async () => {
    const old = await bundle();
    const { recipe, target } = identity();
    const w = rangeWriter(() => true);
    const result = await execute(compile(recipe, old, target), old, target, w.writer, { seed: 1 });
    expect(result.bytes).toBe(tensors.reduce((n, t) => n + t.bytes.byteLength, 0));
    let offset = 0;
    tensors.forEach((t, i) => {
      const s = w.got[i]!.stored!;
      expect(w.got[i]!.bytes).toBeUndefined();
      expect([s.name, s.offset, s.byteLength, s.crc32c]).toEqual([t.name, offset, t.bytes.byteLength, crc32c(t.bytes)]);
      offset += t.bytes.byteLength;
    });
  });

  it('adds the bytes of the rest once the writer refuses a range', async () => {
    const old = await bundle();
    const { recipe, target } = identity();
    const w = rangeWriter((i) => i < 2);
    await execute(compile(recipe, old, target), old, target, w.writer, { seed: 1, readAheadBytes: 0 });
    expect(w.got.map((g) => (g.stored ? 'range' : 'bytes'))).toEqual(['range', 'range', 'bytes', 'bytes', 'bytes']);
    for (const [i, g] of w.got.entries()) if (g.bytes) expect(Buffer.compare(g.bytes, tensors[i]!.bytes)).toBe(0);
  });

  it('fails the export with the checksum error naming the file and tensor when a taken range is damaged', async () => {
    const old = await bundle({ tensor: 1, at: 1_500_000 }); // in the second piece of its check
    const { recipe, target } = identity();
    const w = rangeWriter(() => true);
    const err = await execute(compile(recipe, old, target), old, target, w.writer, { seed: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'tensor-checksum', file: dataFileName('m', 0, 1) });
    expect((err as Error).message).toMatch(/tensor "t1"/);
  });

  describe('with checks that run elsewhere (the CLI: a worker thread)', () => {
    afterEach(() => useRangeCrc32c(undefined));

    /** Answers each range's CRC once `release` is called, recording when each was asked for. */
    function elsewhere() {
      const asked: number[] = [];
      const waiting: (() => void)[] = [];
      useRangeCrc32c((source, offset, length) => {
        asked.push(offset);
        return new Promise((resolve) => waiting.push(() => void source.read(offset, length).then((b) => resolve(crc32c(b)))));
      });
      return { asked, release: () => waiting.splice(0).forEach((go) => go()) };
    }

    it('starts the checks of the entries ahead before their turn, and the export ends only once they pass', async () => {
      const old = await bundle();
      const { recipe, target } = identity();
      const remote = elsewhere();
      let addsSeen = 0;
      const w = rangeWriter(() => {
        // When the first range is offered, the checks of all five were already asked for.
        if (addsSeen++ === 0) expect(remote.asked).toHaveLength(tensors.length);
        return true;
      });
      let done = false;
      const run = execute(compile(recipe, old, target), old, target, w.writer, { seed: 1 }).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(done).toBe(false);
      remote.release();
      await run;
      expect(w.got.every((g) => g.stored)).toBe(true);
    });

    it('still fails the export with the checksum error when a range checked ahead is damaged', async () => {
      const old = await bundle({ tensor: 4, at: 10 });
      const { recipe, target } = identity();
      const remote = elsewhere();
      const run = execute(compile(recipe, old, target), old, target, rangeWriter(() => true).writer, { seed: 1 }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 20));
      remote.release();
      const err = await run;
      expect(err).toMatchObject({ code: 'tensor-checksum', file: dataFileName('m', 0, 1) });
      expect((err as Error).message).toMatch(/tensor "t4"/);
    });
  });
});
