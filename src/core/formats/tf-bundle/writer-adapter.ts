/**
 * The engine's CheckpointWriter for TensorFlow checkpoints: `PREFIX.data-0000N-of-0000M` streamed through
 * FileSinks as tensors come (TfBundleWriter keeps no tensor bytes), then `PREFIX.index` and the `checkpoint` state
 * file beside it at `finish`. A Keras model is written object-based (object-checkpoint.ts); anything else
 * name-based, keyed by the variable names.
 */
import type { CheckpointWriter, FileSink, OutputFolder, OutputTensor, PlannedTensor, StoredTensor } from '../../io/output';
import { overlayLayout, type OverlayLayout } from './overlay';
import { ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import type { TargetModel } from '../../model/target-model';
import { planShards } from '../shard-plan';
import { checkpointStateFileName, checkpointStateText, dataFileName, indexFileName } from './naming';
import { objectLayoutFor } from './object-checkpoint';
import { TfBundleWriter, type WriteTensor } from './write';

export interface TfOutputOptions {
  /** Data shards (default 1, as `tf.train.Checkpoint` writes on one device). */
  numShards?: number;
  /** The shard of each tensor (default 0): lets a rewrite keep a multi-shard checkpoint's layout. */
  shardOf?: (name: string) => number;
  /**
   * Split the data into shards of at most this many bytes (shard-plan.ts: a bigger tensor gets a shard of its own),
   * planned from the new model's variables, which `target` must then give. Overrides `numShards` and `shardOf`.
   */
  maxShardBytes?: number;
  /** The new model: a Keras model makes the checkpoint object-based. Without it, tensors are keyed by their names. */
  target?: TargetModel;
  /** Also write the `checkpoint` state file that names this prefix (default true), as `tf.train.Checkpoint.save` does. */
  stateFile?: boolean;
}

/** A TF writer, and the order of adds that fills one shard after another (only when sharded by size). */
export type TfCheckpointWriter = CheckpointWriter & { readonly order?: readonly string[]; readonly storedKeys: ReadonlyMap<string, string> };

export async function createTfCheckpointWriter(out: OutputFolder, prefix: string, options: TfOutputOptions = {}): Promise<TfCheckpointWriter> {
  const layout = options.target ? objectLayoutFor(options.target) : undefined;
  const plan =
    options.maxShardBytes !== undefined
      ? planShards((options.target?.variables ?? []).map((v) => ({ name: v.name, bytes: v.dtype === 'string' ? 0 : elementCount(v.shape) * ELEMENT_SIZE[v.dtype] })), options.maxShardBytes)
      : undefined;
  const numShards = plan?.count ?? options.numShards ?? 1;
  const shardOf = plan ? (name: string) => plan.shardOf.get(name) ?? numShards - 1 : (options.shardOf ?? (() => 0));
  // Left to add per shard: a shard is closed when it is complete, so a zip streams it at once instead of holding it.
  const remaining = new Array<number>(numShards).fill(0);
  if (plan) for (const s of plan.shardOf.values()) remaining[s]!++;
  const bundle = new TfBundleWriter({ numShards });
  const sinks: (FileSink | null)[] = [];
  const closed = new Set<number>();
  const added: string[] = [];
  const storedKeys = new Map<string, string>();
  // Files are created in shard order, each when first needed.
  const sink = async (shard: number): Promise<FileSink> => {
    while (sinks.length <= shard) sinks.push(await out.create(dataFileName(prefix, sinks.length, numShards)));
    return sinks[shard]!;
  };
  if (!plan) await sink(numShards - 1);
  const write = async (t: WriteTensor) => {
    for (const p of bundle.add(t)) await (await sink(p.shard)).write(p.bytes);
  };
  const recordAdded = async (t: { name: string }, name: string, shard: number) => {
    added.push(t.name);
    storedKeys.set(t.name, name);
    if (plan && --remaining[shard]! === 0 && shard < numShards - 1) {
      closed.add(shard);
      await sinks[shard]!.close();
    }
  };
  // Outputs that can copy a range of an input file (the CLI's disk) are offered unchanged tensors as such ranges.
  const first = await sink(0);
  const copies = first.copyRange !== undefined;
  /** Set by `plan` where the one data file starts as a copy of the input's (overlay.ts). */
  let overlay: { at: OverlayLayout; sizes: Map<string, number | undefined> } | undefined;
  const lay = async (planned: readonly PlannedTensor[]) => {
    if (numShards !== 1 || !first.writeAt || overlay) return;
    const at = overlayLayout(planned);
    if (!at || !(await first.copyRange!(at.base, 0, at.size))) return;
    bundle.startAfter(0, at.size);
    overlay = { at, sizes: new Map(planned.map((p) => [p.name, p.byteLength])) };
  };
  const addStored = async (t: StoredTensor): Promise<boolean> => {
    const name = layout ? layout.keyOf(t.name) : t.name;
    if (overlay) {
      if (overlay.at.kept.get(t.name) !== t.offset || t.source !== overlay.at.base) return false;
      bundle.place({ name, dtype: t.dtype, shape: t.shape, size: t.byteLength, crc32c: t.crc32c }, 0, t.offset);
      await recordAdded(t, name, 0);
      return true;
    }
    const shard = shardOf(t.name);
    const s = await sink(shard);
    if (!(await s.copyRange!(t.source, t.offset, t.byteLength))) return false;
    for (const p of bundle.addAppended({ name, dtype: t.dtype, shape: t.shape, size: t.byteLength, crc32c: t.crc32c, shard })) await s.write(p.bytes);
    await recordAdded(t, name, shard);
    return true;
  };
  return {
    ...(plan && { order: plan.order }),
    storedKeys,
    async add(t: OutputTensor) {
      const name = layout ? layout.keyOf(t.name) : t.name;
      const over = overlay?.at.inPlace.get(t.name);
      if (over !== undefined && overlay!.sizes.get(t.name) === t.bytes.byteLength) {
        bundle.place({ name, dtype: t.dtype, shape: t.shape, bytes: t.bytes, ...(t.crc32c !== undefined ? { crc32c: t.crc32c } : {}) }, 0, over);
        await first.writeAt!(t.bytes, over);
        await recordAdded(t, name, 0);
        return;
      }
      const shard = shardOf(t.name);
      await write({ name, dtype: t.dtype, shape: t.shape, bytes: t.bytes, shard, ...(t.crc32c !== undefined ? { crc32c: t.crc32c } : {}) });
      await recordAdded(t, name, shard);
    },
    ...(copies && { addStored, plan: lay }),
    async finish() {
      // Old bytes no entry points at are zeroed: the weights of a variable the person left out must not stay in the file.
      const zeros = new Uint8Array(Math.min(1 << 20, overlay?.at.dead ?? 0));
      for (const r of overlay?.at.deadRanges ?? []) {
        for (let at = r.offset; at < r.offset + r.length; at += zeros.byteLength) {
          await first.writeAt!(zeros.subarray(0, Math.min(zeros.byteLength, r.offset + r.length - at)), at);
        }
      }
      // The object graph and save counter go to the last shard, the one still open.
      for (const t of layout?.closing(added) ?? []) await write({ ...t, shard: plan ? numShards - 1 : 0 });
      await sink(numShards - 1);
      for (let id = 0; id < sinks.length; id++) if (!closed.has(id)) await sinks[id]!.close();
      const index = await out.create(indexFileName(prefix));
      await index.write(bundle.index());
      await index.close();
      if (options.stateFile ?? true) {
        const state = await out.create(checkpointStateFileName(prefix));
        await state.write(new TextEncoder().encode(checkpointStateText(prefix)));
        await state.close();
      }
    },
  };
}
