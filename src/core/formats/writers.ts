/**
 * One place to get a streaming CheckpointWriter for an output format. The new model (TargetModel) declares every
 * variable up front, which lets the single-file and sharded formats compute their headers and shard names before
 * any tensor arrives.
 */
import { GraftError } from '../errors';
import type { CheckpointWriter, OutputFolder } from '../io/output';
import type { TargetModel } from '../model/target-model';
import { topologyModelConfig } from '../model/target/detect';
import { createKerasWriter } from './keras-h5/write';
import { type OutputFormat, SHARDABLE_FORMATS } from './output-formats';
import { createPytorchWriter } from './pytorch/write';
import { safetensorsNames } from './safetensors/names';
import { createShardedSafetensorsWriter } from './safetensors/sharded';
import { createSafetensorsWriter } from './safetensors/write';
import { createTfCheckpointWriter } from './tf-bundle/writer-adapter';
import { tfjsWeightNames } from './tfjs/names';
import { createTfjsWriter } from './tfjs/write';

// The list lives apart so that the page can show it without bundling every writer (protobufjs among them).
export { OUTPUT_FORMATS, SHARDABLE_FORMATS, type OutputFormat } from './output-formats';

export interface WriterOptions {
  out: OutputFolder;
  target: TargetModel;
  /** Base name of the output: the checkpoint prefix (tf), the file name without extension (keras, safetensors). */
  name: string;
  /** TF.js / Keras topology JSON: the `modelTopology` of the TF.js model.json; the empty `vars` groups of weightless layers in a Keras 3 file. */
  modelTopology?: unknown;
  /**
   * tf and safetensors: split the output into shards of at most this many bytes (a bigger tensor gets a shard of its
   * own; shard-plan.ts), as HF's `max_shard_size`. Unset: one data file / one file, as without sharding.
   */
  maxShardBytes?: number;
}


/**
 * A writer, the key it stored each tensor under, and where it streams without holding tensors back when they are
 * added in `order` (safetensors; a tf or safetensors output split by `maxShardBytes`: one shard after another).
 */
export type FormatWriter = CheckpointWriter & { readonly order?: readonly string[]; readonly storedKeys: ReadonlyMap<string, string> };

const strip = (name: string, ...suffixes: string[]) => suffixes.reduce((n, s) => (n.endsWith(s) ? n.slice(0, -s.length) : n), name);

/** The files a format writes for `name` (TF.js: `model.json` and its shards, named when the sizes are known). */
export function outputFileName(format: OutputFormat, name: string): string {
  switch (format) {
    case 'tf':
      return `${name}.index`;
    case 'tfjs':
      return 'model.json';
    case 'keras':
      return `${strip(name, '.weights.h5', '.h5')}.weights.h5`;
    case 'keras-legacy':
      return `${strip(name, '.weights.h5', '.h5')}.h5`;
    case 'safetensors':
      return `${strip(name, '.safetensors')}.safetensors`;
    case 'pytorch':
      return `${strip(name, '.pt', '.pth', '.bin')}.pt`;
  }
}

export async function createWriter(format: OutputFormat, opts: WriterOptions): Promise<FormatWriter> {
  const { out, target, name, maxShardBytes } = opts;
  if (maxShardBytes !== undefined && !SHARDABLE_FORMATS.includes(format)) {
    throw new GraftError('usage', name, `a maximum shard size applies to ${SHARDABLE_FORMATS.join(' and ')} outputs, not ${format}`);
  }
  switch (format) {
    case 'tf':
      return createTfCheckpointWriter(out, name, { target, ...(maxShardBytes !== undefined && { maxShardBytes }) });
    case 'tfjs': {
      const names = await tfjsWeightNames(target, opts.modelTopology);
      return createTfjsWriter({
        out,
        tensors: target.variables,
        modelTopology: opts.modelTopology,
        ...(target.source === 'tfjs-graph' && { format: 'graph-model' as const }),
        ...(names && { names }),
      });
    }
    case 'keras':
    case 'keras-legacy': {
      const config = topologyModelConfig(opts.modelTopology);
      const modelName = config && typeof (config.config as { name?: unknown } | undefined)?.name === 'string' ? (config.config as { name: string }).name : undefined;
      return createKerasWriter({
        out,
        path: outputFileName(format, name),
        layout: format === 'keras' ? 'keras3' : 'legacy',
        tensors: target.variables,
        modelTopology: opts.modelTopology,
        ...(modelName !== undefined && { modelName }),
      });
    }
    case 'safetensors':
      return maxShardBytes !== undefined
        ? createShardedSafetensorsWriter(out, outputFileName(format, name), target.variables, maxShardBytes, safetensorsNames(target))
        : createSafetensorsWriter(out, outputFileName(format, name), target.variables, undefined, safetensorsNames(target));
    case 'pytorch':
      return createPytorchWriter(out, outputFileName(format, name), target.variables);
  }
}
