import { describe, expect, it } from 'vitest';
import type { FileRef, GraftClient, RouteResult, SlotOpened, SlotSource } from '../worker/client';
import { openAhead } from './example-ahead';

const file = (path: string): FileRef => ({ path, file: new File(['x'], path.slice(path.lastIndexOf('/') + 1)) });
const files = [file('old/model.ckpt.index'), file('old/model.ckpt.data-00000-of-00001'), file('new/model.json')];
const plan = {
  old: { as: 'checkpoint', files: ['old/model.ckpt.index', 'old/model.ckpt.data-00000-of-00001'] } as SlotSource,
  new: { as: 'model-json', path: 'new/model.json', files: ['new/model.json'] } as SlotSource,
};
const opened = (slot: string) => ({ candidates: [], candidateId: slot, data: null }) as unknown as SlotOpened;

/** A worker client that records each call and answers at once. */
function fakeClient(route: RouteResult = { kind: 'route', plan }) {
  const calls: string[] = [];
  const client = {
    route: async (fs: FileRef[], occupancy: unknown, into?: string) => {
      calls.push(`route ${fs.length} ${JSON.stringify(occupancy)}${into ? ` into ${into}` : ''}`);
      return route;
    },
    open: async (slot: string, fs: FileRef[]) => {
      calls.push(`open ${slot} ${fs.map((f) => f.path).join(',')}`);
      return opened(slot);
    },
  } as unknown as GraftClient;
  return { client, calls };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the example opened ahead of the page', () => {
  it('routes and opens the example once, and hands the store those answers for the same questions', async () => {
    const { client, calls } = fakeClient();
    const ahead = openAhead(client, Promise.resolve({ label: 'ex', files }));
    await settle();
    expect(calls).toEqual(['route 3 {"old":"empty","new":"empty"}', 'open old old/model.ckpt.index,old/model.ckpt.data-00000-of-00001', 'open new new/model.json']);
    // What slots-slice does with the example: route the drop, then open each slot with the files its source names.
    const routed = await ahead.route(files, { old: 'empty', new: 'empty' });
    expect(routed).toEqual({ kind: 'route', plan });
    const old = await ahead.open('old', files.filter((f) => plan.old.files.includes(f.path)), plan.old);
    const neu = await ahead.open('new', files.filter((f) => plan.new.files.includes(f.path)), plan.new);
    expect([old.candidateId, neu.candidateId]).toEqual(['old', 'new']);
    expect(calls).toHaveLength(3);
    // Asked again (the person opens the example a second time): the worker is asked.
    await ahead.open('old', files.slice(0, 2), plan.old);
    await ahead.route(files, { old: 'empty', new: 'empty' });
    expect(calls).toHaveLength(5);
  });

  it('passes other questions to the worker: other files, a filled slot, a drop onto one slot, another source', async () => {
    const { client, calls } = fakeClient();
    const ahead = openAhead(client, Promise.resolve({ label: 'ex', files }));
    await settle();
    await ahead.route([file('old/model.ckpt.index'), ...files.slice(1)], { old: 'empty', new: 'empty' });
    await ahead.route(files, { old: 'files', new: 'empty' });
    await ahead.route(files, { old: 'empty', new: 'empty' }, 'old');
    await ahead.open('new', files.slice(2), { ...plan.new, as: 'checkpoint' } as SlotSource);
    await ahead.open('old', [file('old/model.ckpt.index'), files[1]!], plan.old);
    expect(calls.slice(3)).toEqual([
      'route 3 {"old":"empty","new":"empty"}',
      'route 3 {"old":"files","new":"empty"}',
      'route 3 {"old":"empty","new":"empty"} into old',
      'open new new/model.json',
      'open old old/model.ckpt.index,old/model.ckpt.data-00000-of-00001',
    ]);
  });

  it('opens nothing ahead when there is no example or the worker does not route it to slots', async () => {
    const none = fakeClient();
    openAhead(none.client, Promise.resolve(null));
    const asked = fakeClient({ kind: 'ask', subject: 'x', reason: 'y', options: {} } as unknown as RouteResult);
    openAhead(asked.client, Promise.resolve({ label: 'ex', files }));
    const failed = fakeClient();
    openAhead(failed.client, Promise.reject(new Error('offline')));
    await settle();
    expect(none.calls).toEqual([]);
    expect(asked.calls).toEqual(['route 3 {"old":"empty","new":"empty"}']);
    expect(failed.calls).toEqual([]);
  });

  it('hands the two slots over together, once both have answered, and a failed one fails only its own slot', async () => {
    let finishNew!: (o: SlotOpened) => void;
    let failOld!: (e: Error) => void;
    const client = {
      route: async () => ({ kind: 'route', plan }),
      open: (slot: string) => new Promise<SlotOpened>((ok, fail) => (slot === 'new' ? (finishNew = ok) : (failOld = fail))),
    } as unknown as GraftClient;
    const ahead = openAhead(client, Promise.resolve({ label: 'ex', files }));
    await settle();
    const got: string[] = [];
    const old = ahead.open('old', files.slice(0, 2), plan.old).then(() => got.push('old'), (e: Error) => got.push(`old failed: ${e.message}`));
    const neu = ahead.open('new', files.slice(2), plan.new).then((o) => got.push(`new ${o.candidateId}`));
    failOld(new Error('damaged'));
    await settle();
    expect(got).toEqual([]);
    finishNew(opened('new'));
    await Promise.all([old, neu]);
    expect(got).toEqual(['old failed: damaged', 'new new']);
  });
});
