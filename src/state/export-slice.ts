/**
 * The export, page side: the panel's choices, the worker's progress, and the finished output — a download (object
 * URL) or a folder the person picked — with the recipe and the Python script as object URLs, then the worker's
 * self-check of what was written. A failed or cancelled export leaves no URL behind; every URL is revoked when a new
 * export starts or the panel forgets the result.
 */
import type { StateCreator } from 'zustand';
import type { GraftErrorData } from '../core/errors';
import { parseShardSize } from '../core/formats/shard-plan';
import { SHARDABLE_FORMATS, type OutputFormat } from '../core/formats/output-formats';
import { type GraftClient, errorData, type ExportProgress, type SelfCheck } from '../worker/client';
import type { GraftState } from './types';

export interface ExportOutcome {
  /** The download's object URL; null when the files went into a folder. */
  url: string | null;
  destination: 'download' | 'folder';
  /** The download's name, or the folder's. */
  fileName: string;
  size: number;
  files: string[];
  variables: number;
  bytes: number;
  /** The worker's time, and the page's from Start to the download being ready. */
  seconds: number;
  wallSeconds: number;
  backend: string | null;
  backendUsed: string | null;
  backendNotes: string[];
  /** What the writer changed or left out to fit the format, and the line of code that loads the download. */
  notes: readonly string[];
  loadLine: string;
  recipeUrl: string;
  pythonUrl: string;
  /** Kept for "Save to disk…" (File System Access API); null for a folder. */
  blob: Blob | null;
  /** The worker's re-read of the output: null while it runs; an error sentence if it could not run. */
  check: SelfCheck | null;
  checkError: string | null;
}

export interface ExportState {
  open: boolean;
  format: OutputFormat;
  /** A download, or files written into a folder the person picks at Start (where the browser can). */
  destination: 'download' | 'folder';
  /** tf and safetensors: "max shard size" as typed (`500MB`, `2GiB`, bytes); empty for one file/shard. */
  maxShardSize: string;
  /** Incompatible links: initialise their variables instead of refusing (the person must choose it). */
  initialiseIncompatible: boolean;
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  progress: ExportProgress | null;
  result: ExportOutcome | null;
  error: GraftErrorData | null;
}

export interface ExportSlice {
  exporting: ExportState;
  setExportOpen(open: boolean): void;
  setExportFormat(format: OutputFormat): void;
  setExportDestination(destination: 'download' | 'folder'): void;
  setInitialiseIncompatible(on: boolean): void;
  setExportMaxShardSize(text: string): void;
  /** Starts the export: into `folder` (from `showDirectoryPicker`) when given, else as a download. */
  startExport(folder?: FileSystemDirectoryHandle): Promise<void>;
  stopExport(): void;
}

/**
 * The shard limit `text` asks for, as `graft apply --max-shard-size` reads it: none when empty or the format has no
 * shards, else its bytes, or why it is not a size.
 */
export function shardLimit(format: OutputFormat, text: string): { bytes?: number; error?: string } {
  if (!SHARDABLE_FORMATS.includes(format) || text.trim() === '') return {};
  try {
    return { bytes: parseShardSize(text) };
  } catch {
    return { error: `A shard size is a number of bytes or a number with a unit (500MB, 2GB, 5GiB), not ${JSON.stringify(text.trim())}.` };
  }
}

const revoke = (r: ExportOutcome | null) => {
  if (!r) return;
  if (r.url) URL.revokeObjectURL(r.url);
  URL.revokeObjectURL(r.recipeUrl);
  URL.revokeObjectURL(r.pythonUrl);
};

export const exportSlice =
  (client: GraftClient): StateCreator<GraftState, [], [], ExportSlice> =>
  (set, get) => {
    let generation = 0;
    const patch = (p: Partial<ExportState>) => set((s) => ({ exporting: { ...s.exporting, ...p } }));
    return {
      exporting: { open: false, format: 'tf', destination: 'download', maxShardSize: '', initialiseIncompatible: false, status: 'idle', progress: null, result: null, error: null },
      setExportOpen: (open) => patch({ open }),
      setExportFormat: (format) => {
        if (get().exporting.status === 'running') return;
        revoke(get().exporting.result);
        patch({ format, result: null, status: 'idle', error: null });
      },
      setExportDestination: (destination) => {
        if (get().exporting.status !== 'running') patch({ destination });
      },
      setInitialiseIncompatible: (on) => patch({ initialiseIncompatible: on }),
      setExportMaxShardSize: (maxShardSize) => {
        if (get().exporting.status !== 'running') patch({ maxShardSize });
      },
      async startExport(folder) {
        const { recipe, exporting } = get();
        const shards = shardLimit(exporting.format, exporting.maxShardSize);
        if (!recipe || exporting.status === 'running' || shards.error) return;
        const mine = ++generation;
        revoke(exporting.result);
        patch({ status: 'running', progress: null, result: null, error: null });
        const started = performance.now();
        try {
          const done = await client.runExport(
            {
              format: exporting.format,
              recipe,
              incompatible: exporting.initialiseIncompatible ? 'initialise' : 'refuse',
              ...(shards.bytes !== undefined && { maxShardBytes: shards.bytes }),
              ...(folder && { folder }),
            },
            (p) => {
              if (mine === generation && get().exporting.status === 'running') patch({ progress: p });
            },
          );
          if (mine !== generation) return;
          const json = (v: unknown) => new Blob([JSON.stringify(v, null, 2) + '\n'], { type: 'application/json' });
          patch({
            status: 'done',
            result: {
              url: done.blob ? URL.createObjectURL(done.blob) : null,
              destination: done.destination,
              fileName: done.fileName,
              size: done.size,
              files: done.files,
              variables: done.variables,
              bytes: done.bytes,
              seconds: done.seconds,
              wallSeconds: (performance.now() - started) / 1000,
              backend: done.backend,
              backendUsed: done.backendUsed,
              backendNotes: done.backendNotes,
              notes: done.notes,
              loadLine: done.loadLine,
              recipeUrl: URL.createObjectURL(json(recipe)),
              pythonUrl: URL.createObjectURL(new Blob([done.python], { type: 'text/x-python' })),
              blob: done.blob,
              check: null,
              checkError: null,
            },
          });
          // The self-check runs once the output is there to download: it reads it back in the worker.
          const checked = await client.checkExport().then(
            (check) => ({ check, checkError: null }),
            (e: unknown) => ({ check: null, checkError: errorData(e).message }),
          );
          const now = get().exporting;
          if (mine === generation && now.result) patch({ result: { ...now.result, ...checked } });
        } catch (e) {
          if (mine !== generation) return;
          const error = errorData(e);
          patch({ status: error.code === 'cancelled' ? 'cancelled' : 'error', error, progress: null });
        }
      },
      stopExport() {
        if (get().exporting.status !== 'running') return;
        void client.cancelExport();
      },
    };
  };
