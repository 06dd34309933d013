/**
 * execute(plan, old, target, writer): the merged checkpoint, one new variable at a time, in plan order (= the
 * new model's order). Per entry: read the sources by range → run the transform chain → `writer.add`. Nothing
 * is kept between entries, so memory stays near the largest tensor in flight (its sources, one intermediate,
 * the result). Runs the same in the page's worker and in the CLI.
 */
import { GraftError } from '../errors';
import type { FillPolicy, Plan, PlanEntry } from '../mapping';
import type { Checkpoint, TensorInfo, TensorValue } from '../model/checkpoint';
import { ELEMENT_SIZE, elementCount } from '../model/dtypes';
import type { TargetModel } from '../model/target-model';
import { encodeStringTensor } from '../formats/tf-bundle/strings';
import { cpuOps, type ArithmeticOps } from './arithmetic';
import { runChain, type Value } from './chain';
import type { CheckpointWriter } from '../io/output';
import { BufferPool } from './buffer-pool';

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
  variablesDone: number;
  variablesTotal: number;
  rateBytesPerSec: number;
  /** Seconds left at the current rate; null before anything was measured. */
  etaSeconds: number | null;
  /** The variable just written. */
  current: string;
}

export interface ExecuteOptions {
  /** Seeds the initializers of unlinked variables (the recipe's `seed`). */
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /**
   * Where resize and mean fills run. The page passes `tfjsOps(tf)` on the backend it chose; without one, TF.js
   * is loaded on its CPU backend the first time an entry needs arithmetic (never when none does).
   */
  ops?: ArithmeticOps | (() => Promise<ArithmeticOps>);
  /**
   * Incompatible entries stop the run before anything is written ('refuse', the default), or are initialised
   * as if unlinked with `fill` ('initialise'), which the caller must have asked the person about.
   */
  incompatible?: 'refuse' | 'initialise';
  /** The fill for incompatible entries under `incompatible: 'initialise'` (default 'initializer'). */
  fill?: FillPolicy;
  /** How many bytes of sources are read ahead beyond the next entry's (default 64 MiB). */
  readAheadBytes?: number;
}

export interface ExecuteResult {
  variables: number;
  bytes: number;
  seconds: number;
  /** Which backend ran arithmetic, or null when no entry needed any. */
  backend: string | null;
}

/** An entry's sources as read, and the pool buffers they may have been read into. */
interface Read {
  values: TensorValue[];
  buffers: (Uint8Array | undefined)[];
}

export function cancelledError(): GraftError {
  return new GraftError('cancelled', '', 'the export was cancelled; no output was kept');
}

function outputSize(entry: PlanEntry, oldByName: ReadonlyMap<string, TensorInfo>): number {
  const elem = ELEMENT_SIZE[entry.dtype];
  if (elem > 0) return elementCount(entry.shape) * elem;
  if (entry.status === 'exact') return oldByName.get(entry.from[0]!)?.byteLength ?? 0;
  return 0;
}

/** Refuses a plan with incompatible entries, naming them; the caller may instead ask to initialise them. */
export function checkRunnable(plan: Plan, incompatible: 'refuse' | 'initialise' = 'refuse'): void {
  const bad = plan.entries.filter((e) => e.status === 'incompatible');
  if (bad.length === 0 || incompatible === 'initialise') return;
  const shown = bad.slice(0, 5).map((e) => `${e.to} (${e.problem ?? 'incompatible'})`).join('; ');
  const more = bad.length > 5 ? `; and ${bad.length - 5} more` : '';
  throw new GraftError('incompatible', '', `${bad.length} new variable${bad.length === 1 ? ' is' : 's are'} linked to old values that do not fit: ${shown}${more} — fix or remove these links, or choose to initialise them`);
}

async function defaultBytes(entry: PlanEntry, fill: FillPolicy, target: TargetModel, seed: number): Promise<Uint8Array> {
  const count = elementCount(entry.shape);
  const elem = ELEMENT_SIZE[entry.dtype];
  if (fill === 'zeros') {
    if (entry.dtype === 'string') return encodeStringTensor(Array.from({ length: count }, () => new Uint8Array(0))).bytes;
    return new Uint8Array(count * elem);
  }
  const bytes = await target.defaultValue(entry.to, seed);
  if (elem > 0 && bytes.byteLength !== count * elem) {
    throw new GraftError('corrupt', target.label, `the default value of ${entry.to} has ${bytes.byteLength} bytes but [${entry.shape.join(', ')}] ${entry.dtype} needs ${count * elem}`);
  }
  return bytes;
}

