import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../io/output';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import type { DType } from '../../model/dtypes';
import { sha256 } from '../fixture-rows.test-util';
import { openCheckpoint } from '../registry';
import { createStandIn, lookup3, patchHalfTypes, standInMarkers } from './half-types';
import { legacyLayers, legacyPlacements } from './placements';
import type { KerasH5Checkpoint } from './read';
import { createKerasWriter, type KerasLayout, type KerasTensorSpec } from './write';

const TESTDATA = join(__dirname, 'testdata');
interface Row { name: string; hdf5Class: number; size: number; shape: number[]; dtypeAttr: string | null; sha256: string; hex: string }
const EXPECTED = JSON.parse(readFileSync(join(TESTDATA, 'expected-half.json'), 'utf8')) as Record<string, Row[]>;
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

const open = async (name: string, bytes: Uint8Array) => (await openCheckpoint([memorySource(name, bytes)])) as KerasH5Checkpoint;
const testFile = (name: string) => open(name, new Uint8Array(readFileSync(join(TESTDATA, name))));

type Module = { FS: { writeFile(p: string, b: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void } };

/** HDF5 class, size and `dtype` attribute of every dataset, as h5wasm (not Graft's reader) sees them. */
async function types(bytes: Uint8Array): Promise<Record<string, string>> {
  const { FS } = (await h5wasm.ready) as unknown as Module;
  const p = `/half-${Math.random().toString(36).slice(2)}.h5`;
  FS.writeFile(p, bytes);
  const f = new h5wasm.File(p, 'r');
  const out: Record<string, string> = {};
  const walk = (g: InstanceType<typeof h5wasm.Group>, prefix: string) => {
    for (const k of g.keys()) {
      const c = g.get(k);
      const path = prefix ? `${prefix}/${k}` : k;
      if (c instanceof h5wasm.Group) walk(c, path);
      else if (c instanceof h5wasm.Dataset) out[path] = `${c.metadata.type}/${c.metadata.size} dtype=${String(c.attrs.dtype?.json_value ?? '')}`;
    }
  };
  walk(f, '');
  f.close();
  FS.unlink(p);
  return out;
}

async function write(layout: KerasLayout, tensors: (KerasTensorSpec & { bytes: Uint8Array })[], topology?: unknown) {
  const folder = new MemoryFolder();
  const w = await createKerasWriter({ out: folder, path: 'out.h5', layout, tensors, modelTopology: topology });
  for (const t of tensors) await w.add({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes });
  await w.finish();
  return { bytes: folder.files.get('out.h5')!, notes: w.notes ?? [] };
}

describe('Keras float16 / bfloat16 files written by Keras 3.15 (testdata/make-half.py)', () => {
  for (const [file, dtype] of [['keras3-float16.weights.h5', 'float16'], ['keras3-bfloat16.weights.h5', 'bfloat16'], ['legacy-bfloat16.h5', 'bfloat16']] as const) {
    it(`${file}: every dataset listed as ${dtype} with h5py's stored bytes`, async () => {
      const ckpt = await testFile(file);
      const rows = EXPECTED[file]!;
      expect(ckpt.warnings).toEqual([]);
      expect(ckpt.tensors.map((t) => t.name).sort()).toEqual(rows.map((r) => r.name).sort());
      for (const r of rows) {
        const t = ckpt.tensors.find((x) => x.name === r.name)!;
        expect([t.dtype, t.shape, t.byteLength]).toEqual([dtype, r.shape, r.hex.length / 2]);
        expect(r.hdf5Class).toBe(dtype === 'float16' ? 1 : 5);
        expect(sha256(await ckpt.read(r.name))).toBe(r.sha256);
        expect(sha256((await ckpt.readValue(r.name)).bytes)).toBe(r.sha256);
      }
      ckpt.close();
    });
  }

  it('the Keras 3 files keep their layers and indices; the layer is the vars group name', async () => {
    const ckpt = await testFile('keras3-bfloat16.weights.h5');
    expect(ckpt.layout).toBe('keras3-weights');
    expect(ckpt.tensors.map((t) => [t.name, t.layer, t.weightIndex]).slice(0, 2)).toEqual([
      ['layers/batch_normalization/vars/0', 'batch_normalization_1', 0],
      ['layers/batch_normalization/vars/1', 'batch_normalization_1', 1],
    ]);
    ckpt.close();
  });
});

describe('Keras writers: float16 and bfloat16', () => {
  for (const file of ['keras3-float16.weights.h5', 'keras3-bfloat16.weights.h5']) {
    it(`${file} → .weights.h5: the HDF5 types and dtype attributes Keras wrote, the same bytes back`, async () => {
      const original = new Uint8Array(readFileSync(join(TESTDATA, file)));
      const ckpt = await open(file, original);
      const tensors = [];
      for (const t of ckpt.tensors) tensors.push({ ...t, bytes: await ckpt.read(t.name) });
      const { bytes, notes } = await write('keras3', tensors);
      expect(notes).toEqual([]);
      expect(await types(bytes)).toEqual(await types(original));
      const back = await open('out.weights.h5', bytes);
      expect(back.warnings).toEqual([]);
      for (const t of tensors) {
        const got = back.tensors.find((x) => x.name === t.name)!;
        expect([got.dtype, got.shape, got.layer, got.weightIndex]).toEqual([t.dtype, t.shape, t.layer, t.weightIndex]);
        expect(sha256(await back.read(t.name))).toBe(sha256(t.bytes));
      }
      ckpt.close();
      back.close();
    });
  }

  const half = (dtype: DType, n: number, seed: number) => ({
    name: `dense/${dtype}`, dtype, shape: [n], layer: 'dense', bytes: Uint8Array.from({ length: 2 * n }, (_, i) => (i * 37 + seed) & 255),
  });

  it('legacy .h5: float16 as an IEEE half, bytes exact', async () => {
    const t = half('float16', 1000, 3);
    const { bytes, notes } = await write('legacy', [t]);
    expect(notes).toEqual([]);
    expect(await types(bytes)).toEqual({ 'dense/dense/float16:0': '1/2 dtype=' });
    const back = await open('out.h5', bytes);
    expect(back.tensors[0]!.dtype).toBe('float16');
    expect(await back.read('dense/dense/float16:0')).toEqual(t.bytes);
    back.close();
  });

  it('legacy .h5: bfloat16 widened to float32 exactly (Keras cannot load a bfloat16 dataset from .h5), with a note', async () => {
    const t = half('bfloat16', 5, 11);
    const { bytes, notes } = await write('legacy', [t]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/1 bfloat16 tensor\(s\) stored as float32/);
    expect(await types(bytes)).toEqual({ 'dense/dense/bfloat16:0': '1/4 dtype=' });
    const back = await open('out.h5', bytes);
    const f32 = new Uint8Array(await back.read('dense/dense/bfloat16:0'));
    const narrowed = Uint8Array.from({ length: 10 }, (_, i) => f32[4 * (i >> 1) + 2 + (i & 1)]!);
    const low = Array.from({ length: 5 }, (_, i) => f32[4 * i]! | f32[4 * i + 1]!);
    expect([back.tensors[0]!.dtype, narrowed, low]).toEqual(['float32', t.bytes, [0, 0, 0, 0, 0]]);
    back.close();
  });

  it('many float16 and bfloat16 datasets beside float32 ones, a scalar and an empty one: all finished, nothing else touched', async () => {
    const tensors = [
      ...Array.from({ length: 40 }, (_, i) => ({ ...half(i % 2 ? 'bfloat16' : 'float16', 1 + i * 7, i), name: `layers/l${i}/vars/0`, layer: `l${i}`, weightIndex: 0 })),
      { name: 'layers/f/vars/0', dtype: 'float32' as DType, shape: [3], layer: 'f', bytes: new Uint8Array(new Float32Array([1, 2, 3]).buffer) },
      { name: 'layers/s/vars/0', dtype: 'float16' as DType, shape: [], layer: 's', bytes: new Uint8Array([0x00, 0x3c]) },
      { name: 'layers/e/vars/0', dtype: 'bfloat16' as DType, shape: [0, 4], layer: 'e', bytes: new Uint8Array(0) },
    ];
    const { bytes } = await write('keras3', tensors);
    const back = await open('out.weights.h5', bytes);
    expect(back.warnings).toEqual([]);
    for (const t of tensors) {
      const got = back.tensors.find((x) => x.name === t.name)!;
      expect([got.dtype, got.shape]).toEqual([t.dtype, t.shape]);
      expect(await back.read(t.name)).toEqual(t.bytes);
    }
    back.close();
  });

  it('refuses float8 with a GraftError that says why', async () => {
    const err = await createKerasWriter({ out: new MemoryFolder(), path: 'x.weights.h5', layout: 'keras3', tensors: [{ name: 'q', dtype: 'float8_e4m3fn', shape: [2] }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).message).toMatch(/float8_e4m3fn.*its own loaders cannot read back/);
  });
});

describe('finishing stand-in types', () => {
  it('lookup3 matches Bob Jenkins’ published hashlittle values', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(enc('Four score and seven years ago'))).toBe(0x17770551);
    expect(lookup3(enc('Four score and seven years ago'), 1)).toBe(0xcd628161);
  });

  async function standInFile(): Promise<{ bytes: Uint8Array; markers: ReturnType<typeof standInMarkers> }> {
    const { FS } = (await h5wasm.ready) as unknown as Module;
    const markers = standInMarkers();
    const p = `/standin-${Math.random().toString(36).slice(2)}.h5`;
    const f = new h5wasm.File(p, 'w');
    createStandIn((await h5wasm.ready) as never, f.file_id, '/x', markers.float16, [2], new Uint8Array([0, 0x3c, 0, 0x40]));
    f.close();
    const bytes = FS.readFile(p);
    FS.unlink(p);
    return { bytes, markers };
  }
  const access = (bytes: Uint8Array) => ({
    size: bytes.length,
    read: (o: number, n: number) => bytes.slice(o, o + n),
    write: (o: number, b: Uint8Array) => bytes.set(b, o),
  });

  it('a header whose checksum does not verify is never rewritten', async () => {
    const { bytes, markers } = await standInFile();
    const at = new TextDecoder('latin1').decode(bytes).indexOf(markers.float16);
    bytes[at + 2]! ^= 0xff; // the marker no longer matches: the count is wrong
    expect(() => patchHalfTypes(access(bytes), 'x.h5', markers, { float16: 1, bfloat16: 0 })).toThrow(/expected 1 float16 dataset types to finish but found 0/);
    const good = await standInFile();
    const ohdr = new TextDecoder('latin1').decode(good.bytes).lastIndexOf('OHDR', new TextDecoder('latin1').decode(good.bytes).indexOf(good.markers.float16));
    good.bytes[ohdr + 8]! ^= 0x01; // a byte inside the checksummed header
    expect(() => patchHalfTypes(access(good.bytes), 'x.h5', good.markers, { float16: 1, bfloat16: 0 })).toThrow(GraftError);
  });

  it('a finished stand-in reads back as an IEEE half with the same bytes', async () => {
    const { bytes, markers } = await standInFile();
    patchHalfTypes(access(bytes), 'x.h5', markers, { float16: 1, bfloat16: 0 });
    expect(await types(bytes)).toEqual({ x: '1/2 dtype=' });
    const back = await open('x.h5', bytes);
    expect([back.tensors[0]!.dtype, await back.read('x')]).toEqual(['float16', new Uint8Array([0, 0x3c, 0, 0x40])]);
    back.close();
  });
});

