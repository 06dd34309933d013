/** Turning dropped items and picked files into `{path, file}` pairs, walking dropped folders. */
import type { FileRef } from '../worker/client';

type Pending = { entry: FileSystemEntry } | { file: File };

/**
 * Must run inside the drop handler: DataTransfer items become unreadable once it returns.
 * Folders come as entries; a drop without entry support falls back to its plain files.
 */
export function takeDropped(dt: DataTransfer): Pending[] {
  const out: Pending[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) out.push({ entry });
    else {
      const file = item.getAsFile();
      if (file) out.push({ file });
    }
  }
  if (out.length === 0) for (const file of Array.from(dt.files ?? [])) out.push({ file });
  return out;
}

const readEntries = (reader: FileSystemDirectoryReader) =>
  new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));

const entryFile = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(entry: FileSystemEntry, out: FileRef[]): Promise<void> {
  const path = entry.fullPath.replace(/^\/+/, '') || entry.name;
  if (entry.isFile) {
    out.push({ path, file: await entryFile(entry as FileSystemFileEntry) });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (about 100 at a time in Chromium) until it answers with none.
  for (;;) {
    const batch = await readEntries(reader);
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}

export async function collectDropped(pending: Pending[]): Promise<FileRef[]> {
  const out: FileRef[] = [];
  for (const p of pending) {
    if ('file' in p) out.push({ path: p.file.name, file: p.file });
    else await walk(p.entry, out);
  }
  return out;
}

/** Files from `<input type=file>`: folder pickers give `webkitRelativePath`, plain pickers just names. */
export function fromInput(list: FileList | null): FileRef[] {
  return Array.from(list ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}
