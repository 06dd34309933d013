// Scale: a generated ~10 GB, 8-shard LLM checkpoint (Llama layout, bfloat16, HF sharded safetensors; see
// llm-checkpoint.ts) read, matched and exported by the CLI, each step timed against a `cp` of the same files with
// its peak memory against the budget (3 × largest tensor + 200 MiB); every export read back and compared tensor by
// tensor (sha256) with the source. Then a 50,051-variable (mixture-of-experts) checkpoint listed, matched and drawn
// on the canvas in Chromium; last, the page's export of the 10 GB checkpoint (ZIP64 download or folder) against the CLI's
// files. Prints one markdown table; asserts nothing, and never keeps more than one 10 GB output on disk.
// SCALE_ROUNDS (default 1): CLI rounds (cp and the exports interleaved; ratios are medians of each round's ratio).
// SCALE_ONLY: a comma list of cli, 50k, canvas, page (default: all). SCALE_TF_SOURCE=1: also a TF-bundle copy
// of the 10 GB checkpoint (8 data shards; another ~10 GB cached) and its read. SCALE_PAGE_DEST=folder: the page
// exports into a folder (File System Access) instead of a ZIP64 download. SCALE_SMALL=1: a ~30 MB checkpoint instead.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { planSafetensors } from '../src/core/formats/safetensors/write';
import { autoMatch, emptyRecipe } from '../src/core/mapping';
import type { TensorInfo } from '../src/core/model/checkpoint';
import { classifyVariable } from '../src/core/model/naming';
import { targetFromCheckpoint } from '../src/core/model/target/from-checkpoint';
import { panTimes, frameTimes } from './canvas-frames';
import { measure, median, type Measured } from './measure';
import { ensureLlmCheckpoint, LLM_10GB, moeLayout, renamed, type LlmCheckpoint, type LlmTensor } from './llm-checkpoint';
import { servePage } from './page-server';
// @ts-expect-error plain JavaScript module without types
import { buildBundle } from '../scripts/cli-bundle.mjs';

const MiB = 1 << 20;
const ROUNDS = Math.max(1, Number(process.env.SCALE_ROUNDS ?? 1));
const ONLY = new Set((process.env.SCALE_ONLY ?? 'cli,50k,canvas,page').split(',').map((s) => s.trim()));
const OUT = resolve(`bench/.cache/scale-out-${process.pid}`);
const GRAFT = ['node', 'bin/graft.mjs'];

interface Row { step: string; seconds?: number; cp?: number; cpu?: number; peakMiB?: number; budgetMiB?: number; note: string }
const rows: Row[] = [];
const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d));
const line = (r: Row) => `| ${r.step} | ${f(r.seconds)} | ${f(r.cp)} | ${f(r.cpu)} | ${f(r.peakMiB, 0)} | ${f(r.budgetMiB, 0)} | ${r.note} |`;
/** Adds a row and prints it at once: a 10 GB run takes long, and a stopped one still says what it measured. */
const addRow = (r: Row) => {
  rows.push(r);
  console.log(`row: ${line(r)}`);
};
const notRun = (step: string, reason: string) => {
  addRow({ step, note: `not run: ${reason}` });
  console.log(`${step}: not run: ${reason}`);
};

/** A measured step; CPU and peak memory NaN where GNU time could not say (the table leaves them blank). */
type Timed = Omit<Measured, 'cpu' | 'peakMiB'> & { cpu: number; peakMiB: number };

/** `measure`, with a line saying what it took as soon as it ends (a 10 GB step runs for minutes). */
function measured(cmd: string[]): Timed {
  const m = measure(cmd);
  const t = { ...m, cpu: m.cpu ?? NaN, peakMiB: m.peakMiB ?? NaN };
  console.log(`  ${cmd.slice(0, 3).join(' ')}…: ${t.seconds.toFixed(1)} s, CPU ${t.cpu.toFixed(1)} s, peak ${t.peakMiB.toFixed(0)} MiB`);
  return t;
}

