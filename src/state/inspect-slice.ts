import type { StateCreator } from 'zustand';
import { type GraftClient, errorData } from '../worker/client';
import type { GraftState, InspectSlice, Selection } from './types';

const IDLE = { status: 'idle', selection: null, result: null, error: null } as const;

export const sameSelection = (a: Selection | null, b: Selection | null): boolean =>
  a === b || (a !== null && b !== null && a.slot === b.slot && a.name === b.name);

export const inspectSlice =
  (client: GraftClient): StateCreator<GraftState, [], [], InspectSlice> =>
  (set, get) => {
    let request = 0;
    const run = async (selection: Selection | null) => {
      const mine = ++request;
      if (selection === null) {
        set({ inspection: IDLE });
        return;
      }
      set((s) => ({
        inspection: { status: 'loading', selection, result: sameSelection(s.inspection.selection, selection) ? s.inspection.result : null, error: null },
      }));
      try {
        const result = await client.inspect(selection.slot, selection.name, get().view, get().seed);
        // A later selection wins: an answer for an earlier one is dropped.
        if (mine === request) set({ inspection: { status: 'ready', selection, result, error: null } });
      } catch (e) {
        if (mine === request) set({ inspection: { status: 'error', selection, result: null, error: errorData(e) } });
      }
    };
    return {
      selected: null,
      view: { kernel: { mode: 'flat' } },
      inspection: IDLE,
      seed: 0,
      select(selection) {
        set({ selected: selection, view: { kernel: { mode: 'flat' } } });
        void run(selection);
      },
      setKernelView(kernel) {
        set({ view: { kernel } });
        void run(get().selected);
      },
    };
  };
