import { GraftError } from '../../errors';
import type { Checkpoint } from '../checkpoint';
import type { TargetModel } from '../target';

/** Any checkpoint as the new model's template: its tensors define the variables, its values are the defaults. */
export function targetFromCheckpoint(checkpoint: Checkpoint): TargetModel {
  const names = new Set(checkpoint.tensors.map((t) => t.name));
  return {
    source: 'checkpoint',
    label: checkpoint.label,
    variables: checkpoint.tensors.map((t) => ({ ...t, initializer: { kind: 'template' } })),
    warnings: [...checkpoint.warnings],
    async defaultValue(name) {
      if (!names.has(name)) throw new GraftError('not-found', checkpoint.label, `the template has no variable named ${name}`);
      return (checkpoint.readValue ?? checkpoint.read).call(checkpoint, name);
    },
  };
}