export async function execute(plan: Plan, old: Checkpoint, target: TargetModel, writer: CheckpointWriter, options: ExecuteOptions): Promise<ExecuteResult> {
  const policy = options.incompatible ?? 'refuse';
  checkRunnable(plan, policy);
  const { signal, onProgress, seed } = options;
  const check = () => {
    if (signal?.aborted) throw cancelledError();
  };
  let ops: ArithmeticOps | undefined;
  const loadOps = async () => {
    if (!ops) {
      const given = options.ops;
      ops = given === undefined ? await cpuOps() : typeof given === 'function' ? await given() : given;
    }
    return ops;
  };
  const oldByName = new Map(old.tensors.map((t) => [t.name, t]));
  const bytesTotal = plan.entries.reduce((n, e) => n + outputSize(e, oldByName), 0);
  const start = performance.now();
  let bytesDone = 0;
  let variablesDone = 0;

  // Sources are read ahead, in plan order, while earlier entries are transformed and written: file reads and
  // checksums overlap the writes. Always the next entry, then more while their bytes stay within `readAheadBytes`,
  // so memory stays near the largest tensors in flight (this one, the one being written, the next) plus that.
  // They are read into buffers that go back to the pool once their entry is written (writers keep no bytes
  // after `add` resolves).
  const pool = new BufferPool();
  const readAheadBytes = options.readAheadBytes ?? 64 * 1024 * 1024;
  const load = (entry: PlanEntry): Promise<Read> | undefined => {
    if (entry.status === 'initialised' || entry.status === 'incompatible') return undefined;
    const p = (async () => {
      const read: Read = { values: [], buffers: [] };
      for (const name of entry.from) {
        const info = oldByName.get(name);
        if (!info) throw new GraftError('not-found', old.label, `the plan reads ${name}, which the old checkpoint does not have`);
        if (signal?.aborted) break;
        const into = info.dtype === 'string' ? undefined : pool.take(info.byteLength);
        read.buffers.push(into);
        read.values.push(await old.readValue(info.name, into));
      }
      return read;
    })();
    p.catch(() => undefined); // awaited (and its error raised) when its turn comes
    return p;
  };
  const readBytes = (entry: PlanEntry) => (entry.status === 'initialised' || entry.status === 'incompatible' ? 0 : entry.from.reduce((n, f) => n + (oldByName.get(f)?.byteLength ?? 0), 0));
  const loads = new Map<number, Promise<Read | undefined>>();
  let scheduled = 0;
  let ahead = 0; // bytes of scheduled entries not yet taken
  let reading: Promise<unknown> = Promise.resolve(); // reads run one after another
  const readAhead = (i: number) => {
    while (scheduled < plan.entries.length && (scheduled <= i + 1 || ahead + readBytes(plan.entries[scheduled]!) <= readAheadBytes)) {
      const entry = plan.entries[scheduled]!;
      const p = reading.then(() => (signal?.aborted ? undefined : load(entry)));
      p.catch(() => undefined);
      reading = p.catch(() => undefined);
      loads.set(scheduled++, p);
      ahead += readBytes(entry);
    }
  };
  // The previous tensor's write runs while this one is read, checked and transformed; adds stay one at a time.
  let writing: Promise<void> | undefined;
  const report = (entry: PlanEntry, bytes: number) => {
    bytesDone += bytes;
    variablesDone++;
    if (!onProgress) return;
    const seconds = (performance.now() - start) / 1000;
    const rate = seconds > 0 ? bytesDone / seconds : 0;
    onProgress({
      bytesDone, bytesTotal, variablesDone, variablesTotal: plan.entries.length, rateBytesPerSec: rate,
      etaSeconds: rate > 0 ? Math.max(0, bytesTotal - bytesDone) / rate : null, current: entry.to,
    });
  };
  for (const [i, entry] of plan.entries.entries()) {
    check();
    readAhead(i);
    const read = await loads.get(i);
    loads.delete(i);
    ahead -= readBytes(entry);
    check();
    readAhead(i);
    let out: TensorValue;
    let buffers: Read['buffers'] = [];
    if (!read) {
      out = { bytes: await defaultBytes(entry, entry.status === 'initialised' ? entry.fill ?? 'initializer' : options.fill ?? 'initializer', target, seed) };
    } else {
      buffers = read.buffers;
      if (entry.status === 'exact') {
        out = read.values[0]!;
      } else {
        const sources: Value[] = read.values.map((v, k) => {
          const info = oldByName.get(entry.from[k]!)!;
          return { bytes: v.bytes, shape: info.shape, dtype: info.dtype };
        });
        out = { bytes: (await runChain(sources, { entry, target, seed, ops: loadOps, check })).bytes };
      }
    }
    await writing;
    check();
    const size = ELEMENT_SIZE[entry.dtype] > 0 ? out.bytes.byteLength : outputSize(entry, oldByName);
    writing = writer.add({ name: entry.to, dtype: entry.dtype, shape: entry.shape, bytes: out.bytes, ...(out.crc32c !== undefined ? { crc32c: out.crc32c } : {}) }).then(() => {
      pool.give(buffers);
      report(entry, size);
    });
    writing.catch(() => undefined); // raised by the next await
  }
  await writing;
  check();
  await writer.finish();
  return { variables: variablesDone, bytes: bytesDone, seconds: (performance.now() - start) / 1000, backend: ops?.backend ?? null };
}
