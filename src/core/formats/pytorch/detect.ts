/**
 * Finds PyTorch checkpoints among dropped files by content: a zip with a `data.pkl`, or a file that starts with
 * torch's legacy magic number; a sharded one by its `*.bin.index.json` (a `weight_map` naming `.bin`/`.pt` shards).
 * Explains the files people get by mistake under a checkpoint's name. Never throws.
 */
import { basename, shardsBeside, type ByteSource } from '../../io/byte-source';
import { hasZipMagic, readZipDirectory } from '../../io/zip';
import { parseSafetensorsIndex, type SafetensorsIndex } from '../safetensors/read';
import { findDataPkl, LEGACY_MAGIC, startsWithMagic } from './archive';

export type TorchLayout = 'zip' | 'legacy';

export interface PytorchMatch {
  id: string;
  kind: 'single' | 'sharded';
  source: ByteSource;
  layout?: TorchLayout;
  index?: SafetensorsIndex;
  /** Shard file name as the index writes it → source. */
  shards: Map<string, ByteSource>;
  files: string[];
}

const TORCH_NAME = /\.(pt|pth|bin|ckpt|tar|pkl|pickle|pt2)$/i;
const SHARD_NAME = /\.(bin|pt|pth)$/i;
const MAX_INDEX_BYTES = 64 << 20;

export async function torchLayout(source: ByteSource): Promise<TorchLayout | null> {
  try {
    if (source.size >= LEGACY_MAGIC.length && startsWithMagic(await source.read(0, Math.min(source.size, 64)))) return 'legacy';
    if (!(await hasZipMagic(source))) return null;
  } catch {
    return null;
  }
  try {
    return findDataPkl(await readZipDirectory(source)) ? 'zip' : null;
  } catch {
    // A zip named like a checkpoint whose directory is damaged: opening it says how.
    return TORCH_NAME.test(source.path) ? 'zip' : null;
  }
}

async function torchIndex(f: ByteSource): Promise<SafetensorsIndex | null> {
  if (!f.path.endsWith('.json') || f.size > MAX_INDEX_BYTES || f.size < 2) return null;
  try {
    const first = await f.read(0, 1);
    if (first[0] !== 0x7b) return null;
    const index = parseSafetensorsIndex(f.path, new TextDecoder().decode(await f.read(0, f.size)));
    const shards = [...new Set(index.weightMap.values())];
    return shards.length > 0 && shards.every((s) => SHARD_NAME.test(s)) ? index : null;
  } catch {
    return null;
  }
}

export async function detectPytorch(files: readonly ByteSource[]): Promise<PytorchMatch[]> {
  try {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const matches: PytorchMatch[] = [];
    const claimed = new Set<string>();
    for (const f of files) {
      const index = await torchIndex(f);
      if (!index) continue;
      const shards = shardsBeside(f.path, index.weightMap.values(), byPath);
      for (const s of shards.values()) claimed.add(s.path);
      matches.push({ id: f.path, kind: 'sharded', source: f, index, shards, files: [f.path, ...[...shards.values()].map((s) => s.path)] });
    }
    for (const f of files) {
      if (claimed.has(f.path)) continue;
      const layout = await torchLayout(f);
      if (layout) matches.push({ id: f.path, kind: 'single', source: f, layout, shards: new Map(), files: [f.path] });
    }
    return matches;
  } catch {
    return [];
  }
}

/** What a file named like a PyTorch checkpoint is instead, in one sentence; null when it looks like one or is not named so. */
export async function explainTorchName(f: ByteSource): Promise<string | null> {
  if (!TORCH_NAME.test(f.path)) return null;
  const name = basename(f.path);
  if (f.size === 0) return `${name} is empty (0 bytes) — the download or copy did not complete`;
  const head = new TextDecoder('latin1').decode(await f.read(0, Math.min(f.size, 512)));
  if (head.startsWith('version https://git-lfs.github.com/spec/')) {
    const size = /size (\d+)/.exec(head)?.[1];
    return `${name} is a Git LFS pointer (${f.size} bytes), not the weights${size ? ` (${size} bytes)` : ''} — run \`git lfs pull\` in the repository, or download the file itself`;
  }
  if (/^\s*(<!doctype html|<html|<\?xml|<head|<body)/i.test(head)) {
    return `${name} is an HTML page (${f.size} bytes), not a checkpoint — the link returned a web page (a login, a "virus scan" warning, an error) instead of the file; download it again from the file's direct link`;
  }
  if (head.startsWith('PK\u0003\u0004')) return `${name} starts like a zip but its end is missing — the download is incomplete (${f.size} bytes); download it again`;
  const legacyStart = LEGACY_MAGIC.slice(0, Math.min(f.size, LEGACY_MAGIC.length));
  if (legacyStart.every((b, i) => head.charCodeAt(i) === b)) return `${name} is cut short (${f.size} bytes) — the download is incomplete`;
  if (head.slice(257, 262) === 'ustar') return `${name} is a tar archive, the layout torch wrote before version 0.4 — load it with an old torch and save its state_dict() again`;
  if (head.charCodeAt(0) === 0x80) return `${name} is a Python pickle but not one torch.save writes (no magic number, not a zip) — Graft reads files written by torch.save`;
  return null;
}

export async function explainPytorch(files: readonly ByteSource[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    try {
      if (await torchLayout(f)) continue;
      const why = await explainTorchName(f);
      if (why) out.push(why);
    } catch {
      // explain never throws
    }
  }
  return out;
}
