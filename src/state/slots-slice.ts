import { fileParts } from './fingerprint';
import type { StateCreator } from 'zustand';
import type { RecipeStorage } from './persist';
import { SAVED_WORK_KEY, loadSavedWork } from './saved-work';
import type { VariableKind } from '../core/model/checkpoint';
import { type GraftClient, type RoutePlan, type SlotId, type SlotSource, type VariableData, errorData } from '../worker/client';
import { takeEarlyExample } from './early';
import { fetchExample } from './example';
import { EMPTY_LIST } from './ui-slice';
import { type GraftState, type Origin, SLOTS, type SlotState, type SlotsSlice, type StartedOver, occupancy } from './types';

export const EMPTY_SLOT: SlotState = {
  status: 'idle', files: [], origin: null, source: null, candidates: [], candidateId: '', data: null, error: null,
};

/** The variable shown first: the first weight drawn as a grid, else the first weight, else anything. */
export function firstToShow(variables: readonly { name: string; kind: VariableKind; dtype: string; shape: number[] }[]): string | null {
  const weights = variables.filter((t) => t.kind === 'weight' && t.dtype !== 'string');
  return (weights.find((t) => t.shape.length >= 2) ?? weights[0] ?? variables[0])?.name ?? null;
}

/** Why old and new cannot be swapped now, in one sentence; null when they can. */
export function swapBlocked(slots: Record<SlotId, SlotState>): string | null {
  const { old, new: neu } = slots;
  if (old.status === 'opening' || neu.status === 'opening') return 'A slot is still opening.';
  if (!old.data && !neu.data) return 'Both slots are empty: there is nothing to swap.';
  if (neu.data && neu.source?.as !== 'checkpoint') {
    return `The new model (${neu.data.label}) is a model description without weights, so it cannot become the old checkpoint.`;
  }
  return null;
}

/** Whether swapping makes sense: something to swap, nothing opening, and the new side has weights to become the old. */
export const canSwap = (slots: Record<SlotId, SlotState>): boolean => swapBlocked(slots) === null;

const hasVariable = (variables: readonly VariableData[] | undefined, name: string) => variables?.some((v) => v.name === name) ?? false;

