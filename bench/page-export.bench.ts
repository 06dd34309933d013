// The page's export against the CLI's, on the same ~1.3 GB BERT-large TF checkpoint (bench/big-checkpoint.ts):
// the app built into its own folder and served by `vite preview` on a free port, Debian's Chromium driven by
// Playwright, the checkpoint opened as old and as new template, an identity export → TF timed from the Start
// click to the download link being ready; `graft apply` identity → TF on the same files. Prints a table with the
// page/CLI speed ratio (target: page ≥ 50% of CLI speed) and the browser's peak memory (RSS of all its
// processes). Measures only; never asserts a time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from '@playwright/test';
import { ensureBigCheckpoint } from './big-checkpoint';
import { servePage } from './page-server';

const ROUNDS = Number(process.env.PAGE_BENCH_ROUNDS ?? 2);
const CACHE = resolve('bench/.cache');
const OUT = join(CACHE, 'page-export-out');
const MiB = 1 << 20;

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
const rows: { step: string; seconds: number[]; peak: number; note: string }[] = [
  { step: 'page: identity → tf (Start → download ready)', seconds: [], peak: 0, note: '' },
  { step: 'CLI: graft apply identity → tf', seconds: [], peak: 0, note: '' },
];
const served = await servePage();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const p = await pageExport(served.browser, served.url, files, served.browserPid);
    rows[0]!.seconds.push(p.seconds);
    rows[0]!.peak = Math.max(rows[0]!.peak, p.peak);
    rows[0]!.note = `RSS before Start ${(p.before / MiB).toFixed(0)} MiB; zip ${(p.size / MiB).toFixed(0)} MiB; TF.js backend ${p.backend}; ${p.worker.replace(/\s+/g, ' ').trim()}`;
    const c = cliExport(big.prefix);
    rows[1]!.seconds.push(c.seconds);
    rows[1]!.peak = Math.max(rows[1]!.peak, c.peak);
  }
} finally {
  await served.close();
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
