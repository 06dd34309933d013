/** One store from slices; components read it through selectors (`useGraft((s) => s.filter)`). */
import { create } from 'zustand';
import { type GraftClient, createWorkerClient } from '../worker/client';
import { checkpointSlice } from './checkpoint-slice';
import { inspectSlice } from './inspect-slice';
import type { GraftState } from './types';
import { uiSlice } from './ui-slice';

export type { GraftState } from './types';

export function createGraftStore(client: GraftClient) {
  return create<GraftState>()((...a) => ({
    ...checkpointSlice(client)(...a),
    ...inspectSlice(client)(...a),
    ...uiSlice(...a),
  }));
}

/** The worker starts on the first call, not when this module loads (tests import the store without a DOM). */
function lazyWorkerClient(): GraftClient {
  let client: GraftClient | null = null;
  const get = () => (client ??= createWorkerClient());
  return {
    open: (files, candidateId) => get().open(files, candidateId),
    inspect: (name, view) => get().inspect(name, view),
  };
}

export const useGraft = createGraftStore(lazyWorkerClient());
