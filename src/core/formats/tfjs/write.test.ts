import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../io/output';
import { GraftError } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import type { Checkpoint } from '../../model/checkpoint';
import type { DType } from '../../model/dtypes';
import { fixtureFiles, fixtureFolders, fixtureRows, listing, sha256 } from '../fixture-rows.test-util';
import { openCheckpoint } from '../registry';
import { encodeStringTensor } from '../tf-bundle/strings';
import { memoryHandler } from './memory-handler.test-util';
import { TFJS_SHARD_BYTES, createTfjsWriter, type TfjsWriterOptions } from './write';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

const handler = memoryHandler;

const asMap = (sources: ByteSource[]) => new Map(sources.map((s) => [s.path, s.readSync!(0, s.size)]));

async function rewrite(ckpt: Checkpoint, extra: Partial<TfjsWriterOptions> = {}): Promise<MemoryFolder> {
  const folder = new MemoryFolder();
  const w = await createTfjsWriter({ out: folder, tensors: ckpt.tensors, ...extra });
  for (const t of ckpt.tensors) await w.add({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: (await ckpt.readValue(t.name)).bytes });
  await w.finish();
  return folder;
}

const reopen = (folder: MemoryFolder) => openCheckpoint([...folder.files].map(([p, b]) => memorySource(p, b)));

