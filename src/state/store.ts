/** One store from slices; components read it through selectors (`useGraft((s) => s.slots.old.data)`). */
import { create } from 'zustand';
import { type GraftClient, createWorkerClient } from '../worker/client';
import { inspectSlice } from './inspect-slice';
import { slotsSlice } from './slots-slice';
import type { GraftState } from './types';
import { uiSlice } from './ui-slice';

export type { GraftState } from './types';

export function createGraftStore(client: GraftClient) {
  return create<GraftState>()((...a) => ({
    ...slotsSlice(client)(...a),
    ...inspectSlice(client)(...a),
    ...uiSlice(...a),
  }));
}

/** The worker starts on the first call, not when this module loads (tests import the store without a DOM). */
function lazyWorkerClient(): GraftClient {
  let client: GraftClient | null = null;
  const get = () => (client ??= createWorkerClient());
  return {
    route: (files, occupancy, into) => get().route(files, occupancy, into),
    open: (slot, files, source) => get().open(slot, files, source),
    swap: () => get().swap(),
    inspect: (slot, name, view, seed) => get().inspect(slot, name, view, seed),
  };
}

export const useGraft = createGraftStore(lazyWorkerClient());
