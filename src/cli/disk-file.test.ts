import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../core/engine/engine.test-util';
import { markStoredRange } from '../core/io/byte-source';
import { DiskFile } from './disk-file';
import { fileSource } from './node-source';

const dir = mkdtempSync(join(tmpdir(), 'graft-disk-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1 << 20;
const input = randomBytes(20 * MiB, 7);
const inputPath = join(dir, 'input.bin');
writeFileSync(inputPath, input);

/** Slices of the input as a reader hands them out: marked with the range they were read from. */
async function reader() {
  const source = await fileSource(inputPath, 'input.bin');
  return (offset: number, length: number) => {
    const bytes = input.slice(offset, offset + length);
    markStoredRange(bytes, source, offset);
    return bytes;
  };
}

async function writeAll(name: string, chunks: Uint8Array[]): Promise<{ file: DiskFile; bytes: Uint8Array }> {
  const path = join(dir, name);
  const file = new DiskFile(path, await open(path, 'wx'));
  for (const c of chunks) await file.write(c);
  await file.close();
  return { file, bytes: new Uint8Array(readFileSync(path)) };
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('DiskFile', () => {
  it('copies a whole input file that the chunks equal in the kernel, small first chunks included', async () => {
    const read = await reader();
    const chunks = [read(0, 4096), read(4096, 100), read(4196, 2 * MiB), read(4196 + 2 * MiB, 20 * MiB - 4196 - 2 * MiB)];
    const { file, bytes } = await writeAll('whole.bin', chunks);
    expect(file.copiedFrom).toBe(inputPath);
    expect(Buffer.compare(bytes, input)).toBe(0);
  });

  it('cuts the copy where the chunks part from the input, and writes the rest', async () => {
    const read = await reader();
    const own = randomBytes(5 * MiB, 8);
    const chunks = [read(0, 9 * MiB), read(9 * MiB, 1000), own, read(3 * MiB, 10)];
    const { file, bytes } = await writeAll('cut.bin', chunks);
    expect(file.copiedFrom).toBe(inputPath);
    expect(Buffer.compare(bytes, concat(chunks))).toBe(0);
  });

  it('keeps the copy cut where the chunks end, when they end inside the input', async () => {
    const read = await reader();
    const chunks = [read(0, 9 * MiB), read(9 * MiB, 123)];
    const { bytes } = await writeAll('prefix.bin', chunks);
    expect(Buffer.compare(bytes, input.subarray(0, 9 * MiB + 123))).toBe(0);
  });

  it('writes from memory what does not start the input, or parts from it before anything was written', async () => {
    const read = await reader();
    const own = randomBytes(3000, 9);
    const notAtStart = [read(4096, 9 * MiB)];
    const early = [read(0, 1000), own, read(1000, 9 * MiB)];
    for (const [name, chunks] of [['offset.bin', notAtStart], ['early.bin', early]] as const) {
      const { file, bytes } = await writeAll(name, [...chunks]);
      expect(file.copiedFrom).toBeUndefined();
      expect(Buffer.compare(bytes, concat([...chunks]))).toBe(0);
    }
  });

  it('gathers small chunks into large writes in order, between large ones', async () => {
    const parts = [randomBytes(100, 1), randomBytes(5 * MiB, 2), ...Array.from({ length: 300 }, (_, i) => randomBytes(40_000 + i, 10 + i)), randomBytes(7, 3)];
    const { bytes } = await writeAll('batched.bin', parts);
    expect(Buffer.compare(bytes, concat(parts))).toBe(0);
  });
});
