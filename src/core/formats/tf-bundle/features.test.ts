import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { ELEMENT_SIZE, elementCount, type DType } from '../../model/dtypes';
import { openCheckpoint } from '../registry';
import { built, f32 } from './builders.test-util';
import type { TfBundleCheckpoint } from './bundle';
import { encodeTensorNameSlice, writeSignedNumIncreasing } from './slices';
import { decodeStringTensor, encodeStringTensor } from './strings';
import { readTable } from './table';
import type { WriteTensor } from './write';

const utf8 = new TextEncoder();

describe('snappy-compressed index blocks', () => {
  it('are decompressed and read like plain ones', async () => {
    const tensors: WriteTensor[] = Array.from({ length: 300 }, (_, i) => ({
      name: `model/encoder/layer_${String(i).padStart(3, '0')}/attention/self/query/kernel`,
      dtype: 'float32',
      shape: [1],
      bytes: f32(i),
    }));
    const { index, files } = built(tensors, { compression: 'snappy', blockSize: 4096 });
    // Several data blocks, compressed (type byte 1 in a trailer).
    expect(index.byteLength).toBeLessThan(built(tensors, { blockSize: 4096 }).index.byteLength / 2);
    expect((await readTable(memorySource('x.index', index))).length).toBe(301);
    const ckpt = await openCheckpoint(files);
    expect(ckpt.tensors).toHaveLength(300);
    expect(await ckpt.read(tensors[123]!.name)).toEqual(f32(123));
  });
});

describe('partitioned variables', () => {
  it('encode slice keys with TF ordered code', () => {
    // Examples from the comment on signed numbers in tensorflow/core/lib/strings/ordered_code.cc
    const signed = (v: number) => {
      const out: number[] = [];
      writeSignedNumIncreasing(out, v);
      return out;
    };
    expect(signed(0x424242)).toEqual([0xf0, 0x42, 0x42, 0x42]);
    expect(signed(-0x800)).toEqual([0x38, 0x00]);
    expect(signed(0)).toEqual([0x80]);
    expect(signed(-1)).toEqual([0x7f]);
    expect(signed(64)).toEqual([0xc0, 0x40]);
    // <0><"a\0b" escaped, separator><rank 2><0,-1 full><1,2>
    expect(Array.from(encodeTensorNameSlice(Uint8Array.from([0x61, 0, 0x62]), [{ start: 0, length: -1 }, { start: 1, length: 2 }]))).toEqual([
      0x00, 0x61, 0x00, 0xff, 0x62, 0x00, 0x01, 0x01, 0x02, 0x80, 0x7f, 0x81, 0x82,
    ]);
  });

  it('are listed once, with the full shape, and reassembled on read', async () => {
    // A [3, 4] int16 variable split into rows 0..1 and row 2, the second split again by columns.
    const full = Int16Array.from({ length: 12 }, (_, i) => i * 10 - 7);
    const pick = (r0: number, r1: number, c0: number, c1: number) => {
      const out: number[] = [];
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out.push(full[r * 4 + c]!);
      return new Uint8Array(Int16Array.from(out).buffer);
    };
    const { files } = built([
      {
        name: 'emb/weights',
        dtype: 'int16',
        shape: [3, 4],
        bytes: new Uint8Array(0),
        slices: [
          { extent: [{ start: 2, length: 1 }, { start: 1, length: 3 }], bytes: pick(2, 3, 1, 4) },
          { extent: [{ start: 0, length: 2 }, { start: 0, length: -1 }], bytes: pick(0, 2, 0, 4) },
          { extent: [{ start: 2, length: 1 }, { start: 0, length: 1 }], bytes: pick(2, 3, 0, 1) },
        ],
      },
      { name: 'other', dtype: 'complex128', shape: [1], bytes: new Uint8Array(16).fill(3) },
    ]);
    const ckpt = await openCheckpoint(files);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape, t.byteLength])).toEqual([
      ['emb/weights', 'int16', [3, 4], 24],
      ['other', 'complex128', [1], 16],
    ]);
    expect(new Int16Array((await ckpt.read('emb/weights')).slice().buffer)).toEqual(full);
  });

  it('slices that leave a gap are a corrupt index', async () => {
    const { files } = built([
      { name: 'v', dtype: 'float32', shape: [3], bytes: new Uint8Array(0), slices: [{ extent: [{ start: 0, length: 1 }], bytes: f32(1) }, { extent: [{ start: 2, length: 1 }], bytes: f32(3) }] },
    ]);
    await expect(openCheckpoint(files)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/hold 2 elements but the variable has 3/) });
  });

  it('a slice whose entry is missing is a corrupt index', async () => {
    // Rewrite the full entry so it claims a second slice that was never stored.
    const more = built([
      {
        name: 'v', dtype: 'float32', shape: [2], bytes: new Uint8Array(0),
        slices: [{ extent: [{ start: 0, length: 1 }], bytes: f32(1) }],
        override: { slices: [[{ start: 0, length: 1 }], [{ start: 1, length: 1 }]] },
      },
    ]);
    await expect(openCheckpoint(more.files)).rejects.toMatchObject({ code: 'corrupt', message: expect.stringMatching(/slice whose entry is missing/) });
  });
});

