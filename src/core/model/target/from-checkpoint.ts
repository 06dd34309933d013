import { GraftError } from '../../errors';
import type { Checkpoint } from '../checkpoint';
import type { TargetModel } from '../target-model';

/** Any checkpoint as the new model's template: its tensors define the variables, its values are the defaults. */
export function targetFromCheckpoint(checkpoint: Checkpoint): TargetModel {
  const names = new Set(checkpoint.tensors.map((t) => t.name));
  return {
    source: 'checkpoint',
    label: checkpoint.label,
    ...(checkpoint.modelConfig !== undefined ? { topology: parseConfig(checkpoint.modelConfig) } : {}),
    variables: checkpoint.tensors.map((t) => ({ ...t, initializer: { kind: 'template' } })),
    warnings: [...checkpoint.warnings],
    async defaultValue(name) {
      if (!names.has(name)) throw new GraftError('not-found', checkpoint.label, `the template has no variable named ${name}`);
      return (await checkpoint.readValue(name)).bytes;
    },
  };
}

/** A full-model .h5 or .keras carries its Keras model config; one that does not parse is simply not passed on. */
function parseConfig(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
