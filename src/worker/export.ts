/**
 * The page's export, worker side: `exportCheckpoint` (the engine `graft apply` runs) over the two slots, into a
 * folder the person picked (File System Access API) or one Blob — the file itself where the format has one, else a
 * stored zip (ZIP64 past 4 GB). Progress goes back through a comlink-proxied callback; `cancel` aborts the run, and a
 * failed or cancelled run keeps nothing. `checkExport` then re-opens what was written and checks every variable.
 */
import { toErrorData, GraftError } from '../core/errors';
import type { Progress } from '../core/engine/execute';
import { exportCheckpoint } from '../core/engine/export';
import { PartsFolder, ZipFolder } from '../core/engine/zip-folder';
import { blobSource, type ByteSource } from '../core/io/byte-source';
import { entryDataOffset, readZipDirectory } from '../core/io/zip';
import type { Plan } from '../core/mapping';
import type { TargetModel } from '../core/model/target-model';
import { DirectoryFolder } from './folder-output';
import { type SelfCheck, selfCheck, TensorTap } from './self-check';
import { pythonScript } from '../core/export/python';
import { howToLoad } from '../core/formats/how-to-load';
import { outputFileName, type OutputFormat } from '../core/formats/writers';
import { indexFileName } from '../core/formats/safetensors/sharded';
import { planShards } from '../core/formats/shard-plan';
import { targetForFormat } from '../core/engine/export-plan';
import { ELEMENT_SIZE, elementCount } from '../core/model/dtypes';
import type { PlanSummary, Recipe } from '../core/mapping';
import { bestBackend } from './backend';
import type { OpenedSlot } from './slots';
import type { Outcome, SlotId } from './protocol';

export interface ExportRequest {
  format: OutputFormat;
  recipe: Recipe;
  /** Incompatible links stop the export ('refuse') or their variables are initialised, as the person chose. */
  incompatible: 'refuse' | 'initialise';
  /** Base name of the output (default `merged`). */
  name?: string;
  /** tf and safetensors: shards of at most this many bytes (as `graft apply --max-shard-size`). */
  maxShardBytes?: number;
  /** Write the files into this folder (picked with `showDirectoryPicker`) instead of a download Blob. */
  folder?: FileSystemDirectoryHandle;
}

export interface ExportProgress extends Progress {
  /** The TF.js backend, once chosen. */
  backend: string | null;
}

export interface ExportDone {
  /** The download; null when the files went into a folder. */
  blob: Blob | null;
  /** The download's name (the file itself, or `<name>-<format>.zip`), or the folder's name. */
  fileName: string;
  /** Where the output went: a download, or the folder the person picked. */
  destination: 'download' | 'folder';
  /** Bytes written: the download's size, or the folder's files together. */
  size: number;
  /** The files inside (one for single-file formats). */
  files: string[];
  summary: PlanSummary;
  variables: number;
  bytes: number;
  seconds: number;
  /** The TF.js backend that ran arithmetic, or null when no variable needed any. */
  backendUsed: string | null;
  /** The backend started for arithmetic (with `backendNotes` on those passed over); null when nothing needed any. */
  backend: string | null;
  backendNotes: string[];
  /** A Python script (TensorFlow + NumPy) that does the same mapping without Graft. */
  python: string;
  /** What the writer changed or left out to fit the format, one sentence each. */
  notes: readonly string[];
  /** The line of code that loads the download into the new model. */
  loadLine: string;
}

export interface ExportMethods {
  runExport(req: ExportRequest, onProgress?: (p: ExportProgress) => void): Promise<Outcome<ExportDone>>;
  /** Stops the running export; its run answers with a `cancelled` error and no Blob. */
  cancelExport(): Promise<void>;
  /** Re-opens the last export's output with Graft's reader and checks every variable's bytes against what was written. */
  checkExport(): Promise<Outcome<SelfCheck>>;
}

export type { SelfCheck };

/** What `checkExport` needs of the last export: its files, its plan, the bytes the tap saw and where the writer stored them. */
interface Written {
  sources: () => Promise<ByteSource[]>;
  plan: Plan;
  tap: TensorTap;
  /** The key the writer stored each variable under. */
  storedKeys: ReadonlyMap<string, string>;
}

/** The members of a stored zip Blob, each as the Blob range of its bytes (found through its central directory). */
async function zipMembers(zip: Blob): Promise<ByteSource[]> {
  const source = blobSource('export.zip', zip);
  const entries = await readZipDirectory(source);
  return Promise.all(
    entries.map(async (e) => {
      const at = await entryDataOffset(source, e);
      return blobSource(e.name, zip.slice(at, at + e.size));
    }),
  );
}

/** Progress at most this often: every message costs the page a render. */
const PROGRESS_EVERY_MS = 100;

const SINGLE_FILE: Record<OutputFormat, boolean> = { tf: false, tfjs: false, keras: true, 'keras-legacy': true, safetensors: true, pytorch: true };

/** Whether a safetensors export limited to `maxShardBytes` makes several files (the writer's own split of them). */
function safetensorsShards(target: TargetModel, maxShardBytes: number): number {
  const variables = targetForFormat(target, 'safetensors').variables;
  return planShards(variables.map((v) => ({ name: v.name, bytes: elementCount(v.shape) * ELEMENT_SIZE[v.dtype] })), maxShardBytes).count;
}

