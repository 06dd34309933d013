import { closeSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type ByteSource, checkRange } from '../core/io/byte-source';

/** An idle file handle is closed after this long (a checkpoint's reads come back to back while it is exported). */
const IDLE_CLOSE_MS = 200;

/**
 * Large ranges are read in pieces of this size, each checksummed while the next is read: each read is a hop through
 * libuv's thread pool, so fewer, larger ones cost less (1 MiB pieces took ~1,900 reads for a 1.3 GB checkpoint).
 */
export const FILE_PIECE_BYTES = 8 << 20;

const absPaths = new WeakMap<ByteSource, string>();

/** The file on disk behind a `fileSource`, for copies the kernel can make (see output-folder.ts). */
export function filePathOf(source: ByteSource): string | undefined {
  return absPaths.get(source);
}

/**
 * A ByteSource over a file on disk. Async reads share one handle, opened on the first read and closed once no
 * read has come for IDLE_CLOSE_MS (an unref'd timer: it never keeps the process alive), and read into `into`
 * when given, so a caller that reuses buffers avoids fresh memory for each tensor. `readSync` opens and closes.
 */
export async function fileSource(absPath: string, path: string, pieceBytes = FILE_PIECE_BYTES): Promise<ByteSource> {
  const { size } = await stat(absPath);
  let handle: Promise<FileHandle> | undefined;
  let active = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const release = () => {
    if (--active > 0 || !handle) return;
    const h = handle;
    idle = setTimeout(() => {
      if (active > 0 || handle !== h) return;
      handle = undefined;
      void h.then((fh) => fh.close()).catch(() => undefined);
    }, IDLE_CLOSE_MS);
    idle.unref();
  };
  const source: ByteSource = {
    path,
    size,
    pieceBytes,
    async read(offset, length, into) {
      checkRange(source, offset, length);
      const out = into && into.byteLength >= length ? into.subarray(0, length) : new Uint8Array(length);
      clearTimeout(idle);
      active++;
      try {
        if (!handle) {
          handle = open(absPath, 'r');
          handle.catch(() => undefined);
        }
        let fh: FileHandle;
        try {
          fh = await handle;
        } catch (e) {
          handle = undefined; // the next read tries again
          throw e;
        }
        let done = 0;
        while (done < length) {
          const { bytesRead } = await fh.read(out, done, length - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === length ? out : out.subarray(0, done);
      } finally {
        release();
      }
    },
    readSync(offset, length) {
      checkRange(source, offset, length);
      const fd = openSync(absPath, 'r');
      try {
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, out, done, length - done, offset + done);
          if (n === 0) break;
          done += n;
        }
        return done === length ? out : out.subarray(0, done);
      } finally {
        closeSync(fd);
      }
    },
  };
  absPaths.set(source, absPath);
  return source;
}

const MAX_FILES = 10_000;

/** Every file under `dir` (depth-limited), with paths relative to `base` and `/` separators, as a drop gives them. */
export async function folderSources(dir: string, base = dir, depth = 6): Promise<ByteSource[]> {
  const out: ByteSource[] = [];
  const walk = async (d: string, level: number): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (out.length >= MAX_FILES) return;
      const abs = join(d, entry.name);
      if (entry.isDirectory() && level < depth) await walk(abs, level + 1);
      else if (entry.isFile()) out.push(await fileSource(abs, relative(base, abs).split(sep).join('/')));
    }
  };
  await walk(dir, 0);
  return out;
}
