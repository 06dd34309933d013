import type { StateCreator } from 'zustand';
import { type GraftClient, errorData } from '../worker/client';
import type { GraftState, PreviewSlice } from './types';

const IDLE = { status: 'idle', key: '', result: null, error: null } as const;

/** Before/after values of the selected link, from the worker, for the latest request only. */
export const previewSlice =
  (client: GraftClient): StateCreator<GraftState, [], [], PreviewSlice> =>
  (set, get) => {
    let request = 0;
    return {
      preview: IDLE,
      requestPreview(entry) {
        if (!entry) {
          request++;
          set({ preview: IDLE });
          return;
        }
        // The same 2-D view of 4-D kernels as the variable panel: one choice of slice for both.
        const view = get().view;
        const seed = get().recipe?.seed ?? 0;
        const key = JSON.stringify([entry.to, entry.status, entry.from, entry.transforms, entry.fill ?? '', seed, view.kernel]);
        // Asked again for what is shown or on its way: the request in flight stays the latest, so its answer lands.
        if (get().preview.key === key && get().preview.status !== 'error') return;
        const mine = ++request;
        set((s) => ({ preview: { status: 'loading', key, result: s.preview.result, error: null } }));
        client.preview(entry, view, seed, mine).then(
          (result) => {
            if (mine === request) set({ preview: { status: 'ready', key, result, error: null } });
          },
          (e) => {
            const error = errorData(e);
            // A request cancelled by a later one says nothing.
            if (mine === request && error.code !== 'cancelled') set({ preview: { status: 'error', key, result: null, error } });
          },
        );
      },
    };
  };
