// Reading and exporting a ≥1 GB checkpoint: each step's time as a ratio to a plain `cp` of the same files run beside
// it (median of BENCH_ROUNDS pairs, default 5, after one discarded warm-up pair), its CPU time, and its peak memory
// (GNU time's max RSS) against the budget. BENCH_STEPS=identity,changed,inspect,sha256 picks steps; BENCH_GRAFT (below)
// another bundle. Prints numbers beside the targets; asserts nothing.
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { emptyRecipe, type Link } from '../src/core/mapping';
import { ensureBigCheckpoint, type BigCheckpoint } from './big-checkpoint';
import { measure, type Measured } from './measure';
// @ts-expect-error plain JavaScript module without types
import { buildBundle } from '../scripts/cli-bundle.mjs';

const MiB = 1024 * 1024;
const t0 = performance.now();
const big = await ensureBigCheckpoint();
// `graft` as installed runs the CLI bundle (built by `npm run setup`); the bench builds its own copy and runs it by its
// path: bin/graft.mjs falls back to tsx as soon as any source file is newer than dist-cli (someone saving a file
// mid-bench), which would measure TypeScript compilation instead of the export.
// BENCH_GRAFT=path/graft.mjs times another bundle (an older build, for before/after); keep it under the repository so
// the native CRC32C module still resolves from node_modules (elsewhere the CLI falls back to WebAssembly, in-thread).
const graft = process.env.BENCH_GRAFT ? resolve(process.env.BENCH_GRAFT) : ((await buildBundle(resolve('bench/.cache/cli'))) as string);
console.log(`checkpoint: ${big.tensors.length} tensors, ${(big.bytes / MiB).toFixed(0)} MiB, largest tensor ${(big.largestTensor / MiB).toFixed(0)} MiB (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/**
 * A new model where every third variable changed: matrices transposed ([in, out] → [out, in], as between TF and
 * PyTorch layouts), vectors grown by 64 entries (zero-padded); and the recipe that maps the old checkpoint onto it.
 */
function transformRecipe(big: BigCheckpoint, dir: string): { model: string; recipe: string; changed: string } {
  const variables: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const links: Link[] = [];
  let transposed = 0;
  let padded = 0;
  big.tensors.forEach((t, i) => {
    let shape = t.shape;
    let transforms: Link['transforms'] = [];
    if (i % 3 === 0 && t.shape.length === 2) {
      shape = [t.shape[1]!, t.shape[0]!];
      transforms = [{ op: 'transpose', perm: [1, 0] }];
      transposed++;
    } else if (i % 3 === 0 && t.shape.length === 1) {
      shape = [t.shape[0]! + 64];
      transforms = [{ op: 'pad', axis: 0, before: 0, after: 64, fill: 'zeros' }];
      padded++;
    }
    variables.push({ name: t.name, shape, dtype: 'float32' });
    links.push({ from: [t.name], to: t.name, transforms });
  });
  const model = join(dir, 'new-model.json');
  const recipe = join(dir, 'recipe.json');
  writeFileSync(model, JSON.stringify(variables));
  writeFileSync(recipe, JSON.stringify(emptyRecipe({ links })));
  return { model, recipe, changed: `${transposed} transposed + ${padded} padded` };
}

const out = mkdtempSync(join(tmpdir(), 'graft-bench-'));
const cpOut = join(out, 'cp');
mkdirSync(cpOut);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const budget = 3 * big.largestTensor / MiB + 200;
const clean = () => {
  for (const f of readdirSync(out)) if (!f.endsWith('.json') && f !== 'cp') rmSync(join(out, f), { force: true });
  for (const f of readdirSync(cpOut)) rmSync(join(cpOut, f), { force: true });
};
// Reads the inputs through the page cache, untimed, so neither side of a pair pays for pages someone else's run
// evicted (one cp here read 840 MB from disk after another engineer's bench).
const scratch = new Uint8Array(8 * MiB);
const warm = () => {
  for (const f of big.files) {
    const fd = openSync(f, 'r');
    try {
      while (readSync(fd, scratch, 0, scratch.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
};
// Both sides run under the same conditions: no earlier output left (writing over an existing 1.3 GB file costs cp
// 2-4x: ext4 frees and discards its blocks first), inputs in the page cache, and `sync` (in measure) so no dirty
// pages from the run before are written during this one.
const timed = (cmd: string[]): Measured => {
  clean();
  warm();
  return measure(cmd);
};
interface Row { step: string; target: number | null; pairs: { cp: Measured; step: Measured }[] }
const rows: Row[] = [];
const loadBefore = load();
try {
  const { model, recipe, changed } = transformRecipe(big, out);
  const cp = ['cp', ...big.files, cpOut];
  const all: { key: string; step: string; target: number | null; cmd: string[] }[] = [
    { key: 'identity', step: 'graft apply identity → tf', target: 2, cmd: ['node', graft, 'apply', big.prefix, big.prefix, '--out', join(out, 'identity.ckpt')] },
    { key: 'changed', step: `graft apply, ${changed} of ${big.tensors.length} variables → tf`, target: 2.5, cmd: ['node', graft, 'apply', big.prefix, model, '--recipe', recipe, '--out', join(out, 'changed.ckpt')] },
    { key: 'inspect', step: 'graft inspect', target: null, cmd: ['node', graft, 'inspect', big.prefix] },
    { key: 'sha256', step: 'graft inspect --sha256 (read + CRC all)', target: null, cmd: ['node', graft, 'inspect', big.prefix, '--json', '--sha256'] },
  ];
  const picked = process.env.BENCH_STEPS?.split(',');
  const steps = all.filter((s) => !picked || picked.includes(s.key));
  for (const s of steps) rows.push({ step: s.step, target: s.target, pairs: [] });
  // Every step runs beside a `cp` of the same files, so each ratio compares two runs made under the same load; the
  // median of those ratios is what the targets are about. The order flips each round (cp first, then the step first)
  // so neither side always follows the other, and round 0 is a warm-up whose pair is dropped.
  for (let r = 0; r <= ROUNDS; r++) {
    steps.forEach((s, i) => {
      let a: Measured, b: Measured;
      if (r % 2) {
        b = timed(s.cmd);
        a = timed(cp);
      } else {
        a = timed(cp);
        b = timed(s.cmd);
      }
      if (r > 0) rows[i]!.pairs.push({ cp: a, step: b });
    });
  }
  clean();
} finally {
  rmSync(out, { recursive: true, force: true });
}

const fmt = (n: number | null, digits = 2) => (n === null ? 'n/a' : n.toFixed(digits));
console.log(`\nload average before: ${loadBefore}, after: ${load()} (2 cores: above 2, everything waits for CPU)`);
const quartiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = q * (s.length - 1);
    const lo = Math.floor(i);
    return s[lo]! + (s[Math.ceil(i)]! - s[lo]!) * (i - lo);
  };
  return [at(0.25), at(0.75)] as const;
};
const spread = (xs: number[]) => {
  const [q1, q3] = quartiles(xs);
  return `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}, middle half ${fmt(q1)}–${fmt(q3)}`;
};
console.log(`\n| step | median s | median cp s | × cp (median of ${ROUNDS} pair ratios; min–max, middle half) | target | CPU s (user+sys) | cp CPU s (min–max) | × cp CPU (median of pairs) | peak MiB | memory budget | ok |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|`);
for (const r of rows) {
  const ratios = r.pairs.map((p) => p.step.seconds / p.cp.seconds);
  const cpuRatios = r.pairs.filter((p) => p.step.cpu !== null && p.cp.cpu).map((p) => p.step.cpu! / p.cp.cpu!);
  const cpu = r.pairs.map((p) => p.step.cpu).filter((c): c is number => c !== null);
  const cpCpu = r.pairs.map((p) => p.cp.cpu).filter((c): c is number => c !== null);
  const peaks = r.pairs.map((p) => p.step.peakMiB).filter((p): p is number => p !== null);
  const peak = peaks.length ? Math.max(...peaks) : null;
  const isExport = r.target !== null;
  console.log(`| ${r.step} | ${fmt(median(r.pairs.map((p) => p.step.seconds)))} | ${fmt(median(r.pairs.map((p) => p.cp.seconds)))} | ${fmt(median(ratios))} (${spread(ratios)}) | ${isExport ? `≤ ${r.target}` : '—'} | ${cpu.length ? fmt(median(cpu)) : 'n/a'} | ${cpCpu.length ? `${fmt(median(cpCpu))} (${fmt(Math.min(...cpCpu))}–${fmt(Math.max(...cpCpu))})` : 'n/a'} | ${cpuRatios.length ? fmt(median(cpuRatios)) : 'n/a'} | ${fmt(peak, 0)} | ${isExport ? `≤ ${budget.toFixed(0)}` : '—'} | ${r.pairs.every((p) => p.step.ok && p.cp.ok) ? 'yes' : 'FAILED'} |`);
}
console.log('\nEach pair, step / cp: wall s (CPU s)');
for (const r of rows) console.log(`- ${r.step}: ${r.pairs.map((p) => `${fmt(p.step.seconds)} (${fmt(p.step.cpu)}) / ${fmt(p.cp.seconds)} (${fmt(p.cp.cpu)})`).join('; ')}`);
console.log(`\nmemory budget: 3 × largest tensor (${(big.largestTensor / MiB).toFixed(0)} MiB) + 200 MiB = ${budget.toFixed(0)} MiB`);
