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
import type { CheckpointWriter, OutputTensor } from '../io/output';
import { BufferPool } from './buffer-pool';
import { forgetStoredRange } from '../io/byte-source';
import { StoredPath } from './stored-path';

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

/** Where resize and mean fills run: loaded the first time an entry needs arithmetic (never when none does). */
function lazyOps(given: ExecuteOptions['ops']): { get(): Promise<ArithmeticOps>; backend(): string | null } {
  let ops: ArithmeticOps | undefined;
  return {
    async get() {
      ops ??= given === undefined ? await cpuOps() : typeof given === 'function' ? await given() : given;
      return ops;
    },
    backend: () => ops?.backend ?? null,
  };
}

/** Counts what was written and reports it, with the rate and the time left at that rate. */
function progressCounter(plan: Plan, bytesTotal: number, onProgress?: (p: Progress) => void) {
  const start = performance.now();
  const done = { bytes: 0, variables: 0 };
  const seconds = () => (performance.now() - start) / 1000;
  const report = (entry: PlanEntry, bytes: number) => {
    done.bytes += bytes;
    done.variables++;
    if (!onProgress) return;
    const rate = seconds() > 0 ? done.bytes / seconds() : 0;
    onProgress({
      bytesDone: done.bytes, bytesTotal, variablesDone: done.variables, variablesTotal: plan.entries.length, rateBytesPerSec: rate,
      etaSeconds: rate > 0 ? Math.max(0, bytesTotal - done.bytes) / rate : null, current: entry.to,
    });
  };
  return { done, seconds, report };
}

const readsNothing = (entry: PlanEntry) => entry.status === 'initialised' || entry.status === 'incompatible';

/** An entry's source values, read into pool buffers where the dtype allows (strings get fresh memory). */
async function readSources(entry: PlanEntry, old: Checkpoint, oldByName: ReadonlyMap<string, TensorInfo>, pool: BufferPool, signal?: AbortSignal): Promise<Read> {
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
}

/** An entry left unread because the writer may take it as a stored range (StoredPath). */
const STORED = 'stored';

/**
 * Sources read ahead, in plan order, while earlier entries are transformed and written: file reads and checksums
 * overlap the writes. Always the next entry, then more while their bytes stay within `limit`, so memory stays near
 * the largest tensors in flight (this one, the one being written, the next) plus that. Reads run one after another.
 */
class ReadAhead {
  /** Each scheduled entry's read, and the bytes it counts for in `ahead`. */
  private readonly loads = new Map<number, { read: Promise<Read | typeof STORED | undefined>; bytes: number }>();
  private scheduled = 0;
  /** Bytes of scheduled entries not yet taken. */
  private ahead = 0;
  private reading: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly entries: readonly PlanEntry[],
    private readonly read: (entry: PlanEntry) => Promise<Read | typeof STORED>,
    private readonly bytesOf: (entry: PlanEntry) => number,
    private readonly limit: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Schedules the reads of entry `i + 1`, and of later ones while they fit within the limit. */
  schedule(i: number): void {
    while (this.scheduled < this.entries.length && (this.scheduled <= i + 1 || this.ahead + this.bytesOf(this.entries[this.scheduled]!) <= this.limit)) {
      const entry = this.entries[this.scheduled]!;
      const p = this.reading.then(() => (this.signal?.aborted || readsNothing(entry) ? undefined : this.read(entry)));
      p.catch(() => undefined); // awaited (and its error raised) when its turn comes
      this.reading = p.catch(() => undefined);
      const bytes = this.bytesOf(entry);
      this.loads.set(this.scheduled++, { read: p, bytes });
      this.ahead += bytes;
    }
  }

  /** Entry `i`'s sources: undefined for an entry that reads none, or once cancelled; STORED where left unread. */
  async take(i: number): Promise<Read | typeof STORED | undefined> {
    const load = this.loads.get(i)!;
    this.loads.delete(i);
    this.ahead -= load.bytes;
    return load.read;
  }
}

interface ProduceContext {
  target: TargetModel;
  seed: number;
  /** The fill of incompatible entries initialised instead of refused. */
  fill: FillPolicy;
  oldByName: ReadonlyMap<string, TensorInfo>;
  ops: () => Promise<ArithmeticOps>;
  check: () => void;
}

/**
 * An entry's value: its default when it reads nothing, the source as read when exact, else the transform chain's
 * result, its steps written into buffers from `alloc` where they can (the caller recycles them once it is written).
 */
