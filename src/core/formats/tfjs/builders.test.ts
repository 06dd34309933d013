import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { listCandidates, openCheckpoint } from '../registry';
import { decodeStringTensor, encodeStringTensor } from '../tf-bundle/strings';

// A tiny TF.js writer written for these tests only: little-endian bytes by hand, strings as u32 length + UTF-8.
const le = {
  f32: (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer),
  i32: (xs: number[]) => new Uint8Array(new Int32Array(xs).buffer),
  u16: (xs: number[]) => new Uint8Array(new Uint16Array(xs).buffer),
  u8: (xs: number[]) => new Uint8Array(xs),
};
function strings(xs: string[]): Uint8Array {
  const parts = xs.flatMap((s) => {
    const b = new TextEncoder().encode(s);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, b.length, true);
    return [len, b];
  });
  return concat(parts);
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}
const json = (path: string, v: unknown) => memorySource(path, new TextEncoder().encode(JSON.stringify(v)));

/** Independent float16 → number: sign × 2^(e−15) × (1 + m/1024), subnormals 2^−14 × m/1024. */
function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  if (e === 31) return m ? NaN : s * Infinity;
  return e === 0 ? s * 2 ** -14 * (m / 1024) : s * 2 ** (e - 15) * (1 + m / 1024);
}

function model(): ByteSource[] {
  const a = le.f32([1.5, -2, 3.25]);
  const b = le.i32([1, -2, 3, 2 ** 31 - 1]);
  const c = le.u8([1, 0, 1]);
  const d = le.f32([1, 2, 3, 4]); // complex64 [2]: (1+2i), (3+4i)
  const s = strings(['a', 'héllo', '']);
  const after = le.f32([42]);
  const group1 = concat([a, b, c, d, s, after]);
  const cut = a.length + 6; // b spans the two shards
  const q8 = le.u8([0, 1, 2, 255]);
  const q16 = le.u16([0, 1000, 65535]);
  const qf16 = le.u16([0x3c00, 0xc000, 0x7c00, 0x0001, 0x3555]);
  const qi = le.u8([0, 1, 2, 10]);
  const m = {
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'frozen', trainable: false } }] } },
    weightsManifest: [
      {
        paths: ['group1-shard1of2.bin', 'sub/group1-shard2of2.bin'],
        weights: [
          { name: 'frozen/a', shape: [3], dtype: 'float32' },
          { name: 'b', shape: [2, 2], dtype: 'int32' },
          { name: 'c', shape: [3], dtype: 'bool' },
          { name: 'd', shape: [2], dtype: 'complex64' },
          { name: 's', shape: [3], dtype: 'string' },
          { name: 'after', shape: [], dtype: 'float32', group: 'optimizer' },
        ],
      },
      {
        paths: ['group2-shard1of1.bin'],
        weights: [
          { name: 'q8', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
          { name: 'q16', shape: [3], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 2 } },
          { name: 'qf16', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } },
          { name: 'qi', shape: [2, 2], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.3, min: 0.2 } },
          { name: 'h', shape: [2], dtype: 'float16' },
        ],
      },
    ],
  };
  return [
    json('m/model.json', m),
    memorySource('m/group1-shard1of2.bin', group1.slice(0, cut)),
    memorySource('m/sub/group1-shard2of2.bin', group1.slice(cut)),
    memorySource('m/group2-shard1of1.bin', concat([q8, q16, qf16, qi, le.u16([0x3c00, 0xc000])])),
  ];
}

