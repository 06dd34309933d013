/**
 * Which inputs a saved recipe belongs to: a short hash over each file's path, size and its first and last KiB.
 * Dropping the same files again (or reloading the built-in example) gives the same key without reading them whole.
 */

export interface FilePart {
  path: string;
  size: number;
  head: Uint8Array;
  tail: Uint8Array;
}

const EDGE = 1024;

/** cyrb53-style 53-bit hash, seeded: good enough to tell inputs apart, not a security boundary. */
function hash53(chunks: readonly Uint8Array[], seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      const b = c[i]!;
      h1 = Math.imul(h1 ^ b, 2654435761);
      h2 = Math.imul(h2 ^ b, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const utf8 = new TextEncoder();

/** Order-independent: files are sorted by path first. `extra` (e.g. the chosen checkpoint) joins the hash. */
export function fingerprint(parts: readonly FilePart[], extra = ''): string {
  const sorted = [...parts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chunks: Uint8Array[] = [utf8.encode(extra)];
  for (const p of sorted) chunks.push(utf8.encode(`\0${p.path}\0${p.size}\0`), p.head, p.tail);
  return hash53(chunks, 0).toString(36) + hash53(chunks, 1).toString(36);
}

const partsOf = new WeakMap<readonly unknown[], Promise<FilePart[]>>();

/**
 * The parts of real files: two small range reads each. Kept per files array, so the reads can start when the
 * files are picked and the key is ready when both slots have opened.
 */
export function fileParts(files: readonly { path: string; file: Blob }[]): Promise<FilePart[]> {
  let parts = partsOf.get(files);
  if (!parts) {
    parts = readParts(files);
    parts.catch(() => partsOf.delete(files));
    partsOf.set(files, parts);
  }
  return parts;
}

async function readParts(files: readonly { path: string; file: Blob }[]): Promise<FilePart[]> {
  return Promise.all(
    files.map(async ({ path, file }) => ({
      path,
      size: file.size,
      head: new Uint8Array(await file.slice(0, EDGE).arrayBuffer()),
      tail: new Uint8Array(await file.slice(Math.max(0, file.size - EDGE)).arrayBuffer()),
    })),
  );
}
