import type { StateCreator, StoreApi } from 'zustand';
import type { TemporalState } from 'zundo';
import { toErrorData } from '../core/errors';
import { emptyRecipe, loadRegexEngine, loadRegexEngineFor, type Recipe } from '../core/mapping';
import { type GraftClient, errorData } from '../worker/client';
import { fileParts, fingerprint } from './fingerprint';
import type { RecipeStorage } from './persist';
import * as edits from './recipe-edits';
import type { GraftState, RecipeSlice, SlotState } from './types';

export type History = TemporalState<{ recipe: Recipe | null }>;

/** The recipe reader (zod) loads when a recipe is read: the first view has none to read. */
const loadRecipeParser = () => import('../core/mapping/recipe-schema');

async function slotKey(slot: SlotState): Promise<string> {
  return fingerprint(await fileParts(slot.files), `${slot.source?.as ?? ''}:${slot.candidateId}`);
}

export const recipeSlice =
  (client: GraftClient, storage: RecipeStorage, history: () => StoreApi<History>): StateCreator<GraftState, [], [], RecipeSlice> =>
  (set, get) => {
    let generation = 0;
    /** A recipe that is not an edit (opened, restored, matched): history starts again from it. */
    const replace = (recipe: Recipe | null, extra: Partial<RecipeSlice>) => {
      const h = history().getState();
      h.pause();
      set({ recipe, ...extra });
      h.resume();
      h.clear();
    };
    const find = (name: string, slot: 'old' | 'new') => get().slots[slot].data?.variables.find((v) => v.name === name);
    const edit = (change: (r: Recipe) => Recipe) => {
      const r = get().recipe;
      if (!r) return;
      const next = change(r);
      if (next !== r) set({ recipe: next });
    };
    const rematch = async (base: Recipe) => {
      const mine = ++generation;
      set({ recipeStatus: 'matching' });
      try {
        const matched = await client.match(base);
        if (mine !== generation) return;
        set({ recipe: matched.recipe, matchFacts: matched.facts, recipeStatus: 'ready', recipeError: null });
      } catch (e) {
        if (mine === generation) set({ recipeStatus: 'error', recipeError: errorData(e) });
      }
    };
    return {
      recipe: null,
      recipeKey: null,
      recipeStatus: 'none',
      restored: false,
      savedRecipe: null,
      recipeError: null,
      matchFacts: null,
      importError: null,
      async syncRecipe() {
        const { old, new: neu } = get().slots;
        const mine = ++generation;
        if (!old.data || !neu.data || old.status !== 'ready' || neu.status !== 'ready') {
          if (get().recipe) replace(null, { recipeKey: null, recipeStatus: 'none', restored: false, matchFacts: null });
          return;
        }
        set({ recipeStatus: 'matching', recipeError: null });
        try {
          const key = (await Promise.all([slotKey(old), slotKey(neu)])).join('-');
          if (mine !== generation) return;
          if (key === get().recipeKey && get().recipe) {
            set({ recipeStatus: 'ready' });
            return;
          }
          let saved: Recipe | null = null;
          try {
            const stored = await storage.load(key);
            if (stored) {
              const [{ parseRecipe }] = await Promise.all([loadRecipeParser(), loadRegexEngineFor(stored)]);
              saved = parseRecipe(stored, 'saved recipe');
            }
          } catch {
            saved = null; // a saved recipe this version cannot read: match afresh
          }
          const matched = saved ? null : await client.match(emptyRecipe());
          if (mine !== generation) return;
          replace(saved ?? matched!.recipe, { recipeKey: key, recipeStatus: 'ready', restored: saved !== null, matchFacts: matched?.facts ?? null });
        } catch (e) {
          if (mine === generation) set({ recipeStatus: 'error', recipeError: errorData(e) });
        }
      },
      edit,
      link(from, to, opts = {}) {
        const f = find(from, 'old');
        const t = find(to, 'new');
        if (!f || !t) return;
        const olds = new Map((get().slots.old.data?.variables ?? []).map((v) => [v.name, v]));
        edit((r) => edits.linkByHand(r, f, t, { ...opts, olds }));
      },
      unlink: (to) => edit((r) => edits.unlink(r, to)),
      removeSource: (to, from) => edit((r) => edits.removeSource(r, to, from)),
      accept: (to) => edit((r) => edits.accept(r, to)),
      acceptAll: (confidence) => edit((r) => edits.acceptAll(r, confidence)),
      setTransforms: (to, transforms) => edit((r) => edits.setTransforms(r, to, transforms)),
      setFill: (fill) => edit((r) => edits.setFill(r, fill)),
      addLinks: (links) => edit((r) => edits.addLinks(r, links)),
      async setRules(rules) {
        const r = get().recipe;
        if (r) await rematch(edits.setRules(edits.personsOnly(r), rules));
      },
      async setIncludeOptimizer(include) {
        const r = get().recipe;
        if (r && r.filters.includeOptimizer !== include) await rematch({ ...edits.personsOnly(r), filters: { ...r.filters, includeOptimizer: include } });
      },
      async rematchAll() {
        const r = get().recipe;
        if (r) await rematch(emptyRecipe({ rules: r.rules, fill: r.fill, filters: r.filters, seed: r.seed }));
      },
      async importRecipe(text, fileName) {
        try {
          // RE2 checks the recipe's regex rules as it is read (safe-regex.ts).
          const [{ parseRecipeText }] = await Promise.all([loadRecipeParser(), loadRegexEngine()]);
          const recipe = parseRecipeText(text, fileName);
          set({ recipe, importError: null });
          return true;
        } catch (e) {
          set({ importError: toErrorData(e) });
          return false;
        }
      },
      dismissImportError: () => set({ importError: null }),
      async proposeKeepFunction(options = {}) {
        const r = get().recipe;
        return r ? client.keepFunction(r, options) : null;
      },
    };
  };
