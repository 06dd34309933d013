import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../io/output';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import type { Checkpoint } from '../../model/checkpoint';
import type { DType } from '../../model/dtypes';
import { fixtureFiles, fixtureFolders, fixtureRows, listing, sha256 } from '../fixture-rows.test-util';
import { openCheckpoint } from '../registry';
import type { KerasH5Checkpoint } from './read';
import { createKerasWriter, type KerasLayout, type KerasTensorSpec, type KerasWriterOptions } from './write';

async function write(layout: KerasLayout, tensors: (KerasTensorSpec & { bytes: Uint8Array })[], extra: Partial<KerasWriterOptions> = {}): Promise<Uint8Array> {
  const folder = new MemoryFolder();
  const w = await createKerasWriter({ out: folder, path: 'out.h5', layout, tensors, ...extra });
  for (const t of tensors) await w.add({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes });
  await w.finish();
  return folder.files.get('out.h5')!;
}

async function rewrite(ckpt: Checkpoint, layout: KerasLayout, extra: Partial<KerasWriterOptions> = {}): Promise<Uint8Array> {
  const tensors = [];
  for (const t of ckpt.tensors) tensors.push({ ...t, bytes: (await ckpt.readValue(t.name)).bytes });
  return write(layout, tensors, extra);
}

/** Every group and dataset of an HDF5 file with its attribute names, dataset type and shape (h5wasm, not Graft's reader). */
async function structure(bytes: Uint8Array): Promise<string[]> {
  const { FS } = (await h5wasm.ready) as unknown as { FS: { writeFile(p: string, b: Uint8Array): void; unlink(p: string): void } };
  const p = `/inspect-${Math.random().toString(36).slice(2)}.h5`;
  FS.writeFile(p, bytes);
  const f = new h5wasm.File(p, 'r');
  const out: string[] = [`/ attrs=${Object.keys(f.attrs).sort().join(',')}`];
  const walk = (g: InstanceType<typeof h5wasm.Group>, prefix: string) => {
    for (const k of g.keys()) {
      const c = g.get(k) as InstanceType<typeof h5wasm.Group> | InstanceType<typeof h5wasm.Dataset>;
      const path = `${prefix}/${k}`;
      const attrs = Object.keys(c.attrs).sort().join(',');
      if (c instanceof h5wasm.Group) {
        out.push(`G ${path} attrs=${attrs}`);
        walk(c, path);
      } else {
        const d = c as InstanceType<typeof h5wasm.Dataset>;
        out.push(`D ${path} ${d.metadata.type}/${d.metadata.size} [${d.shape?.join(',')}] attrs=${attrs}`);
      }
    }
  };
  walk(f, '');
  f.close();
  FS.unlink(p);
  return out;
}

async function attr(bytes: Uint8Array, path: string, name: string): Promise<unknown> {
  const { FS } = (await h5wasm.ready) as unknown as { FS: { writeFile(p: string, b: Uint8Array): void; unlink(p: string): void } };
  const p = `/attr-${Math.random().toString(36).slice(2)}.h5`;
  FS.writeFile(p, bytes);
  const f = new h5wasm.File(p, 'r');
  const v = (path ? (f.get(path) as InstanceType<typeof h5wasm.Group>) : f).attrs[name]?.json_value;
  f.close();
  FS.unlink(p);
  return v;
}

const reopen = async (bytes: Uint8Array, name = 'out.h5') => (await openCheckpoint([memorySource(name, bytes)])) as KerasH5Checkpoint;

