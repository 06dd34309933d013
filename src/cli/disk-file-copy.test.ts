import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from '../core/engine/engine.test-util';
import { markStoredRange } from '../core/io/byte-source';
import { fileSource } from './node-source';
import { writeAtomically } from './output-folder';

// The kernel copy, held or failed on demand: by default it is the real one.
const copy = vi.hoisted(() => ({ hook: undefined as undefined | ((real: () => Promise<void>, dest: string) => Promise<void>) }));
vi.mock('node:fs/promises', async (original) => {
  const real = await original<typeof import('node:fs/promises')>();
  return {
    ...real,
    copyFile: (src: string, dest: string, mode?: number) => (copy.hook ? copy.hook(() => real.copyFile(src, dest, mode), dest) : real.copyFile(src, dest, mode)),
  };
});

const dir = mkdtempSync(join(tmpdir(), 'graft-disk-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => (copy.hook = undefined));

const MiB = 1 << 20;
const input = randomBytes(24 * MiB, 11);
const inputPath = join(dir, 'input.bin');
writeFileSync(inputPath, input);

async function reader() {
  const source = await fileSource(inputPath, 'input.bin');
  return (offset: number, length: number) => {
    const bytes = input.slice(offset, offset + length);
    markStoredRange(bytes, source, offset);
    return bytes;
  };
}

describe('DiskFile’s kernel copy', () => {
  it('runs while the writer goes on, and is waited for when the file is closed', async () => {
    const read = await reader();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let copied = false;
    copy.hook = async (real) => {
      await held;
      await real();
      copied = true;
    };
    const out = join(dir, 'overlap');
    await fsp.mkdir(out);
    const { files } = await writeAtomically(join(out, 'x'), async (folder) => {
      const sink = await folder.create('data.bin');
      for (let at = 0; at < input.byteLength; at += 6 * MiB) await sink.write(read(at, 6 * MiB));
      expect(copied).toBe(false); // every write came back before the copy even started
      release();
      await sink.close();
      expect(copied).toBe(true);
    }).catch(async (e: unknown) => {
      release();
      throw e;
    });
    expect(Buffer.compare(readFileSync(files[0]!), input)).toBe(0);
  });

  it('fails the export when the copy fails, and leaves no file behind', async () => {
    await fsp.mkdir(join(dir, 'failed'));
    const read = await reader();
    copy.hook = async (_real, dest) => {
      await fsp.writeFile(dest, input.subarray(0, 3 * MiB)); // part of it, then the disk gives up
      throw Object.assign(new Error('EIO: i/o error, copyfile'), { code: 'EIO' });
    };
    await expect(
      writeAtomically(join(dir, 'failed', 'x'), async (folder) => {
        const sink = await folder.create('data.bin');
        await sink.write(read(0, 8 * MiB));
        await sink.write(read(8 * MiB, 8 * MiB));
        await sink.write(randomBytes(5 * MiB, 3)); // parts from the input: the copy is waited for here
        await sink.close();
      }),
    ).rejects.toThrow(/EIO/);
    expect(readdirSync(join(dir, 'failed'))).toEqual([]);
  });

  it('fails when the input is shorter after the copy than what was read from it', async () => {
    await fsp.mkdir(join(dir, 'shrank'));
    const read = await reader();
    copy.hook = (_real, dest) => fsp.writeFile(dest, input.subarray(0, 10 * MiB));
    await expect(
      writeAtomically(join(dir, 'shrank', 'x'), async (folder) => {
        const sink = await folder.create('data.bin');
        await sink.write(read(0, 12 * MiB));
        await sink.close();
      }),
    ).rejects.toThrow(/shrank while it was copied/);
    expect(readdirSync(join(dir, 'shrank'))).toEqual([]);
  });
});