describe('TF.js writer', () => {
  it('a real layers model rewritten tensor by tensor loads in tf.loadLayersModel and predicts exactly the same', async () => {
    const files = fixtureFiles('tfjs-layers-adamshannag');
    const original = asMap(files);
    const modelJson = JSON.parse(text(original.get('model/model.json')!)) as { modelTopology: unknown };
    const ckpt = await openCheckpoint(files);
    const folder = await rewrite(ckpt, { modelTopology: modelJson.modelTopology });
    expect([...folder.files.keys()].sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const written = JSON.parse(text(folder.files.get('model.json')!)) as Record<string, unknown>;
    expect(written).toMatchObject({ format: 'layers-model', convertedBy: 'Graft', weightsManifest: [{ paths: ['group1-shard1of1.bin'] }] });
    expect(folder.files.get('group1-shard1of1.bin')).toEqual(original.get('model/group1-shard1of1.bin'));

    const a = await tf.loadLayersModel(handler(original, 'model/model.json'));
    const b = await tf.loadLayersModel(handler(folder.files, 'model.json'));
    const x = tf.randomUniform([16, 8], -2, 2, 'float32', 7);
    const ya = (a.predict(x) as tf.Tensor).dataSync();
    const yb = (b.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(yb)).toEqual(Array.from(ya));
    expect(new Set(Array.from(ya)).size).toBeGreaterThan(1);
  });

  const tfjsFolders = fixtureFolders(['tfjs']);
  it('finds the TF.js fixtures', () => expect(tfjsFolders.length).toBeGreaterThanOrEqual(3));
  for (const fixture of tfjsFolders) {
    const modelFiles = [...new Set(fixtureRows(fixture).map((r) => r.file))];
    for (const file of modelFiles) {
      it(`read(write(x)) = x: ${fixture}/${file}`, async () => {
        const files = fixtureFiles(fixture);
        const ckpt = await openCheckpoint(files, file);
        const topology = (JSON.parse(text(asMap(files).get(file)!)) as { modelTopology?: unknown; format?: string }) ?? {};
        const folder = await rewrite(ckpt, { modelTopology: topology });
        const back = await reopen(folder);
        expect(await listing(back, true)).toEqual(await listing(ckpt, true));
        expect(back.warnings).toEqual([]);
        const json = JSON.parse(text(folder.files.get('model.json')!)) as Record<string, unknown>;
        if (topology.format) expect(json.format).toBe(topology.format);
      });
    }
  }

  it('4 MB shards named NofM, a tensor spanning the boundary, exact sizes', async () => {
    const big = new Uint8Array(TFJS_SHARD_BYTES + 1000).map((_, i) => (i * 7) & 255);
    const tensors = [
      { name: 'a/kernel', dtype: 'float32' as DType, shape: [10], bytes: new Uint8Array(40).fill(1) },
      { name: 'b/kernel', dtype: 'float32' as DType, shape: [big.length / 4], bytes: big },
      { name: 'c/bias', dtype: 'int32' as DType, shape: [3], bytes: new Uint8Array(12).fill(3) },
    ];
    const folder = new MemoryFolder();
    const w = await createTfjsWriter({ out: folder, tensors });
    expect(w.paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    for (const t of tensors) await w.add(t);
    await w.finish();
    expect(folder.files.get('group1-shard1of2.bin')!.byteLength).toBe(TFJS_SHARD_BYTES);
    expect(folder.files.get('group1-shard2of2.bin')!.byteLength).toBe(40 + big.length + 12 - TFJS_SHARD_BYTES);
    const back = await reopen(folder);
    for (const t of tensors) expect(sha256(await back.read(t.name))).toBe(sha256(t.bytes));
    // Weights-only model.json (no topology): Graft reads it, tf.io decodes its weights.
    const json = JSON.parse(text(folder.files.get('model.json')!)) as tf.io.ModelJSON;
    expect(json.modelTopology).toBeUndefined();
    const artifacts = await handler(folder.files, 'model.json').load!();
    const decoded = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs!);
    expect(Array.from(decoded['c/bias']!.dataSync())).toEqual([0x03030303, 0x03030303, 0x03030303]);
  });

  it('small shards: every tensor split across files reads back and tf.io decodes it; strings, bool, float16, int64 as int32', async () => {
    const strings = ['a', '', 'héllo', 'x'.repeat(300)].map((s) => new TextEncoder().encode(s));
    const tensors = [
      { name: 's', dtype: 'string' as DType, shape: [4], bytes: encodeStringTensor(strings).bytes },
      { name: 'flag', dtype: 'bool' as DType, shape: [3], bytes: new Uint8Array([1, 0, 1]) },
      { name: 'half', dtype: 'float16' as DType, shape: [2], bytes: new Uint8Array([0x00, 0x3c, 0x00, 0xc0]) },
      { name: 'step', dtype: 'int64' as DType, shape: [], bytes: new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0]) },
      { name: 'w', dtype: 'float32' as DType, shape: [50], bytes: new Uint8Array(200).map((_, i) => i) },
    ];
    const folder = new MemoryFolder();
    const w = await createTfjsWriter({ out: folder, tensors, shardBytes: 64 });
    for (const t of tensors) await w.add(t);
    await w.finish();
    const back = await reopen(folder);
    const tfjsStrings = (await back.read('s'));
    expect(tfjsStrings.byteLength).toBe(4 * 4 + strings.reduce((n, s) => n + s.length, 0));
    const artifacts = await handler(folder.files, 'model.json').load!();
    const decoded = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs!);
    expect(decoded.s!.arraySync()).toEqual(['a', '', 'héllo', 'x'.repeat(300)]);
    expect(Array.from(decoded.half!.dataSync())).toEqual([1, -2]);
    expect(Array.from(decoded.flag!.dataSync())).toEqual([1, 0, 1]);
    expect(back.tensors.find((t) => t.name === 'half')).toMatchObject({ dtype: 'float32', quantization: { dtype: 'float16' } });
    expect(decoded.step!.dtype).toBe('int32');
    expect(decoded.step!.arraySync()).toBe(5);
    for (const t of tensors.slice(1)) if (t.name !== 'step') expect(await back.read(t.name)).toEqual(t.bytes);
    expect([...folder.files.keys()].filter((p) => p.endsWith('.bin')).length).toBe(Math.ceil(back.tensors.reduce((n, t) => n + t.byteLength, 0) / 64));
  });

  it('refuses undeclared or mis-shaped weights, and an unfinished model', async () => {
    const w = await createTfjsWriter({ out: new MemoryFolder(), tensors: [{ name: 'a', dtype: 'float32', shape: [2] }] });
    await expect(w.add({ name: 'b', dtype: 'float32', shape: [2], bytes: new Uint8Array(8) })).rejects.toBeInstanceOf(GraftError);
    await expect(w.add({ name: 'a', dtype: 'float32', shape: [2], bytes: new Uint8Array(4) })).rejects.toThrow(/needs 8 bytes/);
    await expect(w.finish()).rejects.toThrow(/never added/);
  });
});
