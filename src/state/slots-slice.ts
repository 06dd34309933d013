import { fileParts } from './fingerprint';
import type { StateCreator } from 'zustand';
import type { VariableKind } from '../core/model/checkpoint';
import { type GraftClient, type RoutePlan, type SlotId, type VariableData, errorData } from '../worker/client';
import { fetchExample } from './example';
import { EMPTY_LIST } from './ui-slice';
import { type GraftState, type Origin, SLOTS, type SlotState, type SlotsSlice, occupancy } from './types';

export const EMPTY_SLOT: SlotState = {
  status: 'idle', files: [], origin: null, source: null, candidates: [], candidateId: '', data: null, error: null,
};

/** The variable shown first: the first weight drawn as a grid, else the first weight, else anything. */
export function firstToShow(variables: readonly { name: string; kind: VariableKind; dtype: string; shape: number[] }[]): string | null {
  const weights = variables.filter((t) => t.kind === 'weight' && t.dtype !== 'string');
  return (weights.find((t) => t.shape.length >= 2) ?? weights[0] ?? variables[0])?.name ?? null;
}

/** Whether swapping makes sense: something to swap, nothing opening, and the new side has weights to become the old. */
export function canSwap(slots: Record<SlotId, SlotState>): boolean {
  const { old, new: neu } = slots;
  if (old.status === 'opening' || neu.status === 'opening') return false;
  if (!old.data && !neu.data) return false;
  return !neu.data || neu.data.kind === 'template';
}

const hasVariable = (variables: readonly VariableData[] | undefined, name: string) => variables?.some((v) => v.name === name) ?? false;

export const slotsSlice =
  (client: GraftClient): StateCreator<GraftState, [], [], SlotsSlice> =>
  (set, get) => {
    const generation: Record<SlotId, number> = { old: 0, new: 0 };
    /** Drops and picks by the person; the first-visit example gives way to them. */
    let actions = 0;

    const patch = (slot: SlotId, p: Partial<SlotState>) => set((s) => ({ slots: { ...s.slots, [slot]: { ...s.slots[slot], ...p } } }));

    /** Keeps a selection that still exists; otherwise shows the first variable of `prefer`, else of the other slot. */
    const ensureSelection = (prefer: SlotId, replaced: readonly SlotId[]) => {
      const { selected, slots } = get();
      if (selected && !replaced.includes(selected.slot) && hasVariable(slots[selected.slot].data?.variables, selected.name)) return;
      for (const slot of [prefer, ...SLOTS.filter((x) => x !== prefer)]) {
        const name = firstToShow(slots[slot].data?.variables ?? []);
        if (name) {
          get().select({ slot, name });
          return;
        }
      }
      get().select(null);
    };

    const applyPlan = async (files: SlotState['files'], plan: RoutePlan, origin: Origin) => {
      const targets = SLOTS.filter((slot) => plan[slot]);
      const opened = await Promise.all(
        targets.map((slot) => {
          const source = plan[slot]!;
          const mine = files.filter((f) => source.files.includes(f.path));
          return get().openSlot(slot, mine, source, { origin, select: false });
        }),
      );
      const done = targets.filter((_, i) => opened[i]);
      if (done.length > 0) ensureSelection(done[0]!, done);
    };

    return {
      slots: { old: EMPTY_SLOT, new: EMPTY_SLOT },
      routing: false,
      question: null,
      dropError: null,

      async drop(files, { into, origin = 'files' } = {}) {
        if (origin === 'files') actions++;
        set({ routing: true, dropError: null, question: null });
        const slots = get().slots;
        try {
          const routed = await client.route(files, { old: occupancy(slots.old), new: occupancy(slots.new) }, into);
          set({ routing: false });
          if (routed.kind === 'none') {
            if (into) patch(into, { error: routed.error });
            else set({ dropError: routed.error });
          } else if (routed.kind === 'ask') {
            set({ question: { files, origin, subject: routed.subject, reason: routed.reason, options: routed.options } });
          } else await applyPlan(files, routed.plan, origin);
        } catch (e) {
          set({ routing: false, dropError: errorData(e) });
        }
      },

      async answer(choice) {
        const q = get().question;
        if (!q) return;
        set({ question: null });
        await applyPlan(q.files, q.options[choice], q.origin);
      },

      dismissQuestion: () => set({ question: null }),

      async openSlot(slot, files, source, { origin = 'files', select = true } = {}) {
        const mine = ++generation[slot];
        patch(slot, { status: 'opening', error: null });
        // The recipe's key reads a little of each file: it starts now, while the worker opens them.
        void fileParts(files).catch(() => undefined);
        try {
          const opened = await client.open(slot, files, source);
          if (mine !== generation[slot]) return false;
          set((s) => ({
            slots: {
              ...s.slots,
              [slot]: { status: 'ready', files, origin, source, candidates: opened.candidates, candidateId: opened.candidateId, data: opened.data, error: null },
            },
            lists: { ...s.lists, [slot]: EMPTY_LIST },
          }));
          if (select) ensureSelection(slot, [slot]);
          return true;
        } catch (e) {
          if (mine !== generation[slot]) return false;
          // What was loaded before stays: the worker keeps a slot's contents when an open fails.
          patch(slot, { status: get().slots[slot].data ? 'ready' : 'idle', error: errorData(e) });
          return false;
        }
      },

      async chooseNewAsTemplate(template) {
        const { files, origin, source } = get().slots.new;
        if (files.length === 0 || source?.as !== 'checkpoint') return;
        const { template: _, ...rest } = source;
        await get().openSlot('new', files, template ? { ...rest, template } : rest, { origin: origin ?? 'files' });
      },

      async chooseCandidate(slot, id) {
        const { files, origin, source } = get().slots[slot];
        if (files.length === 0 || source?.as !== 'checkpoint') return;
        await get().openSlot(slot, files, { ...source, candidateId: id }, { origin: origin ?? 'files' });
      },

      async swap() {
        if (!canSwap(get().slots)) return;
        generation.old++;
        generation.new++;
        try {
          const swapped = await client.swap();
          set((s) => {
            const moved = (from: SlotState, to: SlotId): SlotState => {
              const opened = swapped[to];
              if (!opened) return EMPTY_SLOT;
              return { ...from, status: 'ready', error: null, candidates: opened.candidates, candidateId: opened.candidateId, data: opened.data };
            };
            return {
              slots: { old: moved(s.slots.new, 'old'), new: moved(s.slots.old, 'new') },
              lists: { old: s.lists.new, new: s.lists.old },
            };
          });
          const selected = get().selected;
          if (selected) get().select({ slot: selected.slot === 'old' ? 'new' : 'old', name: selected.name });
          ensureSelection('old', []);
        } catch (e) {
          patch('new', { error: errorData(e) });
        }
      },

      async loadExample({ quiet = false } = {}) {
        const before = actions;
        try {
          const example = await fetchExample();
          // On the first visit, files the person opened meanwhile win over the example.
          if (quiet && actions !== before) return;
          if (example) await get().drop(example.files, { origin: 'example' });
          else if (!quiet) {
            set({ dropError: { code: 'missing-file', file: '', message: 'This build has no built-in example: run `npm run example` and rebuild.' } });
          }
        } catch (e) {
          set({ dropError: { code: 'missing-file', file: '', message: `The built-in example could not be loaded: ${e instanceof Error ? e.message : String(e)}` } });
        }
      },

      dismissError(slot) {
        if (slot === 'drop') set({ dropError: null });
        else patch(slot, { error: null });
      },
    };
  };