describe('Keras HDF5 writer: read(write(x)) = x over every Keras fixture', () => {
  const kerasFolders = fixtureFolders(['keras']);
  it('finds the Keras fixtures', () => expect(kerasFolders.length).toBeGreaterThanOrEqual(5));
  for (const fixture of kerasFolders) {
    for (const file of [...new Set(fixtureRows(fixture).map((r) => r.file))]) {
      it(`${fixture}/${file}`, async () => {
        const ckpt = (await openCheckpoint(fixtureFiles(fixture), file)) as KerasH5Checkpoint;
        const layout: KerasLayout = ckpt.layout === 'keras3-weights' ? 'keras3' : 'legacy';
        const back = await reopen(await rewrite(ckpt, layout), layout === 'keras3' ? 'out.weights.h5' : 'out.h5');
        expect(back.warnings).toEqual([]);
        expect(back.layout).toBe(ckpt.layout);
        // A full model's weights are written as a weights file: model_weights/ goes, optimizer_weights/ stays.
        const expected = (await listing(ckpt)).map((r) => ({ ...r, name: String(r.name).replace(/^model_weights\//, '') }));
        expect(await listing(back)).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));
        expect(back.tensors.map((t) => [t.layer, t.weightIndex])).toEqual(ckpt.tensors.map((t) => [t.layer, t.weightIndex]));
        ckpt.close();
        back.close();
      });
    }
  }
});

describe('Keras HDF5 writer: layout as Keras writes it', () => {
  it('Keras 3 .weights.h5: the same groups, datasets, types and attribute names as keras3-weights-h5-churn', async () => {
    const files = fixtureFiles('keras3-weights-h5-churn');
    const ckpt = (await openCheckpoint(files)) as KerasH5Checkpoint;
    const mine = await rewrite(ckpt, 'keras3', { modelName: 'sequential' });
    const h5 = files.find((f) => f.path.endsWith('.h5'))!;
    const original = h5.readSync!(0, h5.size);
    expect(await structure(mine)).toEqual(await structure(original));
    for (const p of ['vars', 'layers/dense/vars', 'layers/dense_2/vars']) expect(await attr(mine, p, 'name')).toBe(await attr(original, p, 'name'));
    ckpt.close();
  });

  it('legacy .h5: the same groups, datasets, types and attributes as keras2-h5-weights-titanic', async () => {
    const files = fixtureFiles('keras2-h5-weights-titanic');
    const ckpt = (await openCheckpoint(files)) as KerasH5Checkpoint;
    const mine = await rewrite(ckpt, 'legacy', { kerasVersion: '2.4.0' });
    const h5 = files.find((f) => f.path.endsWith('.h5'))!;
    const original = h5.readSync!(0, h5.size);
    expect(await structure(mine)).toEqual(await structure(original));
    for (const [p, a] of [['', 'layer_names'], ['', 'backend'], ['', 'keras_version'], ['dense', 'weight_names'], ['dense_1', 'weight_names']]) {
      expect(await attr(mine, p!, a!)).toEqual(await attr(original, p!, a!));
    }
    ckpt.close();
  });

  it('a new model named the TF way: Keras 3 paths from kerasPath or layer/index, legacy names with :0, weightless layers get their vars group', async () => {
    const f32 = (n: number, s: number) => new Uint8Array(new Float32Array(n).map((_, i) => i + s).buffer);
    const tensors = [
      { name: 'dense/kernel', dtype: 'float32' as DType, shape: [2, 3], layer: 'dense', weightIndex: 0, kerasPath: 'layers/dense/vars/0', bytes: f32(6, 0) },
      { name: 'dense/bias', dtype: 'float32' as DType, shape: [3], layer: 'dense', weightIndex: 1, kerasPath: 'layers/dense/vars/1', bytes: f32(3, 10) },
      { name: 'out/kernel', dtype: 'float32' as DType, shape: [3, 1], layer: 'out', weightIndex: 0, kerasPath: 'layers/dense_1/vars/0', bytes: f32(3, 20) },
      { name: 'extra/w', dtype: 'float32' as DType, shape: [1], layer: 'extra', bytes: f32(1, 30) },
    ];
    const topology = {
      class_name: 'Sequential',
      config: { name: 'seq', layers: [
        { class_name: 'InputLayer', config: { name: 'in' } },
        { class_name: 'Dense', config: { name: 'dense' } },
        { class_name: 'Dropout', config: { name: 'drop' } },
        { class_name: 'Dense', config: { name: 'out' } },
      ] },
    };
    const k3 = await write('keras3', tensors, { modelTopology: topology });
    expect(await structure(k3)).toEqual([
      '/ attrs=',
      'G /layers attrs=',
      'G /layers/dense attrs=',
      'G /layers/dense/vars attrs=name',
      'D /layers/dense/vars/0 1/4 [2,3] attrs=',
      'D /layers/dense/vars/1 1/4 [3] attrs=',
      'G /layers/dense_1 attrs=',
      'G /layers/dense_1/vars attrs=name',
      'D /layers/dense_1/vars/0 1/4 [3,1] attrs=',
      'G /layers/dropout attrs=',
      'G /layers/dropout/vars attrs=name',
      'G /layers/extra attrs=',
      'G /layers/extra/vars attrs=name',
      'D /layers/extra/vars/0 1/4 [1] attrs=',
      'G /vars attrs=name',
    ]);
    expect(await attr(k3, 'vars', 'name')).toBe('seq');
    expect(await attr(k3, 'layers/dropout/vars', 'name')).toBe('drop');
    expect(await attr(k3, 'layers/dense_1/vars', 'name')).toBe('out');
    const legacy = await reopen(await write('legacy', tensors));
    expect(legacy.tensors.map((t) => [t.name, t.layer, t.weightIndex])).toEqual([
      ['dense/dense/kernel:0', 'dense', 0], ['dense/dense/bias:0', 'dense', 1], ['out/out/kernel:0', 'out', 0], ['extra/extra/w:0', 'extra', 0],
    ]);
    for (const [i, t] of tensors.entries()) expect(await legacy.read(legacy.tensors[i]!.name)).toEqual(t.bytes);
    legacy.close();
  });

  it('every dtype Keras weights use, bool by a dtype attribute, bytes exact', async () => {
    const dtypes: [DType, number][] = [
      ['float32', 4], ['float64', 8], ['int8', 1], ['uint8', 1], ['int16', 2], ['uint16', 2],
      ['int32', 4], ['uint32', 4], ['int64', 8], ['uint64', 8], ['bool', 1],
    ];
    const tensors = dtypes.map(([dtype, size], i) => ({
      name: `layers/l${i}/vars/0`, dtype, shape: [3, 2], layer: `l${i}`, weightIndex: 0,
      bytes: Uint8Array.from({ length: 6 * size }, (_, j) => (dtype === 'bool' ? j & 1 : (j * 29 + i) & 255)),
    }));
    tensors.push({ name: 'optimizer/vars/0', dtype: 'int64', shape: [], layer: undefined as unknown as string, weightIndex: 0, bytes: new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0]) });
    const bytes = await write('keras3', tensors);
    const back = await reopen(bytes, 'x.weights.h5');
    expect(back.warnings).toEqual([]);
    for (const t of tensors) {
      const got = back.tensors.find((x) => x.name === t.name)!;
      expect([got.dtype, got.shape]).toEqual([t.dtype, t.shape]);
      expect(sha256(await back.read(t.name))).toBe(sha256(t.bytes));
    }
    expect(await attr(bytes, 'layers/l10/vars/0', 'dtype')).toBe('bool');
    expect(back.tensors.find((t) => t.name === 'optimizer/vars/0')!.kind).toBe('optimizer');
    back.close();
  });

  it('refuses strings, complex and float8, undeclared tensors and unfinished files', async () => {
    const out = new MemoryFolder();
    await expect(createKerasWriter({ out, path: 'x.h5', layout: 'keras3', tensors: [{ name: 's', dtype: 'string', shape: [1] }] })).rejects.toBeInstanceOf(GraftError);
    await expect(createKerasWriter({ out, path: 'x.h5', layout: 'keras3', tensors: [{ name: 'c', dtype: 'complex64', shape: [1] }] })).rejects.toBeInstanceOf(GraftError);
    await expect(createKerasWriter({ out, path: 'x.h5', layout: 'legacy', tensors: [{ name: 'q', dtype: 'float8_e5m2', shape: [1] }] })).rejects.toBeInstanceOf(GraftError);
    const w = await createKerasWriter({ out, path: 'x.h5', layout: 'legacy', tensors: [{ name: 'a/k', dtype: 'float32', shape: [1] }] });
    await expect(w.add({ name: 'b', dtype: 'float32', shape: [1], bytes: new Uint8Array(4) })).rejects.toThrow(/not a variable/);
    await expect(w.finish()).rejects.toThrow(/never added/);
    expect(out.files.size).toBe(0);
  });

  it('a variable named like the group of another (a, a/b): Keras 3 keeps both; a layout that cannot is a GraftError, never a bare HDF5 error (found by npm run fuzz)', async () => {
    const f32 = (v: number) => new Uint8Array(new Float32Array([v]).buffer);
    const tensors = [{ name: 'a', dtype: 'float32' as DType, shape: [1], bytes: f32(1) }, { name: 'a/b', dtype: 'float32' as DType, shape: [1], bytes: f32(2) }];
    const back = await openCheckpoint([memorySource('out.weights.h5', await write('keras3', tensors))]);
    const values = await Promise.all(back.tensors.map(async (t) => new Float32Array((await back.readValue(t.name)).bytes.slice().buffer)[0]));
    expect(values.sort()).toEqual([1, 2]);
    const out = new MemoryFolder();
    const clash = [{ name: 'x', dtype: 'float32' as DType, shape: [1], kerasPath: 'layers/d/vars' }, { name: 'y', dtype: 'float32' as DType, shape: [1], kerasPath: 'layers/d/vars/0' }];
    await expect(createKerasWriter({ out, path: 'x.h5', layout: 'keras3', tensors: clash })).rejects.toThrow(/both a variable and the group/);
  });
});

