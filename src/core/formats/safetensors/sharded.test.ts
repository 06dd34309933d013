import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { MemoryFolder, type FileSink, type OutputFolder } from '../../io/output';
import type { DType } from '../../model/dtypes';
import { openCheckpoint } from '../registry';
import { indexFileName, shardFileName, shardIndexText, createShardedSafetensorsWriter } from './sharded';
import type { TensorSpec } from './write';

const spec = (name: string, dtype: DType, shape: number[]): TensorSpec => ({ name, dtype, shape });
const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed * 13) & 255);
const SIZE: Partial<Record<DType, number>> = { float32: 4, bfloat16: 2, int64: 8 };
const lengthOf = (s: TensorSpec) => s.shape.reduce((a, b) => a * b, 1) * SIZE[s.dtype]!;

/** A MemoryFolder that also records when each file is created and closed. */
class RecordingFolder implements OutputFolder {
  readonly inner = new MemoryFolder();
  readonly events: string[] = [];
  async create(path: string): Promise<FileSink> {
    this.events.push(`create ${path}`);
    const sink = await this.inner.create(path);
    return { write: (c) => sink.write(c), close: async () => (this.events.push(`close ${path}`), sink.close()) };
  }
}

// 400 + 40 + 1200 (bigger than the limit) + 400 + 8 + 200 bytes, in the new model's order.
const SPECS = [
  spec('enc/kernel', 'float32', [10, 10]),
  spec('enc/bias', 'float32', [10]),
  spec('emb/table', 'float32', [30, 10]),
  spec('dec/kernel', 'float32', [10, 10]),
  spec('step', 'int64', []),
  spec('head/w', 'bfloat16', [100]),
];

async function write(folder: OutputFolder, specs: TensorSpec[], limit: number, order?: (o: readonly string[]) => string[]) {
  const w = await createShardedSafetensorsWriter(folder, 'merged.safetensors', specs, limit);
  const values = new Map(specs.map((s, i) => [s.name, bytesOf(lengthOf(s), i)]));
  for (const name of order ? order(w.order) : w.order) {
    const s = specs.find((x) => x.name === name)!;
    await w.add({ ...s, bytes: values.get(name)! });
  }
  await w.finish();
  return values;
}

describe('sharded safetensors output', () => {
  it('splits by size as HF does, names shards model-0000N-of-0000M, and writes the index as transformers does', async () => {
    const folder = new RecordingFolder();
    await write(folder, SPECS, 500);
    const files = folder.inner.files;
    // [enc/kernel, enc/bias] 440 | [emb/table] 1200 alone, numbered first | [dec/kernel, step] 408 | [head/w] 200
    const names = [1, 2, 3, 4].map((i) => `merged-0000${i}-of-00004.safetensors`);
    expect([...files.keys()].sort()).toEqual([...names, 'merged.safetensors.index.json'].sort());
    const index = JSON.parse(new TextDecoder().decode(files.get('merged.safetensors.index.json')));
    expect(index).toEqual({
      metadata: { total_size: 400 + 40 + 1200 + 400 + 8 + 200 },
      weight_map: { 'emb/table': names[0], 'enc/kernel': names[1], 'enc/bias': names[1], 'dec/kernel': names[2], step: names[2], 'head/w': names[3] },
    });
    // Sorted keys, two-space indent, a closing newline: transformers' json.dumps(index, indent=2, sort_keys=True) + "\n".
    expect(new TextDecoder().decode(files.get('merged.safetensors.index.json'))).toBe(shardIndexText(2248, new Map(Object.entries(index.weight_map as Record<string, string>))));
    // Streamed one shard after another: each closed before the next is created, the index last.
    expect(folder.events).toEqual([...names.flatMap((n) => [`create ${n}`, `close ${n}`]), 'create merged.safetensors.index.json', 'close merged.safetensors.index.json']);
    for (const n of names) expect(files.get(n)!.byteLength).toBeGreaterThan(8);
  });

  it('reads back through the index: every tensor, its bytes, from its shard', async () => {
    const out = new MemoryFolder();
    const values = await write(out, SPECS, 500);
    const ckpt = await openCheckpoint([...out.files].map(([p, b]) => memorySource(`out/${p}`, b)));
    expect(ckpt.format).toBe('safetensors');
    expect(ckpt.files).toHaveLength(5);
    expect(ckpt.warnings).toEqual([]);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape]).sort()).toEqual(SPECS.map((s) => [s.name, s.dtype, s.shape]).sort());
    for (const s of SPECS) expect(await ckpt.read(s.name)).toEqual(values.get(s.name));
  });

  it('the index alone, a shard missing: an error that names the missing shard', async () => {
    const out = new MemoryFolder();
    await write(out, SPECS, 500);
    const partial = [...out.files].filter(([p]) => p !== 'merged-00003-of-00004.safetensors').map(([p, b]) => memorySource(p, b));
    const err = await openCheckpoint(partial).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).message).toMatch(/merged-00003-of-00004\.safetensors/);
    expect((err as GraftError).file).toBe('merged.safetensors.index.json');
  });

  it('tensors added out of order are still placed right (held until their turn)', async () => {
    const out = new MemoryFolder();
    const values = await write(out, SPECS, 500, (o) => [...o].reverse());
    const ckpt = await openCheckpoint([...out.files].map(([p, b]) => memorySource(p, b)));
    for (const s of SPECS) expect(await ckpt.read(s.name)).toEqual(values.get(s.name));
  });

  it('everything within the limit: one plain file and no index, as save_pretrained writes it', async () => {
    const out = new MemoryFolder();
    await write(out, SPECS, 10_000);
    expect([...out.files.keys()]).toEqual(['merged.safetensors']);
  });

  it('a tensor never added fails finish, naming it', async () => {
    const w = await createShardedSafetensorsWriter(new MemoryFolder(), 'm.safetensors', SPECS, 500);
    const err = await w.finish().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).message).toMatch(/never added/);
  });

  it('file names as huggingface_hub formats them', () => {
    expect(shardFileName('model.safetensors', 0, 3)).toBe('model-00001-of-00003.safetensors');
    expect(shardFileName('sub/x.safetensors', 11, 12)).toBe('sub/x-00012-of-00012.safetensors');
    expect(indexFileName('model.safetensors')).toBe('model.safetensors.index.json');
  });

  it('escapes and orders keys as Python json.dumps does (ensure_ascii, sort by code point)', () => {
    const map = new Map([
      ['b/é', 'm-00002-of-00002.safetensors'],
      ['a"\\\x7f', 'm-00001-of-00002.safetensors'],
      ['z\u{1F600}', 'm-00001-of-00002.safetensors'],
      ['z\uFFFD', 'm-00002-of-00002.safetensors'],
      ['A\n', 'm-00001-of-00002.safetensors'],
    ]);
    // Python 3: json.dumps({"metadata": {"total_size": 12}, "weight_map": {...the same...}}, indent=2, sort_keys=True) + "\n"
    const python =
      '{\n  "metadata": {\n    "total_size": 12\n  },\n  "weight_map": {\n    "A\\n": "m-00001-of-00002.safetensors",\n    "a\\"\\\\\\u007f": "m-00001-of-00002.safetensors",\n    "b/\\u00e9": "m-00002-of-00002.safetensors",\n    "z\\ufffd": "m-00002-of-00002.safetensors",\n    "z\\ud83d\\ude00": "m-00001-of-00002.safetensors"\n  }\n}\n';
    expect(shardIndexText(12, map)).toBe(python);
  });
});
