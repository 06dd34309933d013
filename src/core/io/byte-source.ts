/**
 * A file that is read by byte range, never whole: a browser `File` (Blob.slice), a Node file
 * handle, or bytes already in memory. `path` is the path as dropped (folder-relative), used in
 * every error message.
 */
export interface ByteSource {
  readonly path: string;
  readonly size: number;
  /**
   * Exactly `length` bytes from `offset`; rejects with a GraftError('truncated') past the end. `into` (at least
   * `length` bytes) is a hint: a source may read into it and return a view of it, or ignore it and return other
   * bytes. The caller owns `into` again once it is done with the result.
   */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  /**
   * The same bytes, synchronously, where the platform allows it (bytes in memory, a Node file, a Blob inside a
   * Worker through FileReaderSync). Only for libraries that must read synchronously (h5wasm's file system);
   * absent elsewhere, and those callers then fall back to one whole read.
   */
  readSync?(offset: number, length: number): Uint8Array;
  /**
   * How many bytes one `read` should ask for when a caller reads a large range piece by piece, where that matters
   * (absent: the caller's own piece size). A browser Blob answers each read through the browser process, a few
   * milliseconds whatever its size, so it asks for large pieces; a file or memory reads small pieces as fast.
   */
  readonly pieceBytes?: number;
  /** The Blob this source reads, where it is one (the page): ranges of it can go into an output Blob as references. */
  readonly blob?: Blob;
}

/**
 * A Blob read costs a round trip through the browser process (~5 ms, measured), so tensors up to this size are read
 * whole: fewer round trips, and the bytes stay one read's own buffer, which the page's export can then hand to its
 * output Blob as a reference (see `blobOrigin`). Larger ones are read in pieces of this size.
 */
export const BLOB_PIECE_BYTES = 128 << 20;

import { GraftError } from '../errors';
import { BlobStream } from './blob-stream';

export function checkRange(source: { path: string; size: number }, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new GraftError('corrupt', source.path, `invalid byte range (offset ${offset}, length ${length})`);
  }
  if (offset + length > source.size) {
    throw new GraftError(
      'truncated',
      source.path,
      `expected ${length} bytes at offset ${offset} but the file is only ${source.size} bytes long — it is truncated or does not belong to this checkpoint`,
    );
  }
}

export function memorySource(path: string, bytes: Uint8Array): ByteSource {
  return {
    path,
    size: bytes.byteLength,
    async read(offset, length) {
      checkRange(this, offset, length);
      return bytes.subarray(offset, offset + length);
    },
    readSync(offset, length) {
      checkRange(this, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * The Blob range each buffer that `blobSource.read` returned was read from. The buffer is the read's own (nothing
 * else holds it) and readers never write into what they read, so as long as the buffer lives its bytes are that
 * range's: a Blob being built (the page's export) can take the range itself, which the browser keeps as a
 * reference to the file, instead of a copy of the bytes.
 */
const origins = new WeakMap<ArrayBufferLike, Blob>();

/**
 * The Blob holding exactly `bytes`, where they are (a view of) a buffer `blobSource.read` returned, or the very view
 * a reader marked as a stored range of a Blob source (`markStoredRange`: read into a reused buffer).
 */
export function blobOrigin(bytes: Uint8Array): Blob | undefined {
  const stored = storedRanges.get(bytes);
  if (stored?.source.blob) return stored.source.blob.slice(stored.offset, stored.offset + bytes.byteLength);
  const whole = origins.get(bytes.buffer);
  if (!whole || whole.size !== bytes.buffer.byteLength) return undefined;
  return bytes.byteOffset === 0 && bytes.byteLength === whole.size ? whole : whole.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/**
 * Where bytes a reader handed out are stored, byte for byte: the source and offset they were read from and checked
 * against (a TF tensor's CRC32C). A writer whose output lies on a disk may then copy the range in the kernel instead
 * of writing the bytes (the CLI: see output-folder.ts). Keyed by the very view the reader returned, which nothing
 * writes into; the engine forgets the sources of an entry whose transform chain may have used them as scratch.
 */
const storedRanges = new WeakMap<Uint8Array, { source: ByteSource; offset: number }>();

export function markStoredRange(bytes: Uint8Array, source: ByteSource, offset: number): void {
  storedRanges.set(bytes, { source, offset });
}

/** The source range `bytes` (that exact view) holds, where a reader marked it. */
export function storedRange(bytes: Uint8Array): { source: ByteSource; offset: number } | undefined {
  return storedRanges.get(bytes);
}

export function forgetStoredRange(bytes: Uint8Array): void {
  storedRanges.delete(bytes);
}

export function blobSource(path: string, blob: Blob): ByteSource {
  const stream = BlobStream.supported(blob) ? new BlobStream(blob) : null;
  const source: ByteSource = {
    path,
    size: blob.size,
    blob,
    pieceBytes: BLOB_PIECE_BYTES,
    async read(offset, length, into) {
      checkRange(this, offset, length);
      const part = blob.slice(offset, offset + length);
      // A stream that failed is left for a direct read: an unreadable file fails as it always did.
      const streamed = await stream?.read(offset, length, into)?.catch(() => undefined);
      if (streamed && streamed.buffer === into?.buffer) {
        // Read into the caller's (reused) buffer: the view itself says where its bytes are stored, never the buffer.
        markStoredRange(streamed, source, offset);
        return streamed;
      }
      const bytes = streamed ?? new Uint8Array(await part.arrayBuffer());
      origins.set(bytes.buffer, part);
      return bytes;
    },
  };
  // FileReaderSync exists only inside Workers: there a Blob can be read by range synchronously.
  const Reader = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(b: Blob): ArrayBuffer } }).FileReaderSync;
  if (Reader) {
    const reader = new Reader();
    source.readSync = (offset, length) => {
      checkRange(source, offset, length);
      return new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length)));
    };
  }
  return source;
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The files among `byPath` that a sharded index at `indexPath` names (relative to its folder), by the name it uses. */
export function shardsBeside(indexPath: string, names: Iterable<string>, byPath: ReadonlyMap<string, ByteSource>): Map<string, ByteSource> {
  const shards = new Map<string, ByteSource>();
  for (const name of new Set(names)) {
    const s = byPath.get(joinPath(dirname(indexPath), name));
    if (s) shards.set(name, s);
  }
  return shards;
}

/** `rel` resolved against the folder `dir` (`.` and `..` segments handled), as manifests name their files. */
export function joinPath(dir: string, rel: string): string {
  const out: string[] = dir ? dir.split('/') : [];
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
