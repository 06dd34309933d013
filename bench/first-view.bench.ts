// Time to the built-in example's first view: from opening the page to the example's canvas drawing its nodes, in
// Debian's Chromium. Two servers, as a person meets them: the built app through `vite preview` (what `npm start` serves;
// each load in a fresh browser context) and `vite` (the dev server of `npm run dev`, without --open) started afresh per load. Prints the
// median beside the ≤ 2 s target; asserts nothing. GRAFT_BENCH_DIST names the build folder (one per person);
// FIRST_VIEW_RUNS the loads per server (default 5); FIRST_VIEW_SERVERS=built skips the dev server (a minute a load).
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { median } from './measure';
import { freePort, servePage, waitForServer } from './page-server';

const RUNS = Number(process.env.FIRST_VIEW_RUNS ?? 5);
const SERVERS = (process.env.FIRST_VIEW_SERVERS ?? 'dev,built').split(',');
const TARGET_MS = 2000;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];
/** The example's canvas has drawn: React Flow shows its first node. */
const DRAWN = '[data-testid="canvas"] .react-flow__node';

interface Load {
  /** Navigation start to the canvas' first node. */
  canvas: number;
  /** Navigation start to the first words the page shows while it loads. */
  firstPaint: number;
  /** What the page said while the example loaded (the wording checked by hand in this table). */
  wording: string;
}

async function load(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('[data-testid="loading-page"], [data-testid="loading-example"], [data-testid="workspace"], [data-testid="drop-zone"]').first().waitFor({ timeout: 240_000 });
    const firstPaint = Date.now() - start;
    // What the app itself says once it has drawn, while the example is still opening.
    await page.locator('.header').waitFor({ timeout: 240_000 });
    const wording = ((await page.locator('[data-testid="loading-example"]').textContent({ timeout: 100 }).catch(() => null)) ?? '').trim();
    await page.locator(DRAWN).first().waitFor({ timeout: 300_000 });
    return { canvas: Date.now() - start, firstPaint, wording };
  } finally {
    await context.close();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function row(what: string, loads: Load[], serverStart?: number[]): void {
  const canvas = median(loads.map((l) => l.canvas));
  const started = serverStart ? ` (server up after ${seconds(median(serverStart))})` : '';
  console.log(
    `| ${what}${started} | ${loads.map((l) => seconds(l.canvas)).join(', ')} | **${seconds(canvas)}** | ≤ ${seconds(TARGET_MS)} ${canvas <= TARGET_MS ? 'met' : 'missed'} | ${seconds(median(loads.map((l) => l.firstPaint)))} | ${loads[0]?.wording || '—'} |`,
  );
}

async function devServer(): Promise<{ url: string; up: number; stop(): void }> {
  const port = await freePort();
  const t0 = Date.now();
  // What `npm run dev` runs, less --open (the bench opens its own browser).
  const server: ChildProcess = spawn('npx', ['vite', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true, cwd: resolve('.') });
  const stop = () => {
    if (server.pid) process.kill(-server.pid);
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForServer(url, server);
  } catch (e) {
    stop();
    throw e;
  }
  return { url, up: Date.now() - t0, stop };
}

console.log(`first view of the built-in example, ${RUNS} loads each, 1280×800 (load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')})`);
console.log('\n| server | each load | median | target | first words | wording while loading |\n|---|---|---|---|---|---|');

if (SERVERS.includes('dev')) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const loads: Load[] = [];
    const ups: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dev = await devServer();
      try {
        ups.push(dev.up);
        loads.push(await load(browser, dev.url));
      } finally {
        dev.stop();
      }
    }
    row('`npm run dev` (`vite` dev server), fresh server per load', loads, ups);
  } finally {
    await browser.close();
  }
}

if (SERVERS.includes('built')) {
  const served = await servePage();
  try {
    const loads: Load[] = [];
    for (let i = 0; i < RUNS; i++) loads.push(await load(served.browser, served.url));
    row(`\`npm start\` (\`vite preview\` of the build, ${process.env.GRAFT_BENCH_DIST ?? join('bench/.cache', 'page-dist')})`, loads);
  } finally {
    await served.close();
  }
}
