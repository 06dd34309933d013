/// <reference lib="webworker" />
/**
 * The worker's entry: nothing but a buffer for the page's first calls while the real worker module loads.
 *
 * A module worker delivers messages as soon as its entry module *starts* evaluating, and an ES module whose graph
 * holds a top-level await (tf-bundle's CRC32C creates its WebAssembly that way) finishes evaluating later: a call
 * that arrived in between met no listener and was lost, so the first drop never answered. Here every message is
 * kept until `./worker` has exposed its API, then handed to it in order.
 */
const early: MessageEvent[] = [];
const keep = (e: MessageEvent) => void early.push(e);
self.addEventListener('message', keep);

import('./worker').then(
  () => {
    self.removeEventListener('message', keep);
    for (const e of early) self.dispatchEvent(new MessageEvent('message', { data: e.data, ports: [...e.ports] }));
    early.length = 0;
  },
  (e: unknown) => {
    // Thrown outside the promise: the page's `error` listener on the Worker fails the waiting calls.
    setTimeout(() => {
      throw e instanceof Error ? e : new Error(String(e));
    });
  },
);
