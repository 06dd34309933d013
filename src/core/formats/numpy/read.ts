/**
 * NumPy arrays as a checkpoint: loose `.npy` files (one tensor each, named by the file name without `.npy`) or
 * a `.npz` (numpy.savez: a zip of `.npy` members, stored or deflated, named by the member name without `.npy`).
 * Big-endian and Fortran-order arrays are listed as stored; `readValue` gives little-endian C-order bytes.
 */
import { GraftError } from '../../errors';
import { basename, type ByteSource } from '../../io/byte-source';
import type { Checkpoint, TensorInfo } from '../../model/checkpoint';
import { classifyVariable } from '../../model/naming';
import { npyPreambleLength, npyToValue, parseNpyHeader, type NpyHeader } from './npy';
import { entryDataOffset, readEntry, readEntryPrefix, readZipDirectory, type ZipEntry } from '../../io/zip';
import { clip, listSome, oneLine } from '../../io/untrusted';

interface Located {
  header: NpyHeader;
  /** Raw stored bytes of the array data. */
  readRaw(): Promise<Uint8Array>;
}

function info(name: string, h: NpyHeader): TensorInfo {
  const { kind, group } = classifyVariable(name);
  return { name, dtype: h.dtype, shape: h.shape, byteLength: h.dataLength, kind, group };
}

/** The arrays stored in Fortran order, as one note. */
function fortranNote(located: ReadonlyMap<string, Located>): string[] {
  const names = [...located].filter(([, l]) => l.header.fortranOrder && l.header.shape.length > 1).map(([name]) => clip(name));
  return oneLine(
    names,
    (n) => `${n} is stored in Fortran (column-major) order; its shape is listed as stored and its values are read back in C order`,
    (count, some) => `${count} arrays (${some}) are stored in Fortran (column-major) order; their shapes are listed as stored and their values are read back in C order`,
  );
}

function build(format: 'npy' | 'npz', label: string, files: string[], located: Map<string, Located>, warnings: string[]): Checkpoint {
  const tensors = [...located.entries()].map(([name, l]) => info(name, l.header));
  const get = (name: string) => {
    const l = located.get(name);
    if (!l) throw new GraftError('not-found', label, `no array named ${clip(name)}`);
    return l;
  };
  return {
    format,
    label,
    files,
    tensors,
    warnings,
    read: (name) => get(name).readRaw(),
    async readValue(name) {
      const l = get(name);
      return { bytes: npyToValue(await l.readRaw(), l.header) };
    },
  };
}

async function npyHeaderFromSource(source: ByteSource): Promise<NpyHeader> {
  const pre = await source.read(0, Math.min(source.size, 12));
  const end = npyPreambleLength(pre, source.path);
  if (end > source.size) throw new GraftError('truncated', source.path, `the .npy header needs ${end} bytes but the file has ${source.size}`);
  return parseNpyHeader(await source.read(0, end), source.path, source.size);
}

export function arrayName(path: string): string {
  const base = basename(path);
  return base.endsWith('.npy') ? base.slice(0, -4) : base;
}

/** Loose `.npy` files, one tensor each. */
export async function openNpyFiles(sources: readonly ByteSource[], label?: string): Promise<Checkpoint> {
  const located = new Map<string, Located>();
  const warnings: string[] = [];
  for (const source of sources) {
    const header = await npyHeaderFromSource(source);
    const name = arrayName(source.path);
    if (located.has(name)) {
      warnings.push(`${source.path}: another file also holds an array named ${clip(name)}; the first is used`);
      continue;
    }
    located.set(name, { header, readRaw: () => source.read(header.dataOffset, header.dataLength) });
  }
  warnings.push(...fortranNote(located));
  return build('npy', label ?? (sources.length === 1 ? sources[0]!.path : `${sources.length} .npy files`), sources.map((s) => s.path), located, warnings);
}

async function memberHeader(source: ByteSource, entry: ZipEntry): Promise<NpyHeader> {
  const file = `${source.path}/${entry.name}`;
  const pre = await readEntryPrefix(source, entry, 12);
  const end = npyPreambleLength(pre, file);
  if (end > entry.size) throw new GraftError('truncated', file, `the .npy header needs ${end} bytes but the member has ${entry.size}`);
  return parseNpyHeader(await readEntryPrefix(source, entry, end), file, entry.size);
}

export async function openNpz(source: ByteSource): Promise<Checkpoint> {
  const entries = await readZipDirectory(source);
  const located = new Map<string, Located>();
  const warnings: string[] = [];
  const others: string[] = [];
  const twice: string[] = [];
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    if (!entry.name.endsWith('.npy')) {
      others.push(entry.name);
      continue;
    }
    const name = entry.name.slice(0, -4);
    if (located.has(name)) twice.push(entry.name);
    const header = await memberHeader(source, entry);
    let readRaw: () => Promise<Uint8Array>;
    if (entry.method === 0) {
      const start = await entryDataOffset(source, entry);
      readRaw = () => source.read(start + header.dataOffset, header.dataLength);
    } else {
      readRaw = async () => (await readEntry(source, entry)).subarray(header.dataOffset, header.dataOffset + header.dataLength);
    }
    located.set(name, { header, readRaw });
  }
  // One line per kind, however many members the directory lists.
  warnings.push(...fortranNote(located));
  if (others.length > 0) warnings.push(`${basename(source.path)}: member${others.length > 1 ? 's' : ''} ${listSome(others)} ${others.length > 1 ? 'are not .npy arrays; they are' : 'is not a .npy array; it is'} left out`);
  if (twice.length > 0) warnings.push(`${basename(source.path)}: member${twice.length > 1 ? 's' : ''} ${listSome(twice)} repeat${twice.length > 1 ? '' : 's'} an earlier member's name; the last is used, as numpy.load does`);
  return build('npz', source.path, [source.path], located, warnings);
}
