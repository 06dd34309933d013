/**
 * Opens an HDF5 file with h5wasm without copying it into the WebAssembly file system: the file is mounted as one
 * node of a read-only Emscripten file system (h5wasm's WORKERFS node and stream operations) whose reads call the
 * ByteSource's synchronous `readSync` by range — FileReaderSync in a Worker, fs.readSync in Node, a subarray for
 * bytes in memory. A source without `readSync` (a Blob on the main thread) is read whole once into JS memory.
 */
import type { Dataset, Entity, File as H5File, Group } from 'h5wasm';
import { GraftError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { guardHeaps } from './heap-check';
import { h5Progress, watched } from './watchdog';

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
  ErrnoError?: new (errno: number) => Error;
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
  get_dataset_data(fileId: bigint, path: string, count: bigint[] | null, offset: bigint[] | null, strides: bigint[] | null, ptr: bigint): number;
  get_names(fileId: bigint, path: string, recursive: boolean): string[];
  get_type(fileId: bigint, path: string): number;
  H5G_DATASET: number;
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

let loaded: Promise<{ lib: H5wasm; module: unknown }> | undefined;

/**
 * h5wasm, loaded once, with HDF5 errors turned into exceptions: otherwise HDF5 prints a failure and carries on, so a
 * read would return garbage and a write would silently lack what failed.
 */
export function loadH5wasm(): Promise<{ lib: H5wasm; module: unknown }> {
  loaded ??= (async () => {
    const h5wasm = (await import('h5wasm')).default;
    const module = await h5wasm.ready;
    (module as unknown as ModuleLike).activate_throwing_error_handler();
    return { lib: h5wasm, module };
  })();
  return loaded;
}

async function init(): Promise<{ module: ModuleLike; lazyFs: unknown }> {
  const h5 = await loadH5wasm();
  lib = h5.lib;
  const module = h5.module as ModuleLike;
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
  /** What a check on the bytes HDF5 read found damaged (every read fails from then on); undefined while none. */
  damage(): GraftError | undefined;
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
  let damage: GraftError | undefined;
  const failRead = (): never => {
    // An FS error makes HDF5's read return -1, so HDF5 unwinds through its own error path and stays usable; any
    // other exception would unwind through WebAssembly and leave HDF5's state half-changed for the next file.
    const ErrnoError = module.FS.ErrnoError;
    throw ErrnoError ? new ErrnoError(29) : Object.assign(new Error('EIO'), { name: 'ErrnoError', errno: 29 });
  };
  const guarded = guardHeaps(readAt, source.size, (clause) => {
    damage = new GraftError('corrupt', source.path, `${clause} — the file is damaged`);
    return failRead();
  });
  const checkedReadAt = (offset: number, length: number) => (damage ? failRead() : guarded(offset, length));
  const dir = `/graft-h5-${++mounts}`;
  module.FS.mkdir(dir);
  module.FS.mount(lazyFs, { name: 'file.h5', contents: chunkOf(checkedReadAt, 0, source.size) }, dir);
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
    file = watched(source.path, () => new lib!.File(`${dir}/file.h5`, 'r'));
  } catch (e) {
    unmount();
    if (damage) throw damage;
    if (e instanceof GraftError) throw e;
    const detail = e instanceof Error ? (e.message.match(/minor: ([^\n]+)/)?.[1] ?? '').trim() : '';
    throw new GraftError('corrupt', source.path, `HDF5 could not open the file${detail ? ` (${detail})` : ''} — it is damaged or truncated`, { cause: e });
  }
  let open = true;
  return {
    file,
    module,
    damage: () => damage,
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

/**
 * Deflate, the strongest filter h5wasm decodes, expands at most ~1032 times: a filtered dataset claiming more than
 * this many times the file's size cannot be stored in it.
 */
const MAX_FILTER_RATIO = 1100;

/**
 * Why `ds` is not read (a clause), or undefined: a dataset whose claimed size the file cannot back. Without a filter
 * every stored byte is in the file; claimed beyond that, most values were never written, HDF5 would hand back its
 * fill value for them and allocate the whole claim first. (h5wasm exposes no allocated storage size to ask.)
 */
export function backingClause(ds: Dataset, nbytes: number, fileSize: number): string | undefined {
  if (nbytes <= fileSize) return undefined;
  const filtered = ds.metadata.chunks !== null && ds.filters.length > 0;
  if (filtered && nbytes <= fileSize * MAX_FILTER_RATIO) return undefined;
  return (
    `claims ${nbytes} bytes (shape [${(ds.shape ?? []).join(', ')}]), more than ${filtered ? `${MAX_FILTER_RATIO} times ` : ''}the whole file ` +
    `(${fileSize} bytes) could hold${filtered ? ' compressed' : ''}: most of its values were never written and HDF5 would fill them in — ` +
    'the file is damaged or the dataset was resized without data; Graft does not read it'
  );
}

/** Larger datasets are read a slab of rows at a time: WebAssembly memory grows to the slab, never shrinks back. */
const SLAB_BYTES = 16 << 20;

/** The dataset's bytes as HDF5 returns them: the file's element type in little-endian order. */
export function readDatasetBytes(opened: OpenedH5, ds: Dataset, nbytes: number, file = ds.path): Uint8Array {
  if (nbytes === 0) return new Uint8Array(0);
  return watched(file, () => {
    const shape = ds.shape ?? [];
    const rows = shape[0] ?? 1;
    if (nbytes <= SLAB_BYTES || rows <= 1) return readSlab(opened, ds, nbytes, null, null);
    const rowBytes = nbytes / rows;
    const out = new Uint8Array(nbytes);
    const step = Math.max(1, Math.floor(SLAB_BYTES / rowBytes));
    for (let row = 0; row < rows; row += step) {
      h5Progress(file);
      const n = Math.min(step, rows - row);
      const count = shape.map((d, i) => BigInt(i === 0 ? n : d));
      const offset = shape.map((_, i) => BigInt(i === 0 ? row : 0));
      out.set(readSlab(opened, ds, n * rowBytes, count, offset), row * rowBytes);
    }
    return out;
  });
}

function readSlab(opened: OpenedH5, ds: Dataset, nbytes: number, count: bigint[] | null, offset: bigint[] | null): Uint8Array {
  const { module } = opened;
  const ptr = module._malloc(nbytes);
  if (ptr === 0) throw new GraftError('too-large', ds.path, `could not allocate ${nbytes} bytes to read this dataset`);
  try {
    module.get_dataset_data(ds.file_id, ds.path, count, offset, count && count.map(() => 1n), BigInt(ptr));
    return module.HEAPU8.slice(ptr, ptr + nbytes);
  } finally {
    module._free(ptr);
  }
}
