/**
 * One output file on disk, written as the engine streams it: small chunks gathered into large writes, and a run of
 * bytes that is a verified copy of a whole input file (an unchanged TF data shard) copied by the kernel.
 */
import { constants } from 'node:fs';
import { copyFile, stat, type FileHandle } from 'node:fs/promises';
import { GraftError } from '../core/errors';
import { storedRange, type ByteSource } from '../core/io/byte-source';
import { filePathOf } from './node-source';

/** Chunks below this are copied into one buffer and written together: each write is a hop through libuv's pool. */
const BATCH_BYTES = 8 << 20;
/**
 * The most one write call hands the kernel. On this project's VMs a 1 GB buffered write in 8 MiB calls took 1.5–2.7 s
 * of system time, in 1 MiB calls 0.3–0.6 s (256 KiB: about the same, with more hops through libuv's pool).
 */
const WRITE_PIECE = 1 << 20;

export class DiskFile {
  /** Bytes of the file so far, as the writer sees it. */
  private size = 0;
  private batch: Uint8Array | undefined;
  private batched = 0;
  /**
   * While set, the file is (or, once `copying` resolves, will be) a kernel copy of `path` (`end` bytes) of which the
   * first `size` are what the writer wrote, byte for byte; the rest is cut off as soon as the writer's bytes part
   * from that file's. Writes that stay inside the copy only advance `size`, so reading and checking the rest of the
   * input goes on while the kernel copies.
   */
  private mirror: { path: string; end: number; copying: Promise<void> } | undefined;
  /**
   * The input file whose first `size` bytes the file so far equals (every chunk was read from there, at its
   * offset, and checked); null once a chunk came from elsewhere; undefined before the first chunk.
   */
  private run: string | null | undefined;
  private copied: string | undefined;

  constructor(
    readonly abs: string,
    private readonly handle: FileHandle,
  ) {}

  /** The input file the kernel copied this one's start from, if it did. */
  get copiedFrom(): string | undefined {
    return this.copied;
  }

  async write(chunk: Uint8Array): Promise<void> {
    const len = chunk.byteLength;
    const from = storedRange(chunk);
    const path = from && filePathOf(from.source);
    if (this.mirror) {
      if (path === this.mirror.path && from!.offset === this.size && this.size + len <= this.mirror.end) {
        this.size += len;
        return;
      }
      await this.endMirror();
    }
    if (this.run !== null) this.run = path !== undefined && from!.offset === this.size && (this.size === 0 || this.run === path) ? path : null;
    const needsWrite = len >= BATCH_BYTES / 2 || this.batched + len > BATCH_BYTES;
    if (this.run && needsWrite && (await this.startMirror(this.run, len))) return;
    await this.append(chunk);
  }

  /**
   * Appends `length` bytes of `source` at `offset` as the kernel's copy of them, where the file is (or can become)
   * a copy of that source's file with them at the same offset; else false, and nothing changed. The caller checks
   * the bytes' CRC32C itself: they never pass through here.
   */
  async copyRange(source: ByteSource, offset: number, length: number): Promise<boolean> {
    const path = filePathOf(source);
    if (path === undefined || offset !== this.size) return false;
    if (this.mirror) {
      if (path !== this.mirror.path || this.size + length > this.mirror.end) return false;
      this.size += length;
      return true;
    }
    if (this.run === null || (this.size > 0 && this.run !== path)) return false;
    return this.startMirror(path, length);
  }

  /** Overwrites `chunk.byteLength` bytes the file already holds, from `offset`: after the kernel's copy, if one runs. */
  async writeAt(chunk: Uint8Array, offset: number): Promise<void> {
    if (offset < 0 || offset + chunk.byteLength > this.size) throw new RangeError(`${this.abs}: bytes ${offset}..${offset + chunk.byteLength} are not in the file's ${this.size}`);
    if (this.mirror) await this.endMirror();
    if (offset + chunk.byteLength > this.size - this.batched) await this.flush();
    await this.pwrite(chunk, offset);
  }

  /**
   * Everything so far, and `len` more bytes, is the start of the file at `path`, read and checked against its CRC32C:
   * the kernel copies that whole file (copy_file_range, or a reflink) while the writer goes on, and what follows cuts
   * the copy where the writer's bytes part from it. Writing from memory costs far more: on this project's VMs a
   * 1.3 GB buffered write took ~3 s of system time and 9–18 s in all, the kernel's copy 0.4 s and 1.4 s.
   */
  private async startMirror(path: string, len: number): Promise<boolean> {
    this.run = null;
    const end = (await stat(path)).size;
    if (end < this.size + len) return false;
    const { mode } = await this.handle.stat();
    // Nothing of this file is in flight: what was written so far is the copy's own start, and the batch is in it too.
    const copying = copyFile(path, this.abs, constants.COPYFILE_FICLONE).then(() => this.handle.chmod(mode)); // the copy takes the input's permissions
    copying.catch(() => undefined); // raised by endMirror
    this.mirror = { path, end, copying };
    this.copied = path;
    this.batched = 0;
    this.size += len;
    return true;
  }

  async close(): Promise<void> {
    try {
      if (this.mirror) await this.endMirror();
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  /** Waits for the kernel's copy and cuts it where the writer's bytes part from it. */
  private async endMirror(): Promise<void> {
    const { path, copying } = this.mirror!;
    this.mirror = undefined;
    await copying;
    const copied = (await this.handle.stat()).size;
    if (copied < this.size) {
      throw new GraftError('corrupt', path, `the file shrank while it was copied (${copied} bytes copied, ${this.size} read and checked); was it changed during the export?`);
    }
    if (copied > this.size) await this.handle.truncate(this.size);
  }

  private async append(chunk: Uint8Array): Promise<void> {
    if (chunk.byteLength < BATCH_BYTES / 2) {
      if (this.batched + chunk.byteLength > BATCH_BYTES) await this.flush();
      this.batch ??= new Uint8Array(BATCH_BYTES);
      this.batch.set(chunk, this.batched);
      this.batched += chunk.byteLength;
      this.size += chunk.byteLength;
      return;
    }
    await this.flush();
    await this.pwrite(chunk, this.size);
    this.size += chunk.byteLength;
  }

  private async flush(): Promise<void> {
    if (this.batched === 0) return;
    const at = this.size - this.batched;
    const n = this.batched;
    this.batched = 0;
    await this.pwrite(this.batch!.subarray(0, n), at);
  }

  private async pwrite(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) done += (await this.handle.write(bytes, done, Math.min(WRITE_PIECE, bytes.byteLength - done), position + done)).bytesWritten;
  }
}
