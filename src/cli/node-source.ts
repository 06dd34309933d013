import { closeSync, openSync, readSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type ByteSource, checkRange } from '../core/io/byte-source';

/** A ByteSource over a file on disk: every read opens, reads its range, and closes (no handle leaks on error). */
export async function fileSource(absPath: string, path: string): Promise<ByteSource> {
  const { size } = await stat(absPath);
  const source: ByteSource = {
    path,
    size,
    async read(offset, length) {
      checkRange(source, offset, length);
      const handle = await open(absPath, 'r');
      try {
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(out, done, length - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === length ? out : out.subarray(0, done);
      } finally {
        await handle.close();
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
