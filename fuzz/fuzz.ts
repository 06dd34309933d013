/**
 * The fuzz loop: inputs for each reader in turn (deterministic from the seed: input i of a reader is the same
 * whatever the timing), run in the pool, counted per reader, and every crash, hang and over-allocation saved under
 * .fuzz/findings/<reader>/<outcome>-<hash>/ with its files, the input's description and the stack.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { memorySource } from '../src/core/io/byte-source';
import { openNewModel } from '../src/core/formats/new-model';
import { openCheckpoint } from '../src/core/formats/registry';
import type { Outcome } from './child';
import { loadCorpus, REPO, type Corpus, type Reader } from './corpus';
import type { Side } from './generate';
import { makeInput } from './mutate';
import { Pool, type Finished } from './pool';
import { Rng } from './rng';
import type { Input } from './targets';

export const OUTCOMES: readonly Outcome[] = ['ok', 'typed', 'crash', 'hang', 'over-allocation'];
export const FINDINGS = join(REPO, '.fuzz/findings');

export interface FuzzOptions {
  readers: readonly Reader[];
  seed: number;
  /** Stop after this long, or after `perReader` inputs of each reader, whichever comes first. */
  seconds?: number;
  perReader?: number;
  workers?: number;
  timeoutMs?: number;
  /** Finding folders kept per distinct signature. */
  keepPerSignature?: number;
  /** Hang signatures whose first finding is run again alone in a fresh child (state carried between inputs?). */
  triageHangs?: number;
  onProgress?: (stats: Stats) => void;
}

export interface ReaderStats {
  inputs: number;
  counts: Record<Outcome, number>;
  /** Summed time of its inputs in the children. */
  ms: number;
}

export interface Signature {
  reader: Reader;
  outcome: Outcome;
  message: string;
  frame: string;
  count: number;
  findings: string[];
  /** A hang's first finding run again alone in a fresh child: what it did there. */
  alone?: string;
}

export interface Stats {
  readers: Map<Reader, ReaderStats>;
  signatures: Map<string, Signature>;
  seconds: number;
  pythonChecked: boolean;
}

/** The first stack frame in Graft's or a library's code, repo-relative. */
export function topFrame(stack: string): string {
  const frames = stack.split('\n').filter((l) => l.trim().startsWith('at ') && !l.includes('node:internal'));
  const own = frames.find((l) => l.includes('/src/')) ?? frames[0] ?? '';
  return own.trim().replace(/^at /, '').replace(`${REPO}/`, '').replace('file://', '');
}

/** The error's sentence with numbers, quoted values and paths blurred, so that one bug is one signature. */
export function blur(message: string): string {
  return message.replace(/"[^"]*"|'[^']*'/g, '…').replace(/\d+/g, 'N').slice(0, 160);
}

