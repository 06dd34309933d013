import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { cspPlugin } from './scripts/csp.ts';

/**
 * The app's chunk (src/ui/mount.tsx: React, the canvas, the store) is requested by the HTML itself, not only once
 * the tiny entry has run and imported it: on a loaded 2-core machine the entry ran 0.3–1 s after the HTML arrived.
 */
const isEntry = (c: unknown) => (c as { isEntry?: boolean } | undefined)?.isEntry === true;

function preloadApp(): Plugin {
  let base = '/';
  return {
    name: 'graft-preload-app',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {});
        const app = chunks.find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/src/ui/mount.tsx'));
        if (!app || app.type !== 'chunk') return [];
        const css = [...(app.viteMetadata?.importedCss ?? [])];
        return [
          ...[app.fileName, ...app.imports.filter((file) => !isEntry(ctx.bundle?.[file]))].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${file}` }, injectTo: 'head' as const })),
          ...css.map((file) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `${base}${file}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), cspPlugin(), preloadApp()],
  // The worker's entry keeps `worker` in its name now that export code splits it into lazy chunks.
  worker: { format: 'es', rollupOptions: { output: { entryFileNames: 'assets/worker-[hash].js' } } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  // Packages only lazily imported (export, HDF5, the TF.js backends): pre-bundled when the dev server starts, so
  // `npm start` does not find them at the first export or .h5 drop, re-optimise and reload the page mid-work.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'fflate', 'hash-wasm', 'h5wasm'],
  },
  server: { port: 5173 },
  preview: { port: 4173 },
  test: {
    include: ['src/**/*.test.ts', 'fuzz/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // RE2 loads on demand in the app (safe-regex.ts); tests call the synchronous rule functions directly.
    setupFiles: ['src/core/mapping/safe-regex.test-setup.ts'],
  },
});
