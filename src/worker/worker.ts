/// <reference lib="webworker" />
/** The worker: keeps what each slot opened and answers the page through comlink. Parsing never runs on the page. */
import * as Comlink from 'comlink';
import { toErrorData } from '../core/errors';
import { setH5Watchdog } from '../core/formats/keras-h5/watchdog';
import { loadRegexEngineFor } from '../core/mapping/safe-regex';
import { blobSource } from '../core/io/byte-source';
import type { Checkpoint } from '../core/model/checkpoint';
import { lazyExportMethods } from './export-lazy';
import { h5Reporter } from './h5-watch';
import { withReadCache } from './read-cache';
import { keepFunctionSlots, matchAhead, matchSlotsAhead, previewEntry } from './mapping';
import { type OpenedSlot, inspectSlot, openSlotSource, routeFiles, swapSlots, warmModelBuilder } from './slots';
import type { FileRef, Outcome, SlotId, WorkerApi } from './protocol';
import { type WireSlotOpened, encodeOpened } from './slot-wire';

const slots: Record<SlotId, OpenedSlot | null> = { old: null, new: null };
/** Opens are numbered per slot: only the latest one may replace the slot (the page ignores earlier answers too). */
const latest: Record<SlotId, number> = { old: 0, new: 0 };

/**
 * TF.js (for the layers build-fast.ts does not cover) loads a while after the first slot opened: the first view no
 * longer needs it, and its 1.6 MB took a core from the page while it drew. Not under the dev server, where it is a
 * large unminified module.
 */
const WARM_AFTER_MS = 2000;
let warmed = false;
function warmSoon(): void {
  if (warmed || !import.meta.env.PROD) return;
  warmed = true;
  setTimeout(warmModelBuilder, WARM_AFTER_MS);
}

async function attempt<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}

const sources = (files: FileRef[]) => files.map((f) => withReadCache(blobSource(f.path, f.file), f.file));

/** What crosses back: the slot without the worker's own objects, its variables by column (slot-wire.ts). */
const shown = (s: OpenedSlot | null): WireSlotOpened | null => s && encodeOpened({ candidates: s.candidates, candidateId: s.candidateId, data: s.data });

/** An HDF5 file stays mounted while open: close a checkpoint no slot holds any more. */
function release(c: Checkpoint | null | undefined): void {
  if (!c || slots.old?.checkpoint === c || slots.new?.checkpoint === c) return;
  c.close?.();
}

/**
 * The old slot's open while it runs. A new model asked for meanwhile opens after it: the page orders and lays out
 * the old side (the larger share of its work) while the worker builds the new model, instead of both at the end.
 */
let oldOpening: Promise<unknown> = Promise.resolve();

const api: WorkerApi = {
  route: (files, occupancy, into) => attempt(() => routeFiles(sources(files), occupancy, into)),
  open: (slot, files, source) => {
    const mine = ++latest[slot];
    const oldFirst = slot === 'new' ? oldOpening : null;
    const opening = attempt(async () => {
      if (oldFirst) await oldFirst;
      const opened = await openSlotSource(slot, sources(files), source);
      // Replaced only once the new one opened: a failed open leaves the previous one inspectable.
      if (mine === latest[slot]) {
        const before = slots[slot];
        slots[slot] = opened;
        release(before?.checkpoint);
        matchAhead(slots.old, slots.new);
      } else release(opened.checkpoint);
      warmSoon();
      return shown(opened)!;
    });
    if (slot === 'old') oldOpening = opening;
    return opening;
  },
  swap: () =>
    attempt(async () => {
      const swapped = await swapSlots(slots.old, slots.new);
      latest.old++;
      latest.new++;
      slots.old = swapped.old;
      slots.new = swapped.new;
      matchAhead(slots.old, slots.new);
      return { old: shown(swapped.old), new: shown(swapped.new) };
    }),
  forget: (slot) =>
    attempt(async () => {
      latest[slot]++;
      const before = slots[slot];
      slots[slot] = null;
      release(before?.checkpoint);
    }),
  inspect: (slot, name, view, seed) =>
    attempt(async () => {
      const opened = slots[slot];
      if (!opened) throw new Error(`nothing is open in the ${slot} slot`);
      return inspectSlot(opened, name, view, seed);
    }),
  match: (recipe) =>
    attempt(async () => {
      await loadRegexEngineFor(recipe);
      return matchSlotsAhead(slots.old, slots.new, recipe);
    }),
  preview: (entry, view, seed, id) => attempt(() => previewEntry(slots.old, slots.new, entry, view, seed, id)),
  keepFunction: (recipe, options) =>
    attempt(async () => {
      await loadRegexEngineFor(recipe);
      return keepFunctionSlots(slots.old, slots.new, recipe, options);
    }),
  // Export: runExport / cancelExport (src/worker/export.ts).
  ...lazyExportMethods(() => slots),
};

// HDF5 work tells the page it runs: a hang inside WebAssembly is ended by the page terminating this worker.
setH5Watchdog(h5Reporter((message) => self.postMessage(message)));
Comlink.expose(api);
// Tells the page the API listens: calls posted while a module worker still loads its chunks were seen to get lost.
self.postMessage({ graftReady: true });
