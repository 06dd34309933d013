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
}

import { GraftError } from '../errors';

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

export function blobSource(path: string, blob: Blob): ByteSource {
  const source: ByteSource = {
    path,
    size: blob.size,
    async read(offset, length) {
      checkRange(this, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
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
