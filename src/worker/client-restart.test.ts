import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { H5_TIME_LIMIT_MS } from '../core/formats/keras-h5/watchdog';
import { WorkerError, createWorkerClient } from './client';
import type { FileRef, SlotOpened, SlotSource } from './protocol';
import { encodeOpened } from './slot-wire';

/** A slot as the worker answers an open: its variables by column. */
const openedAs = (slot: string) =>
  encodeOpened({ candidates: [], candidateId: '', data: { role: slot, kind: 'checkpoint', format: 'x', formatName: 'x', label: slot, files: [], variables: [], warnings: [] } as SlotOpened['data'] });

/** A stand-in for the page's Worker: a MessageChannel whose far end runs a fake API, as worker.ts does. */
const started: { calls: string[]; terminated: boolean }[] = [];
class FakeWorker {
  private port: MessagePort;
  private me = { calls: [] as string[], terminated: false };
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const me = this.me;
    started.push(me);
    const api = {
      open: (slot: string, files: FileRef[]) => {
        me.calls.push(`open ${slot} ${files[0]!.path}`);
        if (files[0]!.path !== 'stuck.h5') return Promise.resolve({ ok: true, value: openedAs(slot) });
        port2.postMessage({ graftH5: { file: 'stuck.h5' } }); // then never answers: stuck inside HDF5
        return new Promise(() => {});
      },
      inspect: (slot: string) => (me.calls.push(`inspect ${slot}`), Promise.resolve({ ok: true, value: { slot } })),
    };
    Comlink.expose(api, port2);
    port2.postMessage({ graftReady: true });
  }
  postMessage(m: unknown, t?: Transferable[]) {
    this.port.postMessage(m, t ?? []);
  }
  addEventListener(type: string, f: (e: MessageEvent) => void) {
    if (type === 'message') this.port.addEventListener('message', f as EventListener);
    this.port.start();
  }
  removeEventListener(type: string, f: (e: MessageEvent) => void) {
    this.port.removeEventListener(type, f as EventListener);
  }
  terminate() {
    this.me.terminated = true;
    this.port.close();
  }
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const ref = (path: string) => ({ path, file: {} }) as unknown as FileRef;
const source = {} as SlotSource;

describe('the worker client when HDF5 hangs', () => {
  it('fails the stuck call with the sentence, starts a fresh worker and reopens what the slots held', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const client = createWorkerClient();
    await client.open('old', [ref('good.h5')], source);
    const stuck = client.open('new', [ref('stuck.h5')], source);
    const failed = stuck.catch((e: unknown) => e);
    await vi.waitFor(() => expect(started[0]!.calls).toEqual(['open old good.h5', 'open new stuck.h5']));
    await new Promise((r) => setImmediate(r)); // the busy report reaches the page
    vi.advanceTimersByTime(H5_TIME_LIMIT_MS + 1000);
    const e = await failed;
    expect(e).toBeInstanceOf(WorkerError);
    expect((e as WorkerError).data).toEqual({
      code: 'corrupt',
      file: 'stuck.h5',
      message: 'stuck.h5: reading took longer than 20 s inside the HDF5 library and was stopped; the file is probably damaged',
    });
    expect(started).toHaveLength(2);
    expect(started[0]!.terminated).toBe(true);
    expect(await client.inspect('old', 'x', { kernel: 'auto' } as never, 0)).toEqual({ slot: 'old' });
    expect(started[1]!.calls).toEqual(['open old good.h5', 'inspect old']);
  });
});
