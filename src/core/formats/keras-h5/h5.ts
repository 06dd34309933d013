/**
 * Opens an HDF5 file with h5wasm without copying it into the WebAssembly file system: the file is mounted as one
 * node of a read-only Emscripten file system (h5wasm's WORKERFS node and stream operations) whose reads call the
 * ByteSource's synchronous `readSync` by range — FileReaderSync in a Worker, fs.readSync in Node, a subarray for
 * bytes in memory. A source without `readSync` (a Blob on the main thread) is read whole once into JS memory.
 */
import type { Dataset, Entity, File as H5File, Group } from 'h5wasm';
import { GraftError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';

/** `Metadata.type`: H5T_class_t values (hdf5_util_helpers.d.ts). */
export const H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, OPAQUE: 5, COMPOUND: 6, ENUM: 8 } as const;

interface SyncChunk {
  size: number;
  slice(start?: number, end?: number): SyncChunk;
  readAll(): Uint8Array;
}

interface WorkerFsLike {
  DIR_MODE: number;
  FILE_MODE: number;
  reader: { readAsArrayBuffer(chunk: unknown): ArrayBufferLike | Uint8Array } | null;
  createNode(parent: unknown, name: string, mode: number, dev: number, contents?: unknown, mtime?: Date): unknown;
}

interface FsLike {
  filesystems: Record<string, unknown>;
  mkdir(path: string): void;
  rmdir(path: string): void;
  mount(type: unknown, opts: unknown, mountpoint: string): void;
  unmount(mountpoint: string): void;
}

interface ModuleLike {
  FS: FsLike;
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  get_dataset_data(fileId: bigint, path: string, count: null, offset: null, strides: null, ptr: bigint): number;
  activate_throwing_error_handler(): number;
}

type H5wasm = (typeof import('h5wasm'))['default'];
let ready: Promise<{ module: ModuleLike; lazyFs: unknown }> | undefined;
/** Loaded on first use: the library is 4 MB, and only HDF5 files need it. */
let lib: H5wasm | undefined;
let mounts = 0;

function chunkOf(readAt: (offset: number, length: number) => Uint8Array, start: number, end: number): SyncChunk {
  return {
    size: end - start,
    slice(a = 0, b = end - start) {
      const lo = Math.max(0, Math.min(a, end - start));
      const hi = Math.max(lo, Math.min(b, end - start));
      return chunkOf(readAt, start + lo, start + hi);
    },
    readAll: () => readAt(start, end - start),
  };
}

async function init(): Promise<{ module: ModuleLike; lazyFs: unknown }> {
  lib = (await import('h5wasm')).default;
  const module = (await lib.ready) as unknown as ModuleLike;
  module.activate_throwing_error_handler(); // HDF5 errors become exceptions instead of stderr noise
  const W = module.FS.filesystems.WORKERFS as WorkerFsLike;
  const previous = W.reader;
  W.reader = {
    readAsArrayBuffer(chunk: unknown) {
      const c = chunk as Partial<SyncChunk>;
      if (typeof c.readAll === 'function') return c.readAll();
      // A real Blob mounted through WORKERFS by someone else: what WORKERFS itself would do.
      const Reader = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(b: unknown): ArrayBuffer } }).FileReaderSync;
      if (previous) return previous.readAsArrayBuffer(chunk);
      if (Reader) return new Reader().readAsArrayBuffer(chunk);
      throw new Error('no synchronous reader for this chunk');
    },
  };
  // WORKERFS.mount asserts it runs in a Worker; this mount creates the same nodes anywhere.
  const lazyFs = {
    ...W,
    mount(mount: { opts: { name: string; contents: SyncChunk } }) {
      const root = W.createNode(null, '/', W.DIR_MODE, 0);
      W.createNode(root, mount.opts.name, W.FILE_MODE, 0, mount.opts.contents, new Date(0));
      return root;
    },
  };
  return { module, lazyFs };
}

export interface OpenedH5 {
  file: H5File;
  module: ModuleLike;
  close(): void;
}

/** Opens `source` read-only. Throws GraftError('corrupt') when HDF5 cannot open it. */
export async function openH5(source: ByteSource): Promise<OpenedH5> {
  ready ??= init();
  const { module, lazyFs } = await ready;
  let readAt: (offset: number, length: number) => Uint8Array;
  if (source.readSync) {
    const readSync = source.readSync.bind(source);
    readAt = (offset, length) => readSync(offset, length);
  } else {
    const whole = await source.read(0, source.size);
    readAt = (offset, length) => whole.subarray(offset, offset + length);
  }
  const dir = `/graft-h5-${++mounts}`;
  module.FS.mkdir(dir);
  module.FS.mount(lazyFs, { name: 'file.h5', contents: chunkOf(readAt, 0, source.size) }, dir);
  const unmount = () => {
    try {
      module.FS.unmount(dir);
      module.FS.rmdir(dir);
    } catch {
      // already gone
    }
  };
  let file: H5File;
  try {
    file = new lib!.File(`${dir}/file.h5`, 'r');
  } catch (e) {
    unmount();
    if (e instanceof GraftError) throw e;
    const detail = e instanceof Error ? (e.message.match(/minor: ([^\n]+)/)?.[1] ?? '').trim() : '';
    throw new GraftError('corrupt', source.path, `HDF5 could not open the file${detail ? ` (${detail})` : ''} — it is damaged or truncated`, { cause: e });
  }
  let open = true;
  return {
    file,
    module,
    close() {
      if (!open) return;
      open = false;
      try {
        file.close();
      } finally {
        unmount();
      }
    },
  };
}

/** Only after `openH5` (which loads the library). */
export function isGroup(e: Entity | null): e is Group {
  return lib !== undefined && e instanceof lib.Group;
}

export function isDataset(e: Entity | null): e is Dataset {
  return lib !== undefined && e instanceof lib.Dataset;
}

/** The dataset's bytes as HDF5 returns them: the file's element type in little-endian order. */
export function readDatasetBytes(opened: OpenedH5, ds: Dataset, nbytes: number): Uint8Array {
  const { module } = opened;
  if (nbytes === 0) return new Uint8Array(0);
  const ptr = module._malloc(nbytes);
  if (ptr === 0) throw new GraftError('too-large', ds.path, `could not allocate ${nbytes} bytes to read this dataset`);
  try {
    module.get_dataset_data(ds.file_id, ds.path, null, null, null, BigInt(ptr));
    return module.HEAPU8.slice(ptr, ptr + nbytes);
  } finally {
    module._free(ptr);
  }
}
