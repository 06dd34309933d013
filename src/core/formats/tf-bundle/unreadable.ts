/**
 * Why a bundle variable's bytes cannot be read, from the index and the data files' sizes alone (no tensor byte is
 * read): its data shard was not dropped, or its byte range runs past the end of a truncated shard.
 */
import { basename, type ByteSource } from '../../io/byte-source';
import type { BundleEntry } from './protos';

export interface ShardFiles {
  shards: ReadonlyMap<number, ByteSource>;
  numShards: number;
  shardPath(id: number): string;
}

/** `parts`: the variable's stored entries (its slices for a partitioned one, else its own entry). */
export function unreadableReason(b: ShardFiles, parts: readonly BundleEntry[]): string | undefined {
  for (const part of parts) {
    const shard = b.shards.get(part.shardId);
    if (!shard) return `its data file ${basename(b.shardPath(part.shardId))} (shard ${part.shardId} of ${b.numShards}) was not dropped with the index`;
    if (part.offset + part.size > shard.size) {
      return `its bytes ${part.offset}..${part.offset + part.size} lie past the end of ${basename(shard.path)}, which has only ${shard.size} bytes — the data file is truncated`;
    }
  }
  return undefined;
}