describe('big-endian bundles', () => {
  it('record their endianness and keep bytes raw; string checksums use big-endian lengths', async () => {
    const be = new Uint8Array([0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]); // 1.0, 2.0 as big-endian float32
    const strings = encodeStringTensor([utf8.encode('big'), utf8.encode('endian')], false);
    const { files } = built(
      [
        { name: 'w', dtype: 'float32', shape: [2], bytes: be },
        { name: 's', dtype: 'string', shape: [2], bytes: strings.bytes },
      ],
      { littleEndian: false },
    );
    const ckpt = (await openCheckpoint(files)) as TfBundleCheckpoint;
    expect(ckpt.littleEndian).toBe(false);
    expect(await ckpt.read('w')).toEqual(be);
    const raw = await ckpt.read('s');
    expect(decodeStringTensor(raw, 2, 'x', 's', false).map((b) => new TextDecoder().decode(b))).toEqual(['big', 'endian']);
    expect(() => decodeStringTensor(raw, 2, 'x', 's', true)).toThrow(/checksum/);
  });
});

describe('string tensors', () => {
  it('round-trip through encode, write, read and decode', async () => {
    const values = ['', 'a', 'ü'.repeat(100), 'x'.repeat(300)].map((s) => utf8.encode(s));
    const { files } = built([{ name: 'strs', dtype: 'string', shape: [2, 2], bytes: encodeStringTensor(values).bytes }]);
    const ckpt = await openCheckpoint(files);
    expect(decodeStringTensor(await ckpt.read('strs'), 4, 'f', 'strs')).toEqual(values);
  });
});

const DTYPES = (Object.keys(ELEMENT_SIZE) as DType[]).filter((d) => ELEMENT_SIZE[d] > 0);

describe('read(write(x)) = x for random tensors', () => {
  it('holds', async () => {
    const tensor = fc
      .record({
        dtype: fc.constantFrom(...DTYPES),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
        seed: fc.integer(),
      })
      .map(({ dtype, shape, seed }) => {
        const n = elementCount(shape) * ELEMENT_SIZE[dtype];
        const bytes = Uint8Array.from({ length: n }, (_, i) => (seed + i * 31) & 0xff);
        return { dtype, shape, bytes };
      });
    const strings = fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 0, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), tensor), { selector: ([n]) => n, minLength: 1, maxLength: 20 }),
        strings,
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        async (named, strs, numShards, snappy) => {
          const tensors: WriteTensor[] = named.map(([name, t]) => ({ name, ...t }));
          if (!named.some(([n]) => n === 'strings')) {
            tensors.push({ name: 'strings', dtype: 'string', shape: [strs.length], bytes: encodeStringTensor(strs).bytes });
          }
          const { files } = built(tensors, { numShards, compression: snappy ? 'snappy' : 'none', blockSize: 256 });
          const ckpt = await openCheckpoint(files);
          expect(ckpt.tensors.map((t) => t.name).sort()).toEqual(tensors.map((t) => t.name).sort());
          for (const t of tensors) {
            const info = ckpt.tensors.find((x) => x.name === t.name)!;
            expect([info.dtype, info.shape]).toEqual([t.dtype, t.shape]);
            expect(await ckpt.read(t.name)).toEqual(t.bytes);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
