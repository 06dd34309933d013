/**
 * Exact entries that need not pass through memory: a writer with `addStored` (the CLI writing a TF checkpoint to
 * disk) takes an unchanged tensor as a range of the old checkpoint's data file, which the kernel copies, and the
 * engine then only checks that range against its CRC32C. The checks run one after another through one small
 * buffer while the export goes on, or elsewhere where the source can (the CLI's worker thread), started ahead; the
 * export is done only once all of them passed.
 */
import type { PlanEntry } from '../mapping';
import type { Checkpoint, TensorInfo } from '../model/checkpoint';
import { ELEMENT_SIZE, elementCount } from '../model/dtypes';
import type { StoredCopy } from '../formats/tf-bundle/stored-bytes';
import type { CheckpointWriter, StoredRange } from '../io/output';

/**
 * The buffer the checks read through, in two halves (one read while the other is checksummed). Small enough for the
 * CPU's cache, so the CRC reads cached bytes.
 */
const CHECK_BUFFER_BYTES = 2 << 20;
/**
 * Checks that run elsewhere (the CLI's worker thread) start up to this many bytes of stored entries ahead of the one
 * being written: a check started only when its entry comes up waits while this thread transforms the entries before
 * it, and the worker idles. Bounded, because should the writer stop taking ranges, checks started ahead are wasted.
 */
const CHECK_AHEAD_BYTES = 512 << 20;

type StoredCopies = { storedCopy(name: string): StoredCopy | undefined };

const hasStoredCopies = (c: Checkpoint): c is Checkpoint & StoredCopies => typeof (c as Partial<StoredCopies>).storedCopy === 'function';

export class StoredPath {
  /** False once the writer refused a range: its output has parted from the input, so later ones are read as usual. */
  private active: boolean;
  private checking: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private scratch: Uint8Array | undefined;
  private stopped = false;
  /** Checks running elsewhere, started ahead of their entry's add; and the bytes they cover. */
  private readonly early = new Map<PlanEntry, Promise<void>>();
  private earlyBytes = 0;
  /** The next entry `checkAhead` looks at. */
  private aheadAt = 0;
  /** Checks running elsewhere for entries the writer took. */
  private readonly elsewhere: Promise<void>[] = [];

  constructor(
    private readonly old: Checkpoint,
    private readonly oldByName: ReadonlyMap<string, TensorInfo>,
    private readonly writer: CheckpointWriter,
  ) {
    this.active = writer.addStored !== undefined && hasStoredCopies(old);
  }

  /** The stored range an entry's value is, while the writer takes ranges: an exact copy of one fixed-size tensor. */
  candidate(entry: PlanEntry): StoredCopy | undefined {
    if (!this.active || entry.status !== 'exact' || entry.from.length !== 1) return undefined;
    const info = this.oldByName.get(entry.from[0]!);
    const elem = ELEMENT_SIZE[entry.dtype];
    if (!info || info.dtype !== entry.dtype || elem === 0 || info.byteLength !== elementCount(entry.shape) * elem) return undefined;
    const copy = (this.old as Checkpoint & StoredCopies).storedCopy(info.name);
    return copy && copy.size === info.byteLength ? copy : undefined;
  }

  /** Tells a writer that lays out its output (CheckpointWriter.plan) every entry to come, before the first. */
  async announce(entries: readonly PlanEntry[]): Promise<void> {
    if (!this.active || !this.writer.plan) return;
    const old = this.old as Checkpoint & StoredCopies;
    const range = (c: StoredCopy | undefined): StoredRange | undefined => c && { source: c.source, offset: c.offset, byteLength: c.size };
    await this.writer.plan(
      entries.map((entry) => {
        const elem = ELEMENT_SIZE[entry.dtype];
        const reads = entry.status !== 'initialised' && entry.status !== 'incompatible';
        const exact = entry.status === 'exact' ? this.oldByName.get(entry.from[0] ?? '') : undefined;
        return {
          name: entry.to,
          byteLength: elem > 0 ? elementCount(entry.shape) * elem : exact?.byteLength,
          stored: range(this.candidate(entry)),
          sources: reads ? entry.from.flatMap((f) => range(this.oldByName.has(f) ? old.storedCopy(f) : undefined) ?? []) : [],
        };
      }),
    );
  }

  /**
   * Starts the checks that can run elsewhere of the stored entries from `entries[i]` on, while those started ahead and
   * not yet added cover at most CHECK_AHEAD_BYTES. Called as each entry comes up.
   */
  checkAhead(entries: readonly PlanEntry[], i: number): void {
    this.aheadAt = Math.max(this.aheadAt, i);
    while (this.active && !this.stopped && this.aheadAt < entries.length && this.earlyBytes < CHECK_AHEAD_BYTES) {
      const entry = entries[this.aheadAt++]!;
      const copy = this.candidate(entry);
      const check = copy?.verifyElsewhere();
      if (!check) continue;
      check.catch(() => undefined); // raised once its entry is added
      this.early.set(entry, check);
      this.earlyBytes += copy!.size;
    }
  }

  /** Hands the writer `entry` as `copy`, and queues the check of its bytes; false when the writer would not take it. */
  async add(entry: PlanEntry, copy: StoredCopy): Promise<boolean> {
    const early = this.early.get(entry);
    if (early) {
      this.early.delete(entry);
      this.earlyBytes -= copy.size;
    }
    const taken = await this.writer.addStored!({ name: entry.to, dtype: entry.dtype, shape: entry.shape, source: copy.source, offset: copy.offset, byteLength: copy.size, crc32c: copy.crc32c });
    if (!taken) {
      this.active = false;
      return false;
    }
    const remote = early ?? (this.failure || this.stopped ? undefined : copy.verifyElsewhere());
    if (remote) {
      this.elsewhere.push(
        remote.catch((error: unknown) => {
          this.failure ??= { error };
        }),
      );
      return true;
    }
    this.checking = this.checking.then(async () => {
      if (this.failure || this.stopped) return;
      this.scratch ??= new Uint8Array(CHECK_BUFFER_BYTES);
      await copy.verify(this.scratch).catch((error: unknown) => {
        this.failure ??= { error };
      });
    });
    return true;
  }

  /** Raises the first failed check, if one failed yet. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Skips the checks not yet begun: the export ended (failed, or cancelled) without them. */
  stop(): void {
    this.stopped = true;
  }

  /** Waits for every queued check; raises the first that failed. */
  async settle(): Promise<void> {
    await Promise.all([this.checking, ...this.elsewhere]);
    this.throwIfFailed();
  }
}
