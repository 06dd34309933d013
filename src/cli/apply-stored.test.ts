import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from '../core/engine/engine.test-util';
import { dataFileName, writeTfBundle } from '../core/formats/tf-bundle';
import type { TfBundleCheckpoint } from '../core/formats/tf-bundle/bundle';
import { emptyRecipe, type Link } from '../core/mapping';
import { openForCli } from './inspect';
import { apply, type ProgressStream } from './apply';
import { useRangeCrc32c } from '../core/formats/tf-bundle/stored-bytes';
import { installCrcWorker } from './crc-worker';
import { DiskFile } from './disk-file';

const dir = mkdtempSync(join(tmpdir(), 'graft-apply-stored-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const quiet: ProgressStream = { isTTY: false, write: () => true };
const SHAPES = [[64], [700, 800], [512, 512], [3], [300, 700]];
const tensors = SHAPES.map((shape, i) => ({ name: `dense_${i}/kernel`, dtype: 'float32' as const, shape, bytes: randomBytes(shape.reduce((a, b) => a * b, 4), i + 21) }));

function onDisk(name: string, damage?: { tensor: number; at: number }): string {
  const { index, shards } = writeTfBundle(tensors);
  const data = shards[0]!.slice();
  if (damage) data[tensors.slice(0, damage.tensor).reduce((n, t) => n + t.bytes.byteLength, 0) + damage.at]! ^= 1;
  mkdirSync(join(dir, name));
  const prefix = join(dir, name, 'model.ckpt');
  writeFileSync(`${prefix}.index`, index);
  writeFileSync(join(dir, name, dataFileName('model.ckpt', 0, 1)), data);
  return prefix;
}

describe('graft apply identity → tf: unchanged tensors copied by the kernel, only checked by the process', () => {
  it('writes the input’s data file byte for byte through copied ranges', async () => {
    const prefix = onDisk('ok');
    const copyRange = vi.spyOn(DiskFile.prototype, 'copyRange');
    const write = vi.spyOn(DiskFile.prototype, 'write');
    const out = join(dir, 'ok-out');
    mkdirSync(out);
    await apply(prefix, prefix, { format: 'tf', out: join(out, 'merged.ckpt'), initialiseIncompatible: false, progress: quiet }, () => undefined);
    expect(readFileSync(join(out, dataFileName('merged.ckpt', 0, 1))).equals(readFileSync(`${prefix}.data-00000-of-00001`))).toBe(true);
    expect(readFileSync(join(out, 'merged.ckpt.index')).equals(readFileSync(`${prefix}.index`))).toBe(true);
    expect(copyRange).toHaveBeenCalled();
    // The data file got no bytes from the process; the index and the state file did.
    expect(write.mock.calls.every(([, ...rest]) => rest.length === 0)).toBe(true);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('fails with the checksum error naming the data file and tensor, and leaves nothing, when a copied tensor is damaged', async () => {
    const prefix = onDisk('bad', { tensor: 1, at: 1_500_000 });
    const copyRange = vi.spyOn(DiskFile.prototype, 'copyRange');
    const out = join(dir, 'bad-out');
    mkdirSync(out);
    const err = await apply(prefix, prefix, { format: 'tf', out: join(out, 'merged.ckpt'), initialiseIncompatible: false, progress: quiet }, () => undefined).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'tensor-checksum' });
    expect((err as Error).message).toContain(dataFileName('model.ckpt', 0, 1));
    expect((err as Error).message).toMatch(/tensor "dense_1\/kernel"/);
    expect(copyRange).toHaveBeenCalled();
    expect(readdirSync(out)).toEqual([]);
  });

  it('transformed: the data file is the input’s copy with changed tensors over their old bytes or after it, read back exactly', async () => {
    const prefix = onDisk('changed');
    // Transposed in place (same size), padded (larger: appended), the rest kept where they are.
    const change = (i: number) => (i === 2 ? { shape: [512, 512], transforms: [{ op: 'transpose', perm: [1, 0] }] } : i === 0 ? { shape: [80], transforms: [{ op: 'pad', axis: 0, before: 0, after: 16, fill: 'zeros' }] } : undefined);
    // dense_3 is left out of the new model: its old bytes must not stay in the output.
    const carried = tensors.filter((_, i) => i !== 3);
    const links: Link[] = carried.map((t) => ({ from: [t.name], to: t.name, transforms: (change(tensors.indexOf(t))?.transforms ?? []) as Link['transforms'] }));
    writeFileSync(join(dir, 'changed', 'recipe.json'), JSON.stringify(emptyRecipe({ links })));
    writeFileSync(join(dir, 'changed', 'new.json'), JSON.stringify(carried.map((t) => ({ name: t.name, dtype: t.dtype, shape: change(tensors.indexOf(t))?.shape ?? t.shape }))));
    const out = join(dir, 'changed-out');
    mkdirSync(out);
    await apply(prefix, join(dir, 'changed', 'new.json'), { format: 'tf', out: join(out, 'merged.ckpt'), recipe: join(dir, 'changed', 'recipe.json'), initialiseIncompatible: false, progress: quiet }, () => undefined);
    const inputSize = tensors.reduce((n, t) => n + t.bytes.byteLength, 0);
    const data = readFileSync(join(out, dataFileName('merged.ckpt', 0, 1)));
    expect(data.byteLength).toBe(inputSize + 80 * 4); // only the padded one appended
    const before = (await openForCli(prefix)) as TfBundleCheckpoint;
    const after = (await openForCli(join(out, 'merged.ckpt'))) as TfBundleCheckpoint;
    // The padded tensor's old bytes and the dropped one's are zeroed, not left for anyone to read.
    for (const old of [tensors[0]!, tensors[3]!]) {
      const { offset } = before.entry(old.name)!;
      expect(data.subarray(offset, offset + old.bytes.byteLength).every((b) => b === 0)).toBe(true);
    }
    expect(after.entry(tensors[3]!.name)).toBeUndefined();
    for (const [i, t] of tensors.entries()) {
      if (i === 3) continue;
      const got = await after.read(t.name);
      if (i === 0) expect(Buffer.compare(got, Buffer.concat([t.bytes, new Uint8Array(64)]))).toBe(0);
      else if (i === 2) {
        const v = new Float32Array(t.bytes.buffer, t.bytes.byteOffset, 512 * 512);
        const w = new Float32Array(got.buffer, got.byteOffset, 512 * 512);
        expect([0, 1, 513, 1000, 262143].every((k) => w[(k % 512) * 512 + Math.floor(k / 512)] === v[k])).toBe(true);
        expect(after.entry(t.name)!.offset).toBe(before.entry(t.name)!.offset);
      } else {
        expect(Buffer.compare(got, t.bytes)).toBe(0);
        expect(after.entry(t.name)!.offset).toBe(before.entry(t.name)!.offset);
      }
    }
  });

  it('checks the copied tensors on the CRC worker thread when the CLI starts one, with the same result', async () => {
    const worker = installCrcWorker()!;
    const crc = vi.spyOn(worker(), 'crc');
    try {
      const good = onDisk('worker-ok');
      const okOut = join(dir, 'worker-ok-out');
      mkdirSync(okOut);
      await apply(good, good, { format: 'tf', out: join(okOut, 'merged.ckpt'), initialiseIncompatible: false, progress: quiet }, () => undefined);
      expect(readFileSync(join(okOut, dataFileName('merged.ckpt', 0, 1))).equals(readFileSync(`${good}.data-00000-of-00001`))).toBe(true);
      expect(crc).toHaveBeenCalledTimes(tensors.length);
      const bad = onDisk('worker-bad', { tensor: 4, at: 700_000 });
      const badOut = join(dir, 'worker-bad-out');
      mkdirSync(badOut);
      const err = await apply(bad, bad, { format: 'tf', out: join(badOut, 'merged.ckpt'), initialiseIncompatible: false, progress: quiet }, () => undefined).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'tensor-checksum' });
      expect((err as Error).message).toMatch(/tensor "dense_4\/kernel"/);
      expect(readdirSync(badOut)).toEqual([]);
    } finally {
      useRangeCrc32c(undefined);
      await worker().stop();
    }
  });
});
