import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../errors';
import { encodeStringTensor } from '../formats/tf-bundle';
import type { TfBundleCheckpoint } from '../formats/tf-bundle/bundle';
import { dataFileName } from '../formats/tf-bundle/naming';
import { openCheckpoint } from '../formats/registry';
import { fixtureSources, FIXTURES, tfFixtures } from '../formats/tf-bundle/fixtures.test-util';
import { autoMatch, chainShapes, compile, emptyRecipe, type Link, type Transform } from '../mapping';
import type { Checkpoint } from '../model/checkpoint';
import { ELEMENT_SIZE, elementCount, type DType } from '../model/dtypes';
import { buildTarget, targetFromCheckpoint } from '../model/target/index';
import { decodeNumbers } from '../model/numbers';
import { execute } from './execute';
import { MemoryFolder } from '../io/output';
import { createTfCheckpointWriter } from '../formats/tf-bundle/writer-adapter';
import { fromNaive, naiveChain, naiveResize2d, toNaive } from './naive-reference.test-util';
import { collectingWriter, listTarget, memoryCheckpoint, randomBytes, randomFloats, readBack } from './engine.test-util';

const FIXED: DType[] = ['float16', 'bfloat16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'complex64', 'complex128'];

function plan(old: Checkpoint, target: ReturnType<typeof listTarget>, links: Link[], extra: Partial<Parameters<typeof emptyRecipe>[0]> = {}) {
  return compile(emptyRecipe({ links, ...extra }), old, target);
}

describe('exact entries are copied bit for bit', () => {
  it('every dtype, strings included, through the TF writer and back', async () => {
    const strings = [new TextEncoder().encode('héllo'), new Uint8Array(0), randomBytes(300, 9)];
    const tensors = FIXED.map((dtype, i) => ({ name: `old/${dtype}`, dtype, shape: [3, 5], bytes: randomBytes(15 * ELEMENT_SIZE[dtype], i + 1) }));
    // Random bytes are every bit pattern: NaN payloads, subnormals, -0 must all survive.
    const stringTensor = { name: 'old/string', dtype: 'string' as const, shape: [3], bytes: encodeStringTensor(strings).bytes };
    const old = await memoryCheckpoint([...tensors, stringTensor]);
    const all = [...tensors, stringTensor];
    const target = listTarget(all.map((t) => ({ name: t.name.replace('old/', 'new/'), dtype: t.dtype, shape: t.shape })));
    const p = plan(old, target, all.map((t) => ({ from: [t.name], to: t.name.replace('old/', 'new/'), transforms: [] })));
    expect(p.summary.exact).toBe(all.length);
    const out = new MemoryFolder();
    await execute(p, old, target, await createTfCheckpointWriter(out, 'merged'), { seed: 0 });
    const back = await readBack(out.files, 'merged');
    for (const t of all) expect(Buffer.from(await back.read(t.name.replace('old/', 'new/'))).equals(Buffer.from(t.bytes))).toBe(true);
  });

  it('a big-endian bundle is written little-endian (numbers and strings)', async () => {
    const le = randomBytes(6 * 8, 3);
    const be = new Uint8Array(le.length);
    for (let i = 0; i < le.length; i += 8) for (let b = 0; b < 8; b++) be[i + b] = le[i + 7 - b]!;
    const words = [new TextEncoder().encode('a'), new TextEncoder().encode('bcd')];
    const old = await memoryCheckpoint(
      [
        { name: 'x', dtype: 'int64', shape: [6], bytes: be },
        { name: 's', dtype: 'string', shape: [2], bytes: encodeStringTensor(words, false).bytes },
      ],
      { littleEndian: false },
    );
    const target = listTarget([{ name: 'x', dtype: 'int64', shape: [6] }, { name: 's', dtype: 'string', shape: [2] }]);
    const w = collectingWriter();
    await execute(plan(old, target, [{ from: ['x'], to: 'x', transforms: [] }, { from: ['s'], to: 's', transforms: [] }]), old, target, w, { seed: 0 });
    expect(w.tensors[0]!.bytes).toEqual(le);
    expect(w.tensors[1]!.bytes).toEqual(encodeStringTensor(words).bytes);
  });

  it('uses readValue where the stored bytes are not the plain value (a quantized TF.js weight)', async () => {
    const value = new Uint8Array(new Float32Array([0.5, 1.5]).buffer);
    const old: Checkpoint = {
      format: 'tfjs', label: 'model.json', files: [], warnings: [],
      tensors: [{ name: 'w', dtype: 'float32', shape: [2], byteLength: 2, kind: 'weight', group: '', quantization: { dtype: 'uint8', scale: 1, min: 0 } }],
      read: async () => new Uint8Array([1, 2]),
      readValue: async () => ({ bytes: value }),
    };
    const target = listTarget([{ name: 'w', dtype: 'float32', shape: [2] }]);
    const w = collectingWriter();
    await execute(plan(old, target, [{ from: ['w'], to: 'w', transforms: [] }]), old, target, w, { seed: 0 });
    expect(w.tensors[0]!.bytes).toEqual(value);
  });
});

interface Case {
  title: string;
  dtype: DType;
  shapes: number[][];
  chain: Transform[];
}

const MOVES: Case[] = [
  { title: 'transpose [2,0,1]', dtype: 'float32', shapes: [[3, 4, 5]], chain: [{ op: 'transpose', perm: [2, 0, 1] }] },
  { title: 'transpose int64 (PyTorch [out,in] → TF [in,out])', dtype: 'int64', shapes: [[7, 3]], chain: [{ op: 'transpose', perm: [1, 0] }] },
  { title: 'transpose OIHW → HWIO bfloat16', dtype: 'bfloat16', shapes: [[4, 3, 2, 5]], chain: [{ op: 'transpose', perm: [2, 3, 1, 0] }] },
  { title: 'slice float16 middle axis', dtype: 'float16', shapes: [[3, 6, 2]], chain: [{ op: 'slice', axis: 1, start: 2, size: 3 }] },
  { title: 'split piece 1 (fused qkv → k)', dtype: 'float32', shapes: [[4, 9]], chain: [{ op: 'split', axis: 1, sizes: [3, 3, 3], index: 1 }] },
  { title: 'pad zeros both sides, int8', dtype: 'int8', shapes: [[3, 4]], chain: [{ op: 'pad', axis: 1, before: 2, after: 3, fill: 'zeros' }] },
  { title: 'pad copy (wrap) with more new entries than old', dtype: 'float64', shapes: [[2, 3]], chain: [{ op: 'pad', axis: 0, before: 3, after: 4, fill: 'copy' }] },
  { title: 'reshape → transpose → expand → squeeze', dtype: 'uint16', shapes: [[24]], chain: [{ op: 'reshape', shape: [2, 3, 4] }, { op: 'transpose', perm: [1, 2, 0] }, { op: 'expand', axis: 0 }, { op: 'squeeze', axis: 0 }] },
  { title: 'concat three sources (q, k, v → qkv)', dtype: 'float32', shapes: [[4, 2], [4, 3], [4, 1]], chain: [{ op: 'concat', axis: 1 }] },
  { title: 'stack two sources on a new middle axis, complex64', dtype: 'complex64', shapes: [[2, 3], [2, 3]], chain: [{ op: 'stack', axis: 1 }] },
  { title: 'pad then transpose then slice', dtype: 'bool', shapes: [[2, 3]], chain: [{ op: 'pad', axis: 1, before: 0, after: 2, fill: 'zeros' }, { op: 'transpose', perm: [1, 0] }, { op: 'slice', axis: 0, start: 1, size: 3 }] },
];

describe('transformed entries equal a naive index-by-index computation', () => {
  for (const c of MOVES) {
    it(c.title, async () => {
      const tensors = c.shapes.map((shape, i) => ({ name: `s${i}`, dtype: c.dtype, shape, bytes: randomBytes(elementCount(shape) * ELEMENT_SIZE[c.dtype], 11 + i) }));
      const old = await memoryCheckpoint(tensors);
      const chain = chainShapes(c.chain, tensors);
      if (!chain.ok) throw new Error(chain.reason);
      const target = listTarget([{ name: 'out', dtype: chain.out.dtype, shape: chain.out.shape }]);
      const p = plan(old, target, [{ from: tensors.map((t) => t.name), to: 'out', transforms: c.chain }]);
      expect(p.entries[0]!.status).toBe('transformed');
      const w = collectingWriter();
      await execute(p, old, target, w, { seed: 0 });
      const expected = fromNaive(naiveChain(tensors.map((t) => toNaive(t.bytes, t.shape, t.dtype)), c.chain));
      expect(w.tensors[0]!.shape).toEqual(chain.out.shape);
      expect(Buffer.from(w.tensors[0]!.bytes).equals(Buffer.from(expected))).toBe(true);
    });
  }

  it('large steps written into recycled buffers: every result is right whatever the buffer held before', async () => {
    // Over the pool's 256 KiB minimum, so step results go into buffers earlier reads and steps gave back.
    const cases: { shape: number[]; chain: Transform[] }[] = [
      { shape: [512, 128], chain: [{ op: 'transpose', perm: [1, 0] }] },
      { shape: [512, 122], chain: [{ op: 'pad', axis: 1, before: 0, after: 6, fill: 'zeros' }] },
      { shape: [122, 512], chain: [{ op: 'pad', axis: 0, before: 3, after: 3, fill: 'zeros' }, { op: 'transpose', perm: [1, 0] }] },
      { shape: [32, 32, 64], chain: [{ op: 'transpose', perm: [1, 0, 2] }] },
      { shape: [128, 512], chain: [{ op: 'transpose', perm: [1, 0] }, { op: 'pad', axis: 0, before: 8, after: 0, fill: 'zeros' }] },
      { shape: [244, 256], chain: [{ op: 'pad', axis: 0, before: 6, after: 6, fill: 'zeros' }] },
    ];
    const tensors = cases.map((c, i) => ({ name: `s${i}`, dtype: 'float32' as const, shape: c.shape, bytes: randomBytes(elementCount(c.shape) * 4, 40 + i) }));
    const old = await memoryCheckpoint([...tensors, ...tensors.map((t) => ({ ...t, name: `again/${t.name}` }))]);
    const outs = cases.map((c, i) => {
      const chain = chainShapes(c.chain, [tensors[i]!]);
      if (!chain.ok) throw new Error(chain.reason);
      return chain.out;
    });
    // Each case twice, so the second round runs into buffers the first one filled.
    const target = listTarget([...outs.map((o, i) => ({ name: `o${i}`, dtype: o.dtype, shape: o.shape })), ...outs.map((o, i) => ({ name: `again/o${i}`, dtype: o.dtype, shape: o.shape }))]);
    const links = [...cases.map((c, i) => ({ from: [`s${i}`], to: `o${i}`, transforms: c.chain })), ...cases.map((c, i) => ({ from: [`again/s${i}`], to: `again/o${i}`, transforms: c.chain }))];
    const w = collectingWriter();
    await execute(plan(old, target, links), old, target, w, { seed: 0, readAheadBytes: 0 });
    for (const [k, t] of w.tensors.entries()) {
      const i = k % cases.length;
      const expected = fromNaive(naiveChain([toNaive(tensors[i]!.bytes, tensors[i]!.shape, 'float32')], cases[i]!.chain));
      expect(Buffer.from(t.bytes).equals(Buffer.from(expected)), t.name).toBe(true);
    }
  });

  it('pad with the initializer, then transpose: new entries hold the new variable\'s own initial values', async () => {
    const src = { name: 'k', dtype: 'float32' as const, shape: [3, 2], bytes: randomBytes(24, 5) };
    const old = await memoryCheckpoint([src]);
    const chain: Transform[] = [{ op: 'pad', axis: 1, before: 0, after: 2, fill: 'initializer' }, { op: 'transpose', perm: [1, 0] }];
    const init = randomBytes(4 * 4 * 3, 77); // the new variable's default, shape [4, 3]
    const target = listTarget([{ name: 'k2', dtype: 'float32', shape: [4, 3] }], { k2: init });
    const w = collectingWriter();
    await execute(plan(old, target, [{ from: ['k'], to: 'k2', transforms: chain }]), old, target, w, { seed: 0 });
    const def = toNaive(init, [4, 3], 'float32');
    // The pad output index [i, j] lands at [j, i] of the variable after the transpose.
    const expected = fromNaive(naiveChain([toNaive(src.bytes, src.shape, 'float32')], chain, ([i, j]) => def.elems[j! * 3 + i!]!));
    expect(Buffer.from(w.tensors[0]!.bytes).equals(Buffer.from(expected))).toBe(true);
    // Where the old values do not land, the result is exactly the variable's default.
    const out = new Float32Array(w.tensors[0]!.bytes.buffer.slice(0));
    const d = new Float32Array(init.buffer.slice(0));
    for (let j = 2; j < 4; j++) for (let i = 0; i < 3; i++) expect(out[j * 3 + i]).toBe(d[j * 3 + i]);
  });

  it('pad with the mean: new rows are the mean of the old rows (NumPy mode="mean")', async () => {
    const values = randomFloats(12, 4);
    const old = await memoryCheckpoint([{ name: 'emb', dtype: 'float32', shape: [3, 4], bytes: new Uint8Array(values.buffer) }]);
    const target = listTarget([{ name: 'emb', dtype: 'float32', shape: [6, 4] }]);
    const w = collectingWriter();
    await execute(plan(old, target, [{ from: ['emb'], to: 'emb', transforms: [{ op: 'pad', axis: 0, before: 1, after: 2, fill: 'mean' }] }]), old, target, w, { seed: 0 });
    const out = new Float32Array(w.tensors[0]!.bytes.buffer.slice(0));
    for (let c = 0; c < 4; c++) {
      const mean = (values[c]! + values[4 + c]! + values[8 + c]!) / 3;
      for (const r of [0, 4, 5]) expect(out[r * 4 + c]).toBeCloseTo(mean, 6);
      for (let r = 0; r < 3; r++) expect(out[(r + 1) * 4 + c]).toBe(values[r * 4 + c]);
    }
  });

  for (const method of ['bilinear', 'bicubic'] as const) {
    it(`resize ${method}: both axes of a 2-D grid, and one middle axis of a 3-D tensor`, async () => {
      const grid = randomFloats(5 * 7, 21);
      const old = await memoryCheckpoint([
        { name: 'g', dtype: 'float32', shape: [5, 7], bytes: new Uint8Array(grid.buffer) },
        { name: 'pos', dtype: 'float32', shape: [2, 5, 3], bytes: new Uint8Array(randomFloats(30, 22).buffer) },
      ]);
      const target = listTarget([{ name: 'g', dtype: 'float32', shape: [9, 4] }, { name: 'pos', dtype: 'float32', shape: [2, 8, 3] }]);
      const w = collectingWriter();
      await execute(
        plan(old, target, [
          { from: ['g'], to: 'g', transforms: [{ op: 'resize', method, shape: [9, 4] }] },
          { from: ['pos'], to: 'pos', transforms: [{ op: 'resize', method, shape: [2, 8, 3] }] },
        ]),
        old, target, w, { seed: 0 },
      );
      const tol = method === 'bilinear' ? 1e-5 : 5e-3;
      const got = new Float32Array(w.tensors[0]!.bytes.buffer.slice(0));
      const want = naiveResize2d(Float64Array.from(grid), 5, 7, 9, 4, method);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(tol);
      // The 3-D one: each [5] column of (batch, channel) resized on its own.
      const pos = decodeNumbers(await old.read('pos'), 'float32');
      const got3 = new Float32Array(w.tensors[1]!.bytes.buffer.slice(0));
      for (let b = 0; b < 2; b++) {
        for (let c = 0; c < 3; c++) {
          const col = Float64Array.from({ length: 5 }, (_, r) => pos[b * 15 + r * 3 + c]!);
          const ref = naiveResize2d(col, 5, 1, 8, 1, method);
          for (let r = 0; r < 8; r++) expect(Math.abs(got3[b * 24 + r * 3 + c]! - ref[r]!)).toBeLessThan(tol);
        }
      }
    });
  }

  it('casts float32 → float16 / bfloat16 and int64 → int32 inside a chain', async () => {
    const f = randomFloats(8, 3);
    const i64 = new BigInt64Array([1n, -1n, 2n ** 40n + 5n, -(2n ** 33n)]);
    const old = await memoryCheckpoint([
      { name: 'f', dtype: 'float32', shape: [8], bytes: new Uint8Array(f.buffer) },
      { name: 'i', dtype: 'int64', shape: [4], bytes: new Uint8Array(i64.buffer) },
    ]);
    const target = listTarget([{ name: 'h', dtype: 'bfloat16', shape: [8] }, { name: 'j', dtype: 'int32', shape: [4] }]);
    const w = collectingWriter();
    await execute(plan(old, target, [
      { from: ['f'], to: 'h', transforms: [{ op: 'cast', dtype: 'bfloat16' }] },
      { from: ['i'], to: 'j', transforms: [{ op: 'cast', dtype: 'int32' }] },
    ]), old, target, w, { seed: 0 });
    const u = new Uint32Array(f.buffer);
    const bf = new Uint16Array(w.tensors[0]!.bytes.buffer.slice(0));
    for (let k = 0; k < 8; k++) expect(bf[k]).toBe(((u[k]! + 0x7fff + ((u[k]! >>> 16) & 1)) >>> 16) & 0xffff);
    expect([...new Int32Array(w.tensors[1]!.bytes.buffer.slice(0))]).toEqual([1, -1, 5, 0]);
  });
});

describe('initialised entries', () => {
  it('take the new model\'s initializer: shape, seed-determined bytes and statistics', async () => {
    const fixture = join(FIXTURES, 'keras3-weights-h5-diabetes/model.json');
    const target = await buildTarget({ text: readFileSync(fixture, 'utf8'), fileName: 'model.json' });
    const old = await memoryCheckpoint([]);
    const p = compile(emptyRecipe({ seed: 42 }), old, target);
    expect(p.summary.initialised).toBe(p.entries.length);
    const w = collectingWriter();
    await execute(p, old, target, w, { seed: 42 });
    expect(w.tensors.map((t) => t.name)).toEqual(target.variables.map((v) => v.name));
    for (const [k, t] of w.tensors.entries()) {
      const v = target.variables[k]!;
      expect(t.shape).toEqual(v.shape);
      expect(t.bytes).toEqual(await target.defaultValue(v.name, 42));
      if (v.shape.length !== 2) continue;
      // GlorotUniform: uniform on ±sqrt(6 / (fan_in + fan_out)), variance limit² / 3.
      const limit = Math.sqrt(6 / (v.shape[0]! + v.shape[1]!));
      const x = decodeNumbers(t.bytes, 'float32');
      const mean = x.reduce((a, b) => a + b, 0) / x.length;
      const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
      expect(Math.max(...x.map(Math.abs))).toBeLessThanOrEqual(limit);
      if (x.length >= 64) {
        expect(Math.abs(mean)).toBeLessThan(limit / 4);
        expect(variance / (limit ** 2 / 3)).toBeGreaterThan(0.7);
        expect(variance / (limit ** 2 / 3)).toBeLessThan(1.3);
      }
    }
  });

  it('fill "zeros" gives zeros', async () => {
    const target = listTarget([{ name: 'a', dtype: 'float16', shape: [4, 4] }], { a: randomBytes(32, 1) });
    const old = await memoryCheckpoint([]);
    const w = collectingWriter();
    await execute(compile(emptyRecipe({ fill: 'zeros' }), old, target), old, target, w, { seed: 0 });
    expect(w.tensors[0]!.bytes).toEqual(new Uint8Array(32));
  });
});

describe('refusing and cancelling', () => {
  it('refuses a plan with incompatible entries and names them, before writing anything', async () => {
    const old = await memoryCheckpoint([{ name: 'k', dtype: 'float32', shape: [3, 4], bytes: randomBytes(48, 1) }]);
    const target = listTarget([{ name: 'ok', dtype: 'float32', shape: [3, 4] }, { name: 'bad', dtype: 'float32', shape: [5, 4] }], { bad: randomBytes(80, 2) });
    const p = plan(old, target, [{ from: ['k'], to: 'ok', transforms: [] }, { from: ['k'], to: 'bad', transforms: [] }]);
    const w = collectingWriter();
    const err = await execute(p, old, target, w, { seed: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).code).toBe('incompatible');
    expect((err as GraftError).message).toContain('bad');
    expect(w.tensors).toHaveLength(0);
    // Explicitly asked: the incompatible one is initialised instead.
    await execute(p, old, target, w, { seed: 0, incompatible: 'initialise' });
    expect(w.tensors[1]!.bytes).toEqual(randomBytes(80, 2));
  });

  it('stops on abort with a "cancelled" error and never finishes the output', async () => {
    const tensors = Array.from({ length: 5 }, (_, i) => ({ name: `v${i}`, dtype: 'float32' as const, shape: [16], bytes: randomBytes(64, i + 1) }));
    const old = await memoryCheckpoint(tensors);
    const target = targetFromCheckpoint(old);
    const { recipe } = autoMatch(old, target, emptyRecipe(), { accept: 'sure' });
    const controller = new AbortController();
    const out = new MemoryFolder();
    const progress: number[] = [];
    const err = await execute(compile(recipe, old, target), old, target, await createTfCheckpointWriter(out, 'm'), {
      seed: 0,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p.variablesDone);
        if (p.variablesDone === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((err as GraftError).code).toBe('cancelled');
    expect(progress).toEqual([1, 2]);
    expect(out.files.has('m.index')).toBe(false);
  });

  it('reports progress: bytes, variables, rate and ETA', async () => {
    const tensors = Array.from({ length: 3 }, (_, i) => ({ name: `v${i}`, dtype: 'float32' as const, shape: [8], bytes: randomBytes(32, i + 1) }));
    const old = await memoryCheckpoint(tensors);
    const target = targetFromCheckpoint(old);
    const seen: { bytesDone: number; bytesTotal: number; variablesTotal: number; etaSeconds: number | null }[] = [];
    await execute(compile(autoMatch(old, target, emptyRecipe(), { accept: 'sure' }).recipe, old, target), old, target, collectingWriter(), { seed: 0, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.bytesDone)).toEqual([32, 64, 96]);
    expect(seen.every((p) => p.bytesTotal === 96 && p.variablesTotal === 3)).toBe(true);
    expect(seen.at(-1)!.etaSeconds === 0 || seen.at(-1)!.etaSeconds === null).toBe(true);
  });
});

describe('identity plans reproduce real TensorFlow checkpoints byte for byte (index and data)', () => {
  // bert: index only
  const withData = tfFixtures().filter(({ rows }) => !rows.some((r) => r.sha256 === null));
  it('finds the TF checkpoints with their data', () => expect(withData.length).toBeGreaterThanOrEqual(13));
  for (const { fixture, file, rows } of withData) {
    it(`${fixture}/${file}`, async () => {
      const sources = fixtureSources(fixture);
      const prefix = file.replace(/\.index$/, '');
      const ckpt = (await openCheckpoint(sources, prefix)) as TfBundleCheckpoint;
      // TF writes data in its own order (TF2: object-graph order, not key order); the engine writes in the new
      // model's order, so the template lists its variables in storage order.
      const base = targetFromCheckpoint(ckpt);
      const at = (name: string) => ckpt.entry(name)!;
      const target = { ...base, variables: [...base.variables].sort((a, b) => at(a.name).shardId - at(b.name).shardId || at(a.name).offset - at(b.name).offset) };
      const { recipe } = autoMatch(ckpt, target, emptyRecipe({ filters: { includeOptimizer: true } }), { accept: 'sure' });
      const p = compile(recipe, ckpt, target);
      expect(p.summary.incompatible).toBe(0);
      // Everything is linked exactly, except the object graph, which the matcher leaves to the template.
      expect(p.entries.filter((e) => e.status !== 'exact').map((e) => e.to).filter((n) => n !== '_CHECKPOINTABLE_OBJECT_GRAPH')).toEqual([]);
      const out = new MemoryFolder();
      const writer = await createTfCheckpointWriter(out, 'out', { numShards: ckpt.numShards, shardOf: (n) => at(n).shardId });
      await execute(p, ckpt, target, writer, { seed: 0 });
      const original = (path: string) => sources.find((s) => s.path === path)!;
      const whole = async (path: string) => original(path).read(0, original(path).size);
      expect(Buffer.from(out.files.get('out.index')!).equals(Buffer.from(await whole(file)))).toBe(true);
      for (let id = 0; id < ckpt.numShards; id++) {
        expect(Buffer.from(out.files.get(dataFileName('out', id, ckpt.numShards))!).equals(Buffer.from(await whole(dataFileName(prefix, id, ckpt.numShards))))).toBe(true);
      }
    });
  }
});
