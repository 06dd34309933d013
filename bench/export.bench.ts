// Reading and exporting a ≥1 GB checkpoint: each step's time, its ratio to a plain `cp` of the same files, and
// its peak memory (GNU time's max RSS). Prints numbers; asserts nothing. BENCH_ROUNDS (default 3) runs per step.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyRecipe, type Link } from '../src/core/mapping';
import { ensureBigCheckpoint, type BigCheckpoint } from './big-checkpoint';
// @ts-expect-error plain JavaScript module without types
import { buildBundle } from '../scripts/cli-bundle.mjs';

const MiB = 1024 * 1024;
const t0 = performance.now();
const big = await ensureBigCheckpoint();
// `graft` as installed runs the CLI bundle (built by `npm run setup`); build it here too, so tsx is not measured.
await buildBundle();
console.log(`checkpoint: ${big.tensors.length} tensors, ${(big.bytes / MiB).toFixed(0)} MiB, largest tensor ${(big.largestTensor / MiB).toFixed(0)} MiB (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs a command; returns wall seconds and peak RSS in MiB (when GNU time is there). */
function measure(cmd: string[]): { seconds: number; peakMiB: number | null; ok: boolean } {
  // Start each step with no dirty pages from the one before, so writes are not charged to the wrong step.
  spawnSync('sync');
  const args = TIME ? ['-f', '%M', ...cmd] : cmd;
  const start = performance.now();
  const r = spawnSync(TIME ?? cmd[0]!, TIME ? args : cmd.slice(1), { encoding: 'utf8', maxBuffer: 256 * MiB });
  const seconds = (performance.now() - start) / 1000;
  const kb = TIME ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  if (r.status !== 0) console.error(r.stderr.slice(-2000));
  return { seconds, peakMiB: Number.isFinite(kb) ? kb / 1024 : null, ok: r.status === 0 };
}

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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const rows: { step: string; seconds: number; min: number; max: number; peakMiB: number | null; ok: boolean }[] = [];
const clean = () => {
  for (const f of readdirSync(out)) if (!f.endsWith('.json')) rmSync(join(out, f), { force: true });
};
try {
  const { model, recipe, changed } = transformRecipe(big, out);
  const steps: { step: string; cmd: string[] }[] = [
    { step: 'cp (baseline)', cmd: ['cp', ...big.files, out] },
    { step: 'graft inspect', cmd: ['node', 'bin/graft.mjs', 'inspect', big.prefix] },
    { step: 'graft inspect --sha256 (read + CRC all)', cmd: ['node', 'bin/graft.mjs', 'inspect', big.prefix, '--json', '--sha256'] },
    { step: 'graft apply identity → tf', cmd: ['node', 'bin/graft.mjs', 'apply', big.prefix, big.prefix, '--out', join(out, 'identity.ckpt')] },
    { step: `graft apply, ${changed} of ${big.tensors.length} variables → tf`, cmd: ['node', 'bin/graft.mjs', 'apply', big.prefix, model, '--recipe', recipe, '--out', join(out, 'changed.ckpt')] },
  ];
  // Rounds interleave the steps, so the disk's good and bad moments spread over all of them; the median is shown.
  const runs = steps.map(() => [] as ReturnType<typeof measure>[]);
  for (let r = 0; r < ROUNDS; r++) {
    steps.forEach((s, i) => {
      runs[i]!.push(measure(s.cmd));
      clean();
    });
  }
  steps.forEach((s, i) => {
    const times = runs[i]!.map((m) => m.seconds).sort((a, b) => a - b);
    const peaks = runs[i]!.map((m) => m.peakMiB).filter((p): p is number => p !== null);
    rows.push({
      step: s.step, seconds: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times.at(-1)!,
      peakMiB: peaks.length ? Math.max(...peaks) : null, ok: runs[i]!.every((m) => m.ok),
    });
  });
} finally {
  rmSync(out, { recursive: true, force: true });
}

const cp = rows[0]!.seconds;
const budget = 3 * big.largestTensor / MiB + 200;
console.log(`\n| step | median s (min–max of ${ROUNDS}) | × cp | peak MiB | ok |\n|---|---:|---:|---:|---|`);
for (const r of rows) console.log(`| ${r.step} | ${r.seconds.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)}) | ${(r.seconds / cp).toFixed(2)} | ${r.peakMiB?.toFixed(0) ?? 'n/a'} | ${r.ok ? 'yes' : 'FAILED'} |`);
console.log(`\nmemory target: ≤ 3 × largest tensor + 200 MiB = ${budget.toFixed(0)} MiB`);
