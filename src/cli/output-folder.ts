/**
 * An OutputFolder on disk that leaves nothing half-written: files go into a hidden temporary folder beside the
 * destination (same filesystem, so the final move is a rename) and are moved into place only by `commit`;
 * `discard` (on an error or Ctrl-C) removes the temporary folder and everything in it. If the process dies
 * without either, an exit hook still removes it.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { DiskFile } from './disk-file';
import { dirname, join } from 'node:path';
import { GraftError } from '../core/errors';
import type { ByteSource } from '../core/io/byte-source';
import type { FileSink, OutputFolder } from '../core/io/output';

export class DiskOutputFolder implements OutputFolder {
  private readonly created: string[] = [];
  private readonly open = new Set<{ close(): Promise<void> }>();
  private done = false;
  private readonly cleanup = () => rmSync(this.temp, { recursive: true, force: true });

  private constructor(
    /** The folder the files end up in. */
    readonly dest: string,
    readonly temp: string,
  ) {
    process.once('exit', this.cleanup);
  }

  /** Files created through this folder will end up in `dest` (created if missing). */
  static async beside(dest: string): Promise<DiskOutputFolder> {
    const parent = dirname(dest);
    try {
      if (!(await stat(parent)).isDirectory()) throw new Error('not a folder');
    } catch (e) {
      throw new GraftError('missing-file', parent, 'the output folder does not exist', { cause: e });
    }
    const temp = await mkdtemp(join(parent, '.graft-partial-'));
    return new DiskOutputFolder(dest, temp);
  }

  async create(path: string): Promise<FileSink> {
    if (this.done) throw new GraftError('usage', path, 'the output was already completed or discarded');
    if (path.split('/').some((p) => p === '..' || p === '') || path.startsWith('/')) throw new GraftError('usage', path, 'output paths must stay inside the output folder');
    const abs = join(this.temp, path);
    await mkdir(dirname(abs), { recursive: true });
    const handle = await open(abs, 'wx');
    this.created.push(path);
    const file = new DiskFile(abs, handle);
    const sink = {
      write: (chunk: Uint8Array) => file.write(chunk),
      copyRange: (source: ByteSource, offset: number, length: number) => file.copyRange(source, offset, length),
      writeAt: (chunk: Uint8Array, offset: number) => file.writeAt(chunk, offset),
      close: async () => {
        if (!this.open.delete(sink)) return;
        await file.close();
      },
    };
    this.open.add(sink);
    return sink;
  }

  /** Moves every file into `dest`, replacing files of the same name, then removes the temporary folder. */
  async commit(): Promise<string[]> {
    if (this.done) throw new GraftError('usage', this.dest, 'the output was already completed or discarded');
    if (this.open.size) throw new GraftError('corrupt', this.dest, `${this.open.size} output file(s) were never closed; the output is incomplete`);
    this.done = true;
    const out: string[] = [];
    try {
      for (const path of this.created) {
        const to = join(this.dest, path);
        await mkdir(dirname(to), { recursive: true });
        await rename(join(this.temp, path), to);
        out.push(to);
      }
    } finally {
      await rm(this.temp, { recursive: true, force: true });
      process.off('exit', this.cleanup);
    }
    return out;
  }

  /** Drops everything written so far. Safe to call more than once. */
  async discard(): Promise<void> {
    this.done = true;
    for (const s of [...this.open]) await s.close().catch(() => undefined);
    await rm(this.temp, { recursive: true, force: true });
    process.off('exit', this.cleanup);
  }
}

/** Runs `write` into a DiskOutputFolder: committed when it resolves, discarded when it throws. */
export async function writeAtomically<T>(dest: string, write: (out: DiskOutputFolder) => Promise<T>): Promise<{ result: T; files: string[] }> {
  const out = await DiskOutputFolder.beside(dest);
  try {
    const result = await write(out);
    return { result, files: await out.commit() };
  } catch (e) {
    await out.discard();
    throw e;
  }
}