describe('legacy .h5 of a nested model', () => {
  const topology = {
    class_name: 'Functional',
    config: { name: 'outer', layers: [
      { class_name: 'InputLayer', config: { name: 'in' } },
      { class_name: 'Sequential', config: { name: 'inner', layers: [
        { class_name: 'InputLayer', config: { name: 'in2' } },
        { class_name: 'Dense', config: { name: 'dense_2' } },
        { class_name: 'BatchNormalization', config: { name: 'bn' } },
      ] } },
      { class_name: 'Dense', config: { name: 'dense_4' } },
    ] },
  };
  const v = (name: string, layer: string, trainable: boolean): KerasTensorSpec => ({ name, dtype: 'float32', shape: [1], layer, trainable });
  const tensors = [
    v('dense_2/kernel', 'dense_2', true), v('dense_2/bias', 'dense_2', true),
    v('bn/gamma', 'bn', true), v('bn/beta', 'bn', true), v('bn/moving_mean', 'bn', false), v('bn/moving_variance', 'bn', false),
    v('dense_4/kernel', 'dense_4', true), v('dense_4/bias', 'dense_4', true),
  ];

  it('the nested model is one layer holding its layers’ weights, trainable first, as Keras’ loader pairs them', () => {
    const places = legacyPlacements(tensors, topology);
    expect(places.map((p) => p.dataset)).toEqual([
      'inner/dense_2/kernel:0', 'inner/dense_2/bias:0', 'inner/bn/gamma:0', 'inner/bn/beta:0', 'inner/bn/moving_mean:0', 'inner/bn/moving_variance:0',
      'dense_4/dense_4/kernel:0', 'dense_4/dense_4/bias:0',
    ]);
    const frozenMean = tensors.map((t) => (t.name === 'bn/gamma' ? { ...t, trainable: false } : t));
    expect(legacyLayers(legacyPlacements(frozenMean, topology), frozenMean)).toEqual([
      { layer: 'inner', weightNames: ['dense_2/kernel:0', 'dense_2/bias:0', 'bn/beta:0', 'bn/gamma:0', 'bn/moving_mean:0', 'bn/moving_variance:0'] },
      { layer: 'dense_4', weightNames: ['dense_4/kernel:0', 'dense_4/bias:0'] },
    ]);
  });

  it('a top-level layer named like a layer inside the nested model stays its own layer (its kerasPath is not nested)', () => {
    const clash = [{ ...v('dense_2/kernel', 'dense_2', true), kerasPath: 'layers/dense/vars/0' }, { ...v('dense_2/kernel', 'dense_2', true), name: 'inner_dense', kerasPath: 'layers/sequential/layers/dense/vars/0' }];
    expect(legacyPlacements(clash, topology).map((p) => p.dataset)).toEqual(['dense_2/dense_2/kernel:0', 'inner/dense_2/inner_dense:0']);
  });

  it('without a topology every layer is its own group, as before', () => {
    expect(legacyPlacements(tensors).map((p) => p.layer)).toEqual(['dense_2', 'dense_2', 'bn', 'bn', 'bn', 'bn', 'dense_4', 'dense_4']);
  });
});
