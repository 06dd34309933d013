// The canvas with ~5,000 × 5,000 variables in Chromium: time from picking the files to the first canvas render,
// frame times while panning and zooming (groups collapsed, as it opens; then every group open), and the cost of
// one recipe edit (compile on the page). Reuses dist/ (built if missing) through `vite preview`, launches Debian
// Chromium with the flags of playwright.config.ts. Prints a table; asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import config from '../playwright.config';
import { frameTimes, type Frames } from './canvas-frames';
import { median, medianBy } from './measure';
import { autoMatch, compile, emptyRecipe } from '../src/core/mapping';
import { writeTfBundle } from '../src/core/formats/tf-bundle';
import { classifyVariable } from '../src/core/model/naming';
import { targetFromCheckpoint } from '../src/core/model/target/from-checkpoint';
import type { TensorInfo } from '../src/core/model/checkpoint';

const H = 4;
const LAYER = ['attention/output/LayerNorm/beta', 'attention/output/LayerNorm/gamma', 'attention/output/dense/bias', 'attention/output/dense/kernel',
  'attention/self/key/bias', 'attention/self/key/kernel', 'attention/self/query/bias', 'attention/self/query/kernel', 'attention/self/value/bias',
  'attention/self/value/kernel', 'intermediate/dense/bias', 'intermediate/dense/kernel', 'output/LayerNorm/beta', 'output/LayerNorm/gamma',
  'output/dense/bias', 'output/dense/kernel'];
const shapeOf = (suffix: string, ff: number) => (suffix.endsWith('kernel') ? (suffix.startsWith('intermediate') ? [H, ff] : suffix.startsWith('output/dense') ? [ff, H] : [H, H]) : suffix.startsWith('intermediate') ? [ff] : [H]);

/** BERT's real names scaled to 311 layers (tiny shapes: names and structure are what the canvas cares about). */
function bert(scope: string, layers: number, widen = new Set<number>()): { name: string; shape: number[] }[] {
  const out = [`${scope}/embeddings/LayerNorm/beta`, `${scope}/embeddings/LayerNorm/gamma`].map((name) => ({ name, shape: [H] }));
  for (let i = 0; i < layers; i++) for (const s of LAYER) out.push({ name: `${scope}/encoder/layer_${i}/${s}`, shape: shapeOf(s, widen.has(i) ? 3 * H : 2 * H) });
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'graft-canvas-bench-'));
const oldVars = bert('bert', 311);
const newVars = bert('bert', 312, new Set([10, 20, 30, 200]));
const { index, shards } = writeTfBundle(oldVars.map((v) => ({ name: v.name, dtype: 'float32' as const, shape: v.shape, bytes: new Uint8Array(v.shape.reduce((a, b) => a * b, 1) * 4) })));
writeFileSync(join(dir, 'old.ckpt.index'), index);
writeFileSync(join(dir, 'old.ckpt.data-00000-of-00001'), shards[0]!);
writeFileSync(join(dir, 'new-model.json'), JSON.stringify(newVars.map((v) => ({ ...v, dtype: 'float32' }))));
console.log(`old ${oldVars.length} variables, new ${newVars.length} variables (a layer inserted, four widened)`);

// Where compile runs: its cost against the cost of sending its result from a worker (structured clone).
{
  const info = (v: { name: string; shape: number[] }): TensorInfo => ({ ...v, dtype: 'float32', byteLength: 4, ...classifyVariable(v.name) });
  const olds = oldVars.map(info);
  const target = targetFromCheckpoint({ format: 'x', label: 'new', files: [], tensors: newVars.map(info), warnings: [], read: () => Promise.reject(new Error('none')), readValue: () => Promise.reject(new Error('none')) });
  const t0 = performance.now();
  const recipe = autoMatch({ tensors: olds }, target, emptyRecipe()).recipe;
  const t1 = performance.now();
  const compiles: number[] = [];
  const clones: number[] = [];
  for (let i = 0; i < 5; i++) {
    const a = performance.now();
    const plan = compile(recipe, { tensors: olds }, target);
    const b = performance.now();
    structuredClone(plan);
    clones.push(performance.now() - b);
    compiles.push(b - a);
  }
  const med = (xs: number[]) => median(xs).toFixed(0);
  console.log('\n| Node | ms |\n|---|---|');
  console.log(`| autoMatch, one run (runs in the worker) | ${(t1 - t0).toFixed(0)} |`);
  console.log(`| compile, first / median of 5 (runs on the page) | ${compiles[0]!.toFixed(0)} / ${med(compiles)} |`);
  console.log(`| structured clone of the plan, median of 5 (what compiling in a worker would add, per edit) | ${med(clones)} |`);
}

