/**
 * The page's HDF5 watchdog, in two halves. In the worker, `h5Reporter` tells the page when HDF5 work starts, goes
 * on and ends (h5wasm blocks the worker while it runs, and a damaged file can keep it inside WebAssembly for good).
 * On the page, `h5Watch` arms a timer from those messages; past the limit the client terminates the worker and
 * starts a fresh one (client.ts).
 */
import { H5_TIME_LIMIT_MS, type H5Watchdog } from '../core/formats/keras-h5/watchdog';

/** The message the worker posts: the file HDF5 works on, or null when it stopped. */
export interface H5Report {
  graftH5: { file: string } | null;
}

/** Progress is posted at most this often: a listing reports every dataset. */
const REPORT_EVERY_MS = 500;

export function h5Reporter(post: (message: H5Report) => void, now: () => number = Date.now): H5Watchdog {
  let last = -Infinity;
  let current: string | null = null;
  return {
    busy(file) {
      const t = now();
      if (file === current && t - last < REPORT_EVERY_MS) return;
      current = file;
      last = t;
      post({ graftH5: { file } });
    },
    idle() {
      current = null;
      last = -Infinity;
      post({ graftH5: null });
    },
  };
}

const isReport = (data: unknown): data is H5Report => typeof data === 'object' && data !== null && 'graftH5' in data;

export interface H5Watch {
  /** Takes the worker's message; true when it was a report (the caller ignores it then). */
  message(data: unknown): boolean;
  stop(): void;
}

/**
 * Arms on a busy report, re-arms on each progress report, disarms on idle; `onTimeout` gets the file when a busy
 * stretch outlasts `limitMs` with no report (the page's own thread stays free, so its timers run).
 */
export function h5Watch(onTimeout: (file: string) => void, limitMs = H5_TIME_LIMIT_MS): H5Watch {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    message(data) {
      if (!isReport(data)) return false;
      stop();
      const busy = data.graftH5;
      if (busy) timer = setTimeout(() => ((timer = undefined), onTimeout(busy.file)), limitMs + REPORT_EVERY_MS);
      return true;
    },
    stop,
  };
}
