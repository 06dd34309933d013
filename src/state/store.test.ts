import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TensorInfo } from '../core/model/checkpoint';
import {
  type GraftClient, type InspectResult, type RouteResult, type SlotData, type SlotId, type SlotOpened, type SlotSource, WorkerError,
} from '../worker/client';
import { canSwap, swapBlocked } from './slots-slice';
import { memoryStorage } from './persist';
import { createGraftStore } from './store';

const tensor = (name: string, kind: TensorInfo['kind'] = 'weight', shape = [2, 2]): TensorInfo => ({
  name, kind, shape, dtype: 'float32', byteLength: 16, group: name.split('/')[0]!,
});

const slotData = (role: SlotId, label: string, variables: TensorInfo[], kind: SlotData['kind'] = role === 'old' ? 'checkpoint' : 'template'): SlotData => ({
  role, kind, format: 'tf-bundle', formatName: 'TensorFlow checkpoint', label, files: [`${label}.index`], variables, warnings: [],
});

const opened = (role: SlotId, label: string, variables: TensorInfo[], kind?: SlotData['kind']): SlotOpened => ({
  candidates: [{ format: 'tf-bundle', id: label, label, isDefault: true, files: [`${label}.index`] }],
  candidateId: label,
  data: slotData(role, label, variables, kind),
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const numbers = (name: string): InspectResult => ({
  kind: 'numbers', name,
  summary: { count: 1, finite: 1, nan: 0, posInf: 0, negInf: 0, zeros: 0, min: 1, max: 1, mean: 1, std: 0 },
  histogram: { lo: 1, hi: 1, counts: [1] },
  heatmap: null,
});

const file = (path: string) => ({ path, file: new File([new Uint8Array(1)], path) });
const ckptSource = (paths: string[], candidateId?: string): SlotSource => ({ as: 'checkpoint', files: paths, ...(candidateId && { candidateId }) });

/** A client whose route answer and opens the test decides; it records every call. */
function fakeClient(opts: { route?: (paths: string[]) => RouteResult; open?: GraftClient['open']; swap?: GraftClient['swap'] } = {}) {
  const calls: string[] = [];
  const client: GraftClient = {
    async route(files, occupancy, into) {
      calls.push(`route ${files.map((f) => f.path).join(',')} old=${occupancy.old} new=${occupancy.new}${into ? ` into=${into}` : ''}`);
      const paths = files.map((f) => f.path);
      return opts.route?.(paths) ?? { kind: 'route', plan: { [into ?? 'old']: ckptSource(paths) } };
    },
    async open(slot, files, source) {
      calls.push(`open ${slot} ${files.map((f) => f.path).join(',')}${source.as === 'checkpoint' && source.candidateId ? ` #${source.candidateId}` : ''}`);
      return opts.open ? opts.open(slot, files, source) : opened(slot, files[0]!.path, [tensor(`${slot}/k`)]);
    },
    swap: opts.swap ?? (async () => ({ old: null, new: null })),
    async forget(slot) {
      calls.push(`forget ${slot}`);
    },
    inspect: async (_slot, name) => numbers(name),
    match: async (recipe) => ({ recipe, facts: { detected: [], overlap: { related: true, byName: 1, sameNameAndShape: 0, byStructure: 0, newWeights: 0, sentence: '' } } }),
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
  return { client, calls };
}

describe('store', () => {
  it('routes a checkpoint and a model JSON dropped together into their slots and selects the old side first', async () => {
    const { client, calls } = fakeClient({
      route: () => ({
        kind: 'route',
        plan: { old: ckptSource(['w.h5']), new: { as: 'model-json', files: ['m.json'], path: 'm.json' } },
      }),
      open: async (slot, files) => opened(slot, files[0]!.path, [tensor(slot === 'old' ? 'layers/dense/vars/0' : 'dense/kernel')], slot === 'old' ? 'checkpoint' : 'keras-json'),
    });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('w.h5'), file('m.json')]);
    expect(calls).toEqual(['route w.h5,m.json old=empty new=empty', 'open old w.h5', 'open new m.json']);
    const s = store.getState();
    expect(s.slots.old.data?.label).toBe('w.h5');
    expect(s.slots.new.data?.label).toBe('m.json');
    expect(s.slots.new.files.map((f) => f.path)).toEqual(['m.json']);
    expect(s.selected).toEqual({ slot: 'old', name: 'layers/dense/vars/0' });
    // A model JSON has no weights to become the old checkpoint.
    expect(canSwap(s.slots)).toBe(false);
  });

  it('asks when the router asks, and opens what the person chose', async () => {
    const source = ckptSource(['model.json', 'group1-shard1of1.bin'], 'model.json');
    const { client, calls } = fakeClient({
      route: () => ({ kind: 'ask', subject: 'model.json', reason: 'either', options: { old: { old: source }, new: { new: source }, both: { old: source, new: source } } }),
    });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('model.json'), file('group1-shard1of1.bin')]);
    expect(store.getState().question?.subject).toBe('model.json');
    expect(store.getState().slots.new.data).toBeNull();
    await store.getState().answer('new');
    expect(store.getState().question).toBeNull();
    expect(calls.at(-1)).toBe('open new model.json,group1-shard1of1.bin #model.json');
    expect(store.getState().slots.new.data?.label).toBe('model.json');
    expect(store.getState().slots.old.data).toBeNull();
    expect(store.getState().selected).toEqual({ slot: 'new', name: 'new/k' });
  });

  it('an error in one slot keeps that slot’s contents and never touches the other slot', async () => {
    let fail = false;
    const { client } = fakeClient({
      open: async (slot, files) => {
        if (fail && slot === 'new') throw new WorkerError({ code: 'corrupt', file: 'bad.json', message: 'bad.json: is not valid JSON' });
        return opened(slot, files[0]!.path, [tensor(`${slot}/k`)]);
      },
    });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('a.index')], { into: 'old' });
    await store.getState().drop([file('b.index')], { into: 'new' });
    fail = true;
    await store.getState().drop([file('bad.json')], { into: 'new' });
    const s = store.getState();
    expect(s.slots.new.error?.message).toBe('bad.json: is not valid JSON');
    expect(s.slots.new.data?.label).toBe('b.index');
    expect(s.slots.new.status).toBe('ready');
    expect(s.slots.old.error).toBeNull();
    expect(s.slots.old.data?.label).toBe('a.index');
  });

  it('reports files that fit nowhere at page level, and a refused drop onto a slot in that slot', async () => {
    const error = { code: 'not-recognised' as const, file: 'notes.txt', message: 'notes.txt: none of these files is a checkpoint' };
    const { client } = fakeClient({ route: () => ({ kind: 'none', error }) });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('notes.txt')]);
    expect(store.getState().dropError).toEqual(error);
    await store.getState().drop([file('notes.txt')], { into: 'new' });
    expect(store.getState().dropError).toBeNull();
    expect(store.getState().slots.new.error).toEqual(error);
    expect(store.getState().slots.old.error).toBeNull();
  });

  it('tells the router what each slot holds: the example counts apart from the person’s files', async () => {
    vi.stubGlobal('fetch', (url: string) =>
      Promise.resolve(
        url.endsWith('manifest.json')
          ? new Response(JSON.stringify({ label: 'ex', files: ['old/ex.index'] }), { headers: { 'content-type': 'application/json' } })
          : new Response(new Uint8Array(4)),
      ),
    );
    const { client, calls } = fakeClient();
    const store = createGraftStore(client, memoryStorage());
    await store.getState().loadExample();
    expect(store.getState().slots.old.origin).toBe('example');
    await store.getState().drop([file('mine.index')]);
    await store.getState().drop([file('again.index')]);
    expect(calls.filter((c) => c.startsWith('route'))).toEqual([
      'route old/ex.index old=empty new=empty',
      'route mine.index old=example new=empty',
      'route again.index old=files new=empty',
    ]);
  });

  it('swaps the slots by opening each side’s files in the other: contents, files, lists and the selection move across', async () => {
    const { client, calls } = fakeClient({ open: async (slot, files) => opened(slot, files[0]!.path, [tensor(`${files[0]!.path}/k`)]) });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('a.index')], { into: 'old' });
    await store.getState().drop([file('b.index')], { into: 'new' });
    store.getState().setFilter('old', 'zzz');
    store.getState().select({ slot: 'old', name: 'a.index/k' });
    expect(canSwap(store.getState().slots)).toBe(true);
    calls.length = 0;
    await store.getState().swap();
    const s = store.getState();
    expect(calls.sort()).toEqual(['open new a.index #a.index', 'open old b.index #b.index']);
    expect(s.slots.old.data?.label).toBe('b.index');
    expect(s.slots.old.files.map((f) => f.path)).toEqual(['b.index']);
    expect(s.slots.new.data?.label).toBe('a.index');
    expect(s.slots.new.source).toMatchObject({ as: 'checkpoint', template: true });
    expect(s.lists.new.filter).toBe('zzz');
    expect(s.lists.old.filter).toBe('');
    expect(s.selected).toEqual({ slot: 'new', name: 'a.index/k' });
  });

  it('swaps one filled side into the other and empties the side it left', async () => {
    const { client } = fakeClient();
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('t.index')], { into: 'new' });
    await store.getState().swap();
    expect(store.getState().slots.old.data?.label).toBe('t.index');
    expect(store.getState().slots.new.data).toBeNull();
  });

  it('says why a model JSON in new cannot be swapped', async () => {
    const { client } = fakeClient({ route: () => ({ kind: 'route', plan: { new: { as: 'model-json', files: ['m.json'], path: 'm.json' } } }) });
    const store = createGraftStore(client, memoryStorage());
    expect(swapBlocked(store.getState().slots)).toMatch(/both slots are empty/i);
    await store.getState().drop([file('m.json')]);
    expect(swapBlocked(store.getState().slots)).toMatch(/m\.json\) is a model description without weights/);
    expect(canSwap(store.getState().slots)).toBe(false);
  });

  it('shows only the answer for the latest selection', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<InspectResult>>>();
    const { client } = fakeClient();
    client.inspect = (_slot, name) => {
      const d = deferred<InspectResult>();
      answers.set(name, d);
      return d.promise;
    };
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('x.index')]);
    store.getState().select({ slot: 'old', name: 'a/w' });
    store.getState().select({ slot: 'old', name: 'b/w' });
    answers.get('b/w')!.resolve(numbers('b/w'));
    await Promise.resolve();
    answers.get('a/w')!.resolve(numbers('a/w'));
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().inspection).toMatchObject({ status: 'ready', selection: { slot: 'old', name: 'b/w' } });
  });

  it('reopens the same files with another candidate', async () => {
    const { client, calls } = fakeClient({
      open: async (slot, _files, source) => opened(slot, (source.as === 'checkpoint' && source.candidateId) || 'first', [tensor('w/k')]),
    });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('a.index'), file('b.index')]);
    store.getState().setFilter('old', 'zzz');
    await store.getState().chooseCandidate('old', 'b');
    expect(calls.at(-1)).toBe('open old a.index,b.index #b');
    expect(store.getState().slots.old.data?.label).toBe('b');
    expect(store.getState().lists.old.filter).toBe('');
  });

  afterEach(() => vi.unstubAllGlobals());

  it('does not let the first-visit example replace files the person opened meanwhile', async () => {
    const manifest = deferred<Response>();
    const manifestResponse = () => new Response(JSON.stringify({ label: 'ex', files: ['old/a.index'] }), { headers: { 'content-type': 'application/json' } });
    let manifestCalls = 0;
    vi.stubGlobal('fetch', (url: string) => {
      if (!url.endsWith('manifest.json')) return Promise.resolve(new Response(new Uint8Array(4)));
      return manifestCalls++ === 0 ? manifest.promise : Promise.resolve(manifestResponse());
    });
    const { client, calls } = fakeClient();
    const store = createGraftStore(client, memoryStorage());
    const example = store.getState().loadExample({ quiet: true });
    await store.getState().drop([file('mine.index')]);
    manifest.resolve(manifestResponse());
    await example;
    expect(calls.filter((c) => c.startsWith('open'))).toEqual(['open old mine.index']);
    expect(store.getState().slots.old.data?.label).toBe('mine.index');

    // Asked for explicitly, the example opens.
    await store.getState().loadExample();
    expect(calls.filter((c) => c.startsWith('open'))).toEqual(['open old mine.index', 'open old old/a.index']);
    expect(store.getState().slots.old.origin).toBe('example');
  });
});

