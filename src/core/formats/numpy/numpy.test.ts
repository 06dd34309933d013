import { describe, expect, it } from 'vitest';
import { GraftError, type GraftErrorCode } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { listCandidates, openCheckpoint } from '../registry';
import { zip } from '../../io/zip.test-util';
import { f32be, npy } from './npy.test-util';

const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const i64 = (xs: number[]) => new Uint8Array(new BigInt64Array(xs.map(BigInt)).buffer);

describe('npz', () => {
  for (const deflate of [false, true]) {
    it(`lists and reads a ${deflate ? 'deflated (savez_compressed)' : 'stored (savez)'} archive`, async () => {
      const members: [string, Uint8Array][] = [
        ['dense/kernel.npy', npy('<f4', [2, 3], f32([1, 2, 3, 4, 5, 6]))],
        ['dense/bias.npy', npy('<f4', [3], f32([0.5, 0.25, -1]))],
        ['step.npy', npy('<i8', [], i64([7]))],
        ['mask.npy', npy('|b1', [4], new Uint8Array([1, 0, 0, 1]), { version: 2 })],
        ['big.npy', npy('>f4', [2], f32be([1.5, -3]), { version: 3 })],
      ];
      const file = memorySource('weights.npz', zip(members, deflate));
      expect((await listCandidates([file])).map((c) => [c.format, c.id])).toEqual([['npz', 'weights.npz']]);
      const ckpt = await openCheckpoint([file]);
      expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape, t.byteLength, t.group])).toEqual([
        ['dense/kernel', 'float32', [2, 3], 24, 'dense'],
        ['dense/bias', 'float32', [3], 12, 'dense'],
        ['step', 'int64', [], 8, 'bookkeeping'],
        ['mask', 'bool', [4], 4, ''],
        ['big', 'float32', [2], 8, ''],
      ]);
      expect(await ckpt.read('dense/kernel')).toEqual(f32([1, 2, 3, 4, 5, 6]));
      expect(await ckpt.read('step')).toEqual(i64([7]));
      expect(await ckpt.read('big')).toEqual(f32be([1.5, -3])); // stored bytes
      expect((await ckpt.readValue('big')).bytes).toEqual(f32([1.5, -3])); // little-endian value
    });
  }

  it('a stored member is read by range, not whole', async () => {
    const inner = memorySource('w.npz', zip([['a.npy', npy('<f4', [1000], f32(Array.from({ length: 1000 }, (_, i) => i)))], ['b.npy', npy('<f4', [2], f32([1, 2]))]], false));
    const reads: number[] = [];
    const counted: ByteSource = { path: inner.path, size: inner.size, read: (o, n) => (reads.push(n), inner.read(o, n)) };
    const ckpt = await openCheckpoint([counted]);
    reads.length = 0;
    expect(await ckpt.read('b')).toEqual(f32([1, 2]));
    expect(reads).toEqual([8]);
  });

  it('Fortran order: shape as stored, a warning, readValue in C order', async () => {
    // C-order value [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6
    const file = memorySource('f.npz', zip([['m.npy', npy('<f4', [2, 3], f32([1, 4, 2, 5, 3, 6]), { fortran: true })], ['t.npy', npy('<f4', [2, 2, 2], f32([0, 4, 2, 6, 1, 5, 3, 7]), { fortran: true })]], false));
    const ckpt = await openCheckpoint([file]);
    expect(ckpt.tensors[0]!.shape).toEqual([2, 3]);
    expect(ckpt.warnings[0]).toMatch(/Fortran/);
    expect(Array.from(new Float32Array((await ckpt.readValue('m')).bytes.slice().buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(new Float32Array((await ckpt.readValue('t')).bytes.slice().buffer))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('npy', () => {
  it('loose .npy files in a folder are one checkpoint', async () => {
    const files = [memorySource('arrays/w.npy', npy('<f8', [2], new Uint8Array(new Float64Array([1, 2]).buffer))), memorySource('arrays/b.npy', npy('<u2', [3], new Uint8Array(6)))];
    const candidates = await listCandidates(files);
    expect(candidates.map((c) => [c.format, c.files.length])).toEqual([['npy', 2]]);
    const ckpt = await openCheckpoint(files);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([['w', 'float64', [2]], ['b', 'uint16', [3]]]);
    expect(await ckpt.read('w')).toEqual(new Uint8Array(new Float64Array([1, 2]).buffer));
  });
});

describe('NumPy hostile files: a specific error naming the file', () => {
  const cases: [string, () => ByteSource, GraftErrorCode, string, RegExp][] = [
    ['object array', () => memorySource('o.npy', npy('|O', [2], new Uint8Array(16))), 'unsupported', 'o.npy', /Python objects/],
    ['absurd shape', () => memorySource('a.npy', npy('<f8', [2 ** 40, 2 ** 40], new Uint8Array(8))), 'truncated', 'a.npy', /needs \d+ bytes of data but only 8/],
    ['truncated data', () => memorySource('t.npy', npy('<f4', [10], new Uint8Array(12))), 'truncated', 't.npy', /needs 40 bytes of data but only 12/],
    [
      'header length past the end',
      () => {
        const b = npy('<f4', [1], new Uint8Array(4));
        new DataView(b.buffer).setUint16(8, 60000, true);
        return memorySource('h.npy', b);
      },
      'truncated',
      'h.npy',
      /header needs/,
    ],
    ['structured dtype', () => memorySource('s.npy', new Uint8Array(0)), 'unsupported', 's.npy', /structured/],
    ['string dtype', () => memorySource('u.npy', npy('<U5', [1], new Uint8Array(20))), 'unsupported', 'u.npy', /not a numeric type/],
    ['truncated npz member', () => memorySource('z.npz', zip([['a.npy', npy('<f4', [4], f32([1, 2, 3, 4]))]], false).slice(0, 60)), 'bad-magic', 'z.npz', /end-of-central-directory/],
  ];
  // the structured case: replace the descr with a list of fields
  cases[4]![1] = () => {
    const text = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }";
    const b = npy('<f4', [1], new Uint8Array(4));
    const body = text + ' '.repeat(b.length - 10 - 4 - text.length - 1) + '\n';
    b.set(new TextEncoder().encode(body), 10);
    return memorySource('s.npy', b);
  };
  for (const [what, build, code, file, sentence] of cases) {
    it(what, async () => {
      const src = build();
      const err = await (async () => {
        const candidates = await listCandidates([src]);
        return openCheckpoint([src], candidates[0]?.id);
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraftError);
      expect({ code: (err as GraftError).code, file: (err as GraftError).file }).toEqual({ code, file });
      expect((err as GraftError).message).toMatch(sentence);
    });
  }
});
