import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import { MemoryFolder } from '../../io/output';
import { readZipDirectory } from '../../io/zip';
import { ELEMENT_SIZE, elementCount, type DType } from '../../model/dtypes';
import { openCheckpoint } from '../registry';
import { createPytorchWriter, type TensorSpec } from './write';

const ALL: TensorSpec[] = (
  [
    ['f32', 'float32', [2, 3]], ['f64', 'float64', [2]], ['f16', 'float16', [3]], ['bf16', 'bfloat16', [2, 2]],
    ['i64', 'int64', []], ['i32', 'int32', [2]], ['i16', 'int16', [1]], ['i8', 'int8', [4]], ['u8', 'uint8', [3]],
    ['u16', 'uint16', [2]], ['u32', 'uint32', [2]], ['u64', 'uint64', [1]], ['b', 'bool', [3]], ['c64', 'complex64', [2]],
    ['c128', 'complex128', [1]], ['f8a', 'float8_e4m3fn', [2]], ['f8b', 'float8_e5m2', [2]], ['empty', 'float32', [0, 4]],
    ['layer.0.attn.in_proj_weight', 'float32', [300, 2]],
  ] as [string, DType, number[]][]
).map(([name, dtype, shape]) => ({ name, dtype, shape }));

const bytesOf = (s: TensorSpec, seed: number) => Uint8Array.from({ length: elementCount(s.shape) * ELEMENT_SIZE[s.dtype] }, (_, i) => (s.dtype === 'bool' ? (i + seed) & 1 : (i * 31 + seed * 17) & 255));

async function write(specs: TensorSpec[], path = 'merged.pt', order = [...specs].reverse()): Promise<Uint8Array> {
  const out = new MemoryFolder();
  const w = await createPytorchWriter(out, path, specs);
  for (const s of order) await w.add({ ...s, bytes: bytesOf(s, specs.indexOf(s)) });
  await w.finish();
  return out.files.get(path)!;
}

describe('PyTorch state dict writer', () => {
  it('every dtype torch holds reads back bit for bit, in any order of adding', async () => {
    const file = await write(ALL);
    const ckpt = await openCheckpoint([memorySource('merged.pt', file)]);
    expect(ckpt.format).toBe('pytorch');
    expect(ckpt.warnings).toEqual([]);
    expect(ckpt.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(ALL.map((s) => [s.name, s.dtype, s.shape]));
    for (const [i, s] of ALL.entries()) expect(await ckpt.read(s.name)).toEqual(bytesOf(s, i));
  });

  it('lays the archive out as torch.save does: records, one storage per tensor aligned to 64 bytes', async () => {
    const file = await write(ALL.slice(0, 3), 'out/My Model.pt', ALL.slice(0, 3));
    const entries = await readZipDirectory(memorySource('m.pt', file));
    expect(entries.map((e) => e.name)).toEqual(['My_Model/data.pkl', 'My_Model/.format_version', 'My_Model/.storage_alignment', 'My_Model/byteorder', 'My_Model/data/0', 'My_Model/data/1', 'My_Model/data/2', 'My_Model/version']);
    for (const e of entries.filter((x) => x.name.includes('/data/'))) {
      const nameLength = e.name.length;
      const header = new DataView(file.buffer, e.localHeaderOffset, 30);
      expect((e.localHeaderOffset + 30 + nameLength + header.getUint16(28, true)) % 64).toBe(0);
    }
  });

  it('a state dict torch wrote, read and written again, lists the same values', async () => {
    const original = await openCheckpoint([memorySource('block.pt', new Uint8Array(readFileSync(join(__dirname, 'testdata', 'block.pt'))))]);
    const out = new MemoryFolder();
    const w = await createPytorchWriter(out, 'again.pt', original.tensors);
    for (const t of original.tensors) await w.add({ ...t, bytes: (await original.readValue(t.name)).bytes });
    await w.finish();
    const again = await openCheckpoint([memorySource('again.pt', out.files.get('again.pt')!)]);
    expect(again.tensors.map((t) => [t.name, t.dtype, t.shape, t.kind])).toEqual(original.tensors.map((t) => [t.name, t.dtype, t.shape, t.kind]));
    for (const t of original.tensors) expect(await again.read(t.name)).toEqual(await original.read(t.name));
  });

  it('refuses what a state dict cannot hold and what was not declared', async () => {
    await expect(createPytorchWriter(new MemoryFolder(), 'x.pt', [{ name: 's', dtype: 'string', shape: [] }])).rejects.toThrow(/dtype string, which a PyTorch state dict cannot hold/);
    const w = await createPytorchWriter(new MemoryFolder(), 'x.pt', [ALL[0]!]);
    await expect(w.add({ name: 'nope', dtype: 'float32', shape: [], bytes: new Uint8Array(4) })).rejects.toBeInstanceOf(GraftError);
    await expect(w.add({ name: 'f32', dtype: 'float32', shape: [3, 2], bytes: new Uint8Array(24) })).rejects.toThrow(/declared float32 \[2, 3\]/);
    await expect(w.finish()).rejects.toThrow(/never added, e\.g\. f32/);
  });
});
