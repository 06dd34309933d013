import { describe, expect, it } from 'vitest';
import { GraftError } from '../core/errors';
import type { Checkpoint, TensorInfo } from '../core/model/checkpoint';
import { openCheckpoint } from '../core/formats/registry';
import { encodeStringTensor } from '../core/formats/tf-bundle';
import { caseSources, valueCases } from '../core/formats/value-cases.test-util';
import { inspectTensor, showString, summariseNumbers } from './inspect-tensor';

const flat = { kernel: { mode: 'flat' } } as const;
const info = (name: string, dtype: TensorInfo['dtype'], shape: number[], byteLength: number): TensorInfo => ({
  name, dtype, shape, byteLength, kind: 'weight', group: '',
});

/** A checkpoint whose stored bytes are its values. */
function fakeCheckpoint(entries: { info: TensorInfo; bytes: Uint8Array }[]): Checkpoint {
  const read = async (name: string) => {
    const e = entries.find((x) => x.info.name === name);
    if (!e) throw new GraftError('not-found', 'fake.ckpt', name);
    return e.bytes;
  };
  return {
    format: 'tf-bundle', label: 'fake.ckpt', files: ['fake.ckpt.index'], warnings: [],
    tensors: entries.map((e) => e.info),
    read,
    readValue: async (name) => ({ bytes: await read(name) }),
  };
}

const CASES = await valueCases();

describe('inspectTensor', () => {
  it('summarises float32 values with histogram and heatmap', async () => {
    const bytes = new Uint8Array(Float32Array.from([1, -2, 3, NaN, 5, 6]).buffer);
    const r = await inspectTensor(fakeCheckpoint([{ info: info('w', 'float32', [2, 3], 24), bytes }]), 'w', flat);
    if (r.kind !== 'numbers') throw new Error(r.kind);
    expect(r.summary).toMatchObject({ count: 6, finite: 5, nan: 1, min: -2, max: 6 });
    expect(r.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect([r.heatmap!.rows, r.heatmap!.cols]).toEqual([2, 3]);
  });

  it('has every case: quantized, TF.js strings, big-endian .npy and bundle', () => expect(CASES).toHaveLength(7));
  for (const c of CASES) {
    it(`shows the values of ${c.title}`, async () => {
      const ckpt = await openCheckpoint(caseSources(c));
      const r = await inspectTensor(ckpt, c.tensor, flat);
      if (c.dtype === 'string') {
        expect(r).toEqual({ kind: 'strings', name: c.tensor, count: c.want.length, strings: c.want });
        return;
      }
      if (r.kind !== 'numbers') throw new Error(r.kind);
      const want = c.want as number[];
      expect(r.summary).toMatchObject({ count: want.length, finite: want.length, min: Math.min(...want), max: Math.max(...want) });
      expect(r.summary.mean).toBeCloseTo(want.reduce((a, b) => a + b, 0) / want.length, 9);
      expect(r.histogram.counts.reduce((a, b) => a + b, 0)).toBe(want.length);
    });
  }

  it('lists string tensors as text, binary ones as hex', async () => {
    const strings = [new TextEncoder().encode('hello'), Uint8Array.from([0x0a, 0x01, 0x02])];
    const { bytes } = encodeStringTensor(strings);
    const r = await inspectTensor(fakeCheckpoint([{ info: info('s', 'string', [2], bytes.byteLength), bytes }]), 's', flat);
    expect(r).toMatchObject({ kind: 'strings', count: 2, strings: ['hello', 'binary, 3 bytes: 0a 01 02'] });
  });

  it('says which dtypes it cannot show and names missing variables', async () => {
    const cp = fakeCheckpoint([{ info: info('h', 'resource', [], 0), bytes: new Uint8Array() }]);
    expect(await inspectTensor(cp, 'h', flat)).toMatchObject({ kind: 'opaque' });
    await expect(inspectTensor(cp, 'nope', flat)).rejects.toThrow('fake.ckpt: has no variable named "nope"');
  });

  it('rejects bytes that disagree with the shape', () => {
    expect(() => summariseNumbers(info('w', 'float32', [3], 12), new Uint8Array(8), flat, 'x.data')).toThrow(/needs 12/);
  });

  it('decodes large tensors by chunks with the same answer', () => {
    const n = (1 << 20) * 2 + 5;
    const values = new Float32Array(n).map((_, i) => (i % 7) - 3);
    const r = summariseNumbers(info('big', 'float32', [n], n * 4), new Uint8Array(values.buffer), flat);
    if (r.kind !== 'numbers') throw new Error(r.kind);
    expect([r.summary.min, r.summary.max, r.summary.count]).toEqual([-3, 3, n]);
    expect(r.summary.mean!).toBeCloseTo(Array.from(values).reduce((a, b) => a + b, 0) / n, 9);
    expect(r.histogram.counts.reduce((a, b) => a + b, 0)).toBe(n);
    expect(r.heatmap!.cols).toBeLessThanOrEqual(256);
  });
});

describe('showString', () => {
  it('shortens long text', () => {
    expect(showString(new TextEncoder().encode('x'.repeat(400)))).toMatch(/^x{300}… \(400 bytes\)$/);
  });
});
