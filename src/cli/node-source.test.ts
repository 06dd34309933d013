import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BufferPool } from '../core/engine/buffer-pool';
import { memorySource } from '../core/io/byte-source';
import { execute } from '../core/engine/execute';
import type { CheckpointWriter, OutputTensor } from '../core/io/output';
import { listTarget, randomBytes } from '../core/engine/engine.test-util';
import { openCheckpoint } from '../core/formats/registry';
import { dataFileName, writeTfBundle } from '../core/formats/tf-bundle';
import { compile, emptyRecipe, type Link } from '../core/mapping';
import { fileSource } from './node-source';

const dir = mkdtempSync(join(tmpdir(), 'graft-node-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Sizes above the pool's 256 KiB floor, repeating so that buffers come back, with small ones in between.
// The [700, 800] ones are read in 1 MiB pieces (the last one partial): the sources here read in pieces of that size.
const SHAPES = [[256, 512], [64], [512, 512], [256, 512], [128, 1024], [64], [700, 800], [256, 512], [300, 700], [700, 800]];
const tensors = SHAPES.map((shape, i) => ({ name: `t${i}`, dtype: 'float32' as const, shape, bytes: randomBytes(shape.reduce((a, b) => a * b, 4), i + 1) }));

async function onDisk(name: string, damage?: { tensor: number; at: number }) {
  const { index, shards } = writeTfBundle(tensors);
  const data = shards[0]!.slice();
  if (damage) {
    const offset = tensors.slice(0, damage.tensor).reduce((n, t) => n + t.bytes.byteLength, 0);
    data[offset + damage.at]! ^= 1;
  }
  writeFileSync(join(dir, `${name}.index`), index);
  writeFileSync(join(dir, dataFileName(name, 0, 1)), data);
  return openCheckpoint([await fileSource(join(dir, `${name}.index`), `${name}.index`), await fileSource(join(dir, dataFileName(name, 0, 1)), dataFileName(name, 0, 1), 1 << 20)]);
}

/** Copies what it is given, and checks after a pause that the bytes did not change while it held them. */
function slowWriter(): CheckpointWriter & { tensors: OutputTensor[]; buffers: Set<ArrayBufferLike> } {
  const w = {
    tensors: [] as OutputTensor[],
    buffers: new Set<ArrayBufferLike>(),
    async add(t: OutputTensor) {
      const copy = t.bytes.slice();
      w.buffers.add(t.bytes.buffer);
      await new Promise((r) => setTimeout(r, 5));
      expect(Buffer.compare(t.bytes, copy)).toBe(0);
      w.tensors.push({ ...t, bytes: copy });
    },
    async finish() {},
  };
  return w;
}

describe('reading a checkpoint from disk into reused buffers', () => {
  it('copies and transforms exactly, never overwriting bytes a writer still holds', async () => {
    const old = await onDisk('ok');
    const links: Link[] = tensors.map((t, i) => ({ from: [t.name], to: t.name, transforms: i % 4 === 2 ? [{ op: 'transpose', perm: [1, 0] }] : [] }));
    const target = listTarget(tensors.map((t, i) => ({ name: t.name, dtype: t.dtype, shape: i % 4 === 2 ? [...t.shape].reverse() : t.shape })));
    const writer = slowWriter();
    // Reading no further ahead than the next entry, buffers must come back for the later reads.
    await execute(compile(emptyRecipe({ links }), old, target), old, target, writer, { seed: 1, readAheadBytes: 0 });
    tensors.forEach((t, i) => {
      const got = writer.tensors.find((o) => o.name === t.name)!;
      if (i % 4 !== 2) {
        expect(Buffer.compare(got.bytes, t.bytes)).toBe(0);
      } else {
        const [r, c] = t.shape as [number, number];
        const src = new Float32Array(t.bytes.buffer, t.bytes.byteOffset, r * c);
        const out = new Float32Array(got.bytes.buffer, got.bytes.byteOffset, r * c);
        for (let k = 0; k < r * c; k += 997) expect(out[(k % c) * r + Math.floor(k / c)]).toBe(src[k]);
      }
    });
    // The large exact copies came from fewer buffers than there are of them.
    const large = tensors.filter((t, i) => t.bytes.byteLength >= 256 * 1024 && i % 4 !== 2).length;
    expect(writer.buffers.size).toBeLessThan(large + 3);
  });

  it('reads far ahead by default, with the same result', async () => {
    const old = await onDisk('ahead');
    const target = listTarget(tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })));
    const links: Link[] = tensors.map((t) => ({ from: [t.name], to: t.name, transforms: [] }));
    const writer = slowWriter();
    await execute(compile(emptyRecipe({ links }), old, target), old, target, writer, { seed: 1 });
    tensors.forEach((t, i) => expect(Buffer.compare(writer.tensors[i]!.bytes, t.bytes)).toBe(0));
  });

  it('still checks every CRC: a flipped bit in a pooled read is refused', async () => {
    const old = await onDisk('bad', { tensor: 9, at: 1_500_000 }); // in the second piece
    const target = listTarget(tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })));
    const links: Link[] = tensors.map((t) => ({ from: [t.name], to: t.name, transforms: [] }));
    await expect(execute(compile(emptyRecipe({ links }), old, target), old, target, slowWriter(), { seed: 1 })).rejects.toMatchObject({ code: 'tensor-checksum' });
  });

  it('a source that ignores the buffer it is given has its pieces copied there', async () => {
    const { index, shards } = writeTfBundle(tensors);
    const old = await openCheckpoint([memorySource('m.index', index), memorySource(dataFileName('m', 0, 1), shards[0]!)]);
    const into = new Uint8Array(3 << 20);
    const got = await old.read('t9', into);
    expect(got.buffer).toBe(into.buffer);
    expect(Buffer.compare(got, tensors[9]!.bytes)).toBe(0);
  });

  it('reads into the buffer it is given, and closes its file once idle', async () => {
    const path = join(dir, 'plain.bin');
    const bytes = randomBytes(100_000, 5);
    writeFileSync(path, bytes);
    // The files this process has open (Linux; elsewhere the check is skipped).
    const openHere = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } }).filter((p) => p === path) : []);
    const source = await fileSource(path, 'plain.bin');
    const into = new Uint8Array(60_000);
    const got = await source.read(1000, 50_000, into);
    expect(got.buffer).toBe(into.buffer);
    expect(Buffer.compare(got, bytes.subarray(1000, 51_000))).toBe(0);
    expect(Buffer.compare(await source.read(0, 10), bytes.subarray(0, 10))).toBe(0);
    if (existsSync('/proc/self/fd')) expect(openHere()).toHaveLength(1); // one handle, kept between reads
    await expect(source.read(99_990, 11)).rejects.toMatchObject({ code: 'truncated' });
    // Closed once idle: awaited as it happens, whatever the idle delay is.
    await vi.waitFor(() => expect(openHere()).toHaveLength(0), { timeout: 10_000, interval: 20 });
  });
});

describe('BufferPool', () => {
  it('reuses the smallest idle buffer that fits within twice the size, and keeps the last given back up to a size', () => {
    const pool = new BufferPool(1024, 16_000);
    expect(pool.take(100)).toBeUndefined();
    const a = pool.take(4096)!;
    const b = pool.take(10_000)!;
    pool.give([a, b]);
    expect(pool.take(3000)!.buffer).toBe(a.buffer);
    expect(pool.take(2000)!.buffer).not.toBe(b.buffer); // 10 000 > 2 × 2000: kept for larger reads
    const c = pool.take(9000)!;
    expect(c.buffer).toBe(b.buffer);
    expect(c.byteLength).toBe(9000);
    pool.give([pool.take(5000), pool.take(6000), c]);
    const d = pool.take(5000)!; // the 5000-byte buffer was dropped to keep 16 000 bytes: the 6000-byte one fits
    expect(d.buffer).not.toBe(c.buffer);
    expect(d.buffer.byteLength).toBe(6000);
  });
});