function save(r: Finished, sig: string): string {
  const hash = createHash('sha256');
  for (const f of r.input.files) hash.update(f.path).update(f.bytes);
  const dir = join(FINDINGS, r.input.reader, `${r.outcome}-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(dir)) return dir;
  for (const f of r.input.files) {
    const path = join(dir, 'files', storedPath(f.path));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.bytes);
  }
  const { files, ...rest } = r.input;
  writeFileSync(join(dir, 'input.json'), `${JSON.stringify({ ...rest, paths: files.map((f) => f.path), signature: sig }, null, 2)}\n`);
  writeFileSync(join(dir, 'error.txt'), `${r.outcome} after ${r.ms.toFixed(0)} ms, peak memory +${(r.grew / 2 ** 20).toFixed(1)} MB (limit ${(r.limit / 2 ** 20).toFixed(0)} MB)\n${r.error?.name}: ${r.error?.message}\n${r.error?.stack}\n`);
  return dir;
}

async function pairSides(corpus: Corpus): Promise<{ old: Side; target: Side }[]> {
  const out: { old: Side; target: Side }[] = [];
  for (const p of corpus.pairs) {
    const old = await openCheckpoint(p.old.files.map((f) => memorySource(f.path, f.bytes)), p.old.candidateId);
    const { target } = await openNewModel(p.target.files.map((f) => memorySource(f.path, f.bytes)), { as: 'checkpoint', candidateId: p.target.candidateId });
    out.push({ old: { names: old.tensors.map((t) => t.name), shapes: old.tensors.map((t) => t.shape) }, target: { names: target.variables.map((v) => v.name), shapes: target.variables.map((v) => v.shape) } });
  }
  return out;
}

function inputSeed(seed: number, reader: Reader, i: number): number {
  return createHash('sha256').update(`${seed}:${reader}:${i}`).digest().readUInt32LE(0);
}

export async function fuzz(opts: FuzzOptions): Promise<Stats> {
  const corpus = await loadCorpus();
  const sides = await pairSides(corpus);
  const stats: Stats = { readers: new Map(), signatures: new Map(), seconds: 0, pythonChecked: true };
  for (const r of opts.readers) stats.readers.set(r, { inputs: 0, ms: 0, counts: { ok: 0, typed: 0, crash: 0, hang: 0, 'over-allocation': 0 } });
  const pool = new Pool({ workers: Math.min(2, opts.workers ?? 2), timeoutMs: opts.timeoutMs ?? 5000, hardBytes: 1536 << 20 });
  const start = performance.now();
  const deadline = opts.seconds === undefined ? Infinity : start + opts.seconds * 1000;
  const issued = new Map<Reader, number>(opts.readers.map((r) => [r, 0]));
  let turn = 0;
  let lastProgress = start;
  const next = (): Input | null => {
    if (performance.now() > deadline) return null;
    for (let k = 0; k < opts.readers.length; k++) {
      const reader = opts.readers[turn++ % opts.readers.length]!;
      const i = issued.get(reader)!;
      if (opts.perReader !== undefined && i >= opts.perReader) continue;
      issued.set(reader, i + 1);
      const rng = new Rng(inputSeed(opts.seed, reader, i));
      const input = makeInput(rng, reader, corpus, (p) => sides[p]);
      return { ...input, ops: [...(input.ops ?? []), `#${i}`] };
    }
    return null;
  };
  const record = (r: Finished) => {
    const s = stats.readers.get(r.input.reader)!;
    s.inputs++;
    s.ms += r.ms;
    s.counts[r.outcome]++;
    if (r.outcome !== 'ok' && r.outcome !== 'typed') {
      const frame = topFrame(r.error?.stack ?? '');
      const message = `${r.error?.name}: ${blur(r.error?.message ?? '')}`;
      const key = r.outcome === 'hang' ? `${r.input.reader}|hang|${r.input.seed ?? ''}|${r.input.ops?.[0]?.split(':')[0] ?? ''}` : `${r.input.reader}|${r.outcome}|${message}|${frame}`;
      const sig = stats.signatures.get(key) ?? { reader: r.input.reader, outcome: r.outcome, message: `${r.error?.name}: ${(r.error?.message ?? '').slice(0, 200)}`, frame, count: 0, findings: [] };
      sig.count++;
      if (sig.findings.length < (opts.keepPerSignature ?? 3)) sig.findings.push(save(r, key));
      stats.signatures.set(key, sig);
    }
    const now = performance.now();
    if (opts.onProgress && now - lastProgress > 10_000) {
      lastProgress = now;
      stats.seconds = (now - start) / 1000;
      opts.onProgress(stats);
    }
  };
  try {
    await pool.run(next, record);
  } finally {
    pool.close();
  }
  for (const late of pool.late) record({ id: 0, outcome: 'crash', error: { name: 'LateError', message: 'an error surfaced after the input had finished (work left running)', stack: late.stack }, ms: 0, grew: 0, limit: 0, input: late.input });
  stats.seconds = (performance.now() - start) / 1000;
  stats.pythonChecked = pool.pythonChecked;
  const hangs = [...stats.signatures.values()].filter((s) => s.outcome === 'hang').slice(0, opts.triageHangs ?? 0);
  for (const sig of hangs) {
    const r = await runAlone(loadFinding(sig.findings[0]!), opts.timeoutMs ?? 5000);
    sig.alone = `${r.outcome} in ${r.ms.toFixed(0)} ms${r.error && r.outcome !== 'hang' ? ` (${r.error.name}: ${r.error.message.slice(0, 120)})` : ''}`;
  }
  return stats;
}

/** A saved finding as the input it was. */
export function loadFinding(dir: string): Input {
  const meta = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8')) as Omit<Input, 'files'> & { paths: string[] };
  // Stored paths are the original ones with `..`, `.` and empty segments dropped.
  const files = meta.paths.map((path) => ({ path, bytes: new Uint8Array(readFileSync(join(dir, 'files', storedPath(path)))) }));
  return { ...meta, files };
}

function storedPath(path: string): string {
  return path.split('/').filter((s) => s && s !== '..' && s !== '.').join('/');
}

/** One input in a fresh child of its own. */
export async function runAlone(input: Input, timeoutMs: number): Promise<Finished> {
  const pool = new Pool({ workers: 1, timeoutMs, hardBytes: 1536 << 20 });
  let sent = false;
  let result: Finished | undefined;
  try {
    await pool.run(
      () => (sent ? null : ((sent = true), input)),
      (r) => (result = r),
    );
  } finally {
    pool.close();
  }
  return result!;
}

/** The table of outcomes per reader, and the distinct signatures (reader, message, top frame, a finding). */
export function report(stats: Stats): string {
  const rows = [['reader', 'inputs', 'ok', 'typed', 'crash', 'hang', 'over-alloc', 'in/s']];
  let total = 0;
  for (const [reader, s] of stats.readers) {
    total += s.inputs;
    rows.push([reader, `${s.inputs}`, `${s.counts.ok}`, `${s.counts.typed}`, `${s.counts.crash}`, `${s.counts.hang}`, `${s.counts['over-allocation']}`, s.ms ? (s.inputs / (s.ms / 1000)).toFixed(1) : '-']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  '));
  lines.push(`${total} inputs in ${stats.seconds.toFixed(0)} s (${(total / Math.max(stats.seconds, 1e-9)).toFixed(1)} inputs/s over all workers; in/s per reader is per child)`);
  if (!stats.pythonChecked) lines.push('note: no python3 on the PATH: generated Python scripts were not parsed');
  const sigs = [...stats.signatures.values()].sort((a, b) => a.reader.localeCompare(b.reader) || b.count - a.count);
  if (sigs.length) {
    lines.push('', `${sigs.length} distinct signatures:`);
    for (const s of sigs) {
      const alone = s.alone ? `\n    run again alone: ${s.alone}` : '';
      lines.push(`- ${s.reader} ${s.outcome} ×${s.count}: ${s.message.replace(/\s+/g, ' ').slice(0, 200)}\n    at ${s.frame || '(no stack)'}\n    ${s.findings[0]?.replace(`${REPO}/`, '') ?? ''}${alone}`);
    }
  }
  return lines.join('\n');
}