describe('TF.js reader on built models', () => {
  it('lists every weight of every group with stored byte lengths', async () => {
    const files = model();
    expect((await listCandidates(files)).map((c) => c.id)).toEqual(['m/model.json']);
    const ckpt = await openCheckpoint(files);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape, t.byteLength])).toEqual([
      ['frozen/a', 'float32', [3], 12],
      ['b', 'int32', [2, 2], 16],
      ['c', 'bool', [3], 3],
      ['d', 'complex64', [2], 16],
      ['s', 'string', [3], 4 * 3 + 1 + 6 + 0],
      ['after', 'float32', [], 4],
      ['q8', 'float32', [4], 4],
      ['q16', 'float32', [3], 6],
      ['qf16', 'float32', [5], 10],
      ['qi', 'int32', [2, 2], 4],
      ['h', 'float16', [2], 4],
    ]);
    expect(ckpt.warnings).toEqual([]);
    expect(ckpt.tensors.find((t) => t.name === 'frozen/a')!.trainable).toBe(false);
    expect(ckpt.tensors.find((t) => t.name === 'after')!.kind).toBe('optimizer');
    expect(ckpt.tensors.find((t) => t.name === 'q8')!.quantization).toEqual({ dtype: 'uint8', scale: 0.5, min: -1 });
  });

  it('reads a tensor that spans two shard files, strings as stored, and the weight after them', async () => {
    const ckpt = await openCheckpoint(model());
    expect(Array.from(new Int32Array((await ckpt.read('b')).slice().buffer))).toEqual([1, -2, 3, 2 ** 31 - 1]);
    expect(Array.from(new Float32Array((await ckpt.read('frozen/a')).slice().buffer))).toEqual([1.5, -2, 3.25]);
    expect(Array.from(await ckpt.read('c'))).toEqual([1, 0, 1]);
    expect(Array.from(new Float32Array((await ckpt.read('d')).slice().buffer))).toEqual([1, 2, 3, 4]);
    expect(await ckpt.read('s')).toEqual(strings(['a', 'héllo', '']));
    expect(Array.from(new Float32Array((await ckpt.read('after')).slice().buffer))).toEqual([42]);
    expect((await ckpt.readValue('h')).bytes).toEqual(le.u16([0x3c00, 0xc000])); // not quantized: value is as stored
  });

  it('readValue gives string weights in TF\'s string encoding, the one every reader gives', async () => {
    const ckpt = await openCheckpoint(model());
    const value = (await ckpt.readValue('s')).bytes;
    expect(value).toEqual(encodeStringTensor(['a', 'héllo', ''].map((x) => new TextEncoder().encode(x))).bytes);
    expect(decodeStringTensor(value, 3, 'x', 's').map((b) => new TextDecoder().decode(b))).toEqual(['a', 'héllo', '']);
  });

  it('read gives the quantized bytes; readValue dequantizes as tfjs-core does', async () => {
    const ckpt = await openCheckpoint(model());
    expect(Array.from(await ckpt.read('q8'))).toEqual([0, 1, 2, 255]);
    const f32 = async (n: string) => Array.from(new Float32Array((await ckpt.readValue(n)).bytes.slice().buffer));
    expect(await f32('q8')).toEqual([0, 1, 2, 255].map((v) => Math.fround(v * 0.5 - 1)));
    expect(await f32('q16')).toEqual([0, 1000, 65535].map((v) => Math.fround(v * 0.001 + 2)));
    expect(await f32('qf16')).toEqual([0x3c00, 0xc000, 0x7c00, 0x0001, 0x3555].map((b) => Math.fround(half(b))));
    expect(Array.from(new Int32Array((await ckpt.readValue('qi')).bytes.slice().buffer))).toEqual([0, 1, 2, 10].map((v) => Math.round(v * 0.3 + 0.2)));
  });

  it('a truncated shard: listing warns, reading the cut tensor fails naming the files', async () => {
    const files = model();
    const last = files[3]!;
    const cut = memorySource(last.path, (await last.read(0, last.size)).slice(0, 8));
    const ckpt = await openCheckpoint([files[0]!, files[1]!, files[2]!, cut]);
    expect(ckpt.warnings.join(' ')).toMatch(/q16/);
    await expect(ckpt.read('q8')).resolves.toHaveLength(4);
    const err = await ckpt.read('qi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).code).toBe('truncated');
    expect((err as GraftError).message).toMatch(/group2-shard1of1\.bin/);
  });

  it('JSON files without a weightsManifest are not TF.js candidates', async () => {
    const files = [json('x/config.json', { hidden_size: 3 }), json('x/notes.json', [1, 2])];
    expect(await listCandidates(files)).toEqual([]);
  });

  it('a TF.js topology saved without weights is explained, not listed', async () => {
    const files = [json('t/model.json', { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [] } } })];
    expect(await listCandidates(files)).toEqual([]);
    const err = await openCheckpoint(files).catch((e: unknown) => e);
    expect((err as GraftError).message).toMatch(/t\/model\.json is a TF\.js model topology without weights — drop it as the new model/);
  });

  it('quantization without scale/min is refused with a clear error', async () => {
    const files = [
      json('model.json', { weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } }] }] }),
      memorySource('w.bin', new Uint8Array(1)),
    ];
    const err = await openCheckpoint(files).catch((e: unknown) => e);
    expect((err as GraftError).code).toBe('corrupt');
    expect((err as GraftError).message).toMatch(/scale and min/);
  });
});
