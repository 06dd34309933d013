/**
 * How a sharded output (`--max-shard-size`) splits its tensors: the rule of huggingface_hub's
 * `split_state_dict_into_shards_factory` (serialization/_base.py), used for TF and safetensors alike. Tensors are
 * taken in the new model's order and fill the current shard until the next one would take it past the limit; a
 * tensor bigger than the limit gets a shard of its own at once (so it may be numbered before the shard still
 * filling); a tensor is never split.
 */
import { GraftError } from '../errors';

export interface ShardPlan {
  /** Tensor name → shard number (0-based). */
  shardOf: Map<string, number>;
  /** At least 1. */
  count: number;
  /** The sum of every tensor's bytes (the index's `total_size`). */
  totalBytes: number;
  /** Every tensor, by shard, then in the order given: the order that writes one shard after another. */
  order: string[];
}

export function planShards(tensors: readonly { name: string; bytes: number }[], maxShardBytes: number): ShardPlan {
  if (!(maxShardBytes > 0)) throw new RangeError(`the shard size limit must be positive, not ${maxShardBytes}`);
  const shards: string[][] = [];
  let current: string[] = [];
  let size = 0;
  let totalBytes = 0;
  for (const t of tensors) {
    totalBytes += t.bytes;
    if (t.bytes > maxShardBytes) {
      shards.push([t.name]);
      continue;
    }
    if (size + t.bytes > maxShardBytes && current.length > 0) {
      shards.push(current);
      current = [];
      size = 0;
    }
    current.push(t.name);
    size += t.bytes;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  const shardOf = new Map<string, number>();
  shards.forEach((names, i) => names.forEach((n) => shardOf.set(n, i)));
  return { shardOf, count: shards.length, totalBytes, order: shards.flat() };
}

const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/**
 * A shard size as `--max-shard-size` and HF's `max_shard_size` take it: bytes (`1000000`), or a number with a
 * unit, decimal as HF's (`500MB`, `2GB`, `1.5GB`) or binary (`512MiB`, `5GiB`); case and a space before the unit
 * do not matter.
 */
export function parseShardSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new GraftError('usage', '', `--max-shard-size takes a size in bytes or with a unit (500MB, 2GB, 5GiB), not ${JSON.stringify(text)}`);
  }
  return bytes;
}
