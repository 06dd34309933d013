import { describe, expect, it } from 'vitest';
import { autoMatch, emptyRecipe } from '../core/mapping';
import type { TensorInfo } from '../core/model/checkpoint';
import type { GraftClient, SlotId, SlotOpened } from '../worker/client';
import { memoryStorage } from './persist';
import { selectPlan } from './plan';
import { createGraftStore } from './store';

const t = (name: string, shape: number[]): TensorInfo => ({ name, shape, dtype: 'float32', byteLength: shape.reduce((a, b) => a * b, 4), kind: 'weight', group: name.split('/')[0]! });
const OLD = [t('dense/kernel', [4, 3]), t('dense/bias', [3]), t('out/kernel', [3, 2])];
const NEW = [t('dense/kernel', [4, 5]), t('dense/bias', [5]), t('head/kernel', [5, 2])].map((v) => ({ ...v, initializer: { kind: 'zeros' as const } }));

function client(): GraftClient & { matches: number } {
  const c = {
    matches: 0,
    route: async () => ({ kind: 'route' as const, plan: { old: { as: 'checkpoint' as const, files: ['a'] }, new: { as: 'checkpoint' as const, files: ['b'] } } }),
    open: async (slot: SlotId): Promise<SlotOpened> => ({
      candidates: [], candidateId: slot,
      data: { role: slot, kind: slot === 'old' ? 'checkpoint' : 'template', format: 'x', formatName: 'x', label: slot, files: [slot], variables: slot === 'old' ? OLD : NEW, warnings: [] },
    }),
    swap: async () => ({ old: null, new: null }),
    forget: async () => undefined,
    inspect: async () => ({ kind: 'opaque' as const, name: '', reason: '' }),
    match: async (recipe: Parameters<GraftClient['match']>[0]) => {
      c.matches++;
      const { recipe: matched, detected, overlap } = autoMatch({ tensors: OLD }, { variables: NEW }, recipe);
      return { recipe: matched, facts: { detected, overlap } };
    },
    preview: async () => ({ id: 0, before: [], after: null }),
    keepFunction: async () => {
      throw new Error('no keep-the-function in this test');
    },
    runExport: async () => {
      throw new Error('no export in this test');
    },
    cancelExport: async () => undefined,
    checkExport: async () => {
      throw new Error('these tests do not check exports');
    },
  };
  return c;
}

const files = [{ path: 'a', file: new File([new Uint8Array([1, 2])], 'a') }, { path: 'b', file: new File([new Uint8Array([3])], 'b') }];
type Store = ReturnType<typeof createGraftStore>;

/** Resolves once `ready` holds for the store's state: the change itself, awaited (the timeout only guards a hang). */
function until(store: Store, ready: (s: ReturnType<Store['getState']>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ready(store.getState())) return resolve();
    const timer = setTimeout(() => (unsubscribe(), reject(new Error('the store never reached the awaited state'))), 10_000);
    const unsubscribe = store.subscribe((s) => {
      if (!ready(s)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
const matched = (store: Store) => until(store, (s) => s.recipeStatus === 'ready');
const saved = (store: Store) => until(store, (s) => s.recipe !== null && s.savedRecipe === s.recipe);

describe('recipe in the store', () => {
  it('matches once both slots are open, compiles a plan, undoes and redoes every edit, and restores the saved recipe', async () => {
    const storage = memoryStorage();
    const c = client();
    const store = createGraftStore(c, storage);
    await store.getState().drop(files);
    await matched(store);
    const s = store.getState();
    expect(s.recipeStatus).toBe('ready');
    expect(c.matches).toBe(1);
    const plan = selectPlan(s)!;
    expect(selectPlan(store.getState())).toBe(plan);
    const status = (to: string) => selectPlan(store.getState())!.entries.find((e) => e.to === to)?.status;

    s.unlink('head/kernel');
    expect(status('head/kernel')).toBe('initialised');
    store.getState().link('out/kernel', 'head/kernel');
    expect(status('head/kernel')).toBe('transformed');
    const edited = store.getState().recipe;

    store.temporal.getState().undo();
    expect(status('head/kernel')).toBe('initialised');
    store.temporal.getState().undo();
    expect(store.getState().recipe).toBe(s.recipe);
    store.temporal.getState().redo();
    store.temporal.getState().redo();
    expect(store.getState().recipe).toBe(edited);
    // Matching was not an undo step.
    expect(store.temporal.getState().pastStates).toHaveLength(2);
    await saved(store);
    const again = createGraftStore(c, storage);
    await again.getState().drop(files);
    await matched(again);
    expect(again.getState().restored).toBe(true);
    expect(again.getState().recipe).toEqual(edited);
    expect(c.matches).toBe(1);
  });

  it('carries optimizer state over when asked: a re-match with the filter on, the person\'s links kept, one undo step', async () => {
    const slot = (name: string, shape: number[]) => ({ ...t(name, shape), kind: 'optimizer' as const, group: 'optimizer' });
    OLD.push(slot('dense/kernel/Adam', [4, 3]));
    NEW.push({ ...slot('dense/kernel/Adam', [4, 3]), initializer: { kind: 'zeros' as const } });
    try {
      const store = createGraftStore(client(), memoryStorage());
      await store.getState().drop(files);
      await matched(store);
      const plan = () => selectPlan(store.getState())!;
      expect(plan().entries.find((e) => e.to === 'dense/kernel/Adam')?.status).toBe('initialised');
      store.getState().link('out/kernel', 'head/kernel');
      await store.getState().setIncludeOptimizer(true);
      expect(store.getState().recipe?.filters.includeOptimizer).toBe(true);
      expect(plan().entries.find((e) => e.to === 'dense/kernel/Adam')).toMatchObject({ status: 'exact', from: ['dense/kernel/Adam'] });
      expect(plan().entries.find((e) => e.to === 'head/kernel')?.from).toEqual(['out/kernel']);
      store.temporal.getState().undo();
      expect(store.getState().recipe?.filters.includeOptimizer).toBe(false);
    } finally {
      OLD.pop();
      NEW.pop();
    }
  });

  it('previews a 4-D kernel in the view chosen for kernels, and asks again when that view changes', async () => {
    const views: unknown[] = [];
    const c = { ...client(), preview: async (_e: unknown, view: unknown) => (views.push(view), { id: 0, before: [], after: null }) };
    const store = createGraftStore(c, memoryStorage());
    await store.getState().drop(files);
    await matched(store);
    const entry = selectPlan(store.getState())!.entries[0]!;
    store.getState().requestPreview(entry);
    store.getState().setKernelView({ mode: 'io', i: 1, o: 2 });
    store.getState().requestPreview(entry);
    store.getState().requestPreview(entry);
    await until(store, (s) => s.preview.status === 'ready');
    expect(views).toEqual([{ kernel: { mode: 'flat' } }, { kernel: { mode: 'io', i: 1, o: 2 } }]);
  });

  it('imports a recipe file, refusing one that does not validate with the field named', async () => {
    const store = createGraftStore(client(), memoryStorage());
    await store.getState().drop(files);
    await matched(store);
    expect(await store.getState().importRecipe('{"version":1,"links":[{"from":"x"}]}', 'bad.json')).toBe(false);
    expect(store.getState().importError?.message).toMatch(/links\[0\]/);
    expect(await store.getState().importRecipe(JSON.stringify(emptyRecipe({ fill: 'zeros' })), 'ok.json')).toBe(true);
    expect(store.getState().recipe?.fill).toBe('zeros');
    store.temporal.getState().undo();
    expect(store.getState().recipe?.fill).toBe('initializer');
  });
});
