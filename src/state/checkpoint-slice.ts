import type { StateCreator } from 'zustand';
import type { TensorInfo } from '../core/model/checkpoint';
import { type GraftClient, errorData } from '../worker/client';
import { fetchExample } from './example';
import type { CheckpointSlice, GraftState } from './types';

/** The variable shown first: the first weight drawn as a grid, else the first weight, else anything. */
export function firstToShow(tensors: readonly TensorInfo[]): string | null {
  const weights = tensors.filter((t) => t.kind === 'weight' && t.dtype !== 'string');
  return (weights.find((t) => t.shape.length >= 2) ?? weights[0] ?? tensors[0])?.name ?? null;
}

export const checkpointSlice =
  (client: GraftClient): StateCreator<GraftState, [], [], CheckpointSlice> =>
  (set, get) => {
    let generation = 0;
    return {
      status: 'idle',
      files: [],
      origin: null,
      candidates: [],
      candidateId: '',
      checkpoint: null,
      error: null,

      async openFiles(files, opts = {}) {
        const mine = ++generation;
        set({ status: 'opening', error: null });
        try {
          const opened = await client.open(files, opts.candidateId);
          if (mine !== generation) return;
          set({
            status: 'ready',
            files,
            origin: opts.origin ?? 'files',
            candidates: opened.candidates,
            candidateId: opened.candidateId,
            checkpoint: opened.checkpoint,
            filter: '',
            collapsed: {},
          });
          get().select(firstToShow(opened.checkpoint.tensors));
        } catch (e) {
          if (mine !== generation) return;
          // What was loaded before stays: the worker keeps its checkpoint when an open fails.
          set({ status: get().checkpoint ? 'ready' : 'idle', error: errorData(e) });
        }
      },

      async chooseCandidate(id) {
        const { files, origin } = get();
        if (files.length === 0) return;
        await get().openFiles(files, { candidateId: id, origin: origin ?? 'files' });
      },

      async loadExample({ quiet = false } = {}) {
        const before = generation;
        try {
          const example = await fetchExample();
          // On the first visit, files the person opened meanwhile win over the example.
          if (quiet && generation !== before) return;
          if (example) await get().openFiles(example.files, { origin: 'example' });
          else if (!quiet) {
            set({ error: { code: 'missing-file', file: '', message: 'This build has no built-in example: run `npm run example` and rebuild.' } });
          }
        } catch (e) {
          set({ error: { code: 'missing-file', file: '', message: `The built-in example could not be loaded: ${e instanceof Error ? e.message : String(e)}` } });
        }
      },

      dismissError: () => set({ error: null }),
    };
  };
