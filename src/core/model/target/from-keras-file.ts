/**
 * A `.keras` archive or a full-model `.h5` as the new model: the model its config describes, built as Keras builds
 * it (its variable names, layers and object paths, so every output format lays it out as for its model JSON), each
 * variable starting from the weights the file stores. A variable the file does not store, or stores with another
 * shape or dtype, starts from its initializer, and the model's warnings say which.
 */
import type { Checkpoint, TensorInfo } from '../checkpoint';
import type { TargetModel, TargetVariable } from '../target-model';
import { buildTarget } from './build';

/** The names a stored Keras weight may go by in a built model: its key, and a legacy `.h5` path without its groups. */
function storedNames(t: TensorInfo): string[] {
  const legacy = /^model_weights\/[^/]+\/(.+?)(?::\d+)?$/.exec(t.name)?.[1];
  if (!legacy) return [t.name];
  // Keras 3 saves a Sequential's weights as `model_weights/dense/sequential/dense/kernel`; tf.keras names an RNN's
  // weights `lstm/lstm_cell/kernel`, which the built model calls `lstm/kernel`.
  const withoutModel = legacy.split('/').length >= 3 ? legacy.slice(legacy.indexOf('/') + 1) : legacy;
  return [t.name, legacy, withoutModel, ...[legacy, withoutModel].map((n) => n.replace(/\/[^/]+(\/[^/]+)$/, '$1'))];
}

function storedWeights(checkpoint: Checkpoint, variables: readonly TargetVariable[]): Map<string, TensorInfo> {
  const byName = new Map<string, TensorInfo>();
  for (const t of checkpoint.tensors) for (const n of storedNames(t)) if (!byName.has(n)) byName.set(n, t);
  const fits = (t: TensorInfo | undefined, v: TargetVariable) => t !== undefined && t.dtype === v.dtype && t.shape.join() === v.shape.join();
  const found = new Map<string, TensorInfo>();
  for (const v of variables) {
    const byPosition = checkpoint.tensors.find((t) => t.layer !== undefined && t.layer === v.layer && t.weightIndex === v.weightIndex);
    const t = [v.kerasPath ? byName.get(v.kerasPath) : undefined, byName.get(v.name), byPosition].find((c) => fits(c, v));
    if (t) found.set(v.name, t);
  }
  return found;
}

/** The file's model, or null when it stores no model config Graft can build (it is then a plain template). */
export async function kerasFileTarget(checkpoint: Checkpoint): Promise<TargetModel | null> {
  if (checkpoint.modelConfig === undefined) return null;
  let built: TargetModel;
  try {
    built = await buildTarget({ text: checkpoint.modelConfig, fileName: checkpoint.label });
  } catch {
    return null;
  }
  if (built.source !== 'keras-json' && built.source !== 'tfjs-layers') return null;
  const stored = storedWeights(checkpoint, built.variables);
  const missing = built.variables.filter((v) => !stored.has(v.name)).map((v) => v.name);
  const warnings = [...checkpoint.warnings, ...built.warnings];
  if (missing.length) warnings.push(`${checkpoint.label} stores no weight of this shape for ${missing.join(', ')}: they start from their initializers`);
  return {
    ...built,
    label: checkpoint.label,
    variables: built.variables.map((v) => (stored.has(v.name) ? { ...v, initializer: { kind: 'template', key: stored.get(v.name)!.name } } : v)),
    warnings,
    async defaultValue(name, seed) {
      const t = stored.get(name);
      return t ? (await checkpoint.readValue(t.name)).bytes : built.defaultValue(name, seed);
    },
  };
}