// GRAFT_BENCH_DIST: serve another build folder (e.g. one built with `vite build --outDir`); GRAFT_BENCH_RUNS: how many
// times to open the files in a fresh page (each row then shows the median and every run); GRAFT_BENCH_PROFILE: a
// file to write a CPU profile (CDP) of the first run's file pick → summary to, for chrome://inspect or speedscope.
const DIST = process.env.GRAFT_BENCH_DIST ?? 'dist';
const RUNS = Math.max(1, Number(process.env.GRAFT_BENCH_RUNS ?? 1));
const PROFILE = process.env.GRAFT_BENCH_PROFILE;
if (!existsSync(join(DIST, 'index.html'))) spawnSync('npx', ['vite', 'build', '--outDir', DIST], { stdio: 'inherit' });
const PORT = Number(process.env.GRAFT_BENCH_PORT ?? 4199);
const server = spawn('npx', ['vite', 'preview', '--outDir', DIST, '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
const url = `http://127.0.0.1:${PORT}/`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(url)).ok) break;
  } catch {
    await new Promise((r) => setTimeout(r, 200));
  }
}

const args = (config.use?.launchOptions?.args ?? []) as string[];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });

/** Each run: label → value (ms or count) and the text shown for it. */
type Run = Map<string, { value: number; text: string }>;
const runs: Run[] = [];
const ms = (v: number) => ({ value: v, text: `${v} ms` });
try {
  for (let r = 0; r < RUNS; r++) runs.push(await measure(r === 0 ? PROFILE : undefined));
} finally {
  await browser.close();
  if (server.pid) process.kill(-server.pid);
  rmSync(dir, { recursive: true, force: true });
}

