// Reading and exporting a ≥1 GB checkpoint: each step's time, its ratio to a plain `cp` of the same files, and
// its peak memory (GNU time's max RSS). Prints numbers; asserts nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBigCheckpoint } from './big-checkpoint';

const MiB = 1024 * 1024;
const t0 = performance.now();
const big = await ensureBigCheckpoint();
console.log(`checkpoint: ${big.tensors.length} tensors, ${(big.bytes / MiB).toFixed(0)} MiB, largest tensor ${(big.largestTensor / MiB).toFixed(0)} MiB (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Runs a command; returns wall seconds and peak RSS in MiB (when GNU time is there). */
function measure(cmd: string[]): { seconds: number; peakMiB: number | null; ok: boolean } {
  const args = TIME ? ['-f', '%M', ...cmd] : cmd;
  const start = performance.now();
  const r = spawnSync(TIME ?? cmd[0]!, TIME ? args : cmd.slice(1), { encoding: 'utf8', maxBuffer: 256 * MiB });
  const seconds = (performance.now() - start) / 1000;
  const kb = TIME ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  if (r.status !== 0) console.error(r.stderr.slice(-2000));
  return { seconds, peakMiB: Number.isFinite(kb) ? kb / 1024 : null, ok: r.status === 0 };
}

const out = mkdtempSync(join(tmpdir(), 'graft-bench-'));
const rows: { step: string; seconds: number; peakMiB: number | null; ok: boolean }[] = [];
try {
  rows.push({ step: 'cp (baseline)', ...measure(['cp', ...big.files, out]) });
  rows.push({ step: 'graft inspect', ...measure(['node', 'bin/graft.mjs', 'inspect', big.prefix]) });
  rows.push({ step: 'graft inspect --sha256 (read + CRC all)', ...measure(['node', 'bin/graft.mjs', 'inspect', big.prefix, '--json', '--sha256']) });
} finally {
  rmSync(out, { recursive: true, force: true });
}

const cp = rows[0]!.seconds;
const budget = 3 * big.largestTensor / MiB + 200;
console.log(`\n| step | seconds | × cp | peak MiB | ok |\n|---|---:|---:|---:|---|`);
for (const r of rows) console.log(`| ${r.step} | ${r.seconds.toFixed(2)} | ${(r.seconds / cp).toFixed(2)} | ${r.peakMiB?.toFixed(0) ?? 'n/a'} | ${r.ok ? 'yes' : 'FAILED'} |`);
console.log(`\nmemory target: ≤ 3 × largest tensor + 200 MiB = ${budget.toFixed(0)} MiB`);
