/**
 * The two layouts `torch.save` writes (torch/serialization.py):
 * - zip (torch ≥ 1.6): `<archive>/data.pkl` (the object, protocol 2, storages as persistent ids), `<archive>/data/<key>`
 *   (each storage's raw bytes, stored uncompressed), `<archive>/byteorder` (`little` / `big`), `<archive>/version`.
 * - legacy (`_use_new_zipfile_serialization=False`, torch < 1.6): pickles of the magic number 0x1950a86a20f9469cfc6c,
 *   the protocol version 1001 and a sys_info dict, then the object, then the list of storage keys; then each
 *   storage in that order as an 8-byte element count and its bytes.
 * Both are read the same way: the pickle gives the object, each storage stays in the file until a tensor is read.
 */
import { GraftError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { checkMethod, entryDataOffset, readEntry, readZipDirectory, type ZipEntry } from '../../io/zip';
import { torchHooks, type TorchLoad } from './globals';
import { unpickle } from './pickle';
import { isKind, type PyValue } from './values';

export interface StorageRecord {
  /** Bytes the file holds for the storage. */
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface TorchFile {
  value: PyValue;
  load: TorchLoad;
  /** By root storage key. */
  records: Map<string, StorageRecord>;
  littleEndian: boolean;
  /** The zip's archive folder, or '' for a legacy file. */
  archive: string;
  layout: 'zip' | 'legacy';
  /** Length of the object's pickle. */
  pickleBytes: number;
}

/** torch's own data.pkl files are kilobytes to a few megabytes; this is far past any real one. */
const MAX_PICKLE_BYTES = 512 << 20;
/** The magic number as torch's default protocol 2 pickles it (other protocols spell it differently). */
export const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;

/** Whether `head` (the file's first bytes) is a pickle of torch's magic number, in any protocol. */
export function startsWithMagic(head: Uint8Array): boolean {
  try {
    return unpickle(head, '', '', torchHooks(newLoad('', ''))).value === MAGIC_NUMBER;
  } catch {
    return false;
  }
}
const PROTOCOL_VERSION = 1001n;

/** The entry of `data.pkl` and its archive folder: the first entry's folder, as torch's PyTorchStreamReader takes it. */
export function findDataPkl(entries: readonly ZipEntry[]): { pkl: ZipEntry; archive: string } | null {
  const first = entries[0]?.name ?? '';
  const folder = first.includes('/') ? first.slice(0, first.indexOf('/') + 1) : '';
  const pkl = entries.find((e) => e.name === `${folder}data.pkl`) ?? entries.find((e) => /^[^/]*\/?data\.pkl$/.test(e.name));
  if (!pkl) return null;
  return { pkl, archive: pkl.name.slice(0, -'data.pkl'.length) };
}

function newLoad(file: string, what: string): TorchLoad {
  return { file, what, storages: new Map(), standIns: new Set() };
}

export async function readZipTorch(source: ByteSource): Promise<TorchFile> {
  const file = source.path;
  const entries = await readZipDirectory(source);
  const found = findDataPkl(entries);
  if (!found) throw new GraftError('not-recognised', file, 'is a zip archive without a data.pkl — not a PyTorch checkpoint');
  const { pkl, archive } = found;
  if (pkl.size > MAX_PICKLE_BYTES) throw new GraftError('too-large', file, `${pkl.name} is ${pkl.size} bytes, far more than any checkpoint's object needs — the file is damaged`);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const order = byName.get(`${archive}byteorder`);
  let littleEndian = true;
  if (order) {
    const text = new TextDecoder().decode(await readEntry(source, order)).trim();
    if (text !== 'little' && text !== 'big') throw new GraftError('corrupt', file, `${order.name} says ${JSON.stringify(text.slice(0, 20))}; torch writes "little" or "big"`);
    littleEndian = text === 'little';
  }
  const load = newLoad(file, pkl.name);
  const value = unpickle(await readEntry(source, pkl), file, pkl.name, torchHooks(load)).value;
  const records = new Map<string, StorageRecord>();
  for (const s of load.storages.values()) {
    if (records.has(s.rootKey)) continue;
    const entry = byName.get(`${archive}data/${s.rootKey}`);
    if (!entry) throw new GraftError('corrupt', file, `${pkl.name} refers to storage ${s.rootKey} but the archive has no ${archive}data/${s.rootKey} — the file is incomplete`);
    checkMethod(source, entry);
    if (entry.localHeaderOffset + 30 + entry.compressedSize > source.size) {
      throw new GraftError('truncated', file, `zip member ${entry.name} (${entry.compressedSize} bytes at offset ${entry.localHeaderOffset}) runs past the end of the file (${source.size} bytes) — the download is incomplete`);
    }
    records.set(s.rootKey, zipRecord(source, entry));
  }
  return { value, load, records, littleEndian, archive: archive.replace(/\/$/, ''), layout: 'zip', pickleBytes: pkl.size };
}

function zipRecord(source: ByteSource, entry: ZipEntry): StorageRecord {
  let start: Promise<number> | undefined;
  let inflated: Promise<Uint8Array> | undefined;
  return {
    size: entry.size,
    async read(offset, length) {
      if (entry.method === 0) {
        start ??= entryDataOffset(source, entry);
        return source.read((await start) + offset, length);
      }
      // torch never compresses storages; a re-zipped checkpoint is inflated once, whole.
      inflated ??= readEntry(source, entry);
      return (await inflated).subarray(offset, offset + length);
    },
  };
}

/** The legacy header pickles and the object; the window grows until the pickles fit. */
export async function readLegacyTorch(source: ByteSource): Promise<TorchFile> {
  const file = source.path;
  let window = Math.min(source.size, 1 << 20);
  for (;;) {
    const bytes = await source.read(0, window);
    try {
      return await parseLegacy(source, bytes);
    } catch (e) {
      const short = e instanceof GraftError && e.code === 'truncated' && (e as GraftError & { inWindow?: boolean }).inWindow;
      if (!short || window >= source.size) throw e;
      if (window >= MAX_PICKLE_BYTES) throw new GraftError('too-large', file, `the checkpoint's pickles run past the first ${MAX_PICKLE_BYTES} bytes — the file is damaged`);
      window = Math.min(source.size, window * 4);
    }
  }
}

async function parseLegacy(source: ByteSource, bytes: Uint8Array): Promise<TorchFile> {
  const file = source.path;
  const inWindow = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof GraftError && e.code === 'truncated') Object.assign(e, { inWindow: true });
      throw e;
    }
  };
  const plain = newLoad(file, 'the file header');
  const hooks = torchHooks(plain);
  const magic = inWindow(() => unpickle(bytes, file, 'the magic number', hooks));
  if (magic.value !== MAGIC_NUMBER) throw new GraftError('bad-magic', file, 'does not start with torch\'s magic number — not a PyTorch checkpoint');
  const protocol = inWindow(() => unpickle(bytes, file, 'the protocol version', hooks, magic.end));
  if (protocol.value !== PROTOCOL_VERSION) throw new GraftError('unsupported', file, `legacy protocol version ${String(protocol.value)}; torch writes ${PROTOCOL_VERSION}`);
  const sysInfo = inWindow(() => unpickle(bytes, file, 'the system info', hooks, protocol.end));
  let littleEndian = true;
  if (isKind(sysInfo.value, 'dict')) littleEndian = sysInfo.value.entries.get('slittle_endian')?.[1] !== false;
  const load = newLoad(file, 'the pickle');
  const main = inWindow(() => unpickle(bytes, file, 'the pickle', { ...torchHooks(load), persistentLoad: legacyPersistent(load) }, sysInfo.end));
  const keys = inWindow(() => unpickle(bytes, file, 'the storage key list', hooks, main.end));
  if (!isKind(keys.value, 'list')) throw new GraftError('corrupt', file, 'the storage key list is not a list');
  const roots = new Map([...load.storages.values()].map((s) => [s.rootKey, load.storages.get(s.rootKey)!]));
  const records = new Map<string, StorageRecord>();
  let at = keys.end;
  for (const k of keys.value.items) {
    const key = typeof k === 'string' ? k : String(k);
    const s = roots.get(key);
    if (!s) throw new GraftError('corrupt', file, `the storage key list names ${key}, which the pickle never uses — the file is damaged`);
    if (at + 8 > source.size) throw new GraftError('truncated', file, `storage ${key} should start at offset ${at} but the file ends at ${source.size} — the download is incomplete`);
    const head = await source.read(at, 8);
    const count = new DataView(head.buffer, head.byteOffset, 8).getBigInt64(0, littleEndian);
    if (count !== BigInt(s.numel)) throw new GraftError('corrupt', file, `storage ${key} at offset ${at} holds ${count} elements but the pickle says ${s.numel} — the file is damaged`);
    const size = s.numel * s.elementSize;
    const start = at + 8;
    if (start + size > source.size) throw new GraftError('truncated', file, `storage ${key} needs ${size} bytes at offset ${start} but the file ends at ${source.size} — the download is incomplete`);
    records.set(key, { size, read: (offset, length) => source.read(start + offset, length) });
    at = start + size;
  }
  for (const key of roots.keys()) if (!records.has(key)) throw new GraftError('corrupt', file, `the pickle uses storage ${key} but the file does not store it`);
  return { value: main.value, load, records, littleEndian, archive: '', layout: 'legacy', pickleBytes: main.end - sysInfo.end };
}

/** Legacy files also name nn.Module classes by persistent id `('module', cls, source_file, source)`. */
function legacyPersistent(load: TorchLoad): (pid: PyValue) => PyValue {
  const storage = torchHooks(load).persistentLoad;
  return (pid) => (isKind(pid, 'tuple') && pid.items[0] === 'module' && pid.items.length >= 2 ? pid.items[1]! : storage(pid));
}
