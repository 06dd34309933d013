/**
 * The object-based layout of a TF checkpoint, as `tf.train.Checkpoint(model=m).write(prefix)` gives it for a
 * Keras 3 model on TensorFlow: every variable under `model/<its path in the object graph>/.ATTRIBUTES/VARIABLE_VALUE`,
 * plus the `_CHECKPOINTABLE_OBJECT_GRAPH` that restore walks. TF1 targets (checkpoint templates, plain lists) keep
 * the name-based layout `Saver` reads.
 */
import type { TargetModel } from '../../model/target-model';

/** The child of the checkpoint's root object that holds the model: `tf.train.Checkpoint(model=...)`. */
export const MODEL_ROOT = 'model';

/** True when a TF export of `target` must be object-based: a Keras model whose every variable has a trackable path. */
export function usesObjectLayout(target: TargetModel): boolean {
  return (target.source === 'keras-json' || target.source === 'tfjs-layers') && target.variables.length > 0 && target.variables.every((v) => v.trackablePath !== undefined);
}

/** The checkpoint key of a variable at `trackablePath` in the model. */
export function objectCheckpointKey(trackablePath: string): string {
  return `${MODEL_ROOT}/${trackablePath}/.ATTRIBUTES/VARIABLE_VALUE`;
}
