/**
 * Exact entries that need not pass through memory: a writer with `addStored` (the CLI writing a TF checkpoint to
 * disk) takes an unchanged tensor as a range of the old checkpoint's data file, which the kernel copies, and the
 * engine then only checks that range against its CRC32C. The checks run one after another through one small
 * buffer while the export goes on; the export is done only once all of them passed.
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

type StoredCopies = { storedCopy(name: string): StoredCopy | undefined };

const hasStoredCopies = (c: Checkpoint): c is Checkpoint & StoredCopies => typeof (c as Partial<StoredCopies>).storedCopy === 'function';

export class StoredPath {
  /** False once the writer refused a range: its output has parted from the input, so later ones are read as usual. */
  private active: boolean;
  private checking: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  private scratch: Uint8Array | undefined;
  private stopped = false;

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

  /** Hands the writer `entry` as `copy`, and queues the check of its bytes; false when the writer would not take it. */
  async add(entry: PlanEntry, copy: StoredCopy): Promise<boolean> {
    const taken = await this.writer.addStored!({ name: entry.to, dtype: entry.dtype, shape: entry.shape, source: copy.source, offset: copy.offset, byteLength: copy.size, crc32c: copy.crc32c });
    if (!taken) {
      this.active = false;
      return false;
    }
    this.checking = this.checking.then(async () => {
      if (this.failure || this.stopped) return;
      this.scratch ??= new Uint8Array(CHECK_BUFFER_BYTES);
      await copy.verify(this.scratch).catch((error: unknown) => {
        this.failure = { error };
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
    await this.checking;
    this.throwIfFailed();
  }
}
