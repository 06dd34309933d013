/**
 * `npm run fuzz -- --minutes N [--reader name[,name]] [--seed S] [--workers 1|2] [--per-reader N]`: fuzzes every
 * reader and parser (see fuzz/corpus.ts READERS), prints the outcome table and the distinct crash signatures, and
 * saves each finding under .fuzz/findings/. `npm run fuzz -- --replay .fuzz/findings/<reader>/<finding>` runs one
 * saved finding again, alone, in a fresh child.
 */
import { parseArgs } from 'node:util';
import { READERS, type Reader } from './corpus';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDINGS, fuzz, loadFinding, report, runAlone } from './fuzz';

async function replay(dir: string, timeoutMs: number): Promise<void> {
  const r = await runAlone(loadFinding(dir), timeoutMs);
  console.log(`${r.outcome} in ${r.ms.toFixed(0)} ms, peak memory +${(r.grew / 2 ** 20).toFixed(1)} MB (limit ${(r.limit / 2 ** 20).toFixed(0)} MB)${r.error ? `\n${r.error.name}: ${r.error.message}\n${r.error.stack}` : ''}`);
  process.exitCode = r.outcome === 'ok' || r.outcome === 'typed' ? 0 : 1;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '1' },
      reader: { type: 'string', multiple: true },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string', default: '2' },
      'per-reader': { type: 'string' },
      timeout: { type: 'string', default: '5000' },
      replay: { type: 'string' },
    },
  });
  const timeoutMs = Number(values.timeout);
  if (values.replay) return replay(values.replay, timeoutMs);
  const readers = (values.reader ?? []).flatMap((r) => r.split(',')).filter(Boolean);
  const unknown = readers.filter((r) => !(READERS as readonly string[]).includes(r));
  if (unknown.length) throw new Error(`unknown reader ${unknown.join(', ')}; readers: ${READERS.join(', ')}`);
  const minutes = Number(values.minutes);
  const perReader = values['per-reader'] === undefined ? undefined : Number(values['per-reader']);
  console.log(`fuzzing ${readers.length ? readers.join(', ') : 'every reader'} for ${minutes} min, seed ${values.seed}`);
  const stats = await fuzz({
    readers: readers.length ? (readers as Reader[]) : READERS,
    seed: Number(values.seed),
    seconds: minutes * 60,
    ...(perReader !== undefined && { perReader }),
    workers: Number(values.workers),
    timeoutMs,
    triageHangs: 4,
    onProgress: (s) => console.log(`… ${[...s.readers.values()].reduce((n, r) => n + r.inputs, 0)} inputs, ${s.signatures.size} signatures, ${s.seconds.toFixed(0)} s`),
  });
  const text = report(stats);
  console.log(text);
  // The last run's table beside its findings, for whoever routes them.
  mkdirSync(FINDINGS, { recursive: true });
  writeFileSync(join(FINDINGS, '..', 'last-run.txt'), `npm run fuzz -- ${process.argv.slice(2).join(' ')}\n${text}\n`);
  const bad = [...stats.readers.values()].reduce((n, r) => n + r.counts.crash + r.counts.hang + r.counts['over-allocation'], 0);
  process.exitCode = bad ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});