const freeBytes = (dir: string) => Number(spawnSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
const gb = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${(b / 1e6).toFixed(0)} MB`);

/** `graft inspect --sha256 --json` lines → name → sha256. */
function shas(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of stdout.split('\n')) {
    if (!l.startsWith('{')) continue;
    const j = JSON.parse(l) as { name?: string; sha256?: string };
    if (j.name && j.sha256) m.set(j.name, j.sha256);
  }
  return m;
}

/** How many of the source's tensors the export holds with the same bytes (under their new names). */
function sameTensors(source: Map<string, string>, exported: Map<string, string>, rename = renamed): string {
  let same = 0;
  for (const [name, sha] of source) if (exported.get(rename(name)) === sha) same++;
  return `${same}/${source.size} tensors byte-identical to the source${exported.size !== source.size ? ` (export lists ${exported.size})` : ''}`;
}

async function fileSha(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 * MiB })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The smallest `--max-shard-size` (in MB) that packs the tensors, in order, into at most `n` shards as HF does. */
function shardSizeFor(tensors: readonly LlmTensor[], n: number): number {
  const fits = (limit: number) => {
    let shards = 1;
    let size = 0;
    for (const t of tensors) {
      if (size > 0 && size + t.bytes > limit) [shards, size] = [shards + 1, 0];
      size += t.bytes;
    }
    return shards <= n;
  };
  let mb = Math.ceil(tensors.reduce((a, t) => a + t.bytes, 0) / n / 1e6);
  while (!fits(mb * 1e6)) mb++;
  return mb;
}

function newModelJson(tensors: readonly LlmTensor[], path: string): string {
  writeFileSync(path, JSON.stringify(tensors.map((t) => ({ name: renamed(t.name), shape: t.shape, dtype: 'bfloat16' }))));
  return path;
}

const usage = spawnSync('node', ['bin/graft.mjs', 'apply', '--help'], { encoding: 'utf8' });
const canShard = `${usage.stdout}${usage.stderr}`.includes('--max-shard-size');

/** The 10 GB rows; returns the CLI's tf export files' sha256 (by file name), for the page step to compare with. */
async function cliRows(src: LlmCheckpoint, hashFiles: boolean): Promise<Map<string, string> | null> {
  const budget = (3 * src.largestTensor) / MiB + 200;
  const L = gb(src.bytes);
  const model = newModelJson(src.tensors, join(OUT, 'new-model.json'));
  const index = src.safetensors.index;
  const cpDir = join(OUT, 'cp');
  const tfOut = join(OUT, 'tf');
  const stOut = join(OUT, 'st');
  const clean = () => [cpDir, tfOut, stOut].forEach((d) => rmSync(d, { recursive: true, force: true }));
  const shardMb = shardSizeFor(src.tensors, 8);
  const steps = {
    cp: () => (mkdirSync(cpDir, { recursive: true }), measured(['cp', ...src.safetensors.files, cpDir])),
    tf: () => (mkdirSync(tfOut, { recursive: true }), measured([...GRAFT, 'apply', index, model, '--match', 'guess', '--format', 'tf', '--out', join(tfOut, 'merged.ckpt')])),
    st: () => (mkdirSync(stOut, { recursive: true }), measured([...GRAFT, 'apply', index, model, '--match', 'guess', '--format', 'safetensors', '--out', join(stOut, 'model.safetensors'), ...(canShard ? ['--max-shard-size', `${shardMb}MB`] : [])])),
  };
  const runs: Record<keyof typeof steps, Timed[]> = { cp: [], tf: [], st: [] };
  const ratios: Record<'tf' | 'st', number[]> = { tf: [], st: [] };
  let tfFiles: Map<string, string> | null = null;
  let source: Map<string, string> | null = null;

  const listing = measured([...GRAFT, 'inspect', index]);
  const read = measured([...GRAFT, 'inspect', index, '--json', '--sha256']);
  source = shas(read.stdout);
  const match = measured([...GRAFT, 'match', index, model, '--json']);
  const summary = (JSON.parse(match.stdout.trim().split('\n').pop() ?? '{}') as { summary?: Record<string, number> }).summary;
  const readBack: Record<'tf' | 'st', Timed | null> = { tf: null, st: null };
  const verdict: Record<'tf' | 'st', string> = { tf: '', st: '' };
  for (let r = 0; r < ROUNDS; r++) {
    for (const step of ['cp', 'tf', 'st'] as const) {
      console.log(`round ${r + 1}: ${step}…`);
      const m = steps[step]();
      runs[step].push(m);
      if (step !== 'cp') ratios[step].push(m.seconds / runs.cp[r]!.seconds);
      if (r === 0 && step !== 'cp' && m.ok) {
        // Read the export back (a read of the format Graft wrote, with its shards) and compare with the source.
        const target = step === 'tf' ? join(tfOut, 'merged.ckpt') : stOut;
        readBack[step] = measured([...GRAFT, 'inspect', target, '--json', '--sha256']);
        verdict[step] = sameTensors(source, shas(readBack[step]!.stdout));
        if (step === 'tf' && hashFiles) {
          tfFiles = new Map();
          for (const f of readdirSync(tfOut)) tfFiles.set(f, await fileSha(join(tfOut, f)));
        }
      }
      clean();
    }
  }
  const cp = median(runs.cp.map((m) => m.seconds));
  const row = (step: string, ms: Timed[], note: string, ratio?: number[]) =>
    addRow({
      step, seconds: median(ms.map((m) => m.seconds)), cp: ratio ? median(ratio) : median(ms.map((m) => m.seconds)) / cp, cpu: median(ms.map((m) => m.cpu)),
      peakMiB: Math.max(...ms.map((m) => m.peakMiB)), budgetMiB: budget, note: ms.every((m) => m.ok) ? note : `FAILED ${note}`,
    });
  const what = `${gb(src.bytes)} bf16, ${src.tensors.length} tensors, 8 safetensors shards`;
  row(`${L}: cp of the source files (baseline)`, runs.cp, what);
  row(`${L}: graft inspect (list)`, [listing], '');
  row(`${L}: graft inspect --sha256 (read all)`, [read], `${source.size} tensors hashed`);
  row(`${L}: graft match → model JSON with the final norm, lm_head and every o_proj renamed`, [match], summary ? `${summary.exact} exact, ${summary.transformed} transformed, ${summary.initialised} initialised, ${summary.unused} unused` : 'no summary');
  row(`${L}: graft apply --match guess → tf (1 data file)`, runs.tf, verdict.tf, ratios.tf);
  if (readBack.tf) row(`${L}: graft inspect --sha256 of the tf export`, [readBack.tf], '');
  row(`${L}: graft apply --match guess → safetensors${canShard ? ` --max-shard-size ${shardMb}MB` : ' (one file: no --max-shard-size yet)'}`, runs.st, verdict.st, ratios.st);
  if (readBack.st) row(`${L}: graft inspect --sha256 of the safetensors export`, [readBack.st], '');
  if (src.tf) {
    const tfRead = measured([...GRAFT, 'inspect', src.tf.prefix, '--json', '--sha256']);
    row(`${L}: graft inspect --sha256 of the TF-bundle copy (8 data shards)`, [tfRead], sameTensors(source, shas(tfRead.stdout), (name) => name).replace('to the source', 'to the safetensors'));
  }
  return tfFiles;
}

/** The 50k-variable checkpoint: a safetensors file of tiny tensors and a new model with 130 of them renamed. */
function write50k(dir: string): { old: string; model: string; layout: LlmTensor[] } {
  mkdirSync(dir, { recursive: true });
  const layout = moeLayout();
  const plan = planSafetensors(layout.map((t) => ({ name: t.name, dtype: 'bfloat16' as const, shape: t.shape })));
  const old = join(dir, 'moe.safetensors');
  const bytes = new Uint8Array(plan.size);
  bytes.set(plan.header);
  for (let i = plan.header.length; i < bytes.length; i += 2) bytes[i] = i & 0xff;
  writeFileSync(old, bytes);
  return { old, model: newModelJson(layout, join(dir, 'new-model.json')), layout };
}

function rows50k(old: string, model: string, layout: LlmTensor[]): void {
  const n = layout.length.toLocaleString('en');
  const inspect = measured([...GRAFT, 'inspect', old]);
  addRow({ step: `${n} variables: graft inspect (list)`, seconds: inspect.seconds, cpu: inspect.cpu, peakMiB: inspect.peakMiB, note: inspect.ok ? `${inspect.stdout.split('\n').length} lines` : 'FAILED' });
  const match = measured([...GRAFT, 'match', old, model, '--json']);
  const summary = (JSON.parse(match.stdout.trim().split('\n').pop() || '{}') as { summary?: Record<string, number> }).summary;
  addRow({ step: `${n} variables: graft match (whole command; target < 3 s)`, seconds: match.seconds, cpu: match.cpu, peakMiB: match.peakMiB, note: match.ok && summary ? `${summary.exact} exact, ${summary.initialised} initialised, ${summary.unused} unused` : 'FAILED' });
  // The matcher alone, as the page's worker runs it.
  const info = (name: string, shape: number[]): TensorInfo => ({ name, dtype: 'bfloat16', shape, byteLength: shape.reduce((a, b) => a * b, 2), ...classifyVariable(name) });
  const olds = layout.map((t) => info(t.name, t.shape));
  const target = targetFromCheckpoint({ format: 'x', label: 'new', files: [], tensors: layout.map((t) => info(renamed(t.name), t.shape)), warnings: [], read: () => Promise.reject(new Error('none')), readValue: () => Promise.reject(new Error('none')) });
  const walls: number[] = [];
  const cpus: number[] = [];
  let linked = 0;
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    linked = autoMatch({ tensors: olds }, target, emptyRecipe()).links.length;
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  addRow({ step: `${n} variables: autoMatch in Node (median of 3; target < 3 s)`, seconds: median(walls), cpu: median(cpus), note: `${linked} links; runs ${walls.map((w) => w.toFixed(2)).join(', ')} s` });
}

async function canvasRows(old: string, model: string, count: number): Promise<void> {
  const n = count.toLocaleString('en');
  const served = await servePage();
  try {
    const page = await served.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.route('**/examples/manifest.json', (r) => r.fulfill({ status: 404, body: '' }));
    await page.goto(served.url);
    await page.getByTestId('drop-zone').waitFor();
    await page.waitForTimeout(1000); // the worker starts while a person picks files
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    const t0 = performance.now();
    await page.getByTestId('file-input').setInputFiles([old, model]);
    try {
      await page.locator('.react-flow__node').first().waitFor({ timeout: 300_000 });
    } catch (e) {
      const shot = join(resolve('bench/.cache'), 'scale-canvas-failed.png');
      await page.screenshot({ path: shot });
      addRow({ step: `${n} variables: canvas, files picked → first node drawn (target < 2 s)`, note: `FAILED: no node after 300 s (${(e as Error).message.split('\n')[0]}); screenshot ${shot}; page errors: ${errors.slice(0, 3).join(' | ') || 'none'}` });
      return;
    }
    const drawn = (performance.now() - t0) / 1000;
    // The side that opens first is drawn while the other opens: the pair's second column is its own row.
    await page.locator('.react-flow__node[data-id^="new"]').first().waitFor({ timeout: 300_000 });
    const both = (performance.now() - t0) / 1000;
    await page.getByTestId('count-exact').waitFor({ timeout: 300_000 });
    const summary = (performance.now() - t0) / 1000;
    const nodes = await page.locator('.react-flow__node').count();
    addRow({ step: `${n} variables: canvas, files picked → first node drawn (target < 2 s)`, seconds: drawn, note: `${nodes} nodes in the DOM` });
    addRow({ step: `${n} variables: canvas, files picked → both columns drawn`, seconds: both, note: "the old side is drawn while the new model opens" });
    addRow({ step: `${n} variables: canvas, files picked → matched, summary shown`, seconds: summary, note: `exact: ${(await page.getByTestId('count-exact').textContent())?.trim()}` });
    await page.waitForTimeout(500);
    const pan = await panTimes(page);
    addRow({ step: `${n} variables: canvas, panning p95 (target ≤ 20 ms)`, note: `**p95 ${pan.p95.toFixed(1)} ms**; ${pan.frames} frames: p50 ${pan.p50.toFixed(1)} ms, max ${pan.max.toFixed(0)} ms, ${pan.over50} over 50 ms` });
    const all = await frameTimes(page);
    addRow({ step: `${n} variables: canvas, pan + scroll + zoom`, note: `p95 ${all.p95.toFixed(1)} ms; ${all.frames} frames: p50 ${all.p50.toFixed(1)} ms, max ${all.max.toFixed(0)} ms, ${all.over50} over 50 ms` });
    await page.close();
  } finally {
    await served.close();
  }
}

/** The Chromium this process launched (Playwright does not always say its pid). */
function chromiumChild(): number {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const row = out.map((l) => l.trim().split(/\s+/)).find(([, ppid, comm]) => Number(ppid) === process.pid && /chrom/.test(comm ?? ''));
  return row ? Number(row[0]) : 0;
}

/** Sum of the RSS of a process and its descendants, in bytes. */
function treeRss(root: number): number {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const rowsPs = out.map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    for (const [p, pp, kb] of rowsPs) {
      if (p === pid) total += kb * 1024;
      if (pp === pid) stack.push(p);
    }
  }
  return total;
}

/** sha256 of every member of a zip, streamed (Python's zipfile reads ZIP64). */
function zipMemberShas(zip: string): Map<string, string> {
  const py = 'import hashlib,json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nout={}\nfor i in z.infolist():\n  h=hashlib.sha256()\n  with z.open(i) as f:\n    for b in iter(lambda: f.read(1<<23), b""): h.update(b)\n  out[i.filename]=h.hexdigest()\nprint(json.dumps(out))';
  const r = spawnSync('python3', ['-c', py, zip], { encoding: 'utf8', maxBuffer: 64 * MiB });
  if (r.status !== 0) throw new Error(`reading the page's zip failed: ${r.stderr.slice(-500)}`);
  return new Map(Object.entries(JSON.parse(r.stdout) as Record<string, string>));
}

