import type { StateCreator } from 'zustand';
import { type GraftClient, errorData } from '../worker/client';
import type { GraftState, InspectSlice } from './types';

const IDLE = { status: 'idle', name: null, result: null, error: null } as const;

export const inspectSlice =
  (client: GraftClient): StateCreator<GraftState, [], [], InspectSlice> =>
  (set, get) => {
    let request = 0;
    const run = async (name: string | null) => {
      const mine = ++request;
      if (name === null) {
        set({ inspection: IDLE });
        return;
      }
      set((s) => ({ inspection: { status: 'loading', name, result: s.inspection.name === name ? s.inspection.result : null, error: null } }));
      try {
        const result = await client.inspect(name, get().view);
        // A later selection wins: an answer for an earlier one is dropped.
        if (mine === request) set({ inspection: { status: 'ready', name, result, error: null } });
      } catch (e) {
        if (mine === request) set({ inspection: { status: 'error', name, result: null, error: errorData(e) } });
      }
    };
    return {
      selected: null,
      view: { kernel: { mode: 'flat' } },
      inspection: IDLE,
      select(name) {
        set({ selected: name, view: { kernel: { mode: 'flat' } } });
        void run(name);
      },
      setKernelView(kernel) {
        set({ view: { kernel } });
        void run(get().selected);
      },
    };
  };
