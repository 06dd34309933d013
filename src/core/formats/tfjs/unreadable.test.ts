import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { openCheckpoint } from '../registry';
import { tfjsModel } from './builders.test-util';

const f32 = (n: number) => new Uint8Array(new Float32Array(n).fill(1).buffer);

describe('TF.js unreadable weights', () => {
  it('a truncated weight file: the weights past its end are named unreadable without reading, the others not', async () => {
    const [json, bin] = tfjsModel([
      { name: 'a', shape: [4], dtype: 'float32', bytes: f32(4) },
      { name: 'b', shape: [4], dtype: 'float32', bytes: f32(4) },
      { name: 'c', shape: [2], dtype: 'float32', bytes: f32(2) },
    ]);
    const whole = await bin!.read(0, bin!.size);
    let reads = 0;
    const cut = memorySource(bin!.path, whole.subarray(0, 20));
    const counted = { ...cut, read: (o: number, n: number) => (reads++, cut.read(o, n)) };
    const ckpt = await openCheckpoint([json!, counted]);
    reads = 0;
    expect(ckpt.unreadable?.('a')).toBeUndefined();
    expect(ckpt.unreadable?.('b')).toBe('its bytes 16..32 lie past the end of group1-shard1of1.bin, which has only 20 bytes — a weight file is truncated');
    expect(ckpt.unreadable?.('c')).toMatch(/^its bytes 32\.\.40 lie past the end/);
    expect(reads).toBe(0);
    await expect(ckpt.read('b')).rejects.toThrow(/truncated/);
    expect((await ckpt.read('a')).byteLength).toBe(16);
  });

  it('an intact model has no unreadable weight', async () => {
    const ckpt = await openCheckpoint(tfjsModel([{ name: 'a', shape: [4], dtype: 'float32', bytes: f32(4) }]));
    expect(ckpt.unreadable?.('a')).toBeUndefined();
  });
});