export const slotsSlice =
  (client: GraftClient, storage: RecipeStorage): StateCreator<GraftState, [], [], SlotsSlice> =>
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

    /** Empties a slot on the page; anything it was opening is ignored when it comes back. */
    const clear = (slot: SlotId) => {
      generation[slot]++;
      set((s) => ({ slots: { ...s.slots, [slot]: EMPTY_SLOT }, lists: { ...s.lists, [slot]: EMPTY_LIST } }));
    };

    const applyPlan = async (files: SlotState['files'], plan: RoutePlan, origin: Origin) => {
      const targets = SLOTS.filter((slot) => plan[slot]);
      // The person's first files replace the whole example: nothing of theirs is ever shown or linked beside it.
      if (origin === 'files') {
        for (const slot of SLOTS) if (get().slots[slot].origin === 'example') clear(slot);
        set({ startedOver: null });
      }
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
      loadingExample: false,
      question: null,
      dropError: null,

      async drop(files, { into, origin = 'files' } = {}) {
        if (origin === 'files') actions++;
        set({ routing: origin === 'files', dropError: null, question: null });
        const slots = get().slots;
        try {
          const routed = await client.route(files, { old: occupancy(slots.old), new: occupancy(slots.new) }, into);
          set({ routing: false });
          if (routed.kind === 'none') {
            if (into) patch(into, { error: routed.error });
            else set({ dropError: routed.error });
          } else if (routed.kind === 'ask') {
            set({ question: { files, origin, subject: routed.subject, reason: routed.reason, options: routed.options } });
          } else if (routed.kind === 'pair') {
            set({ question: { files, origin, reason: routed.reason, models: routed.models } });
          } else await applyPlan(files, routed.plan, origin);
        } catch (e) {
          set({ routing: false, dropError: errorData(e) });
        }
      },

      async answer(choice) {
        const q = get().question;
        if (!q?.options) return;
        set({ question: null });
        await applyPlan(q.files, q.options[choice], q.origin);
      },

      async answerModels(where) {
        const q = get().question;
        if (!q?.models) return;
        const plan: RoutePlan = {};
        q.models.forEach((m, i) => {
          const slot = where[i];
          if (slot === 'old' && m.old && !plan.old) plan.old = m.old;
          if (slot === 'new' && !plan.new) plan.new = m.new;
        });
        if (!plan.old && !plan.new) return;
        set({ question: null });
        await applyPlan(q.files, plan, q.origin);
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
        const { old, new: neu } = get().slots;
        if (!canSwap(get().slots)) return;
        // Each side's files open again in the other slot: the worker never swaps what the page no longer shows.
        const moves: { slot: SlotId; from: SlotState; source: SlotSource }[] = [];
        if (neu.data && neu.source?.as === 'checkpoint') {
          const { template: _, ...rest } = neu.source;
          moves.push({ slot: 'old', from: neu, source: { ...rest, candidateId: neu.candidateId || rest.candidateId } as SlotSource });
        }
        if (old.data && old.source?.as === 'checkpoint') moves.push({ slot: 'new', from: old, source: { ...old.source, candidateId: old.candidateId || old.source.candidateId, template: true } });
        const { selected, lists } = get();
        for (const slot of SLOTS) if (!moves.some((m) => m.slot === slot)) clear(slot);
        const opened = await Promise.all(moves.map((m) => get().openSlot(m.slot, m.from.files, m.source, { origin: m.from.origin ?? 'files', select: false })));
        // A list's filter and folded groups go with its contents.
        set((s) => ({ lists: { old: opened[moves.findIndex((m) => m.slot === 'old')] ? lists.new : s.lists.old, new: opened[moves.findIndex((m) => m.slot === 'new')] ? lists.old : s.lists.new } }));
        if (selected) {
          const other = selected.slot === 'old' ? 'new' : 'old';
          if (hasVariable(get().slots[other].data?.variables, selected.name)) get().select({ slot: other, name: selected.name });
        }
        ensureSelection('old', moves.filter((_, i) => opened[i]).map((m) => m.slot).filter((slot) => get().selected?.slot !== slot));
      },

      startedOver: null,
      async startOver() {
        const { slots, recipeKey, recipe, savedWork } = get();
        const kept: StartedOver = { slots, recipeKey, recipe, savedWork };
        for (const slot of SLOTS) clear(slot);
        // The worker lets go of the files too (the page keeps them for Undo, which opens them again).
        const forgotten = SLOTS.map((slot) => client.forget(slot).catch(() => undefined));
        set({ question: null, dropError: null, startedOver: slots.old.data || slots.new.data ? kept : null, savedWork: null });
        get().select(null);
        // The saved recipe goes too: the same files dropped again start from a fresh match.
        await Promise.all([...forgotten, ...[recipeKey && storage.save(recipeKey, null), storage.save(SAVED_WORK_KEY, null)].map((p) => Promise.resolve(p).catch(() => undefined))]);
      },

      async undoStartOver() {
        const kept = get().startedOver;
        if (!kept) return;
        set({ startedOver: null, savedWork: kept.savedWork });
        await Promise.all(
          [kept.recipeKey && kept.recipe && storage.save(kept.recipeKey, kept.recipe), kept.savedWork && storage.save(SAVED_WORK_KEY, kept.savedWork)].map((p) =>
            Promise.resolve(p).catch(() => undefined),
          ),
        );
        const back = SLOTS.filter((slot) => kept.slots[slot].data && kept.slots[slot].source);
        const opened = await Promise.all(back.map((slot) => get().openSlot(slot, kept.slots[slot].files, kept.slots[slot].source!, { origin: kept.slots[slot].origin ?? 'files', select: false })));
        const done = back.filter((_, i) => opened[i]);
        if (done.length > 0) ensureSelection(done[0]!, done);
      },

      savedWork: null,
      async loadSavedWork() {
        const saved = await loadSavedWork(storage);
        if (saved && get().recipeKey !== saved.key) set({ savedWork: saved });
      },
      async forgetSavedWork() {
        set({ savedWork: null });
        await Promise.resolve(storage.save(SAVED_WORK_KEY, null)).catch(() => undefined);
      },

      async loadExample({ quiet = false } = {}) {
        const before = actions;
        set({ loadingExample: true });
        try {
          const example = await (takeEarlyExample() ?? fetchExample());
          // On the first visit, files the person opened meanwhile win over the example.
          if (quiet && actions !== before) return;
          if (example) await get().drop(example.files, { origin: 'example' });
          else if (!quiet) {
            set({ dropError: { code: 'missing-file', file: '', message: 'This build has no built-in example: run `npm run example` and rebuild.' } });
          }
        } catch (e) {
          set({ dropError: { code: 'missing-file', file: '', message: `The built-in example could not be loaded: ${e instanceof Error ? e.message : String(e)}` } });
        } finally {
          set({ loadingExample: false });
        }
      },

      dismissError(slot) {
        if (slot === 'drop') set({ dropError: null });
        else patch(slot, { error: null });
      },
    };
  };
