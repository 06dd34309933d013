/**
 * The CRC checks of unchanged tensors (StoredCopy.verify) on a worker thread: it reads each range from the file in
 * pieces into one reused buffer and checksums them natively, while the main thread transforms and writes. On this
 * project's 2-core VMs a transformed export spent ~40% of its main thread on those checks.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { GraftError } from '../core/errors';
import type { ByteSource } from '../core/io/byte-source';
import { useRangeCrc32c } from '../core/formats/tf-bundle/stored-bytes';
import { filePathOf } from './node-source';

/** Bytes the worker reads at a time: small enough to stay in the CPU's cache for the CRC that follows. */
const PIECE_BYTES = 1 << 20;

// CommonJS, evaluated as is: the CLI bundle holds no second entry point to start a worker from.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync } = require('node:fs');
const { crc32c } = require(workerData.native);
const buffer = Buffer.allocUnsafe(workerData.piece);
const fds = new Map();
parentPort.on('message', ({ id, path, offset, length }) => {
  try {
    let fd = fds.get(path);
    if (fd === undefined) fds.set(path, (fd = openSync(path, 'r')));
    let crc = 0;
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, length - done), offset + done);
      if (n === 0) break;
      crc = crc32c(buffer.subarray(0, n), crc) >>> 0;
      done += n;
    }
    parentPort.postMessage({ id, crc });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});`;

type Reply = { id: number; crc: number; error?: undefined } | { id: number; error: string };

export class CrcWorker {
  private readonly pending = new Map<number, { resolve(crc: number): void; reject(e: unknown): void; path: string }>();
  private next = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => this.settle(m));
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`the CRC worker stopped (exit ${code})`)));
    // After the listeners: adding a 'message' listener refs the worker again. It never keeps the process alive by
    // itself (a worker started ahead of any check, then an error, would hang the exit); pending checks ref it.
    worker.unref();
  }

  /** A worker using the native CRC32C module at `nativePath`. */
  static start(nativePath: string): CrcWorker {
    // No execArgv: a loader such as tsx would be set up again in the worker, and its start waits on this thread.
    return new CrcWorker(new Worker(WORKER_CODE, { eval: true, execArgv: [], workerData: { native: nativePath, piece: PIECE_BYTES } }));
  }

  /** The CRC32C of `length` bytes of the file at `path` from `offset` (of fewer where the file ends sooner). */
  crc(path: string, offset: number, length: number): Promise<number> {
    const id = this.next++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, path });
      this.worker.postMessage({ id, path, offset, length });
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.error === undefined) p.resolve(m.crc);
    else p.reject(new GraftError('corrupt', p.path, `could not be read to check it: ${m.error}`));
  }

  private failAll(e: unknown): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

let warm: (() => CrcWorker) | undefined;

/**
 * Starts the installed CrcWorker now, if one is installed and not yet started: a thread takes ~0.1 s to boot, which
 * otherwise delays the first check (the CLI calls this as soon as it knows a TF checkpoint will be read).
 */
export function startCrcWorker(): void {
  warm?.();
}

/**
 * Routes core's range checks of files on disk to a CrcWorker (started on the first check), where the native CRC32C
 * module loads; other sources (and all with GRAFT_CRC_WORKER=0) keep the in-thread check. Returns the worker's accessor
 * for tests, or undefined.
 */
export function installCrcWorker(resolveNative: () => string = () => createRequire(import.meta.url).resolve('@node-rs/crc32')): (() => CrcWorker) | undefined {
  if (process.env.GRAFT_CRC_WORKER === '0') return undefined;
  let nativePath: string;
  try {
    nativePath = resolveNative();
  } catch {
    return undefined;
  }
  let worker: CrcWorker | undefined;
  const get = () => (worker ??= CrcWorker.start(nativePath));
  warm = get;
  useRangeCrc32c((source: ByteSource, offset: number, length: number) => {
    const path = filePathOf(source);
    return path === undefined ? undefined : get().crc(path, offset, length);
  });
  return get;
}
