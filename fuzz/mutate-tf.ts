/**
 * TF bundle mutations that get past the checksums: the index table is parsed, its entries changed (keys, and the
 * BundleHeaderProto / BundleEntryProto fields as protobuf), and the table rebuilt with valid block CRCs; the
 * `_CHECKPOINTABLE_OBJECT_GRAPH` proto is changed (or grown into a long chain) and written back with a fixed CRC.
 */
import { buildTable } from '../src/core/formats/tf-bundle/table-builder';
import { compareBytes, parseBlock, type TableEntry } from '../src/core/formats/tf-bundle/table';
import { maskCrc } from '../src/core/formats/tf-bundle/crc32c';
import { decodeStringTensor, encodeStringTensor } from '../src/core/formats/tf-bundle/strings';
import { concat } from './mutate-bytes';
import { decode, encode, mutateMessage, readVarint, type Field } from './protobuf';
import type { Rng } from './rng';

export interface FileBytes {
  path: string;
  bytes: Uint8Array;
}

function handle(b: Uint8Array, p: number): [number, number, number] | null {
  const o = readVarint(b, p);
  const s = o && readVarint(b, o[1]);
  return o && s ? [Number(o[0]), Number(s[0]), s[1]] : null;
}

/** The entries of an uncompressed table, or null (the seed is not one). */
export function tableEntries(b: Uint8Array): TableEntry[] | null {
  try {
    if (b.length < 48) return null;
    const meta = handle(b, b.length - 48);
    const index = meta && handle(b, meta[2]);
    if (!index) return null;
    const entries: TableEntry[] = [];
    for (const e of parseBlock(b.subarray(index[0], index[0] + index[1]), 'index', index[0], 'index block')) {
      const h = handle(e.value, 0);
      if (!h || b[h[0] + h[1]] !== 0) return null;
      entries.push(...parseBlock(b.subarray(h[0], h[0] + h[1]), 'index', h[0], 'data block'));
    }
    return entries;
  } catch {
    return null;
  }
}

const text = new TextDecoder();
const utf8 = new TextEncoder();

function mutateEntries(rng: Rng, entries: TableEntry[]): TableEntry[] {
  const i = rng.int(entries.length);
  const e = entries[i]!;
  const op = rng.int(10);
  if (op === 0) entries.splice(i, 1);
  else if (op === 1) entries.splice(i, 0, { ...e });
  else if (op === 2) entries.splice(i, 1, { key: utf8.encode(text.decode(e.key) + rng.pick(['', '/x', '\u0000', '/.ATTRIBUTES/VARIABLE_VALUE'])), value: e.value });
  else if (op === 3 && entries.length > 1) entries.splice(rng.int(entries.length), 0, entries.splice(i, 1)[0]!);
  else if (op === 4) entries.splice(i, 1, { key: utf8.encode(rng.pick(['', 'constructor', '__proto__', '_CHECKPOINTABLE_OBJECT_GRAPH', 'a'.repeat(1000)])), value: e.value });
  else entries.splice(i, 1, { key: e.key, value: mutateMessage(rng, e.value) });
  return entries;
}

/** The index rebuilt from mutated entries (valid block checksums). */
export function mutateTfIndex(rng: Rng, files: FileBytes[]): FileBytes[] | null {
  const at = files.findIndex((f) => f.path.endsWith('.index'));
  const entries = at >= 0 ? tableEntries(files[at]!.bytes) : null;
  if (!entries || entries.length === 0) return null;
  let out = entries;
  for (let k = rng.chance(0.7) ? 1 : rng.range(2, 4); k > 0 && out.length; k--) out = mutateEntries(rng, out);
  // Mostly sorted and unique, as a table's keys must be, so the reader gets past its order check to the entries.
  if (rng.chance(0.85)) out = out.sort((a, b) => compareBytes(a.key, b.key)).filter((e, j, all) => j === 0 || compareBytes(all[j - 1]!.key, e.key) !== 0);
  const rebuilt = files.slice();
  rebuilt[at] = { path: files[at]!.path, bytes: buildTable(out, { blockSize: rng.pick([262144, 64, 4096]), restartInterval: rng.pick([16, 1, 3]), compression: 0 }) };
  return rebuilt;
}

const num = (fields: Field[], no: number) => Number(fields.find((f) => f.no === no)?.int ?? 0n);

/** A TrackableObjectGraph grown by a chain of `n` nodes, each the only child of the one before it. */
function chain(graph: Uint8Array, n: number, cycle: boolean): Uint8Array {
  const nodes = decode(graph)?.filter((f) => f.no === 1) ?? [];
  const first = nodes.length;
  const ref = (id: number, name: string) => encode([{ no: 1, wire: 0, int: BigInt(id) }, { no: 2, wire: 2, bytes: utf8.encode(name) }]);
  const extra: Field[] = [];
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? first + i + 1 : cycle ? first : -1;
    extra.push({ no: 1, wire: 2, bytes: next >= 0 ? encode([{ no: 1, wire: 2, bytes: ref(next, `c${i}`) }]) : new Uint8Array(0) });
  }
  // The root points at the chain; a cycle closes it back on itself.
  const root = decode(nodes[0]?.bytes ?? new Uint8Array(0)) ?? [];
  const rootNode = encode([...root, { no: 1, wire: 2, bytes: ref(first, 'chain') }]);
  return encode([{ no: 1, wire: 2, bytes: rootNode }, ...nodes.slice(1), ...extra]);
}

/** The object graph proto changed (or chained), stored back with its entry's offset, size and CRC fixed. */
export function mutateTfObjectGraph(rng: Rng, files: FileBytes[]): FileBytes[] | null {
  const at = files.findIndex((f) => f.path.endsWith('.index'));
  const entries = at >= 0 ? tableEntries(files[at]!.bytes) : null;
  const i = entries?.findIndex((e) => text.decode(e.key) === '_CHECKPOINTABLE_OBJECT_GRAPH') ?? -1;
  if (!entries || i < 0) return null;
  const entry = decode(entries[i]!.value);
  if (!entry) return null;
  const prefix = files[at]!.path.slice(0, -'.index'.length);
  const shards = files.filter((f) => f.path.startsWith(`${prefix}.data-`)).sort((a, b) => a.path.localeCompare(b.path));
  const shard = shards[num(entry, 3)];
  if (!shard) return null;
  let graph: Uint8Array;
  try {
    graph = decodeStringTensor(shard.bytes.subarray(num(entry, 4), num(entry, 4) + num(entry, 5)), 1, 'shard', 'graph')[0]!;
  } catch {
    return null;
  }
  const mutated = rng.chance(0.25) ? chain(graph, rng.pick([100, 2000, 9000, 20000]), rng.chance(0.3)) : mutateMessage(rng, graph);
  const { bytes, crc } = encodeStringTensor([mutated]);
  const fields = entry.filter((f) => f.no !== 4 && f.no !== 5 && f.no !== 6);
  fields.push({ no: 4, wire: 0, int: BigInt(shard.bytes.length) }, { no: 5, wire: 0, int: BigInt(bytes.length) }, { no: 6, wire: 5, int: BigInt(maskCrc(crc)) });
  entries[i] = { key: entries[i]!.key, value: encode(fields.sort((a, b) => a.no - b.no)) };
  return files.map((f, j) =>
    j === at ? { path: f.path, bytes: buildTable(entries) } : f === shard ? { path: f.path, bytes: concat(f.bytes, bytes) } : f,
  );
}