describe('HDF5 paths the writer cannot create (found by npm run fuzz)', () => {
  const one = (name: string, extra: Partial<KerasTensorSpec> = {}): KerasTensorSpec => ({ name, dtype: 'float32', shape: [1], ...extra });
  const refused = (layout: KerasLayout, tensors: KerasTensorSpec[], extra: Partial<KerasWriterOptions> = {}) =>
    createKerasWriter({ out: new MemoryFolder(), path: 'x.h5', layout, tensors, ...extra });

  it('a variable named "" (layers//vars/0 — HDF5 reads it as layers/vars) is refused up front with its path', async () => {
    const e = await refused('keras3', [one(''), one('layer0/w0')]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GraftError);
    expect((e as GraftError).message).toMatch(/variable "" would be stored at "layers\/\/vars\/0", which has an empty part/);
  });

  it('".", a leading "/" and a NUL in a path are refused with the path; ".." is an ordinary HDF5 name', async () => {
    await expect(refused('keras3', [one('v', { kerasPath: 'a/./b/vars/0' })])).rejects.toThrow(/"a\/.\/b\/vars\/0", which has a part "."/);
    await expect(refused('keras3', [one('v', { kerasPath: '/a/vars/0' })])).rejects.toThrow(/starts or ends with "\/"/);
    await expect(refused('legacy', [one('a\0b/k')])).rejects.toThrow(/NUL character/);
    const back = await openCheckpoint([memorySource('out.weights.h5', await write('keras3', [{ ...one('v', { kerasPath: '../vars/0' }), bytes: new Uint8Array(4) }]))]);
    expect(back.tensors.map((t) => t.name)).toEqual(['../vars/0']);
  });

  it("a weightless layer's vars group that is a variable's dataset is refused naming both", async () => {
    const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dropout', config: { name: 'drop' } }] } };
    await expect(refused('keras3', [one('v', { kerasPath: 'layers/dropout/vars', layer: 'other' })], { modelTopology: topology }))
      .rejects.toThrow(/"layers\/dropout\/vars" would be both the variable "v" and the group of layer "drop"/);
  });
});

describe('HDF5 path depth', () => {
  it('a variable name 5000 groups deep is refused at once (each level would be a group), not written level by level', async () => {
    const t0 = Date.now();
    const tensors: KerasTensorSpec[] = [{ name: `${'a/'.repeat(5000)}k`, dtype: 'float32', shape: [1] }];
    await expect(createKerasWriter({ out: new MemoryFolder(), path: 'x.h5', layout: 'legacy', tensors })).rejects.toThrow(/more than 1000 groups deep/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