async function produce(entry: PlanEntry, read: Read | undefined, ctx: ProduceContext, alloc: (byteLength: number) => Uint8Array | undefined): Promise<TensorValue> {
  if (!read) return { bytes: await defaultBytes(entry, entry.status === 'initialised' ? entry.fill ?? 'initializer' : ctx.fill, ctx.target, ctx.seed) };
  if (entry.status === 'exact') return read.values[0]!;
  // A chain may use its sources as scratch space: their bytes no longer vouch for the stored range they came from.
  for (const v of read.values) forgetStoredRange(v.bytes);
  const sources: Value[] = read.values.map((v, k) => {
    const info = ctx.oldByName.get(entry.from[k]!)!;
    return { bytes: v.bytes, shape: info.shape, dtype: info.dtype };
  });
  return { bytes: (await runChain(sources, { entry, target: ctx.target, seed: ctx.seed, ops: ctx.ops, check: ctx.check, alloc })).bytes };
}

/** Adds one tensor at a time; each add runs while the next tensor is read and transformed. */
class WriteBehind {
  private writing: Promise<void> | undefined;

  constructor(private readonly writer: CheckpointWriter) {}

  /** Waits for the add in flight (its error raised here). */
  async settle(): Promise<void> {
    await this.writing;
  }

  /** Starts adding `tensor` (after `settle`); `then` runs once the writer holds no more of its bytes. */
  add(tensor: OutputTensor, then: () => void): void {
    this.writing = this.writer.add(tensor).then(then);
    this.writing.catch(() => undefined); // raised by the next settle
  }
}

export async function execute(plan: Plan, old: Checkpoint, target: TargetModel, writer: CheckpointWriter, options: ExecuteOptions): Promise<ExecuteResult> {
  checkRunnable(plan, options.incompatible ?? 'refuse');
  const { signal, seed } = options;
  const check = () => {
    if (signal?.aborted) throw cancelledError();
  };
  const ops = lazyOps(options.ops);
  const oldByName = new Map(old.tensors.map((t) => [t.name, t]));
  const progress = progressCounter(plan, plan.entries.reduce((n, e) => n + outputSize(e, oldByName), 0), options.onProgress);
  // Source buffers go back to the pool once their entry is written (writers keep no bytes after `add` resolves).
  const pool = new BufferPool();
  const stored = new StoredPath(old, oldByName, writer);
  // Entries left unread count too: should the writer stop taking ranges, they are read after all.
  const bytesOf = (entry: PlanEntry) => (readsNothing(entry) ? 0 : entry.from.reduce((n, f) => n + (oldByName.get(f)?.byteLength ?? 0), 0));
  const read = (entry: PlanEntry) => readSources(entry, old, oldByName, pool, signal);
  const reads = new ReadAhead(plan.entries, async (entry) => (stored.candidate(entry) ? STORED : read(entry)), bytesOf, options.readAheadBytes ?? 64 * 1024 * 1024, signal);
  const writes = new WriteBehind(writer);
  const ctx: ProduceContext = { target, seed, fill: options.fill ?? 'initializer', oldByName, ops: ops.get, check };
  try {
    await stored.announce(plan.entries);
    for (const [i, entry] of plan.entries.entries()) {
      check();
      stored.throwIfFailed();
      reads.schedule(i);
      stored.checkAhead(plan.entries, i);
      let sources = await reads.take(i);
      check();
      reads.schedule(i);
      if (sources === STORED) {
        const copy = stored.candidate(entry);
        await writes.settle(); // the writer takes ranges in plan order, after what it was handed before
        check();
        if (copy && (await stored.add(entry, copy))) {
          progress.report(entry, copy.size);
          continue;
        }
        sources = await read(entry);
        check();
      }
      await writeEntry(entry, sources);
    }
    await writes.settle();
    check();
    // The writer's last files and the last CRC checks overlap; the export is done only once both are.
    const [finished, checked] = await Promise.allSettled([writer.finish(), stored.settle()]);
    if (checked.status === 'rejected') throw checked.reason;
    if (finished.status === 'rejected') throw finished.reason;
  } finally {
    stored.stop();
  }
  return { variables: progress.done.variables, bytes: progress.done.bytes, seconds: progress.seconds(), backend: ops.backend() };

  async function writeEntry(entry: PlanEntry, read: Read | undefined): Promise<void> {
    // Step results go into pool buffers too: a fresh buffer costs a page fault per 4 KiB (a 119 MiB transpose into
    // fresh memory took ~3× the CPU of one into a reused buffer), and they go back with the sources once written.
    const made: Uint8Array[] = [];
    const out = await produce(entry, read, ctx, (n) => {
      const b = pool.take(n);
      if (b) made.push(b);
      return b;
    });
    await writes.settle();
    check();
    const size = ELEMENT_SIZE[entry.dtype] > 0 ? out.bytes.byteLength : outputSize(entry, oldByName);
    const tensor = { name: entry.to, dtype: entry.dtype, shape: entry.shape, bytes: out.bytes, ...(out.crc32c !== undefined ? { crc32c: out.crc32c } : {}) };
    writes.add(tensor, () => {
      pool.give([...(read?.buffers ?? []), ...made]);
      progress.report(entry, size);
    });
  }
}
