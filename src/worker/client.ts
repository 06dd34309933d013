/** The page's only way to the worker: typed calls that resolve with results or reject with a WorkerError. */
import * as Comlink from 'comlink';
import type { GraftErrorData } from '../core/errors';
import { h5TimeoutSentence } from '../core/formats/keras-h5/watchdog';
import type { KeepFunctionOptions, KeepFunctionResult, PlanEntry, Recipe } from '../core/mapping';
import type { ExportDone, ExportProgress, ExportRequest, SelfCheck } from './export';
import type {
  FileRef, InspectResult, Matched, Occupancy, Outcome, PreviewResult, RouteResult, SlotId, SlotOpened, SlotSource, Swapped, ViewOptions, WorkerApi,
} from './protocol';
import { h5Watch } from './h5-watch';
import { decodeOpened, decodeSwapped } from './slot-wire';

export type {
  CandidateData, Choice, DropModel, ExportDone, MatchFacts, Matched, ExportProgress, ExportRequest, FileRef, SelfCheck, InspectResult, Occupancy, PreviewResult, RoutePlan, RouteResult, SlotData, SlotId, SlotOpened, SlotSource, Swapped,
  VariableData, ViewOptions,
} from './protocol';

/** A failure reported by the worker, with the GraftError's code, file and sentence. */
export class WorkerError extends Error {
  readonly data: GraftErrorData;
  constructor(data: GraftErrorData) {
    super(data.message);
    this.name = 'WorkerError';
    this.data = data;
  }
}

export interface GraftClient {
  route(files: FileRef[], occupancy: Record<SlotId, Occupancy>, into?: SlotId): Promise<RouteResult>;
  open(slot: SlotId, files: FileRef[], source: SlotSource): Promise<SlotOpened>;
  swap(): Promise<Swapped>;
  /** Empties the worker's `slot` (Start over), so it no longer holds that slot's files. */
  forget(slot: SlotId): Promise<void>;
  inspect(slot: SlotId, name: string, view: ViewOptions, seed: number): Promise<InspectResult>;
  match(recipe: Recipe): Promise<Matched>;
  preview(entry: PlanEntry, view: ViewOptions, seed: number, id: number): Promise<PreviewResult>;
  /** The keep-the-function links for `recipe`. */
  keepFunction(recipe: Recipe, options: KeepFunctionOptions): Promise<KeepFunctionResult>;
  /** Writes the merged checkpoint in the worker; progress comes back through `onProgress`. */
  runExport(req: ExportRequest, onProgress?: (p: ExportProgress) => void): Promise<ExportDone>;
  cancelExport(): Promise<void>;
  /** Re-opens the last export's output in the worker and checks every variable's bytes (`SelfCheck`). */
  checkExport(): Promise<SelfCheck>;
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new WorkerError(outcome.error);
}

interface Started {
  worker: Worker;
  /** The API once the worker listens. */
  remote: Promise<Comlink.Remote<WorkerApi>>;
  /** Rejects when the worker fails to load or crashes, or when the HDF5 watchdog ends it. */
  ended: Promise<never>;
  end(error: WorkerError): void;
}

function startWorker(onH5Timeout: (file: string) => void): Started {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'graft' });
  const remote = Comlink.wrap<WorkerApi>(worker);
  let end!: (error: WorkerError) => void;
  // A worker that fails to load or crashes never answers: fail the calls instead of waiting forever.
  const ended = new Promise<never>((_, reject) => {
    end = reject;
    worker.addEventListener('error', (e) => {
      reject(new WorkerError({ code: 'internal', file: '', message: `The background worker failed: ${e.message || 'it could not start'}` }));
    });
  });
  ended.catch(() => {});
  const watch = h5Watch(onH5Timeout);
  worker.addEventListener('message', (e: MessageEvent) => watch.message(e.data));
  ended.catch(() => watch.stop());
  // Calls wait for the worker's first message (worker.ts, after Comlink.expose). A module worker takes messages
  // as soon as its entry starts evaluating, but its graph holds a top-level await (tf-bundle's CRC32C
  // WebAssembly), so a call posted before the API was exposed met no listener and was lost.
  const ready = new Promise<void>((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if ((e.data as { graftReady?: boolean } | null)?.graftReady !== true) return;
      worker.removeEventListener('message', onMessage);
      resolve();
    };
    worker.addEventListener('message', onMessage);
  });
  return { worker, remote: Promise.race([ready.then(() => remote), ended]), ended, end };
}

/**
 * Resolves once the page has painted what it last drew. A pair of slots opens one after the other: the second's
 * listing (decoding it, drawing it) would otherwise take the main thread before the first side's canvas is ever
 * painted, and nothing would show until both were laid out. Two frames: React Flow shows its nodes in the frame
 * after it measured them.
 */
function afterPaint(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function' || typeof document === 'undefined' || document.hidden) return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

export function createWorkerClient(): GraftClient {
  /**
   * What each slot opened, to open again in a fresh worker: when HDF5 hangs inside WebAssembly the worker cannot be
   * interrupted, only terminated, and everything it held goes with it.
   */
  const opened: Record<SlotId, { files: FileRef[]; source: SlotSource } | null> = { old: null, new: null };
  let reopening: Promise<void> = Promise.resolve();
  const restart = (file: string) => {
    const stuck = current;
    stuck.end(new WorkerError({ code: 'corrupt', file, message: `${file}: ${h5TimeoutSentence()}` }));
    stuck.worker.terminate();
    current = startWorker(restart);
    const fresh = current;
    reopening = (async () => {
      for (const slot of ['old', 'new'] as const) {
        const o = opened[slot];
        if (o) await Promise.race([fresh.remote.then((r): Promise<unknown> => r.open(slot, o.files, o.source)), fresh.ended]).catch(() => undefined);
      }
    })();
  };
  let current = startWorker(restart);
  const call = async <T>(p: (r: Comlink.Remote<WorkerApi>) => Promise<Outcome<T>>): Promise<T> => {
    await reopening;
    const s = current;
    return unwrap(await Promise.race([s.remote.then(p), s.ended]));
  };
  return {
    route: (files, occupancy, into) => call((r) => r.route(files, occupancy, into)),
    open: async (slot, files, source) => {
      const wire = await call((r) => r.open(slot, files, source));
      await afterPaint();
      const result = decodeOpened(wire);
      opened[slot] = { files, source };
      return result;
    },
    swap: async () => {
      const result = decodeSwapped(await call((r) => r.swap()));
      [opened.old, opened.new] = [opened.new, opened.old];
      return result;
    },
    forget: async (slot) => {
      opened[slot] = null;
      await call((r) => r.forget(slot));
    },
    inspect: (slot, name, view, seed) => call((r) => r.inspect(slot, name, view, seed)),
    match: (recipe) => call((r) => r.match(recipe)),
    preview: (entry, view, seed, id) => call((r) => r.preview(entry, view, seed, id)),
    keepFunction: (recipe, options) => call((r) => r.keepFunction(recipe, options)),
    runExport: (req, onProgress) => call((r) => r.runExport(req, onProgress && Comlink.proxy(onProgress))),
    cancelExport: async () => (await current.remote).cancelExport(),
    checkExport: () => call((r) => r.checkExport()),
  };
}

/** The error as one sentence for the page, whatever was thrown. */
export function errorData(e: unknown): GraftErrorData {
  if (e instanceof WorkerError) return e.data;
  return { code: 'internal', file: '', message: `Unexpected failure: ${e instanceof Error ? e.message : String(e)}` };
}
