/** Hostile NumPy files (issue 17): archives with thousands of stray members, repeated names, huge header fields. */
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { zip } from '../../io/zip.test-util';
import { openCheckpoint } from '../registry';
import { npy } from './npy.test-util';
import { openNpz } from './read';

const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

describe('hostile .npz / .npy', () => {
  it('10,000 members that are not arrays: one warning line', async () => {
    const members: [string, Uint8Array][] = [['a.npy', npy('<f4', [1], f32([1]))]];
    for (let i = 0; i < 10_000; i++) members.push([`junk${i}.txt`, new Uint8Array(1)]);
    // Detection takes a zip of .npy members only; opened as .npz regardless, the strays are named once.
    const ckpt = await openNpz(memorySource('w.npz', zip(members, false)));
    expect(ckpt.tensors.map((t) => t.name)).toEqual(['a']);
    expect(ckpt.warnings).toEqual(['w.npz: members junk0.txt, junk1.txt, junk2.txt and 9997 more are not .npy arrays; they are left out']);
  });

  it('a repeated member name: the last is used, as numpy.load does, with a warning', async () => {
    const file = memorySource('w.npz', zip([['a.npy', npy('<f4', [1], f32([1]))], ['a.npy', npy('<f4', [1], f32([2]))]], true));
    const ckpt = await openCheckpoint([file]);
    expect(ckpt.tensors.map((t) => t.name)).toEqual(['a']);
    expect(await ckpt.read('a')).toEqual(f32([2]));
    expect(ckpt.warnings).toEqual([expect.stringMatching(/member a\.npy repeats an earlier member's name; the last is used/)]);
  });

  it('a 100,000-character dtype is cut in the sentence', async () => {
    const e = await openCheckpoint([memorySource('x.npy', npy(`<${'f'.repeat(100_000)}`, [1], f32([1]), { version: 2 }))]).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(GraftError);
    expect((e as GraftError).message.length).toBeLessThan(400);
  });
});
