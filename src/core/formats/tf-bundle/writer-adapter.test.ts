import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { MemoryFolder, type FileSink, type OutputFolder } from '../../io/output';
import { ELEMENT_SIZE, elementCount, type DType } from '../../model/dtypes';
import type { TargetModel, TargetVariable } from '../../model/target-model';
import { buildTarget } from '../../model/target/index';
import { openCheckpoint } from '../registry';
import type { TfBundleCheckpoint } from './bundle';
import { parseCheckpointState } from './detect';
import { checkpointStateFileName, checkpointStateText } from './naming';
import { OBJECT_GRAPH_KEY } from './object-graph';
import { createTfCheckpointWriter } from './writer-adapter';

const variable = (name: string, dtype: DType, shape: number[]): TargetVariable => ({
  name, dtype, shape, byteLength: elementCount(shape) * ELEMENT_SIZE[dtype], kind: 'weight', group: name.split('/')[0]!, initializer: { kind: 'zeros' },
});
const listTarget = (variables: TargetVariable[]): TargetModel => ({ source: 'list', label: 'list', variables, warnings: [], defaultValue: async () => new Uint8Array(0) });
const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed * 11) & 255);

class RecordingFolder implements OutputFolder {
  readonly inner = new MemoryFolder();
  readonly events: string[] = [];
  async create(p: string): Promise<FileSink> {
    this.events.push(`create ${p}`);
    const sink = await this.inner.create(p);
    return { write: (c) => sink.write(c), close: async () => (this.events.push(`close ${p}`), sink.close()) };
  }
}

async function exportTf(folder: OutputFolder, target: TargetModel, maxShardBytes?: number, prefix = 'merged.ckpt') {
  const w = await createTfCheckpointWriter(folder, prefix, { target, ...(maxShardBytes !== undefined && { maxShardBytes }) });
  for (const name of w.order ?? target.variables.map((v) => v.name)) {
    const i = target.variables.findIndex((v) => v.name === name);
    const v = target.variables[i]!;
    await w.add({ name, dtype: v.dtype, shape: v.shape, bytes: bytesOf(v.byteLength, i) });
  }
  await w.finish();
}

const reopen = async (files: Map<string, Uint8Array>) => (await openCheckpoint([...files].map(([p, b]) => memorySource(p, b)))) as TfBundleCheckpoint;

// 400, 40, 1200 (bigger than the limit), 400, 8 bytes.
const VARS = [variable('enc/kernel', 'float32', [10, 10]), variable('enc/bias', 'float32', [10]), variable('emb/table', 'float32', [30, 10]), variable('dec/kernel', 'float32', [10, 10]), variable('step/count', 'int64', [])];

describe('TF output split by --max-shard-size', () => {
  it('data files .data-0000N-of-0000M filled up to the limit, a bigger tensor alone; the index says how many, where each entry is', async () => {
    const folder = new RecordingFolder();
    await exportTf(folder, listTarget(VARS), 500);
    const files = folder.inner.files;
    const data = [0, 1, 2].map((i) => `merged.ckpt.data-0000${i}-of-00003`);
    expect([...files.keys()].sort()).toEqual([...data, 'checkpoint', 'merged.ckpt.index'].sort());
    // shard 0: emb/table alone (bigger than 500); shard 1: enc/kernel + enc/bias; shard 2: dec/kernel + step/count
    expect(data.map((d) => files.get(d)!.byteLength)).toEqual([1200, 440, 408]);
    // Each data file is closed once complete, before the next is created (a zip streams it at once).
    expect(folder.events.slice(0, 6)).toEqual(data.flatMap((d) => [`create ${d}`, `close ${d}`]));
    const back = await reopen(files);
    expect(back.numShards).toBe(3);
    expect(back.warnings).toEqual([]);
    const where = (n: string) => [back.entry(n)!.shardId, back.entry(n)!.offset, back.entry(n)!.size];
    expect(VARS.map((v) => where(v.name))).toEqual([[1, 0, 400], [1, 400, 40], [0, 0, 1200], [2, 0, 400], [2, 400, 8]]);
    for (const [i, v] of VARS.entries()) expect(await back.read(v.name)).toEqual(bytesOf(v.byteLength, i));
  });

  it('without a limit: one data file, as before', async () => {
    const out = new MemoryFolder();
    await exportTf(out, listTarget(VARS));
    expect([...out.files.keys()].sort()).toEqual(['checkpoint', 'merged.ckpt.data-00000-of-00001', 'merged.ckpt.index']);
    expect((await reopen(out.files)).numShards).toBe(1);
  });

  it('a Keras model: the object graph and save counter go into the last shard, and every variable restores by its key', async () => {
    const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../model/target/testdata');
    const target = await buildTarget({ text: readFileSync(path.join(dir, 'keras3-sequential.json'), 'utf8'), fileName: 'keras3-sequential.json' });
    const limit = Math.max(...target.variables.map((v) => v.byteLength)) / 2;
    const out = new MemoryFolder();
    await exportTf(out, target, limit);
    const back = await reopen(out.files);
    expect(back.numShards).toBeGreaterThan(1);
    expect(back.entry(OBJECT_GRAPH_KEY)!.shardId).toBe(back.numShards - 1);
    expect(back.tensors.filter((t) => t.originalName !== undefined && t.kind === 'weight')).toHaveLength(target.variables.length);
    for (const [i, v] of target.variables.entries()) {
      const t = back.tensors.find((x) => x.originalName === v.name)!;
      expect(await back.read(t.name)).toEqual(bytesOf(v.byteLength, i));
    }
  });
});

describe('the checkpoint state file', () => {
  it('names the prefix as tf.train.Checkpoint.save writes it, so latest_checkpoint finds it', async () => {
    const out = new MemoryFolder();
    await exportTf(out, listTarget(VARS), undefined, 'run/merged.ckpt');
    // TF 2.21, tf.train.Checkpoint(v=v).save('direct/ck') wrote exactly these two lines (for ck-3).
    expect(new TextDecoder().decode(out.files.get('run/checkpoint'))).toBe('model_checkpoint_path: "merged.ckpt"\nall_model_checkpoint_paths: "merged.ckpt"\n');
    expect(checkpointStateFileName('merged')).toBe('checkpoint');
  });

  it('escapes quotes, backslashes and control bytes as protobuf text format does, and reads back', () => {
    // TF 2.21 update_checkpoint_state wrote `a"b\cé'x<TAB>z` as "a\"b\\cé\'x\tz".
    const text = checkpointStateText('dir/a"b\\cé\'x\tz\x01');
    expect(text.split('\n')[0]).toBe('model_checkpoint_path: "a\\"b\\\\cé\\\'x\\tz\\001"');
    expect(parseCheckpointState(text)).toEqual(['a"b\\cé\'x\tz\x01', 'a"b\\cé\'x\tz\x01']);
  });
});
