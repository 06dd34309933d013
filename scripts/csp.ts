/**
 * The page's Content-Security-Policy: nothing leaves the machine, so the page and its worker may talk only to
 * their own origin. WebAssembly (TF.js' WASM backend, h5wasm, hash-wasm) needs 'wasm-unsafe-eval'; the worker is
 * a same-origin module (blob: for TF.js' threaded WASM helpers); downloads are blob: URLs.
 *
 * The worker's policy also allows eval: protobufjs (TF checkpoints and MetaGraphs, read in the worker) compiles
 * its decoders with `new Function`. The worker has no DOM to inject into, and its connect-src is as strict as the
 * page's. A worker takes the policy of its own script's response, so that one is a header; the page's is a
 * <meta> in index.html (any static host) and the same header under `vite preview` and the dev server.
 *
 * The dev server injects inline scripts (React refresh) and <style> tags and talks to its HMR socket: dev relaxes
 * just those.
 */
import type { Connect, Plugin } from 'vite';

export type CspTarget = 'page' | 'worker';

export function contentSecurityPolicy(dev: boolean, target: CspTarget = 'page'): string {
  const script = ["'self'", "'wasm-unsafe-eval'", ...(target === 'worker' ? ["'unsafe-eval'"] : []), ...(dev ? ["'unsafe-inline'"] : [])];
  return [
    "default-src 'self'",
    `script-src ${script.join(' ')}`,
    "worker-src 'self' blob:",
    `connect-src 'self'${dev ? ' ws://127.0.0.1:* ws://localhost:*' : ''}`,
    "img-src 'self' data: blob:",
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}

/** The worker's entry: `assets/worker-[hash].js` in a build (vite.config.ts names it so), `?worker_file` in dev. */
const isWorkerScript = (url: string) => /\/assets\/worker-[^/]*\.js(\?|$)|[?&]worker_file\b/.test(url);

function headers(dev: boolean): Connect.NextHandleFunction {
  return (req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(dev, isWorkerScript(req.url ?? '') ? 'worker' : 'page'));
    next();
  };
}

/** The page's policy as a <meta> in index.html; both policies as headers from the dev and preview servers. */
export function cspPlugin(): Plugin {
  let dev = false;
  return {
    name: 'graft-content-security-policy',
    configResolved(config) {
      dev = config.command === 'serve';
    },
    configureServer(server) {
      server.middlewares.use(headers(true));
    },
    configurePreviewServer(server) {
      server.middlewares.use(headers(false));
    },
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(dev) }, injectTo: 'head-prepend' }],
  };
}
