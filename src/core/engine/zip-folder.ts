/**
 * OutputFolders that end as one Blob, for the page's download: `PartsFolder` (a format with one file: the file
 * itself) and `ZipFolder` (several files: a stored zip with ZIP64 where needed, `ZipStream`); `ZipStreamFolder` is
 * the same zip into any sink (a file on disk, a stream). Bytes are copied into Blobs as
 * they come, so a large export lives in the browser's blob storage (disk-backed in Chromium), not in the heap.
 * Both are plain TypeScript over `Blob`, which workers and Node both have.
 */
import { GraftError } from '../errors';
import { blobOrigin } from '../io/byte-source';
import type { FileSink, OutputFolder } from '../io/output';
import { type ChunkSink, ZipStream, type ZipMember, type ZipStreamOptions } from '../io/zip-writer';

/** Chunks below this are gathered into one Blob: thousands of tiny Blobs cost more than the copy. */
const STAGE_BYTES = 8 << 20;

/**
 * Chunks from this size up that are bytes read from a Blob (an input file, unchanged: an exact copy) are kept as
 * that Blob's range instead of copied: the browser stores a reference to the file, not 1 GB more of memory, and
 * skips moving the bytes to its blob store (the largest cost of a page export, measured). Smaller ones are staged.
 */
const REFERENCE_FROM = 1 << 20;

/**
 * Bytes gathered as Blob parts. `append` copies (or references the unchanged input range the bytes were read
 * from), so a chunk may be reused once it returns.
 */
export class BlobParts {
  private readonly parts: Blob[] = [];
  private stage = new Uint8Array(0);
  private staged = 0;
  size = 0;

  append(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    const origin = chunk.byteLength >= REFERENCE_FROM ? blobOrigin(chunk) : undefined;
    if (origin) {
      this.flush();
      this.parts.push(origin);
      return;
    }
    if (chunk.byteLength >= STAGE_BYTES) {
      this.flush();
      this.parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
      return;
    }
    if (this.staged + chunk.byteLength > this.stage.byteLength) {
      this.flush();
      if (this.stage.byteLength === 0) this.stage = new Uint8Array(STAGE_BYTES);
    }
    this.stage.set(chunk, this.staged);
    this.staged += chunk.byteLength;
  }

  private flush(): void {
    if (this.staged === 0) return;
    // The Blob constructor copies, so the stage is free again at once.
    this.parts.push(new Blob([this.stage.subarray(0, this.staged)]));
    this.staged = 0;
  }

  blob(type = 'application/octet-stream'): Blob {
    this.flush();
    this.stage = new Uint8Array(0);
    return new Blob(this.parts, { type });
  }
}

/** Every file created, each as its own Blob; for formats that write one file. */
export class PartsFolder implements OutputFolder {
  readonly files = new Map<string, Blob>();
  private readonly open = new Set<string>();

  async create(path: string): Promise<FileSink> {
    const parts = new BlobParts();
    this.open.add(path);
    return {
      write: async (chunk) => parts.append(chunk),
      close: async () => {
        this.open.delete(path);
        this.files.set(path, parts.blob());
      },
    };
  }

  /** The one file written (`path`, or the only one), once closed. */
  file(path?: string): Blob {
    if (this.open.size > 0) throw new Error(`${[...this.open][0]} was still being written when the export ended`);
    const blob = path !== undefined ? this.files.get(path) : this.files.size === 1 ? [...this.files.values()][0] : undefined;
    if (!blob) throw new Error(`the export wrote ${this.files.size} files where one was expected`);
    return blob;
  }
}

/** A zip member in waiting: created while another member was streaming, its bytes kept until its turn. */
interface Member {
  path: string;
  waiting: BlobParts | null;
  streaming: boolean;
  closed: boolean;
}

/**
 * A stored zip of the files created, streamed into `sink` through `ZipStream` (ZIP64 where sizes need it). A zip
 * holds one member at a time, so a file created while another is open waits (as Blob parts: disk-backed in the
 * browser) and is replayed in turn. Every operation runs in order on one queue, so writes to several files at once
 * never interleave.
 */
export class ZipStreamFolder implements OutputFolder {
  protected readonly zip: ZipStream;
  private readonly members: Member[] = [];
  private active = 0;
  private queue: Promise<void> = Promise.resolve();
  private error: unknown = null;
  readonly names: string[] = [];

  constructor(
    sink: ChunkSink,
    protected readonly label = 'export.zip',
    options: ZipStreamOptions = {},
  ) {
    this.zip = new ZipStream(sink, options);
  }

  /** Where each member's bytes lie in the archive (complete after `close`). */
  get layout(): readonly ZipMember[] {
    return this.zip.members;
  }

  private run(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.error) throw this.failure();
      try {
        await op();
      } catch (e) {
        this.error ??= e;
        throw this.failure();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private failure(): GraftError {
    const e = this.error;
    return e instanceof GraftError ? e : new GraftError('corrupt', this.label, `the zip could not be written: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }

  /** Starts the members whose turn came: replays what each wrote while waiting, ends those already closed. */
  private async advance(): Promise<void> {
    for (let m = this.members[this.active]; m && !m.streaming; m = this.members[this.active]) {
      await this.zip.begin(m.path);
      m.streaming = true;
      const blob = m.waiting?.blob();
      m.waiting = null;
      if (blob) for (let at = 0; at < blob.size; at += STAGE_BYTES) await this.zip.data(new Uint8Array(await blob.slice(at, at + STAGE_BYTES).arrayBuffer()));
      if (!m.closed) return;
      await this.zip.end();
      this.active++;
    }
  }

  async create(path: string): Promise<FileSink> {
    const m: Member = { path, waiting: new BlobParts(), streaming: false, closed: false };
    await this.run(async () => {
      this.members.push(m);
      this.names.push(path);
      await this.advance();
    });
    return {
      write: (chunk) =>
        this.run(async () => {
          if (m.streaming) await this.zip.data(chunk);
          else m.waiting!.append(chunk);
        }),
      close: () =>
        this.run(async () => {
          m.closed = true;
          if (!m.streaming) return;
          await this.zip.end();
          this.active++;
          await this.advance();
        }),
    };
  }

  /** Ends the archive (central directory and end records). */
  async close(): Promise<void> {
    await this.run(async () => {
      const open = this.members.find((m) => !m.closed);
      if (open) throw new Error(`${open.path} was still being written when the export ended`);
      await this.zip.finish();
    });
  }
}

/** A `ZipStreamFolder` into one Blob, for the page's download (browsers keep large Blobs on disk). */
export class ZipFolder extends ZipStreamFolder {
  private readonly out: BlobParts;

  constructor(label = 'export.zip', options: ZipStreamOptions = {}) {
    const out = new BlobParts();
    super((chunk) => out.append(chunk), label, options);
    this.out = out;
  }

  /** Ends the archive and gives it as one Blob. */
  async finish(): Promise<Blob> {
    await this.close();
    return this.out.blob('application/zip');
  }
}
