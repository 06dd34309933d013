/**
 * A fuzz child: loads the corpus, warms up every reader once (so lazy WASM and TF.js start-up is not charged to the
 * first input), then runs the inputs the parent sends, one at a time, and answers with the outcome, the time, and
 * how far the peak resident memory rose (VmHWM, reset before each input through /proc/self/clear_refs, so a peak
 * inside WASM or a synchronous loop is seen too).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { GraftError } from '../src/core/errors';
import { loadCorpus, type Corpus } from './corpus';
import { OUTPUT_FORMATS } from '../src/core/formats/writers';
import { loadTfjs } from '../src/core/model/target/build-layers';
import { makeInput } from './mutate';
import { pythonChecker, type PythonChecker } from './python-check';
import { Rng } from './rng';
import { checkSentence, inputBytes, runInput, type Input } from './targets';

export type Outcome = 'ok' | 'typed' | 'crash' | 'hang' | 'over-allocation';

export interface Result {
  id: number;
  outcome: Outcome;
  error?: { name: string; message: string; stack: string };
  ms: number;
  /** How far peak RSS rose during the input, and what it was allowed. */
  grew: number;
  limit: number;
}

/** Over-allocation: more than the input could back (64 MB of slack plus 100 times its bytes). */
export function memoryLimit(bytes: number): number {
  return (64 << 20) + 100 * bytes;
}

function peakRss(): number {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export async function runOne(input: Input, corpus: Corpus, python: PythonChecker | null, id = 0): Promise<Result> {
  const limit = memoryLimit(await inputBytes(input, corpus));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc && process.memoryUsage().rss > 600 << 20) gc();
  const canReset = resetPeak();
  const before = canReset ? peakRss() : process.memoryUsage().rss;
  const start = performance.now();
  let outcome: Outcome = 'ok';
  let error: Result['error'];
  try {
    try {
      await runInput(input, corpus, python);
    } catch (e) {
      if (e instanceof GraftError) checkSentence(e);
      throw e;
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    outcome = e instanceof GraftError ? 'typed' : 'crash';
    error = { name: err.name, message: err.message.slice(0, 2000), stack: (err.stack ?? '').slice(0, 4000) };
  }
  const ms = performance.now() - start;
  const grew = (canReset ? peakRss() : process.memoryUsage().rss) - before;
  if (grew > limit && outcome !== 'crash') {
    error = { name: 'OverAllocation', message: `peak memory rose ${(grew / 2 ** 20).toFixed(0)} MB for ${input.files.map((f) => f.bytes.length).reduce((a, b) => a + b, 0)} input bytes (limit ${(limit / 2 ** 20).toFixed(0)} MB)${error ? `; then ${error.name}: ${error.message}` : ''}`, stack: error?.stack ?? '' };
    outcome = 'over-allocation';
  }
  return { id, outcome, ...(error && { error }), ms, grew, limit };
}

/**
 * The first seed of each reader, a recipe exported to each format, and a Python case through the same calls, results
 * ignored: lazy imports (h5wasm, TF.js, the writers) and the Python process start here, not in the first input.
 */
export async function warmUp(corpus: Corpus, python: PythonChecker | null): Promise<void> {
  for (const [reader, seeds] of corpus.seeds) {
    const seed = seeds[0];
    if (seed) await runInput({ reader, files: seed.files }, corpus, null).catch(() => undefined);
  }
  for (let i = 0; i < corpus.pairs.length; i++) await inputBytes({ reader: 'recipe', files: [], pair: i }, corpus).catch(() => undefined);
  const recipe = { path: 'recipe.json', bytes: new TextEncoder().encode('{"version": 1}') };
  for (const format of OUTPUT_FORMATS) await runInput({ reader: 'recipe', files: [recipe], pair: 1, format, match: 'likely' }, corpus, python).catch(() => undefined);
  await runInput(makeInput(new Rng(0), 'python', corpus, () => undefined), corpus, python).catch(() => undefined);
  // Layers build-fast does not cover (LSTM, GRU, Bidirectional…) load TF.js on first use: ~50 MB that would count
  // against whichever model JSON first needs it, whether or not the first seed does.
  await loadTfjs().catch(() => undefined);
}

async function main(): Promise<void> {
  const corpus = await loadCorpus();
  const checker = pythonChecker();
  const python = checker && (await checker.check('x = 1')).ok && !checker.dead ? checker : null;
  await warmUp(corpus, python);
  let current = 0;
  process.on('unhandledRejection', (e) => {
    // Work left running after an input finished: reported against the input that is running now.
    process.send?.({ id: current, late: String((e as Error)?.stack ?? e).slice(0, 2000) });
  });
  process.on('message', (msg: { id: number; input: Input }) => {
    current = msg.id;
    void runOne(msg.input, corpus, python, msg.id).then((r) => process.send?.(r));
  });
  process.send?.({ ready: true, python: python !== null });
}

if (process.send) void main();
