/**
 * OutputFolders that end as one Blob, for the page's download: `PartsFolder` (a format with one file: the file
 * itself) and `ZipFolder` (several files: a stored zip, streamed through fflate). Bytes are copied into Blobs as
 * they come, so a large export lives in the browser's blob storage (disk-backed in Chromium), not in the heap.
 * Both are plain TypeScript over `Blob`, which workers and Node both have.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { createCRC32, type IHasher } from 'hash-wasm';
import { GraftError } from '../errors';
import { blobOrigin } from '../io/byte-source';
import type { FileSink, OutputFolder } from '../io/output';

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

/**
 * fflate's stored member with the zip's CRC32 computed by hash-wasm: fflate's own table loop ran at ~320 MB/s on
 * this machine against ~1.5 GB/s, a third of a large page export's time.
 */
class FastPassThrough extends ZipPassThrough {
  constructor(
    filename: string,
    private readonly hasher: IHasher,
  ) {
    super(filename);
    hasher.init();
  }

  override push(chunk: Uint8Array, final?: boolean): void {
    this.hasher.update(chunk);
    this.size += chunk.length;
    if (final) this.crc = parseInt(this.hasher.digest('hex'), 16) >>> 0;
    this.process(chunk as Uint8Array<ArrayBuffer>, final ?? false);
  }
}

/** A zip member in waiting: created while another member was streaming, its bytes kept until its turn. */
interface Member {
  path: string;
  hasher: IHasher;
  entry: ZipPassThrough | null;
  waiting: BlobParts | null;
  closed: boolean;
}

/** A zip cannot say more without ZIP64, which fflate does not write. */
const ZIP32_LIMIT = 0xffffffff;

/**
 * A stored (uncompressed) zip of the files created, streamed: fflate writes each member's local header, its
 * bytes as they come and a data descriptor, then the central directory at `finish`. fflate streams only one
 * member at a time, so a file created while another is open waits (as Blob parts) and is replayed in turn.
 */
export class ZipFolder implements OutputFolder {
  private readonly out = new BlobParts();
  private readonly zip: Zip;
  private readonly members: Member[] = [];
  private active = 0;
  private error: unknown = null;
  readonly names: string[] = [];

  constructor(private readonly label = 'export.zip') {
    this.zip = new Zip((err, chunk) => {
      if (err) {
        this.error ??= err;
        return;
      }
      if (this.out.size + chunk.byteLength > ZIP32_LIMIT) {
        this.error ??= new GraftError('too-large', this.label, 'would be larger than 4 GB, more than a zip without ZIP64 can hold — export to a single-file format (safetensors, Keras) instead');
        return;
      }
      this.out.append(chunk);
    });
  }

  private check(): void {
    if (this.error) throw this.error instanceof GraftError ? this.error : new GraftError('corrupt', this.label, `the zip could not be written: ${String(this.error)}`, { cause: this.error });
  }

  private start(m: Member): ZipPassThrough {
    const entry = new FastPassThrough(m.path, m.hasher);
    this.zip.add(entry);
    m.entry = entry;
    return entry;
  }

  /** The active member finished: start the next ones, replaying what they wrote while waiting. */
  private async advance(): Promise<void> {
    while (this.active < this.members.length && this.members[this.active]!.closed) {
      const m = this.members[this.active]!;
      if (m.waiting) {
        const entry = this.start(m);
        const blob = m.waiting.blob();
        m.waiting = null;
        for (let at = 0; at < blob.size; at += STAGE_BYTES) {
          entry.push(new Uint8Array(await blob.slice(at, at + STAGE_BYTES).arrayBuffer()), false);
          this.check();
        }
        entry.push(new Uint8Array(0), true);
      }
      this.active++;
    }
    const next = this.members[this.active];
    if (next && next.waiting) {
      // Streams from here on; what it wrote so far goes first.
      const entry = this.start(next);
      const blob = next.waiting.blob();
      next.waiting = null;
      for (let at = 0; at < blob.size; at += STAGE_BYTES) entry.push(new Uint8Array(await blob.slice(at, at + STAGE_BYTES).arrayBuffer()), false);
    }
    this.check();
  }

  async create(path: string): Promise<FileSink> {
    this.check();
    const m: Member = { path, hasher: await createCRC32(), entry: null, waiting: null, closed: false };
    this.members.push(m);
    this.names.push(path);
    if (this.members.length - 1 === this.active) this.start(m);
    else m.waiting = new BlobParts();
    return {
      write: async (chunk) => {
        if (m.entry) m.entry.push(chunk, false);
        else m.waiting!.append(chunk);
        this.check();
      },
      close: async () => {
        m.closed = true;
        if (m.entry) {
          m.entry.push(new Uint8Array(0), true);
          this.active++;
        }
        await this.advance();
      },
    };
  }

  /** Ends the archive (central directory) and gives it as one Blob. */
  async finish(): Promise<Blob> {
    const open = this.members.find((m) => !m.closed);
    if (open) throw new Error(`${open.path} was still being written when the export ended`);
    this.zip.end();
    this.check();
    return this.out.blob('application/zip');
  }
}