/**
 * The page's export of the 10 GB checkpoint → tf, compared file by file with the CLI's. SCALE_PAGE_DEST: `download`
 * (default; a ZIP64 zip, read back with Python's zipfile) or `folder` (File System Access: `showDirectoryPicker`
 * answers with a folder of the origin private file system, read back through the page).
 */
async function pageRow(src: LlmCheckpoint, model: string, reference: Map<string, string> | null): Promise<void> {
  const dest = process.env.SCALE_PAGE_DEST === 'folder' ? 'folder' : 'download';
  const step = `page export 10 GB → tf (${dest === 'folder' ? 'Start → folder written' : 'Start → ZIP64 download saved'})`;
  if (!existsSync('src/core/io/zip-writer.ts')) return notRun(step, 'the page has no ZIP64 zip yet (src/core/io/zip-writer.ts), so it cannot write past 4 GB');
  if (dest === 'folder' && !existsSync('src/worker/folder-output.ts')) return notRun(step, 'the page has no folder export yet (src/worker/folder-output.ts)');
  if (freeBytes(OUT) < 2 * src.bytes + 15e9) return notRun(step, `only ${gb(freeBytes(OUT))} free; the CLI's files and the page's need ${gb(2 * src.bytes)} + 15 GB spare`);
  let cli = reference;
  if (!cli) {
    // The CLI's files to compare with (when the CLI rows did not run): written, hashed, removed.
    const dir = join(OUT, 'tf-reference');
    mkdirSync(dir, { recursive: true });
    const r = measured([...GRAFT, 'apply', src.safetensors.index, model, '--match', 'guess', '--format', 'tf', '--out', join(dir, 'merged.ckpt')]);
    if (!r.ok) return notRun(step, 'the CLI export to compare with failed');
    cli = new Map();
    for (const f of readdirSync(dir)) cli.set(f, await fileSha(join(dir, f)));
    rmSync(dir, { recursive: true, force: true });
  }
  const served = await servePage();
  try {
    const context = await served.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.addInitScript(() => {
      (window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle(`scale-${Date.now()}`, { create: true });
    });
    await page.route('**/examples/manifest.json', (r) => r.fulfill({ status: 404, body: '' }));
    await page.goto(served.url);
    await page.getByTestId('replace-old-input').setInputFiles(src.safetensors.files);
    await page.getByTestId('slot-old').getByTestId('slot-label').waitFor({ timeout: 300_000 });
    await page.getByTestId('replace-new-input').setInputFiles([model]);
    await page.waitForFunction(() => !(document.querySelector('[data-testid="export-open"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 300_000 });
    // As `graft apply --match guess`: once matched, the matcher's proposals (lm_head → output, norm → final_norm) accepted.
    await page.getByTestId('count-exact').waitFor({ timeout: 300_000 });
    const acceptAll = page.getByTestId('accept-all');
    if (await acceptAll.isVisible()) {
      await acceptAll.click();
      await acceptAll.waitFor({ state: 'hidden', timeout: 60_000 }).catch(() => undefined);
    }
    await page.getByTestId('export-open').click();
    const panel = page.getByTestId('export-panel');
    await panel.getByTestId('export-format').selectOption('tf');
    if (await panel.getByTestId('export-destination').count()) await panel.getByTestId('export-destination').selectOption(dest);
    const browserPid = served.browserPid || chromiumChild();
    const before = browserPid ? treeRss(browserPid) : 0;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, browserPid ? treeRss(browserPid) : 0)), 500);
    const t0 = performance.now();
    try {
      await panel.getByTestId('export-start').click();
      const done = panel.getByTestId(dest === 'folder' ? 'export-folder-done' : 'export-download');
      while (!(await done.isVisible())) {
        const status = await panel.getAttribute('data-status');
        if (status === 'error' || status === 'cancelled') throw new Error(`page export ${status}: ${await panel.getByTestId('export-error').textContent().catch(() => '')}`);
        if (performance.now() - t0 > 1_800_000) throw new Error('not done after 30 minutes');
        await new Promise((r) => setTimeout(r, 250));
      }
      const written = (performance.now() - t0) / 1000;
      const writePeak = peak; // before the files are read back for the comparison
      let seconds = written;
      let same = 0;
      let listed = '';
      if (dest === 'download') {
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: 1_800_000 }), done.click()]);
        const saved = await download.path();
        seconds = (performance.now() - t0) / 1000;
        const members = zipMemberShas(saved);
        same = [...cli].filter(([f, sha]) => members.get(f) === sha).length;
        listed = [...members.keys()].map((f) => `${f} ${members.get(f) === cli.get(f) ? 'equal' : 'DIFFERS'}`).join(', ');
        await download.delete();
      }
      // The page's self-check (the output re-read and compared with what the writer was handed), when it has one.
      const check = panel.getByTestId('export-check');
      for (const t = performance.now(); (await check.count()) && (await check.getAttribute('data-state')) === 'checking' && performance.now() - t < 900_000; ) await new Promise((r) => setTimeout(r, 500));
      const verified = (await check.count()) ? `page self-check ${await check.getAttribute('data-state')} ${(await panel.getByTestId('export-check-count').textContent().catch(() => '')) ?? ''}` : 'no page self-check';
      if (dest === 'folder') {
        // The context's private file system is in memory: each file is read out in slices and hashed here.
        const found = new Map<string, string>();
        const names = (await page.evaluate(async () => {
          const root = await navigator.storage.getDirectory();
          const dirs: string[] = [];
          for await (const n of (root as unknown as { keys(): AsyncIterable<string> }).keys()) dirs.push(n);
          const dir = await root.getDirectoryHandle(dirs.filter((n) => n.startsWith('scale-')).sort().pop()!);
          const out: string[] = [];
          for await (const n of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) out.push(n);
          return out;
        })) as string[];
        for (const name of names) {
          const h = createHash('sha256');
          for (let at = 0; ; at += 32 * MiB) {
            const b64 = (await page.evaluate(async ([file, from, size]) => {
              const root = await navigator.storage.getDirectory();
              const dirs: string[] = [];
              for await (const n of (root as unknown as { keys(): AsyncIterable<string> }).keys()) dirs.push(n);
              const dir = await root.getDirectoryHandle(dirs.filter((n) => n.startsWith('scale-')).sort().pop()!);
              const bytes = new Uint8Array(await (await (await dir.getFileHandle(file as string)).getFile()).slice(from as number, (from as number) + (size as number)).arrayBuffer());
              let s = '';
              for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              return btoa(s);
            }, [name, at, 32 * MiB] as const)) as string;
            if (!b64) break;
            h.update(Buffer.from(b64, 'base64'));
          }
          found.set(name, h.digest('hex'));
        }
        same = [...cli].filter(([f, sha]) => found.get(f) === sha).length;
        listed = [...found.keys()].map((f) => `${f} ${found.get(f) === cli.get(f) ? 'equal' : 'DIFFERS'}`).join(', ');
      }
      clearInterval(timer);
      const note = `written in ${written.toFixed(1)} s; Chromium RSS ${(before / MiB).toFixed(0)} MiB before Start, peak is above that; ${verified}; files equal to the CLI's: ${same}/${cli.size} (${listed})`;
      addRow({ step, seconds, peakMiB: (writePeak - before) / MiB, budgetMiB: (2 * src.largestTensor) / MiB + 300, note });
    } finally {
      clearInterval(timer);
      if (dest === 'folder') await page.evaluate(async () => { const root = await navigator.storage.getDirectory(); for await (const n of (root as unknown as { keys(): AsyncIterable<string> }).keys()) await root.removeEntry(n, { recursive: true }); }).catch(() => undefined);
      await context.close();
    }
  } finally {
    await served.close();
  }
}

