/**
 * Sequential reads of a Blob through one byte stream read into a reused buffer. Reading a 1.3 GB checkpoint's tensors
 * in a Chromium worker (load 6–8, CPU of all Chromium processes): `slice().arrayBuffer()` per tensor 15–19 CPU s,
 * 56–80 MiB/s; the same through `stream()` with a BYOB reader into a fresh buffer per tensor 13–15 CPU s; through a
 * BYOB reader into one reused 1–8 MiB buffer 3–6 CPU s, 280–570 MiB/s. Fresh memory is the cost (a page fault per
 * 4 KiB), not the reads: larger pieces, or several in flight, each into fresh buffers, cost more CPU still.
 * The stream also reads ahead in the browser process while the caller checksums and writes.
 */

/** The reused buffer the stream reads into (1 and 8 MiB measured alike). */
const SCRATCH_BYTES = 4 << 20;
/** Only a read at least this large opens a stream: opening a checkpoint reads small scattered blocks. */
export const STREAM_FROM = 1 << 20;
/** A read this far past where the stream is goes on reading through the gap; farther, the stream is reopened. */
const SKIP_BYTES = 8 << 20;
/** A stream not read in this long is closed (the browser buffers ahead for it). */
const IDLE_MS = 3000;

interface Open {
  reader: ReadableStreamBYOBReader;
  /** The Blob offset of the stream's next byte. */
  at: number;
}

export class BlobStream {
  private open: Open | null = null;
  private scratch: ArrayBuffer | null = null;
  /** The last read queued on the stream, and where it ends. */
  private tail: Promise<unknown> = Promise.resolve();
  private queuedEnd = -1;
  private inFlight = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;
  /** Reads served by the stream, streams opened (for tests and benches). */
  readonly stats = { streamed: 0, opened: 0 };

  constructor(private readonly blob: Blob) {}

  /** Whether this platform's Blob streams take a BYOB reader. */
  static supported(blob: Blob): boolean {
    return typeof blob.stream === 'function' && typeof ReadableStreamBYOBReader === 'function';
  }

  /**
   * `length` bytes at `offset` (within the Blob, already checked) into `into` (a view of it, when large enough) or a
   * fresh buffer, where the stream serves this read; undefined where it does not (the caller reads directly).
   * Rejects when the stream fails; the stream is then closed and the caller may read directly.
   */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> | undefined {
    const follows = this.queuedEnd >= 0 && offset >= this.queuedEnd && offset - this.queuedEnd <= SKIP_BYTES;
    if (!follows && (length < STREAM_FROM || this.inFlight > 0)) return undefined;
    this.queuedEnd = offset + length;
    this.inFlight++;
    const p = this.tail.then(() => this.fill(offset, length, into));
    this.tail = p.catch(() => undefined);
    return p.finally(() => {
      this.inFlight--;
      this.touch();
    });
  }

  private async fill(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    try {
      let open = this.open;
      if (!open || offset < open.at || offset - open.at > SKIP_BYTES) {
        await this.close();
        const reader = this.blob.slice(offset).stream().getReader({ mode: 'byob' });
        open = this.open = { reader, at: offset };
        this.stats.opened++;
      }
      // Bytes between the last read and this one (padding, a tensor read elsewhere) are read through and dropped.
      if (open.at < offset) await this.pull(open, null, offset - open.at);
      const out = into && into.byteLength >= length ? new Uint8Array(into.buffer, into.byteOffset, length) : new Uint8Array(length);
      await this.pull(open, out, length);
      this.stats.streamed++;
      return out;
    } catch (e) {
      this.queuedEnd = -1;
      await this.close();
      throw e;
    }
  }

  /** Reads `length` bytes from the stream into `out` (null: dropped). */
  private async pull(open: Open, out: Uint8Array | null, length: number): Promise<void> {
    let scratch = this.scratch ?? new ArrayBuffer(SCRATCH_BYTES);
    this.scratch = null;
    for (let done = 0; done < length; ) {
      const r = await open.reader.read(new Uint8Array(scratch, 0, Math.min(scratch.byteLength, length - done)));
      if (r.done || !r.value) throw new Error(`the stream ended ${length - done} bytes early`);
      out?.set(r.value, done);
      done += r.value.byteLength;
      open.at += r.value.byteLength;
      // A BYOB read hands the buffer back (transferred): the same memory, read into again.
      scratch = r.value.buffer as ArrayBuffer;
    }
    this.scratch = scratch;
  }

  private async close(): Promise<void> {
    const open = this.open;
    this.open = null;
    if (open) await open.reader.cancel().catch(() => undefined);
  }

  private touch(): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = undefined;
      if (this.inFlight > 0) return;
      this.queuedEnd = -1;
      this.scratch = null;
      void this.close();
    }, IDLE_MS);
    // Node (tests): a pending close must not keep the process alive.
    (this.idle as { unref?: () => void }).unref?.();
  }
}
