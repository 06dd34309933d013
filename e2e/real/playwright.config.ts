import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

/** `npm run test:real`'s page step: the same browser and server as the e2e suite, the real-library specs only. */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '*.real.ts',
  timeout: 120_000,
  // The server runs from the repository root, as for the e2e suite (Playwright would start it in this folder).
  webServer: { ...(base.webServer as object), cwd: fileURLToPath(new URL('../..', import.meta.url)) } as typeof base.webServer,
});