const started = performance.now();
mkdirSync(OUT, { recursive: true });
await buildBundle();
let src: LlmCheckpoint | null = null;
let cliFiles: Map<string, string> | null = null;
if (ONLY.has('cli') || ONLY.has('page')) {
  try {
    const t0 = performance.now();
    // SCALE_SMALL=1: a ~60 MB checkpoint of the same layout, to try the bench out quickly.
    const shape = process.env.SCALE_SMALL ? { layers: 2, hidden: 512, intermediate: 1376, vocab: 8000, shards: 8 } : LLM_10GB;
    src = await ensureLlmCheckpoint(shape, { tf: process.env.SCALE_TF_SOURCE === '1' });
    console.log(`${gb(src.bytes)} checkpoint ready in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${src.dir}`);
  } catch (e) {
    notRun('10 GB checkpoint', (e as Error).message);
  }
}
try {
  if (src && ONLY.has('cli')) {
    if (freeBytes(OUT) < src.bytes + 15e9) notRun('10 GB CLI rows', `only ${gb(freeBytes(OUT))} free; an export needs ${gb(src.bytes)} + 15 GB spare`);
    else cliFiles = await cliRows(src, ONLY.has('page'));
  }
  if (ONLY.has('50k') || ONLY.has('canvas')) {
    const { old, model, layout } = write50k(join(resolve('bench/.cache'), 'moe-50k'));
    if (ONLY.has('50k')) rows50k(old, model, layout);
    if (ONLY.has('canvas')) await canvasRows(old, model, layout.length);
  }
  if (src && ONLY.has('page')) await pageRow(src, newModelJson(src.tensors, join(OUT, 'new-model.json')), cliFiles);
} finally {
  rmSync(OUT, { recursive: true, force: true });
}

const load = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
console.log(`\n| step | s | × cp | CPU s | peak MiB | budget MiB | notes |\n|---|---:|---:|---:|---:|---:|---|`);
for (const r of rows) console.log(line(r));
console.log(`\n${ROUNDS} round(s); ${((performance.now() - started) / 60000).toFixed(1)} min in all; uptime: ${load}`);
