// The page's export against the CLI's, on the same ~1.3 GB BERT-large TF checkpoint (bench/big-checkpoint.ts):
// the app built into its own folder and served by `vite preview` on a free port, Debian's Chromium driven by
// Playwright, the checkpoint opened as old and as new template, an identity export → TF timed from the Start
// click to the download link being ready; `graft apply` identity → TF on the same files. Prints a table with the
// page/CLI speed ratio (target: page ≥ 50% of CLI speed) and the browser's peak memory (RSS of all its
// processes). Measures only; never asserts a time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { ensureBigCheckpoint } from './big-checkpoint';

const ROUNDS = Number(process.env.PAGE_BENCH_ROUNDS ?? 2);
const CACHE = resolve('bench/.cache');
const DIST = join(CACHE, 'page-dist');
const OUT = join(CACHE, 'page-export-out');
const MiB = 1 << 20;
// As playwright.config.ts: Playwright's own browser download does not work on these machines.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`vite preview exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

/** Sum of the RSS of a process and all its descendants, in bytes (Linux /proc via ps). */
function treeRss(root: number): number {
  const r = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  const rows = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , kb]) => [pid, kb * 1024]));
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Polls `sample` every 200 ms until stopped; the peak seen. */
function peakOf(sample: () => number): () => number {
  let peak = sample();
  const timer = setInterval(() => (peak = Math.max(peak, sample())), 200);
  return () => {
    clearInterval(timer);
    return Math.max(peak, sample());
  };
}

async function pageExport(browser: Browser, url: string, files: string[], browserPid: number): Promise<{ seconds: number; size: number; peak: number; before: number; backend: string; worker: string }> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.route('**/examples/manifest.json', (r) => r.fulfill({ status: 404, body: 'no example' }));
  await page.goto(url);
  await page.getByTestId('replace-old-input').setInputFiles(files);
  await page.getByTestId('slot-old').getByTestId('slot-label').waitFor({ timeout: 120_000 });
  await page.getByTestId('replace-new-input').setInputFiles(files);
  await page.waitForFunction(() => !(document.querySelector('[data-testid="export-open"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 120_000 });
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption('tf');
  const before = treeRss(browserPid);
  const stop = peakOf(() => treeRss(browserPid));
  const started = performance.now();
  await panel.getByTestId('export-start').click();
  const link = panel.getByTestId('export-download');
  // Waits for the link, printing the page's progress line now and then; a page error ends the wait with its sentence.
  for (let last = 0; !(await link.isVisible()); await new Promise((r) => setTimeout(r, 100))) {
    const status = await panel.getAttribute('data-status');
    if (status === 'error' || status === 'cancelled') throw new Error(`page export ${status}: ${await panel.getByTestId('export-error').textContent().catch(() => '')}`);
    if (performance.now() - started > 600_000) throw new Error('page export: no download after 10 minutes');
    if (process.env.PAGE_BENCH_VERBOSE && performance.now() - last > 5_000) {
      last = performance.now();
      console.log(`  ${((last - started) / 1000).toFixed(0)} s: ${(await panel.getByTestId('export-progress').textContent().catch(() => '')) ?? ''}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const peak = stop();
  const size = Number(await link.getAttribute('data-size'));
  const backend = (await panel.getByTestId('export-backend').textContent()) ?? '?';
  const worker = (await panel.getByTestId('export-result').locator('p').first().textContent()) ?? '';
  await context.close();
  return { seconds, size, peak, before, backend, worker };
}

function cliExport(prefix: string): { seconds: number; peak: number } {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  spawnSync('sync');
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'node', 'bin/graft.mjs', 'apply', prefix, prefix, '--out', join(OUT, 'identity.ckpt')], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`graft apply failed: ${r.stderr}`);
  const peakKb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, peak: peakKb * 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

const big = await ensureBigCheckpoint();
const files = big.files.map((f) => resolve(f));
console.log(`checkpoint: ${big.prefix} — ${(big.bytes / MiB).toFixed(0)} MiB in ${big.tensors.length} variables`);
const build = spawnSync('npx', ['vite', 'build', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'error'], { encoding: 'utf8', stdio: 'inherit' });
if (build.status !== 0) throw new Error('vite build failed');
const port = await freePort();
const server = spawn('npx', ['vite', 'preview', '--outDir', DIST, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
const url = `http://127.0.0.1:${port}/`;
const rows: { step: string; seconds: number[]; peak: number; note: string }[] = [
  { step: 'page: identity → tf (Start → download ready)', seconds: [], peak: 0, note: '' },
  { step: 'CLI: graft apply identity → tf', seconds: [], peak: 0, note: '' },
];
try {
  await waitForServer(url, server);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const browserPid = (browser as unknown as { process?: () => ChildProcess }).process?.()?.pid ?? 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const p = await pageExport(browser, url, files, browserPid);
      rows[0]!.seconds.push(p.seconds);
      rows[0]!.peak = Math.max(rows[0]!.peak, p.peak);
      rows[0]!.note = `RSS before Start ${(p.before / MiB).toFixed(0)} MiB; zip ${(p.size / MiB).toFixed(0)} MiB; TF.js backend ${p.backend}; ${p.worker.replace(/\s+/g, ' ').trim()}`;
      const c = cliExport(big.prefix);
      rows[1]!.seconds.push(c.seconds);
      rows[1]!.peak = Math.max(rows[1]!.peak, c.peak);
    }
  } finally {
    await browser.close();
  }
} finally {
  if (server.pid) process.kill(-server.pid);
  rmSync(OUT, { recursive: true, force: true });
}

const mbps = (s: number) => big.bytes / MiB / s;
console.log(`\n| step | median s (of ${ROUNDS}) | MiB/s | peak memory MiB | notes |\n|---|---:|---:|---:|---|`);
for (const r of rows) {
  const s = median(r.seconds);
  console.log(`| ${r.step} | ${s.toFixed(2)} (${r.seconds.map((x) => x.toFixed(2)).join(', ')}) | ${mbps(s).toFixed(0)} | ${(r.peak / MiB).toFixed(0)} | ${r.note} |`);
}
const ratio = median(rows[1]!.seconds) / median(rows[0]!.seconds);
console.log(`\npage speed / CLI speed: ${(ratio * 100).toFixed(0)}% (target ≥ 50%); page peak = all Chromium processes' RSS, CLI peak = max RSS of node`);