async function measure(profile?: string): Promise<Run> {
  const row: Run = new Map();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, bypassCSP: true });
  try {
    await page.route('**/examples/manifest.json', (r) => r.fulfill({ status: 404, body: '' }));
    await page.goto(url);
    await page.getByTestId('drop-zone').waitFor();
    // A person takes longer than this to pick files: the page has started its worker while idle (GRAFT_BENCH_COLD=1:
    // pick at once, the worker's start then counts too).
    if (!process.env.GRAFT_BENCH_COLD) await page.waitForTimeout(1000);
    const cdp = profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    }
    /** Profiles one step of the first run into `${profile}.${step}.cpuprofile`. */
    const profiled = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
      if (!cdp) return work();
      await cdp.send('Profiler.start');
      try {
        return await work();
      } finally {
        const { profile: p } = await cdp.send('Profiler.stop');
        writeFileSync(`${profile}.${step}.cpuprofile`, JSON.stringify(p));
      }
    };
    await profiled('open', async () => {
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(['old.ckpt.index', 'old.ckpt.data-00000-of-00001', 'new-model.json'].map((f) => join(dir, f)));
    try {
      await page.locator('.react-flow__node').first().waitFor({ timeout: 60_000 });
    } catch (e) {
      await page.screenshot({ path: join(tmpdir(), 'graft-canvas-bench-failed.png') });
      throw e;
    }
    row.set('files picked → first canvas node drawn', ms(Date.now() - t0));
    await page.getByTestId('count-exact').waitFor({ timeout: 60_000 });
    row.set('files picked → matched, plan compiled, summary shown', ms(Date.now() - t0));
    });
    const drawn = await page.locator('.react-flow__node').count();
    const elements = (await page.evaluate('document.querySelectorAll("*").length')) as number;
    row.set('elements in the whole page', { value: elements, text: String(elements) });
    row.set('nodes in the DOM (groups collapsed)', { value: drawn, text: String(drawn) });
    await page.waitForTimeout(500);
    const fmt = (f: Frames) => ({ value: f.p95, text: `${f.frames} frames: p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(0)} ms, ${f.over50} over 50 ms` });
    row.set('pan + zoom, groups collapsed (p95)', fmt(await frameTimes(page)));

    const pending = page.getByTestId('accept-all');
    if (await pending.count()) {
      const before = await page.getByTestId('count-pending').textContent();
      await profiled('edit', async () => {
        const tEdit = Date.now();
        await pending.click();
        await page.waitForFunction(`document.querySelector('[data-testid="count-pending"]')?.textContent !== ${JSON.stringify(before)}`);
        row.set('one edit (accept all proposals) → summary updated', ms(Date.now() - tEdit));
      });
      const tUndo = Date.now();
      await page.keyboard.press('Control+z');
      await page.waitForFunction(`document.querySelector('[data-testid="count-pending"]')?.textContent === ${JSON.stringify(before)}`);
      row.set('undo → summary updated', ms(Date.now() - tUndo));
      const tRedo = Date.now();
      await page.keyboard.press('Control+Shift+z');
      await page.waitForFunction(`document.querySelector('[data-testid="count-pending"]')?.textContent !== ${JSON.stringify(before)}`);
      row.set('redo → summary updated', ms(Date.now() - tRedo));
    }
    // A click on one old variable of an open group: the selection changes, nothing else.
    const tOpenOne = Date.now();
    await page.locator('[data-testid^="toggle-oldgroup-"]').nth(5).click();
    await page.locator('.react-flow__node-variable').first().waitFor();
    row.set('open one group → its variables drawn', ms(Date.now() - tOpenOne));
    await profiled('select', async () => {
      const tSel = Date.now();
      await page.locator('.react-flow__node-variable').first().click();
      await page.locator('.var-node.is-selected').first().waitFor();
      row.set('select one variable → highlighted', ms(Date.now() - tSel));
    });

    const tOpen = Date.now();
    await page.getByTestId('search').fill('/');
    try {
      await page.waitForFunction(`document.querySelectorAll('.react-flow__node-variable').length > 10`, undefined, { timeout: 60_000 });
    } catch (e) {
      await page.screenshot({ path: '/tmp/bench-fail.png' });
      throw e;
    }
    row.set('search "/" (every group opens: ~10,000 nodes laid out) → drawn', ms(Date.now() - tOpen));
    const open = await page.locator('.react-flow__node').count();
    row.set('nodes in the DOM (visible only)', { value: open, text: String(open) });
    await page.waitForTimeout(500);
    row.set('pan + zoom, every group open (p95)', fmt(await frameTimes(page)));
    const tClear = Date.now();
    await page.getByTestId('search').fill('');
    await page.waitForFunction(`document.querySelectorAll('.react-flow__node-variable').length < 100`, undefined, { timeout: 60_000 });
    row.set('search cleared → groups collapsed again', ms(Date.now() - tClear));
  } finally {
    await page.close();
  }
  return row;
}

const rows: string[] = [];
for (const label of runs[0]!.keys()) {
  const all = runs.map((r) => r.get(label)).filter((x) => x !== undefined);
  const middle = medianBy(all, (x) => x.value);
  rows.push(`| ${label} | ${middle.text}${all.length > 1 ? ` (runs: ${all.map((x) => x.value.toFixed(0)).join(', ')})` : ''} |`);
}
console.log(`\n| Chromium, canvas (median of ${RUNS}) | result |\n|---|---|`);
for (const r of rows) console.log(r);
