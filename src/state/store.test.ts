import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TensorInfo } from '../core/model/checkpoint';
import { type GraftClient, type InspectResult, type OpenResult, WorkerError } from '../worker/client';
import { createGraftStore } from './store';

const tensor = (name: string, kind: TensorInfo['kind'] = 'weight', shape = [2, 2]): TensorInfo => ({
  name, kind, shape, dtype: 'float32', byteLength: 16, group: name.split('/')[0]!,
});

const opened = (label: string, tensors: TensorInfo[]): OpenResult => ({
  candidates: [{ format: 'tf-bundle', id: label, label, isDefault: true, files: [`${label}.index`] }],
  candidateId: label,
  checkpoint: { format: 'tf-bundle', label, files: [`${label}.index`], tensors, warnings: [] },
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

describe('store', () => {
  it('opens files, selects the first weight grid, and keeps it when a later open fails', async () => {
    let fail = false;
    const client: GraftClient = {
      async open() {
        if (fail) throw new WorkerError({ code: 'block-checksum', file: 'bad.index', message: 'bad.index: block checksum mismatch at offset 0' });
        return opened('good', [tensor('opt/m', 'optimizer'), tensor('dense/bias', 'weight', [2]), tensor('dense/kernel')]);
      },
      inspect: async (name) => numbers(name),
    };
    const store = createGraftStore(client);
    await store.getState().openFiles([file('good.index')]);
    expect(store.getState().checkpoint?.label).toBe('good');
    expect(store.getState().selected).toBe('dense/kernel');

    fail = true;
    await store.getState().openFiles([file('bad.index')]);
    const s = store.getState();
    expect(s.error?.message).toBe('bad.index: block checksum mismatch at offset 0');
    expect(s.checkpoint?.label).toBe('good');
    expect(s.status).toBe('ready');
    expect(s.files.map((f) => f.path)).toEqual(['good.index']);
  });

  it('shows only the answer for the latest selection', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<InspectResult>>>();
    const client: GraftClient = {
      open: async () => opened('x', [tensor('a/w'), tensor('b/w')]),
      inspect: (name) => {
        const d = deferred<InspectResult>();
        answers.set(name, d);
        return d.promise;
      },
    };
    const store = createGraftStore(client);
    await store.getState().openFiles([file('x.index')]);
    store.getState().select('a/w');
    store.getState().select('b/w');
    answers.get('b/w')!.resolve(numbers('b/w'));
    await Promise.resolve();
    answers.get('a/w')!.resolve(numbers('a/w'));
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().inspection).toMatchObject({ status: 'ready', name: 'b/w' });
  });

  it('reopens the same files with another candidate', async () => {
    const calls: (string | undefined)[] = [];
    const client: GraftClient = {
      open: async (_files, id) => {
        calls.push(id);
        return opened(id ?? 'first', [tensor('w/k')]);
      },
      inspect: async (name) => numbers(name),
    };
    const store = createGraftStore(client);
    await store.getState().openFiles([file('a.index'), file('b.index')]);
    store.getState().setFilter('zzz');
    await store.getState().chooseCandidate('b');
    expect(calls).toEqual([undefined, 'b']);
    expect(store.getState().checkpoint?.label).toBe('b');
    expect(store.getState().filter).toBe('');
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
    const opens: string[] = [];
    const client: GraftClient = {
      open: async (files) => {
        opens.push(files[0]!.path);
        return opened(files[0]!.path, [tensor('w/k')]);
      },
      inspect: async (name) => numbers(name),
    };
    const store = createGraftStore(client);
    const example = store.getState().loadExample({ quiet: true });
    await store.getState().openFiles([file('mine.index')]);
    manifest.resolve(manifestResponse());
    await example;
    expect(opens).toEqual(['mine.index']);
    expect(store.getState().checkpoint?.label).toBe('mine.index');

    // Asked for explicitly, the example opens.
    await store.getState().loadExample();
    expect(opens).toEqual(['mine.index', 'old/a.index']);
    expect(store.getState().origin).toBe('example');
  });
});
