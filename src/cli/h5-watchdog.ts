/**
 * The CLI's HDF5 watchdog. A hang inside h5wasm blocks this thread for good (no timer, signal handler or promise of
 * ours runs again), so the watch runs on a thread of its own: the main thread marks when HDF5 work started or
 * last made progress in shared memory, and the watcher, when that is older than the limit, prints the sentence and
 * ends the process. It never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import { H5_TIME_LIMIT_MS, h5TimeoutSentence, setH5Watchdog, type H5Watchdog } from '../core/formats/keras-h5/watchdog';

// Plain JavaScript evaluated as the worker: no module of ours needs to resolve there (tsx, bundle or tests alike).
const WATCHER = `
const { workerData, parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { shared, limitMs, exit, sentence } = workerData;
const since = new BigInt64Array(shared, 0, 1);
const nameLength = new Int32Array(shared, 8, 1);
const name = new Uint8Array(shared, 12);
setInterval(() => {
  const t = Number(Atomics.load(since, 0));
  if (t === 0 || Date.now() - t <= limitMs) return;
  Atomics.store(since, 0, 0n);
  const file = new TextDecoder().decode(name.slice(0, Atomics.load(nameLength, 0)));
  if (!exit) return parentPort.postMessage(file);
  writeSync(2, 'graft: ' + (file ? file + ': ' : '') + sentence + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, Math.max(20, Math.min(250, limitMs / 4)));
`;

const NAME_BYTES = 1024;

export interface CliH5Watchdog extends H5Watchdog {
  /** Ends the watcher thread. */
  stop(): Promise<void>;
}

/**
 * A watchdog over HDF5 work on this thread. `exit` (the CLI): past the limit, the sentence goes to stderr and the
 * process is killed (SIGKILL: nothing on the blocked thread can run to exit more gently). Without it (tests), the
 * watcher only reports the file through `onTimeout`.
 */
export function createH5Watchdog(opts: { limitMs?: number; exit?: boolean; onTimeout?: (file: string) => void } = {}): CliH5Watchdog {
  const limitMs = opts.limitMs ?? H5_TIME_LIMIT_MS;
  const shared = new SharedArrayBuffer(12 + NAME_BYTES);
  const since = new BigInt64Array(shared, 0, 1);
  const nameLength = new Int32Array(shared, 8, 1);
  const name = new Uint8Array(shared, 12);
  let watcher: Worker | undefined;
  let current = '';
  const start = () => {
    // No execArgv: a loader such as tsx would be set up again in the watcher, and that waits on this thread.
    watcher = new Worker(WATCHER, { eval: true, execArgv: [], workerData: { shared, limitMs, exit: opts.exit === true, sentence: h5TimeoutSentence(limitMs) } });
    watcher.on('message', (file: string) => opts.onTimeout?.(file));
    watcher.unref();
  };
  // Started with the first HDF5 work, not before: a thread costs ~0.1 s of CPU, and most commands never touch HDF5. It
  // boots on its own thread, so it still sees work that blocks this one from the start (the tests spin right after).
  return {
    busy(file) {
      if (!watcher) start();
      if (file !== current) {
        current = file;
        const { written } = new TextEncoder().encodeInto(file, name);
        Atomics.store(nameLength, 0, written);
      }
      Atomics.store(since, 0, BigInt(Date.now()));
    },
    idle() {
      Atomics.store(since, 0, 0n);
    },
    async stop() {
      await watcher?.terminate();
      watcher = undefined;
    },
  };
}

/** The CLI's: installed once before any command runs. */
export function installH5Watchdog(): void {
  setH5Watchdog(createH5Watchdog({ exit: true }));
}