describe('the example, start over and saved work', () => {
  const both = (): RouteResult => ({ kind: 'route', plan: { old: ckptSource(['o.index']), new: ckptSource(['n.index']) } });
  const exampleFetch = () =>
    vi.stubGlobal('fetch', (url: string) =>
      Promise.resolve(
        url.endsWith('manifest.json')
          ? new Response(JSON.stringify({ label: 'ex', files: ['old/ex.index', 'new/ex.json'] }), { headers: { 'content-type': 'application/json' } })
          : new Response(new Uint8Array(4)),
      ),
    );
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('empties both example slots when the person’s first file arrives, so nothing of theirs meets the example', async () => {
    exampleFetch();
    const example: RouteResult = { kind: 'route', plan: { old: ckptSource(['old/ex.index']), new: ckptSource(['new/ex.json']) } };
    const { client } = fakeClient({ route: (paths) => (paths.includes('old/ex.index') ? example : { kind: 'route', plan: { old: ckptSource(paths) } }) });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().loadExample();
    await settle();
    expect(store.getState().slots.new.origin).toBe('example');
    expect(store.getState().recipe).not.toBeNull();
    await store.getState().drop([file('mine.index')]);
    await settle();
    const s = store.getState();
    expect(s.slots.old).toMatchObject({ origin: 'files', data: { label: 'mine.index' } });
    expect(s.slots.new.data).toBeNull();
    expect(s.slots.new.origin).toBeNull();
    expect(s.recipe).toBeNull();
  });

  it('opens each model of a several-model drop where the person says', async () => {
    const a = ckptSource(['a.h5'], 'a.h5');
    const b = ckptSource(['b.keras'], 'b.keras');
    const { client, calls } = fakeClient({
      route: () => ({ kind: 'pair', reason: '2 models', models: [{ label: 'a.h5', suggested: 'old', old: a, new: a }, { label: 'b.keras', suggested: 'new', old: b, new: b }] }),
    });
    const store = createGraftStore(client, memoryStorage());
    await store.getState().drop([file('a.h5'), file('b.keras')]);
    expect(store.getState().question?.models).toHaveLength(2);
    await store.getState().answerModels(['new', 'old']);
    expect(store.getState().question).toBeNull();
    expect(calls.filter((c) => c.startsWith('open')).sort()).toEqual(['open new a.h5 #a.h5', 'open old b.keras #b.keras']);
  });

  it('starts over: both slots empty, the saved recipe and saved work forgotten; undo brings them back', async () => {
    const storage = memoryStorage();
    const { client, calls } = fakeClient({ route: both });
    const store = createGraftStore(client, storage);
    await store.getState().drop([file('o.index'), file('n.index')]);
    await vi.waitFor(() => expect(store.getState().savedRecipe).not.toBeNull());
    const key = store.getState().recipeKey!;
    await vi.waitFor(() => expect(storage.data.get('last-work')).toMatchObject({ key, old: { files: [{ path: 'o.index', size: 1 }] }, new: { label: 'n.index' } }));
    store.getState().unlink('x');
    await store.getState().startOver();
    await settle();
    let s = store.getState();
    expect(s.slots.old.data).toBeNull();
    expect(s.slots.new.data).toBeNull();
    expect(s.recipe).toBeNull();
    expect(storage.data.get(key)).toBeNull();
    expect(storage.data.get('last-work')).toBeNull();
    expect(s.startedOver?.slots.old.data?.label).toBe('o.index');
    expect(calls.filter((c) => c.startsWith('forget')).sort()).toEqual(['forget new', 'forget old']); // the worker lets go of the files too
    await store.getState().undoStartOver();
    await vi.waitFor(() => expect(store.getState().recipeStatus).toBe('ready'));
    s = store.getState();
    expect(s.slots.old.data?.label).toBe('o.index');
    expect(s.slots.new.data?.label).toBe('n.index');
    expect(s.restored).toBe(true);
    expect(s.startedOver).toBeNull();
  });

  it('tells a reload which files hold the saved work, until they are open again', async () => {
    const storage = memoryStorage();
    const first = createGraftStore(fakeClient({ route: both }).client, storage);
    await first.getState().drop([file('o.index'), file('n.index')]);
    await vi.waitFor(() => expect(storage.data.get('last-work')).toBeTruthy());
    const again = createGraftStore(fakeClient({ route: both }).client, storage);
    await again.getState().loadSavedWork();
    expect(again.getState().savedWork).toMatchObject({ old: { files: [{ path: 'o.index' }] }, new: { files: [{ path: 'n.index' }] } });
    await again.getState().drop([file('o.index'), file('n.index')]);
    await vi.waitFor(() => expect(again.getState().restored).toBe(true));
    expect(again.getState().savedWork).toBeNull();
  });
});
