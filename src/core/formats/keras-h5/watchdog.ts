/**
 * HDF5 work tells a watchdog when it runs. A hang inside WebAssembly cannot be interrupted by any JavaScript on its
 * thread, so it is ended from outside: the page terminates the worker (worker/h5-watch.ts), the CLI exits
 * (cli/h5-watchdog.ts), each with `h5TimeoutSentence`. No h5wasm here: the page imports this module.
 */

export interface H5Watchdog {
  /** HDF5 work on `file` starts or goes on: the time limit counts from now. */
  busy(file: string): void;
  /** No HDF5 work runs. */
  idle(): void;
}

/** How long one HDF5 call may run before the watchdog ends it; listings and large reads report progress between calls. */
export const H5_TIME_LIMIT_MS = 20_000;
let watchdog: H5Watchdog | null = null;
let depth = 0;

/** Installed by the worker (page) and the CLI; null removes it. */
export function setH5Watchdog(w: H5Watchdog | null): void {
  watchdog = w;
}

/** The sentence a watchdog gives (with the file as GraftError's `file`). */
export function h5TimeoutSentence(limitMs = H5_TIME_LIMIT_MS): string {
  return `reading took longer than ${Number((limitMs / 1000).toFixed(1))} s inside the HDF5 library and was stopped; the file is probably damaged`;
}

/** Runs HDF5 work under the watchdog. Nested calls share the outer one's watch. */
export function watched<T>(file: string, work: () => T): T {
  if (depth++ === 0) watchdog?.busy(file);
  try {
    return work();
  } finally {
    if (--depth === 0) watchdog?.idle();
  }
}

/** Inside `watched`: the work goes on, the time limit starts again (between the steps of a listing or a long read). */
export function h5Progress(file: string): void {
  if (depth > 0) watchdog?.busy(file);
}
