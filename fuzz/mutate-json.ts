/**
 * JSON-aware mutations: the safetensors header, TF.js model.json and its weightsManifest, sharded index.json, model
 * JSON, recipes. The tree is parsed, one node is replaced by a hostile value, and the text written back; deep nesting
 * is spliced in as text so that the harness itself never recurses over it.
 */
import { concat } from './mutate-bytes';
import type { Rng } from './rng';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const DEEP = '\u0000DEEP\u0000';
const HOSTILE_KEYS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__', 'length'];
const HOSTILE_STRINGS = [
  ...HOSTILE_KEYS, '', ' ', '.', '..', '../../../etc/passwd', '/abs/path', 'C:\\Users\\x\\model', 'a\nb', 'quote"\'"""', '\\', '\u0000',
  '\ud800', 'é✓', 'x'.repeat(70_000), 'float32', 'float16', 'bfloat16', 'int64', 'uint8', 'bool', 'string', 'complex64', 'F32', 'I64', 'BF16',
  'U8', 'BOOL', 'F8_E4M3', 'group1-shard1of1.bin', 'model.safetensors', '<f4', '>f8', '|b1', 'O', '__import__("os")',
];
const HOSTILE_NUMBERS = [0, -1, 1, 2, 3, 0.5, -0.5, 1e308, -1e308, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 50, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 1e12, 1e100, -(2 ** 31)];

function hostileValue(rng: Rng, old: Json): Json {
  const r = rng.int(12);
  if (r === 0) return rng.pick(HOSTILE_NUMBERS);
  if (r === 1) return rng.pick(HOSTILE_STRINGS);
  if (r === 2) return null;
  if (r === 3) return rng.chance(0.5);
  if (r === 4) return [];
  if (r === 5) return {};
  if (r === 6) return DEEP;
  if (r === 7) return Array.from({ length: rng.range(1, 8) }, () => rng.pick(HOSTILE_NUMBERS));
  if (r === 8) return Array.from({ length: rng.pick([2, 100, 5000]) }, () => (rng.chance(0.5) ? rng.range(0, 4) : rng.pick(HOSTILE_NUMBERS)));
  if (r === 9 && typeof old === 'number') return old + rng.range(-3, 3) || rng.pick(HOSTILE_NUMBERS);
  if (r === 10 && typeof old === 'string') return old + rng.pick(HOSTILE_STRINGS).slice(0, 64);
  if (r === 11 && Array.isArray(old)) return [...old, ...old];
  return rng.pick(HOSTILE_NUMBERS);
}

function paths(root: Json): Path[] {
  const out: Path[] = [];
  const walk = (node: Json, path: Path, depth: number) => {
    out.push(path);
    if (depth > 40 || out.length > 20_000) return;
    if (Array.isArray(node)) node.forEach((c, i) => walk(c, [...path, i], depth + 1));
    else if (node && typeof node === 'object') for (const k of Object.keys(node)) walk(node[k]!, [...path, k], depth + 1);
  };
  walk(root, [], 0);
  return out;
}

function at(root: Json, path: Path): Json {
  let node = root;
  for (const p of path) node = (node as Record<string | number, Json>)[p]!;
  return node;
}

function setOwn(obj: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
}

/** Replaces, removes, duplicates or renames one node of `root` (in place where it can; returns the new root). */
export function mutateTree(rng: Rng, root: Json, focus: readonly string[] = []): Json {
  let all = paths(root);
  if (focus.length && rng.chance(0.7)) {
    const focused = all.filter((p) => p.some((k) => typeof k === 'string' && focus.includes(k)));
    if (focused.length) all = focused;
  }
  const path = rng.pick(all);
  if (path.length === 0) return hostileValue(rng, root);
  const parent = at(root, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  const op = rng.int(6);
  if (op === 0 && Array.isArray(parent)) parent.splice(key as number, 1);
  else if (op === 0) delete parent[key];
  else if (op === 1 && Array.isArray(parent)) parent.splice(key as number, 0, ...Array.from({ length: rng.pick([1, 2, 50]) }, () => structuredClone(parent[key as number]!)));
  else if (op === 2 && !Array.isArray(parent) && typeof key === 'string') {
    const value = parent[key]!;
    delete parent[key];
    setOwn(parent as Record<string, Json>, rng.chance(0.5) ? rng.pick(HOSTILE_KEYS) : key + rng.pick(['', '/', ':0', '\n', '/../x']), value);
  } else if (op === 3 && !Array.isArray(parent)) setOwn(parent as Record<string, Json>, rng.pick(HOSTILE_KEYS), structuredClone(parent[key]!));
  else parent[key] = hostileValue(rng, parent[key]!);
  return root;
}

/** `root` as text, with DEEP placeholders turned into nesting far deeper than any real file. */
export function stringify(rng: Rng, root: Json): string {
  const text = JSON.stringify(root) ?? 'null';
  if (!text.includes('\\u0000DEEP\\u0000')) return text;
  const depth = rng.pick([100, 1000, 10_000, 100_000]);
  const nest = rng.chance(0.5) ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return text.split('"\\u0000DEEP\\u0000"').join(nest);
}

const utf8 = new TextEncoder();
const text = new TextDecoder('utf-8', { fatal: false });

/** A JSON file mutated as a tree; bytes that are not JSON come back unchanged (null). */
export function mutateJsonFile(rng: Rng, bytes: Uint8Array, focus: readonly string[] = []): Uint8Array | null {
  let root: Json;
  try {
    root = JSON.parse(text.decode(bytes)) as Json;
  } catch {
    return null;
  }
  for (let k = rng.chance(0.7) ? 1 : rng.range(2, 4); k > 0; k--) root = mutateTree(rng, root, focus);
  return utf8.encode(stringify(rng, root));
}

export const SAFETENSORS_FOCUS = ['dtype', 'shape', 'data_offsets', '__metadata__'];
export const TFJS_FOCUS = ['weightsManifest', 'paths', 'weights', 'name', 'shape', 'dtype', 'quantization', 'scale', 'min', 'group', 'modelTopology'];
export const INDEX_FOCUS = ['weight_map', 'metadata', 'total_size'];

/** A safetensors file whose JSON header is mutated and reframed (usually with the right length, sometimes not). */
export function mutateSafetensors(rng: Rng, bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < 8) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > bytes.length - 8) return null;
  const header = mutateJsonFile(rng, bytes.subarray(8, 8 + n), SAFETENSORS_FOCUS);
  if (!header) return null;
  const pad = rng.chance(0.8) ? (8 - (header.length % 8)) % 8 : 0;
  const framed = concat(new Uint8Array(8), header, utf8.encode(' '.repeat(pad)), bytes.subarray(8 + n));
  const length = rng.chance(0.9) ? BigInt(header.length + pad) : rng.pick([0n, 1n, BigInt(header.length + pad + 1), 1n << 32n, 1n << 63n]);
  new DataView(framed.buffer).setBigUint64(0, length, true);
  return framed;
}
