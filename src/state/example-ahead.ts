/**
 * The built-in example opened in the worker ahead of the page: while the app's own code is still loading, the
 * worker routes the example's files and opens both slots. The store asks the same questions once it runs (`drop` →
 * `route`, then `open` per slot); this client hands it the answers already under way, once each, instead of asking
 * the worker again. Any other call, or the same call with other files, slots or occupancy, goes to the worker.
 * The slots opened ahead are handed over together, once both have answered: the page then draws the example once,
 * with both sides, instead of first the old side alone (a list laid out and thrown away: ~0.1 s of the first view).
 */
import type { FileRef, GraftClient, Occupancy, RouteResult, SlotId, SlotOpened, SlotSource } from '../worker/client';

type Example = { label: string; files: FileRef[] } | null;

interface Ahead<T> {
  files: readonly FileRef[];
  source?: SlotSource;
  answer: Promise<T>;
}

const sameFiles = (a: readonly FileRef[], b: readonly FileRef[]) => a.length === b.length && a.every((f, i) => f === b[i]);
const sameSource = (a: SlotSource | undefined, b: SlotSource) => JSON.stringify(a) === JSON.stringify(b);
const EMPTY: Record<SlotId, Occupancy> = { old: 'empty', new: 'empty' };

/** `client`, with the example (as `example` resolves) routed into empty slots and opened as routed. */
export function openAhead(client: GraftClient, example: Promise<Example>): GraftClient {
  let route: Ahead<RouteResult> | null = null;
  const opens: Partial<Record<SlotId, Ahead<SlotOpened>>> = {};

  void example.then((ex) => {
    if (!ex) return;
    const answer = client.route(ex.files, EMPTY);
    route = { files: ex.files, answer };
    answer.then(
      (routed) => {
        if (routed.kind !== 'route') return;
        const answers: Promise<SlotOpened>[] = [];
        for (const slot of ['old', 'new'] as const) {
          const source = routed.plan[slot];
          if (!source) continue;
          // The files the store opens a slot with: those of the drop that its source names (slots-slice applyPlan).
          const files = ex.files.filter((f) => source.files.includes(f.path));
          const opened = client.open(slot, files, source);
          opened.catch(() => undefined); // reported when the store takes it
          answers.push(opened);
          opens[slot] = { files, source, answer: opened };
        }
        const all = Promise.allSettled(answers);
        for (const ahead of Object.values(opens)) {
          const own = ahead.answer;
          ahead.answer = all.then(() => own);
          ahead.answer.catch(() => undefined);
        }
      },
      () => undefined,
    );
  }, () => undefined);

  return {
    ...client,
    route(files, occupancy, into) {
      const ahead = route;
      if (ahead && !into && occupancy.old === 'empty' && occupancy.new === 'empty' && sameFiles(ahead.files, files)) {
        route = null;
        return ahead.answer;
      }
      return client.route(files, occupancy, into);
    },
    open(slot, files, source) {
      const ahead = opens[slot];
      if (ahead && sameSource(ahead.source, source) && sameFiles(ahead.files, files)) {
        delete opens[slot];
        return ahead.answer;
      }
      return client.open(slot, files, source);
    },
  };
}
