/**
 * Finds safetensors checkpoints among dropped files: sharded ones by their `*.safetensors.index.json` (a JSON
 * object with a `weight_map`), single files by content (8-byte header length that fits the file, then `{`) or by
 * a `.safetensors` name (so a damaged file gets its specific error rather than "not recognised"). Never throws.
 */
import { basename, shardsBeside, type ByteSource } from '../../io/byte-source';
import { MAX_HEADER_SIZE, parseSafetensorsIndex, type SafetensorsIndex } from './read';

export interface SafetensorsMatch {
  id: string;
  label: string;
  kind: 'single' | 'sharded';
  source: ByteSource;
  index?: SafetensorsIndex;
  /** Shard file name as the index writes it → source. */
  shards: Map<string, ByteSource>;
  files: string[];
}

const MAX_INDEX_BYTES = 64 << 20;

export async function looksLikeSafetensors(source: ByteSource): Promise<boolean> {
  try {
    if (source.size < 10) return false;
    const head = await source.read(0, 9);
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    return n <= BigInt(MAX_HEADER_SIZE) && n >= 2n && 8n + n <= BigInt(source.size) && head[8] === 0x7b;
  } catch {
    return false;
  }
}

export async function detectSafetensors(files: readonly ByteSource[]): Promise<SafetensorsMatch[]> {
  try {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const matches: SafetensorsMatch[] = [];
    const claimed = new Set<string>();
    for (const f of files) {
      if (!f.path.endsWith('.json') || f.size > MAX_INDEX_BYTES || f.size < 2) continue;
      let index: SafetensorsIndex;
      try {
        const first = await f.read(0, 1);
        if (first[0] !== 0x7b) continue;
        index = parseSafetensorsIndex(f.path, new TextDecoder().decode(await f.read(0, f.size)));
      } catch {
        continue;
      }
      // pytorch_model.bin.index.json has the same shape; its shards are PyTorch files.
      if ([...index.weightMap.values()].every((s) => /\.(bin|pt|pth)$/i.test(s))) continue;
      const shards = shardsBeside(f.path, index.weightMap.values(), byPath);
      for (const s of shards.values()) claimed.add(s.path);
      matches.push({ id: f.path, label: f.path, kind: 'sharded', source: f, index, shards, files: [f.path, ...[...shards.values()].map((s) => s.path)] });
    }
    for (const f of files) {
      if (claimed.has(f.path)) continue;
      if (!(await looksLikeSafetensors(f)) && !basename(f.path).endsWith('.safetensors')) continue;
      matches.push({ id: f.path, label: f.path, kind: 'single', source: f, shards: new Map(), files: [f.path] });
    }
    return matches;
  } catch {
    return [];
  }
}
