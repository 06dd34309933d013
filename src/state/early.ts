/**
 * What the first view waits on, started by the page's tiny entry before the app's own code has loaded: the worker
 * (its modules load in parallel), the built-in example's files, and the example opened in the worker
 * (example-ahead.ts). Nothing here may import the store or React.
 */
import { type GraftClient, createWorkerClient } from '../worker/client';
import { openAhead } from './example-ahead';
import { fetchExample } from './example';

let client: GraftClient | null = null;
let example: ReturnType<typeof fetchExample> | null = null;

/** The page's one worker client, started on first use. */
export const workerClient = (): GraftClient => (client ??= createWorkerClient());

export function startEarly(): void {
  example = fetchExample();
  // A failure is reported when the store takes the promise; until then it must not count as unhandled.
  example.catch(() => undefined);
  client ??= openAhead(createWorkerClient(), example);
}

/** The example fetch `startEarly` began, once; null when it did not run or was taken already. */
export function takeEarlyExample(): ReturnType<typeof fetchExample> | null {
  const e = example;
  example = null;
  return e;
}
