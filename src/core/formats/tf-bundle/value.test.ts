import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../registry';
import { built, f32 } from './builders.test-util';
import { crc32c } from './crc32c';
import { decodeStringTensor, encodeStringTensor } from './strings';

const utf8 = (s: string) => new TextEncoder().encode(s);
const be32 = (xs: number[]) => {
  const out = new Uint8Array(xs.length * 4);
  xs.forEach((x, i) => new DataView(out.buffer).setFloat32(i * 4, x, false));
  return out;
};

describe('readValue of a TF bundle', () => {
  it('little-endian: the stored bytes, with the CRC32C read verified (so exact copies need not checksum again)', async () => {
    const words = encodeStringTensor([utf8('a'), utf8('bc')]);
    const ckpt = await openCheckpoint(built([
      { name: 'w', dtype: 'float32', shape: [3], bytes: f32(1, -2, 3.5) },
      { name: 's', dtype: 'string', shape: [2], bytes: words.bytes },
    ]).files);
    const w = await ckpt.readValue('w');
    expect(w.bytes).toEqual(await ckpt.read('w'));
    expect(w.crc32c).toBe(crc32c(f32(1, -2, 3.5)));
    // A string entry's CRC covers its lengths as fixed-width integers, not the stored varints: not the bytes' CRC.
    expect(await ckpt.readValue('s')).toEqual({ bytes: words.bytes });
  });

  it('big-endian: numbers swapped, strings re-encoded little-endian, no CRC (the value is not what was stored)', async () => {
    const ckpt = await openCheckpoint(built([
      { name: 'w', dtype: 'float32', shape: [2], bytes: be32([1.5, -3]) },
      { name: 'c', dtype: 'complex64', shape: [1], bytes: be32([2, -4]) },
      { name: 's', dtype: 'string', shape: [2], bytes: encodeStringTensor([utf8('big'), utf8('endian')], false).bytes },
    ], { littleEndian: false }).files);
    expect(await ckpt.readValue('w')).toEqual({ bytes: f32(1.5, -3) });
    expect(await ckpt.readValue('c')).toEqual({ bytes: f32(2, -4) }); // each half of a complex swapped on its own
    const s = (await ckpt.readValue('s')).bytes;
    expect(s).toEqual(encodeStringTensor([utf8('big'), utf8('endian')]).bytes);
    expect(decodeStringTensor(s, 2, 'x', 's').map((b) => new TextDecoder().decode(b))).toEqual(['big', 'endian']);
  });

  it('a partitioned variable: its slices assembled, no single CRC', async () => {
    const ckpt = await openCheckpoint(built([{
      name: 'v', dtype: 'float32', shape: [2], bytes: new Uint8Array(0),
      slices: [{ extent: [{ start: 0, length: 1 }], bytes: f32(1) }, { extent: [{ start: 1, length: 1 }], bytes: f32(2) }],
    }]).files);
    expect(await ckpt.readValue('v')).toEqual({ bytes: f32(1, 2) });
  });

  it('a resource handle has no value to give', async () => {
    const ckpt = await openCheckpoint(built([{ name: 'h', dtype: 'resource', shape: [], bytes: new Uint8Array(0) }, { name: 'w', dtype: 'float32', shape: [1], bytes: f32(1) }]).files);
    await expect(ckpt.readValue('h')).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/h has dtype resource/) });
  });
});
