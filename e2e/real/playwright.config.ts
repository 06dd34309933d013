import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

/** `npm run test:real`'s page step: the same browser and server as the e2e suite, the real-library specs only. */
export default defineConfig({ ...base, testDir: '.', testMatch: '*.real.ts', timeout: 120_000 });
