/**
 * The engine's CheckpointWriter for TensorFlow checkpoints: `PREFIX.data-0000N-of-0000M` streamed through
 * FileSinks as tensors come (TfBundleWriter keeps no tensor bytes), then `PREFIX.index` at `finish`.
 */
import type { CheckpointWriter, FileSink, OutputFolder, OutputTensor } from '../../engine/output';
import { dataFileName, indexFileName } from './naming';
import { TfBundleWriter } from './write';

export interface TfOutputOptions {
  /** Data shards (default 1, as `tf.train.Checkpoint` writes on one device). */
  numShards?: number;
  /** The shard of each tensor (default 0): lets a rewrite keep a multi-shard checkpoint's layout. */
  shardOf?: (name: string) => number;
}

export async function createTfCheckpointWriter(out: OutputFolder, prefix: string, options: TfOutputOptions = {}): Promise<CheckpointWriter> {
  const numShards = options.numShards ?? 1;
  const bundle = new TfBundleWriter({ numShards });
  const sinks: FileSink[] = [];
  for (let id = 0; id < numShards; id++) sinks.push(await out.create(dataFileName(prefix, id, numShards)));
  return {
    async add(t: OutputTensor) {
      const pieces = bundle.add({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes, shard: options.shardOf?.(t.name) ?? 0, ...(t.crc32c !== undefined ? { crc32c: t.crc32c } : {}) });
      for (const p of pieces) await sinks[p.shard]!.write(p.bytes);
    },
    async finish() {
      for (const s of sinks) await s.close();
      const index = await out.create(indexFileName(prefix));
      await index.write(bundle.index());
      await index.close();
    },
  };
}
