// The page's export against the CLI's, on the same ~1.3 GB BERT-large TF checkpoint (bench/big-checkpoint.ts): the app
// built into its own folder (GRAFT_BENCH_DIST) and served by `vite preview`, Debian's Chromium driven by Playwright,
// the checkpoint opened as old and as new template, an identity export → TF timed from the Start click to the output
// being ready — as a zip download, and into a folder (the File System Access path; `showDirectoryPicker` answers with
// a folder of the origin private file system, a real FileSystemDirectoryHandle on disk) — then to its self-check
// ("verified: n/n"); `graft apply` identity → TF on the same files, interleaved with the page's rounds. Prints the
// page/CLI speed (target ≥ 80%) and the browser's memory above the idle page against its budget (2 × the largest
// tensor + 300 MB), as PSS summed over Chromium's processes (RSS counts shared pages once per process), anonymous and shared memory only
// (file-backed pages are the page cache, reclaimable, shown apart). Measures only.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { ensureBigCheckpoint } from './big-checkpoint';
import { servePage, servePageWithProfile } from './page-server';

const ROUNDS = Number(process.env.PAGE_BENCH_ROUNDS ?? 2);
const CACHE = resolve('bench/.cache');
const OUT = join(CACHE, `page-export-out-${process.pid}`);
const MiB = 1 << 20;
/** PAGE_BENCH_DESTINATIONS=folder runs only the folder rounds (default: download,folder). */
const DESTINATIONS = (process.env.PAGE_BENCH_DESTINATIONS ?? 'download,folder').split(',') as ('download' | 'folder')[];
/**
 * PAGE_BENCH_PROFILE=disk (default): a browser profile on disk, as a person's own browser; =incognito: Playwright's
 * default contexts, where Chromium keeps the blob store and the origin private file system (the bench's "folder") in
 * RAM, so a folder export's files themselves count as browser memory there.
 */
const PROFILE = process.env.PAGE_BENCH_PROFILE === 'incognito' ? 'incognito' : 'disk';

interface Served {
  url: string;
  browserPid: number;
  browser?: Browser;
  context?: BrowserContext;
  close(): Promise<void>;
}

/**
 * Proportional set size of a process and all its descendants, in bytes, by process type (browser, renderer, gpu…):
 * anonymous and shared memory (what costs RAM); file-backed pages (mapped files, the page cache, reclaimable) apart.
 */
function treeMemory(root: number): { total: number; file: number; byType: Map<string, number> } {
  const r = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of r.stdout.trim().split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const byType = new Map<string, number>();
  let total = 0;
  let file = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    stack.push(...(children.get(pid) ?? []));
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024;
      const pss = kb('Pss_Anon') + kb('Pss_Shmem');
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      byType.set(type, (byType.get(type) ?? 0) + pss);
      total += pss;
      file += kb('Pss_File');
    } catch {
      // gone
    }
  }
  return { total, file, byType };
}

type Memory = ReturnType<typeof treeMemory>;

/** The browser process's anonymous + shared memory by mapping (heap, anonymous, a /dev/shm or memfd region…), largest first. */
function mappings(pid: number): string {
  const by = new Map<string, number>();
  let name = '';
  try {
    for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
      if (head) name = (head[1] ?? '').replace(/\d+/g, 'N') || '[anon]';
      const m = /^(Anonymous|Pss_Shmem):\s+(\d+) kB/.exec(line);
      if (m) by.set(name, (by.get(name) ?? 0) + Number(m[2]) * 1024);
    }
  } catch {
    return '';
  }
  return [...by].filter(([, b]) => b >= MiB).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([n, b]) => `${n} ${mib(b)}`).join(', ');
}

/** Polls `sample` every 200 ms until stopped; the peak seen, with its split by process type and the browser's by mapping. */
function peakOf(sample: () => Memory, browserPid: number): () => Memory & { where: string } {
  let peak = { ...sample(), where: mappings(browserPid) };
  const poll = () => {
    const m = sample();
    if (m.total > peak.total) peak = { ...m, where: m.total > peak.total + 32 * MiB ? mappings(browserPid) : peak.where };
  };
  const timer = setInterval(poll, 200);
  return () => {
    clearInterval(timer);
    poll();
    return peak;
  };
}

