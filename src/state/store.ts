/** One store from slices; components read it through selectors (`useGraft((s) => s.slots.old.data)`). */
import { create } from 'zustand';
import { temporal } from 'zundo';
import type { GraftClient } from '../worker/client';
import { canvasSlice } from './canvas-slice';
import { workerClient as sharedClient } from './early';
import { exportSlice } from './export-slice';
import { inspectSlice } from './inspect-slice';
import { idbStorage, type RecipeStorage, warmStorage } from './persist';
import { previewSlice } from './preview-slice';
import { type History, recipeSlice } from './recipe-slice';
import type { StoreApi } from 'zustand';
import { SAVED_WORK_KEY, savedWorkOf } from './saved-work';
import { slotsSlice } from './slots-slice';
import type { GraftState } from './types';
import { uiSlice } from './ui-slice';

export type { GraftState } from './types';

/** Saves wait this long after the last edit: a burst of edits is one write. */
const SAVE_DELAY_MS = 250;

export function createGraftStore(client: GraftClient, storage: RecipeStorage = idbStorage) {
  let history: StoreApi<History> | null = null;
  const store = create<GraftState>()(
    temporal(
      (...a) => ({
        ...slotsSlice(client, storage)(...a),
        ...inspectSlice(client)(...a),
        ...uiSlice(...a),
        ...recipeSlice(client, storage, () => history!)(...a),
        ...canvasSlice(...a),
        ...previewSlice(client)(...a),
        ...exportSlice(client)(...a),
      }),
      // Only the recipe has history: undo/redo walk the person's edits, never the view.
      { partialize: (s) => ({ recipe: s.recipe }), equality: (a, b) => a.recipe === b.recipe, limit: 500 },
    ),
  );
  history = store.temporal;
  // Both slots filled or changed: restore or match the recipe for exactly these inputs.
  store.subscribe((s, prev) => {
    if (s.slots.old !== prev.slots.old || s.slots.new !== prev.slots.new) {
      const ready = (x: typeof s.slots.old) => (x.status === 'ready' ? x.data : null);
      if (ready(s.slots.old) !== ready(prev.slots.old) || ready(s.slots.new) !== ready(prev.slots.new)) void s.syncRecipe();
    }
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  store.subscribe((s, prev) => {
    if (s.recipe === prev.recipe || !s.recipe || !s.recipeKey) return;
    const { recipe, recipeKey } = s;
    clearTimeout(timer);
    timer = setTimeout(() => {
      // Start over (or other files) came first: this recipe is no longer theirs to save.
      if (store.getState().recipeKey !== recipeKey) return;
      const work = savedWorkOf(store.getState().slots, recipeKey, recipe);
      // A failed save only loses the restore on the next visit; `savedRecipe` then stays behind `recipe`.
      Promise.resolve()
        .then(() => storage.save(recipeKey, recipe))
        .then(() => work && storage.save(SAVED_WORK_KEY, work))
        .then(() => store.setState({ savedRecipe: recipe }), () => undefined);
    }, SAVE_DELAY_MS);
  });
  // The saved work is open again: the note saying which files to drop has done its job.
  store.subscribe((s) => {
    if (s.savedWork && s.recipeKey === s.savedWork.key) store.setState({ savedWork: null });
  });
  return store;
}

/** The worker starts on the first call, not when this module loads (tests import the store without a DOM). */
function lazyWorkerClient(): GraftClient & { warm(): void } {
  let client: GraftClient | null = null;
  const get = () => (client ??= sharedClient());
  return {
    warm: () => void get(),
    route: (files, occupancy, into) => get().route(files, occupancy, into),
    open: (slot, files, source) => get().open(slot, files, source),
    swap: () => get().swap(),
    forget: (slot) => get().forget(slot),
    inspect: (slot, name, view, seed) => get().inspect(slot, name, view, seed),
    match: (recipe) => get().match(recipe),
    preview: (entry, view, seed, id) => get().preview(entry, view, seed, id),
    keepFunction: (recipe, options) => get().keepFunction(recipe, options),
    runExport: (req, onProgress) => get().runExport(req, onProgress),
    cancelExport: () => get().cancelExport(),
    checkExport: () => get().checkExport(),
  };
}

const workerClient = lazyWorkerClient();
export const useGraft = createGraftStore(workerClient);

/**
 * Starts the worker and opens the recipe database while the page is idle, before the first drop: the worker's
 * modules load in ~0.15–0.3 s, time the first drop would otherwise wait.
 */
export function warmUp(): void {
  workerClient.warm();
  warmStorage();
}
/** Undo/redo of the recipe: `useGraft.temporal.getState().undo()`. */
export const recipeHistory = useGraft.temporal;
