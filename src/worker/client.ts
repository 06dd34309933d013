/** The page's only way to the worker: typed calls that resolve with results or reject with a WorkerError. */
import * as Comlink from 'comlink';
import type { GraftErrorData } from '../core/errors';
import type { KeepFunctionOptions, KeepFunctionResult, PlanEntry, Recipe } from '../core/mapping';
import type { ExportDone, ExportProgress, ExportRequest } from './export';
import type {
  FileRef, InspectResult, Matched, Occupancy, Outcome, PreviewResult, RouteResult, SlotId, SlotOpened, SlotSource, Swapped, ViewOptions, WorkerApi,
} from './protocol';

export type {
  CandidateData, Choice, ExportDone, MatchFacts, Matched, ExportProgress, ExportRequest, FileRef, InspectResult, Occupancy, PreviewResult, RoutePlan, RouteResult, SlotData, SlotId, SlotOpened, SlotSource, Swapped,
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
  inspect(slot: SlotId, name: string, view: ViewOptions, seed: number): Promise<InspectResult>;
  match(recipe: Recipe): Promise<Matched>;
  preview(entry: PlanEntry, view: ViewOptions, seed: number, id: number): Promise<PreviewResult>;
  /** The keep-the-function links for `recipe` (optional: test doubles leave it out). */
  keepFunction?(recipe: Recipe, options: KeepFunctionOptions): Promise<KeepFunctionResult>;
  /** Writes the merged checkpoint in the worker; progress comes back through `onProgress`. */
  runExport(req: ExportRequest, onProgress?: (p: ExportProgress) => void): Promise<ExportDone>;
  cancelExport(): Promise<void>;
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new WorkerError(outcome.error);
}

export function createWorkerClient(): GraftClient {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'graft' });
  const remote = Comlink.wrap<WorkerApi>(worker);
  // A worker that fails to load or crashes never answers: fail the calls instead of waiting forever.
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => {
      reject(new WorkerError({ code: 'internal', file: '', message: `The background worker failed: ${e.message || 'it could not start'}` }));
    });
  });
  crashed.catch(() => {});
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
  const remoteReady = async () => (await Promise.race([ready, crashed]), remote);
  const call = async <T>(p: (r: typeof remote) => Promise<Outcome<T>>): Promise<T> => unwrap(await Promise.race([remoteReady().then(p), crashed]));
  return {
    route: (files, occupancy, into) => call((r) => r.route(files, occupancy, into)),
    open: (slot, files, source) => call((r) => r.open(slot, files, source)),
    swap: () => call((r) => r.swap()),
    inspect: (slot, name, view, seed) => call((r) => r.inspect(slot, name, view, seed)),
    match: (recipe) => call((r) => r.match(recipe)),
    preview: (entry, view, seed, id) => call((r) => r.preview(entry, view, seed, id)),
    keepFunction: (recipe, options) => call((r) => r.keepFunction(recipe, options)),
    runExport: (req, onProgress) => call((r) => r.runExport(req, onProgress && Comlink.proxy(onProgress))),
    cancelExport: async () => (await remoteReady()).cancelExport(),
  };
}

/** The error as one sentence for the page, whatever was thrown. */
export function errorData(e: unknown): GraftErrorData {
  if (e instanceof WorkerError) return e.data;
  return { code: 'internal', file: '', message: `Unexpected failure: ${e instanceof Error ? e.message : String(e)}` };
}
