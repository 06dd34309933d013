import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../io/output';
import { GraftError } from '../../errors';
import { memorySource } from '../../io/byte-source';
import type { DType } from '../../model/dtypes';
import { openSafetensors } from './read';
import { createSafetensorsWriter, type TensorSpec } from './write';

interface T extends TensorSpec {
  bytes: Uint8Array;
}

const SIZES: [DType, string, number][] = [
  ['bool', 'BOOL', 1], ['uint8', 'U8', 1], ['int8', 'I8', 1], ['float8_e5m2', 'F8_E5M2', 1], ['float8_e4m3fn', 'F8_E4M3', 1],
  ['int16', 'I16', 2], ['uint16', 'U16', 2], ['float16', 'F16', 2], ['bfloat16', 'BF16', 2], ['int32', 'I32', 4],
  ['uint32', 'U32', 4], ['float32', 'F32', 4], ['complex64', 'C64', 8], ['float64', 'F64', 8], ['int64', 'I64', 8], ['uint64', 'U64', 8],
];

/**
 * An independent, deliberately plain reference writer: the algorithm of `prepare` + `serialize` in
 * safetensors/src/tensor.rs, written from its description, in memory.
 */
function referenceSerialize(tensors: T[], metadata?: Record<string, string>): Uint8Array {
  const enumOrder = ['BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64'];
  const st = (d: DType) => SIZES.find((s) => s[0] === d)![1];
  const sorted = [...tensors].sort((a, b) => enumOrder.indexOf(st(b.dtype)) - enumOrder.indexOf(st(a.dtype)) || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of sorted) {
    header[t.name] = { dtype: st(t.dtype), shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, ' ')]);
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(json.length));
  return new Uint8Array(Buffer.concat([n, json, ...sorted.map((t) => Buffer.from(t.bytes))]));
}

async function writeAll(tensors: T[], order: 'given' | 'writer' | 'reversed', metadata?: Record<string, string>): Promise<Uint8Array> {
  const folder = new MemoryFolder();
  const w = await createSafetensorsWriter(folder, 'm.safetensors', tensors, metadata);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const names = order === 'writer' ? [...w.order] : order === 'reversed' ? tensors.map((t) => t.name).reverse() : tensors.map((t) => t.name);
  for (const n of names) {
    const t = byName.get(n)!;
    await w.add({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes });
  }
  await w.finish();
  return folder.files.get('m.safetensors')!;
}

const fill = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 11) & 255);

function everyDtype(): T[] {
  const out: T[] = SIZES.map(([dtype, , size], i) => ({ name: `layer_${i % 3}/${dtype}`, dtype, shape: [2, 3], bytes: fill(6 * size, i) }));
  out.push({ name: 'scalar', dtype: 'float32', shape: [], bytes: fill(4, 50) });
  out.push({ name: 'empty', dtype: 'float32', shape: [0, 4], bytes: new Uint8Array(0) });
  out.push({ name: 'ünïcode/"quoted"\\', dtype: 'int64', shape: [1], bytes: fill(8, 51) });
  out.push({ name: 'Z_upper', dtype: 'int64', shape: [1], bytes: fill(8, 52) });
  return out;
}

describe('safetensors writer', () => {
  it('reproduces the reference test vectors (tensor.rs test_serialization, test_empty)', async () => {
    const data = new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer);
    const out = await writeAll([{ name: 'attn.0', dtype: 'float32', shape: [1, 2, 3], bytes: data }], 'given');
    expect(Array.from(out)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97,
      112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125,
      0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    expect(Array.from(await writeAll([], 'given'))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(await writeAll([], 'given', { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34,
      58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  for (const order of ['given', 'writer', 'reversed'] as const) {
    it(`equals an independent reference writer byte for byte, every dtype, tensors added in ${order} order`, async () => {
      const tensors = everyDtype();
      const mine = await writeAll(tensors, order, { format: 'tf' });
      expect(Buffer.from(mine).equals(Buffer.from(referenceSerialize(tensors, { format: 'tf' })))).toBe(true);
    });
  }

  it('read(write(x)) = x for every dtype, with Graft reader', async () => {
    const tensors = everyDtype();
    const ckpt = await openSafetensors(memorySource('m.safetensors', await writeAll(tensors, 'given')));
    expect(ckpt.warnings).toEqual([]);
    expect(ckpt.metadata).toEqual({});
    expect(ckpt.tensors).toHaveLength(tensors.length);
    for (const t of tensors) {
      const got = ckpt.tensors.find((x) => x.name === t.name)!;
      expect([got.dtype, got.shape]).toEqual([t.dtype, t.shape]);
      expect(await ckpt.read(t.name)).toEqual(t.bytes);
    }
  });

  it('data starts at a multiple of 8 and is sorted by dtype alignment, then name', async () => {
    const tensors = everyDtype();
    const out = await writeAll(tensors, 'given');
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(out.subarray(8, 8 + n))) as Record<string, { dtype: string }>;
    expect(Object.keys(header).slice(0, 4)).toEqual(['layer_0/uint64', 'Z_upper', 'layer_2/int64', 'ünïcode/"quoted"\\']);
  });

  it('refuses what safetensors cannot hold and what the model does not declare', async () => {
    const folder = new MemoryFolder();
    await expect(createSafetensorsWriter(folder, 'x.safetensors', [{ name: 's', dtype: 'string', shape: [1] }])).rejects.toBeInstanceOf(GraftError);
    const w = await createSafetensorsWriter(folder, 'x.safetensors', [{ name: 'a', dtype: 'float32', shape: [2] }]);
    await expect(w.add({ name: 'b', dtype: 'float32', shape: [2], bytes: new Uint8Array(8) })).rejects.toThrow(/not a variable/);
    await expect(w.add({ name: 'a', dtype: 'float32', shape: [3], bytes: new Uint8Array(12) })).rejects.toThrow(/declared float32 \[2\]/);
    await expect(w.finish()).rejects.toThrow(/never added/);
  });

  it('stores a variable under the name `names` gives it, taking it and ordering it by its own', async () => {
    const tensors: T[] = [
      { name: 'dw/depthwise_kernel', dtype: 'float32', shape: [2], bytes: fill(8, 1) },
      { name: 'dw/bias', dtype: 'float32', shape: [1], bytes: fill(4, 2) },
      { name: 'dw/e', dtype: 'float32', shape: [1], bytes: fill(4, 3) },
    ];
    const folder = new MemoryFolder();
    const w = await createSafetensorsWriter(folder, 'm.safetensors', tensors, undefined, new Map([['dw/depthwise_kernel', 'dw/kernel']]));
    expect(w.order).toEqual(['dw/bias', 'dw/e', 'dw/depthwise_kernel']); // sorted by the stored names: dw/bias, dw/e, dw/kernel
    for (const t of [...tensors].reverse()) await w.add({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes });
    await w.finish();
    const stored = tensors.map((t) => ({ ...t, name: t.name === 'dw/depthwise_kernel' ? 'dw/kernel' : t.name }));
    expect(Array.from(folder.files.get('m.safetensors')!)).toEqual(Array.from(referenceSerialize(stored)));
    await expect(w.add({ name: 'dw/kernel', dtype: 'float32', shape: [2], bytes: fill(8, 1) })).rejects.toThrow(/not a variable/);
  });
});
