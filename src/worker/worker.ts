/// <reference lib="webworker" />
/** The worker: keeps the opened checkpoint and answers the page through comlink. Parsing never runs on the page. */
import * as Comlink from 'comlink';
import { toErrorData } from '../core/errors';
import { blobSource } from '../core/io/byte-source';
import type { Checkpoint } from '../core/model/checkpoint';
import { listCandidates, openCheckpoint } from '../core/formats/registry';
import { inspectTensor } from './inspect-tensor';
import type { CheckpointData, Outcome, WorkerApi } from './protocol';

let current: Checkpoint | null = null;
/** Opens are numbered: only the latest one may replace `current` (the page ignores earlier answers too). */
let latestOpen = 0;

async function attempt<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}

function plain(c: Checkpoint): CheckpointData {
  return {
    format: c.format,
    label: c.label,
    files: [...c.files],
    warnings: [...c.warnings],
    tensors: c.tensors.map((t) => ({
      name: t.name, dtype: t.dtype, shape: [...t.shape], byteLength: t.byteLength, kind: t.kind, group: t.group,
      ...(t.path !== undefined ? { path: t.path } : {}),
      ...(t.originalName !== undefined ? { originalName: t.originalName } : {}),
      ...(t.trainable !== undefined ? { trainable: t.trainable } : {}),
    })),
  };
}

const api: WorkerApi = {
  open: (files, candidateId) => {
    const mine = ++latestOpen;
    return attempt(async () => {
      const sources = files.map((f) => blobSource(f.path, f.file));
      const candidates = (await listCandidates(sources)).map((c) => ({ ...c, files: [...c.files] }));
      const chosen = candidateId ?? candidates.find((c) => c.isDefault)?.id ?? candidates[0]?.id;
      const checkpoint = await openCheckpoint(sources, chosen);
      // Replaced only once the new one opened: a failed open leaves the previous checkpoint inspectable.
      if (mine === latestOpen) current = checkpoint;
      return { candidates, candidateId: chosen ?? '', checkpoint: plain(checkpoint) };
    });
  },
  inspect: (name, view) =>
    attempt(async () => {
      if (!current) throw new Error('no checkpoint is open');
      return inspectTensor(current, name, view);
    }),
};

Comlink.expose(api);
