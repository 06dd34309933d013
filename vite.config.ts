import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { cspPlugin } from './scripts/csp.ts';

export default defineConfig({
  plugins: [react(), cspPlugin()],
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
  },
});
