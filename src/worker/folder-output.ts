/**
 * An OutputFolder onto a folder the person picked (File System Access API: `showDirectoryPicker` on the page, the
 * handle posted here). Each file is a FileSystemWritableFileStream, which Chromium writes to a swap file and moves
 * into place on `close`: nothing half-written ever carries the file's name, and the output never sits in memory.
 */
import { GraftError } from '../core/errors';
import { blobOrigin, blobSource, type ByteSource } from '../core/io/byte-source';
import type { FileSink, OutputFolder } from '../core/io/output';

/** Small chunks are gathered to this size before they become a Blob part (the Blob constructor copies them). */
const STAGE_BYTES = 8 << 20;
/** Bytes read unchanged from a dropped file go as that file's Blob range: the browser copies file to file. */
const REFERENCE_FROM = 1 << 20;
/**
 * Blob parts (file ranges and staged bytes) are written together once they reach this size: each write is a round
 * trip through the browser process that cost 50–200 ms on a loaded machine, and a BERT-large export is ~400 tensors
 * of 4–16 MiB. Ranges cost no memory; staged bytes at most this much in the blob store.
 */
const GATHER_BYTES = 64 << 20;

export class DirectoryFolder implements OutputFolder {
  readonly names: string[] = [];
  private readonly open = new Set<FileSystemWritableFileStream>();

  constructor(private readonly root: FileSystemDirectoryHandle) {}

  private async parent(path: string): Promise<{ dir: FileSystemDirectoryHandle; name: string }> {
    const parts = path.split('/');
    let dir = this.root;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
    return { dir, name: parts[parts.length - 1]! };
  }

  async create(path: string): Promise<FileSink> {
    const { dir, name } = await this.parent(path);
    let writable: FileSystemWritableFileStream;
    try {
      writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
    } catch (e) {
      throw new GraftError('usage', `${this.root.name}/${path}`, `could not be created in the chosen folder: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.open.add(writable);
    this.names.push(path);
    let stage = new Uint8Array(0);
    let staged = 0;
    let parts: Blob[] = [];
    let gathered = 0;
    const unstage = () => {
      if (staged === 0) return;
      parts.push(new Blob([stage.subarray(0, staged) as Uint8Array<ArrayBuffer>]));
      gathered += staged;
      staged = 0;
    };
    const flush = async () => {
      unstage();
      if (parts.length === 0) return;
      const blob = parts.length === 1 ? parts[0]! : new Blob(parts);
      parts = [];
      gathered = 0;
      await writable.write(blob);
    };
    return {
      write: async (chunk) => {
        const origin = chunk.byteLength >= REFERENCE_FROM ? blobOrigin(chunk) : undefined;
        if (origin) {
          unstage();
          parts.push(origin);
          gathered += origin.size;
        } else if (chunk.byteLength >= STAGE_BYTES) {
          // Computed bytes, large: written as they are, not copied into the blob store first.
          await flush();
          await writable.write(chunk as Uint8Array<ArrayBuffer>);
          return;
        } else {
          if (staged + chunk.byteLength > stage.byteLength) {
            unstage();
            if (stage.byteLength === 0) stage = new Uint8Array(STAGE_BYTES);
          }
          stage.set(chunk, staged);
          staged += chunk.byteLength;
        }
        if (gathered + staged >= GATHER_BYTES) await flush();
      },
      close: async () => {
        await flush();
        stage = new Uint8Array(0);
        await writable.close();
        this.open.delete(writable);
      },
    };
  }

  /** A failed or cancelled export: files still open are dropped (their swap files go), finished ones removed. */
  async discard(): Promise<void> {
    await Promise.all([...this.open].map((w) => w.abort().catch(() => undefined)));
    this.open.clear();
    for (const path of this.names) {
      const { dir, name } = await this.parent(path).catch(() => ({ dir: null, name: '' }));
      await dir?.removeEntry(name).catch(() => undefined);
    }
  }

  /** The files written, read back from the folder (for the self-check). */
  async sources(): Promise<ByteSource[]> {
    return Promise.all(
      this.names.map(async (path) => {
        const { dir, name } = await this.parent(path);
        return blobSource(path, await (await dir.getFileHandle(name)).getFile());
      }),
    );
  }
}