const split = (m: Memory & { where?: string }) =>
  [...[...m.byType].map(([t, b]) => `${t} ${mib(b)}`), `file-backed ${mib(m.file)}`].join(', ') + (m.where ? `; browser by mapping: ${m.where}` : '');

const mib = (b: number) => `${(b / MiB).toFixed(0)}`;
const settle = () => new Promise((r) => setTimeout(r, 1500));

interface PageRound {
  seconds: number;
  checkSeconds: number;
  size: number;
  idle: number;
  beforeStart: number;
  peak: number;
  /** The peak while writing, and while checking, split by process type. */
  peaks: string;
  opened: string;
  verified: string;
}

/** Waits for `ready`, failing with the page's sentence when the export ends otherwise. */
async function until(page: Page, ready: () => Promise<boolean>, started: number): Promise<void> {
  const panel = page.getByTestId('export-panel');
  while (!(await ready())) {
    const status = await panel.getAttribute('data-status');
    if (status === 'error' || status === 'cancelled') throw new Error(`page export ${status}: ${await panel.getByTestId('export-error').textContent().catch(() => '')}`);
    if (performance.now() - started > 600_000) throw new Error('page export: not done after 10 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function pageExport(served: Served, files: string[], destination: 'download' | 'folder'): Promise<PageRound> {
  const { url, browserPid } = served;
  const context = served.context ?? (await served.browser!.newContext({ acceptDownloads: true }));
  const page = await context.newPage();
  await page.addInitScript(() => {
    (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle(`bench-${Date.now()}`, { create: true });
  });
  await page.route('**/examples/manifest.json', (r) => r.fulfill({ status: 404, body: 'no example' }));
  await page.goto(url);
  await page.getByTestId('drop-zone').waitFor({ timeout: 60_000 });
  await settle();
  const idle = treeMemory(browserPid).total;
  await page.getByTestId('replace-old-input').setInputFiles(files);
  await page.getByTestId('slot-old').getByTestId('slot-label').waitFor({ timeout: 120_000 });
  await settle();
  const afterOld = treeMemory(browserPid).total;
  await page.getByTestId('replace-new-input').setInputFiles(files);
  await page.waitForFunction(() => (document.querySelector('[data-testid="export-open"]') as HTMLButtonElement | null)?.disabled === false, undefined, { timeout: 180_000 });
  await page.getByTestId('export-open').click();
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption('tf');
  await panel.getByTestId('export-destination').selectOption(destination);
  await settle();
  const before = treeMemory(browserPid);
  const opened = `idle ${mib(idle)}, old opened +${mib(afterOld - idle)}, both opened +${mib(before.total - idle)} (${split(before)})`;
  let stop = peakOf(() => treeMemory(browserPid), browserPid);
  const started = performance.now();
  await panel.getByTestId('export-start').click();
  const done = destination === 'download' ? panel.getByTestId('export-download') : panel.getByTestId('export-folder-done');
  await until(page, () => done.isVisible(), started);
  const seconds = (performance.now() - started) / 1000;
  const writing = stop();
  stop = peakOf(() => treeMemory(browserPid), browserPid);
  const check = panel.getByTestId('export-check');
  await until(page, async () => (await check.getAttribute('data-state')) !== 'checking', started);
  const checkSeconds = (performance.now() - started) / 1000 - seconds;
  const checking = stop();
  const peak = Math.max(writing.total, checking.total);
  const peaks = `writing +${mib(writing.total - idle)} (${split(writing)}); checking +${mib(checking.total - idle)} (${split(checking)})`;
  const verified = `${await check.getAttribute('data-state')} ${(await panel.getByTestId('export-check-count').textContent().catch(() => '')) ?? ''}`;
  const size = destination === 'download' ? Number(await done.getAttribute('data-size')) : 0;
  if (destination === 'folder') await page.evaluate(async () => { const root = await navigator.storage.getDirectory(); for await (const n of (root as unknown as { keys(): AsyncIterable<string> }).keys()) await root.removeEntry(n, { recursive: true }); });
  if (served.context) await page.close();
  else await context.close();
  return { seconds, checkSeconds, size, idle, beforeStart: before.total, peak, peaks, opened, verified };
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
const budget = 2 * big.largestTensor + 300 * MiB;
console.log(`checkpoint: ${big.prefix} — ${mib(big.bytes)} MiB in ${big.tensors.length} variables, largest ${mib(big.largestTensor)} MiB; page memory budget ${mib(budget)} MiB above the idle page`);
const rounds: Record<'download' | 'folder', PageRound[]> = { download: [], folder: [] };
const cli: { seconds: number; peak: number }[] = [];
const PROFILE_DIR = join(CACHE, `page-export-profile-${process.pid}`);
const served: Served = PROFILE === 'disk' ? await servePageWithProfile(PROFILE_DIR) : await servePage();
// Without the browser's pid the tree would be every process on the machine (ppid 0), as this bench once measured.
if (!served.browserPid) {
  await served.close();
  throw new Error('the Chromium process was not found: its memory cannot be measured');
}
console.log(`browser profile: ${PROFILE === 'disk' ? 'on disk (as a person\'s browser)' : 'incognito (blob store and OPFS in RAM)'}`);
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const destination of DESTINATIONS) {
      const p = await pageExport(served, files, destination);
      console.log(`  page ${destination}: ${p.seconds.toFixed(2)} s + self-check ${p.checkSeconds.toFixed(2)} s (${p.verified}); ${p.opened}; peak ${p.peaks}`);
      rounds[destination].push(p);
      const c = cliExport(big.prefix);
      console.log(`  CLI: ${c.seconds.toFixed(2)} s, ${mib(c.peak)} MiB`);
      cli.push(c);
    }
  }
} finally {
  await served.close();
  rmSync(OUT, { recursive: true, force: true });
  rmSync(PROFILE_DIR, { recursive: true, force: true });
}

const cliSeconds = median(cli.map((c) => c.seconds));
const mbps = (s: number) => (big.bytes / MiB / s).toFixed(0);
const uptime = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`\n| step | median s (of ${ROUNDS}) | MiB/s | page ÷ CLI speed (target ≥ 80%) | memory MiB (budget) | self-check | notes |\n|---|---:|---:|---:|---:|---|---|`);
for (const destination of DESTINATIONS) {
  const rs = rounds[destination];
  const s = median(rs.map((r) => r.seconds));
  const above = Math.max(...rs.map((r) => r.peak - r.idle));
  const beforeStart = Math.max(...rs.map((r) => r.beforeStart - r.idle));
  const speed = cliSeconds / s;
  console.log(
    `| page: identity → tf, ${destination === 'download' ? 'zip download' : 'into a folder'} (Start → ready) | ${s.toFixed(2)} (${rs.map((r) => r.seconds.toFixed(2)).join(', ')}) | ${mbps(s)} | ` +
      `${(speed * 100).toFixed(0)}% ${speed >= 0.8 ? '✓' : '✗'} | peak +${mib(above)} above idle (${mib(budget)}) ${above <= budget ? '✓' : '✗'}; before Start +${mib(beforeStart)} | ` +
      `${rs.map((r) => `${r.verified.trim()} in ${r.checkSeconds.toFixed(1)} s`).join('; ')} | ${destination === 'download' ? `zip ${mib(rs[0]!.size)} MiB` : 'OPFS folder'} |`,
  );
}
console.log(`| CLI: graft apply identity → tf | ${cliSeconds.toFixed(2)} (${cli.map((c) => c.seconds.toFixed(2)).join(', ')}) | ${mbps(cliSeconds)} | — | ${mib(Math.max(...cli.map((c) => c.peak)))} (max RSS of node) | — | |`);
console.log(`\nload average ${uptime} (uptime); browser profile ${PROFILE}; page memory = PSS (anonymous + shared, not file-backed pages) of all Chromium processes, above the idle page (no files open)`);