export async function runExport(
  old: OpenedSlot | null,
  neu: OpenedSlot | null,
  req: ExportRequest,
  signal: AbortSignal,
  onProgress?: (p: ExportProgress) => void,
  onWritten?: (w: Written) => void,
): Promise<ExportDone> {
  if (!old?.checkpoint) throw new GraftError('usage', '', 'there is no old checkpoint to export from — open one in the Old slot');
  // The slot's own TargetModel: the one its lists, matching and previews show.
  const target = neu?.target;
  if (!neu || !target) throw new GraftError('usage', '', 'there is no new model to export — open one in the New slot');
  const name = req.name ?? 'merged';
  // Sharded safetensors is several files (shards + index), so it goes to the zip or the folder; all in one shard, the
  // writer makes the one plain file, as HF does.
  const sharded = req.format === 'safetensors' && req.maxShardBytes !== undefined && safetensorsShards(target, req.maxShardBytes) > 1;
  const single = SINGLE_FILE[req.format] && !sharded;
  const folder = req.folder ? new DirectoryFolder(req.folder) : null;
  const parts = !folder && single ? new PartsFolder() : null;
  const zip = !folder && !single ? new ZipFolder(`${name}-${req.format}.zip`) : null;
  const tap = await TensorTap.create();
  // TF.js loads only when an entry needs arithmetic: starting a backend costs seconds of CPU and GPU-process memory
  // that an export of copies (the common case) would pay beside its reads for nothing.
  let backend: ReturnType<typeof bestBackend> | null = null;
  let backendName: string | null = null;
  const startBackend = () => {
    backend ??= bestBackend();
    void backend.then((b) => (backendName = b.name), () => undefined);
    return backend;
  };
  let last = 0;
  let outcome: Awaited<ReturnType<typeof exportCheckpoint>>;
  try {
    outcome = await exportCheckpoint({
      old: old.checkpoint,
      target,
      recipe: req.recipe,
      format: req.format,
      out: (folder ?? parts ?? zip)!,
      name: req.format === 'tf' ? `${name}.ckpt` : name,
      signal,
      incompatible: req.incompatible,
      ...(req.maxShardBytes !== undefined && { maxShardBytes: req.maxShardBytes }),
      onTensor: tap.onTensor,
      ops: async () => (await startBackend()).ops,
      onProgress: (p) => {
        const now = performance.now();
        if (!onProgress || (now - last < PROGRESS_EVERY_MS && p.variablesDone < p.variablesTotal)) return;
        last = now;
        // A comlink proxy answers with a promise; a page that went away must not fail the export.
        void Promise.resolve()
          .then(() => onProgress({ ...p, backend: backendName }))
          .catch(() => undefined);
      },
    });
    if (signal.aborted) throw new GraftError('cancelled', '', 'the export was cancelled; no output was kept');
  } catch (e) {
    await folder?.discard();
    throw e;
  }
  const { plan, result, notes, storedKeys } = outcome;
  const blob = parts ? parts.file(outputFileName(req.format, name)) : zip ? await zip.finish() : null;
  const folderSources = folder ? await folder.sources() : [];
  const sources = folder ? async () => folder.sources() : parts ? async () => [...parts.files].map(([p, b]) => blobSource(p, b)) : async () => zipMembers(blob!);
  onWritten?.({ sources, plan, tap, storedKeys });
  // Assigned inside startBackend, which TypeScript does not follow.
  const started = backend as ReturnType<typeof bestBackend> | null;
  const chosen = started ? await started.catch(() => null) : null;
  const python = await pythonScript(req.recipe, plan, target, old.checkpoint.tensors, {
    format: req.format,
    oldPath: old.checkpoint.label.replace(/\.index$/, ''),
    oldFormat: old.checkpoint.format,
    newPath: (neu.checkpoint?.label ?? target.label).replace(/\.index$/, ''),
    // The script writes one unsharded file where the page wrote shards (same tensors, same bytes).
    outPath: req.format === 'tf' ? `${name}.ckpt` : SINGLE_FILE[req.format] ? outputFileName(req.format, name) : name,
  });
  return {
    blob,
    fileName: folder ? req.folder!.name : parts ? outputFileName(req.format, name) : `${name}-${req.format}.zip`,
    destination: folder ? 'folder' : 'download',
    size: blob ? blob.size : folderSources.reduce((n, f) => n + f.size, 0),
    files: folder ? [...folder.names] : parts ? [...parts.files.keys()] : zip!.names,
    summary: plan.summary,
    variables: result.variables,
    bytes: result.bytes,
    seconds: result.seconds,
    backendUsed: result.backend,
    backend: chosen?.name ?? null,
    backendNotes: chosen?.notes ?? [],
    python,
    notes,
    loadLine: howToLoad(req.format, target, req.format === 'tf' ? `${name}.ckpt` : sharded ? indexFileName(outputFileName(req.format, name)) : outputFileName(req.format, name)),
  };
}

/** The worker's export calls, over its slots: one export at a time. */
export function exportMethods(slots: () => Record<SlotId, OpenedSlot | null>): ExportMethods {
  let running: AbortController | null = null;
  let written: Written | null = null;
  return {
    async runExport(req, onProgress) {
      running?.abort();
      const controller = new AbortController();
      running = controller;
      written = null;
      try {
        const s = slots();
        return { ok: true, value: await runExport(s.old, s.new, req, controller.signal, onProgress, (w) => (written = w)) };
      } catch (e) {
        return { ok: false, error: toErrorData(e) };
      } finally {
        if (running === controller) running = null;
      }
    },
    async cancelExport() {
      running?.abort();
    },
    async checkExport() {
      const w = written;
      if (!w) return { ok: false, error: { code: 'usage', file: '', message: 'there is no finished export to check' } };
      try {
        return { ok: true, value: await selfCheck(await w.sources(), w.plan, w.storedKeys, w.tap) };
      } catch (e) {
        return { ok: false, error: toErrorData(e) };
      }
    },
  };
}
