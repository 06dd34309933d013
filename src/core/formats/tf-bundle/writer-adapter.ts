/**
 * The engine's CheckpointWriter for TensorFlow checkpoints: `PREFIX.data-0000N-of-0000M` streamed through
 * FileSinks as tensors come (TfBundleWriter keeps no tensor bytes), then `PREFIX.index` at `finish`. A Keras
 * model is written object-based (object-checkpoint.ts); anything else name-based, keyed by the variable names.
 */
import type { CheckpointWriter, FileSink, OutputFolder, OutputTensor } from '../../io/output';
import type { TargetModel } from '../../model/target-model';
import { dataFileName, indexFileName } from './naming';
import { objectLayoutFor } from './object-checkpoint';
import { TfBundleWriter, type WriteTensor } from './write';

export interface TfOutputOptions {
  /** Data shards (default 1, as `tf.train.Checkpoint` writes on one device). */
  numShards?: number;
  /** The shard of each tensor (default 0): lets a rewrite keep a multi-shard checkpoint's layout. */
  shardOf?: (name: string) => number;
  /** The new model: a Keras model makes the checkpoint object-based. Without it, tensors are keyed by their names. */
  target?: TargetModel;
}

export async function createTfCheckpointWriter(out: OutputFolder, prefix: string, options: TfOutputOptions = {}): Promise<CheckpointWriter> {
  const layout = options.target ? objectLayoutFor(options.target) : undefined;
  const numShards = options.numShards ?? 1;
  const bundle = new TfBundleWriter({ numShards });
  const sinks: FileSink[] = [];
  const added: string[] = [];
  for (let id = 0; id < numShards; id++) sinks.push(await out.create(dataFileName(prefix, id, numShards)));
  const write = async (t: WriteTensor) => {
    for (const p of bundle.add(t)) await sinks[p.shard]!.write(p.bytes);
  };
  return {
    async add(t: OutputTensor) {
      const name = layout ? layout.keyOf(t.name) : t.name;
      await write({ name, dtype: t.dtype, shape: t.shape, bytes: t.bytes, shard: options.shardOf?.(t.name) ?? 0, ...(t.crc32c !== undefined ? { crc32c: t.crc32c } : {}) });
      added.push(t.name);
    },
    async finish() {
      for (const t of layout?.closing(added) ?? []) await write({ ...t, shard: 0 });
      for (const s of sinks) await s.close();
      const index = await out.create(indexFileName(prefix));
      await index.write(bundle.index());
      await index.close();
    },
  };
}
