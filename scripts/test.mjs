#!/usr/bin/env node
// `npm test`: installs what is missing, checks the layers (ESLint's import rules, eslint.config.js), runs Vitest
// (core, CLI) and Playwright (the built page in Debian's Chromium), then prints one closing line `N passed, N failed`
// over all three (the layer check counts as one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const step = (cmd, args, env = {}) => {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
};
const readJson = (p) => (existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null);

rmSync('reports', { recursive: true, force: true });
mkdirSync('reports', { recursive: true });
if (step('node', ['scripts/setup.mjs', '--browser']) !== 0) process.exit(1);

const layersStatus = step('npx', ['eslint', '--cache', '--cache-location', 'node_modules/.cache/eslint/', 'src']);
const unitStatus = step('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=reports/vitest.json']);
const buildStatus = step('npx', ['vite', 'build']);
const e2eStatus =
  buildStatus === 0
    ? step('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: 'reports/playwright.json' })
    : 1;

const unit = readJson('reports/vitest.json');
const e2e = readJson('reports/playwright.json');
const passed = (layersStatus === 0 ? 1 : 0) + (unit?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0);
const failed = (layersStatus === 0 ? 0 : 1) + (unit?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0) + (e2e?.stats?.flaky ?? 0);
const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0);
const broken = [layersStatus && 'layers (eslint)', unitStatus && 'vitest', buildStatus && 'vite build', e2eStatus && 'playwright'].filter(Boolean);

console.log(`\nlayers: ${layersStatus === 0 ? 'ok' : 'failed'}; vitest: ${unit?.numPassedTests ?? 0} passed, ${unit?.numFailedTests ?? 0} failed; playwright: ${e2e?.stats?.expected ?? 0} passed, ${e2e?.stats?.unexpected ?? 0} failed`);
if (broken.length) console.log(`failing steps: ${broken.join(', ')}`);
console.log(`${passed} passed, ${failed + (broken.length && !failed ? 1 : 0)} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(broken.length || failed ? 1 : 0);
