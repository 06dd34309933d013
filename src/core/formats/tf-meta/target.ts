/**
 * A TF1 graph as the new model: the variables its Saver restores, keyed as the Saver keys them (a partitioned
 * variable as one tensor under its full name: TF's restore reads slices out of a whole tensor), each with the
 * initializer its graph runs, so a variable nothing is linked to starts as the graph would start it.
 */
import { GraftError } from '../../errors';
import { basename, type ByteSource } from '../../io/byte-source';
import { ELEMENT_SIZE, elementCount } from '../../model/dtypes';
import type { TargetModel, TargetVariable } from '../../model/target-model';
import { encodeValues } from '../../model/target/encode';
import { initializerProblem, valuesFor } from '../../model/target/initializers';
import { deriveSeed } from '../../model/target/random';
import { graphClass } from './classify';
import { type MetaGraph, readMetaGraph } from './read';
import { clip, oneLine } from '../../io/untrusted';

export function targetFromMetaGraph(graph: MetaGraph): TargetModel {
  const label = basename(graph.file);
  const warnings = [...graph.warnings];
  if (graph.objectBased) {
    throw new GraftError('unsupported', graph.file, 'is a TF2 SavedModel: its checkpoint is keyed by object paths, not by these graph names — drop the whole SavedModel folder as the new model (its variables then serve as the template)');
  }
  if (graph.keysFrom === 'nodes') warnings.push('the graph has no Saver and no variable collections: the keys are the variable names, as a default tf.compat.v1.train.Saver writes them');
  const unrecognised: { name: string; why: string }[] = [];
  const variables: TargetVariable[] = graph.variables.map((v) => {
    const cls = graphClass(v.name, v.kind);
    const recognised = 'spec' in v.initializer && !initializerProblem(v.initializer.spec, v.shape) ? v.initializer.spec : null;
    if (!recognised && ELEMENT_SIZE[v.dtype] > 0) {
      const why = 'why' in v.initializer ? v.initializer.why : 'an initializer Graft cannot run';
      unrecognised.push({ name: v.name, why });
    }
    return {
      name: v.name,
      dtype: v.dtype,
      shape: v.shape,
      byteLength: elementCount(v.shape) * ELEMENT_SIZE[v.dtype],
      kind: cls.kind,
      group: cls.group,
      trainable: v.trainable,
      ...(v.consumerOp ? { consumerOp: v.consumerOp } : {}),
      initializer: recognised ?? { kind: 'zeros' },
    };
  });
  const [only] = unrecognised;
  if (unrecognised.length === 1) warnings.push(`${clip(only!.name)}: its initializer in the graph (${only!.why}) is not one Graft recognises; it starts as zeros`);
  else warnings.push(...oneLine(unrecognised.map((u) => `${clip(u.name)} (${u.why})`), (v) => v, (n, some) => `${n} variables have initializers in the graph that Graft does not recognise (${some}); they start as zeros`));
  const byName = new Map(variables.map((v) => [v.name, v]));
  const noDefault = variables.filter((v) => ELEMENT_SIZE[v.dtype] === 0).map((v) => `${clip(v.name)} (${v.dtype})`);
  warnings.push(...oneLine(noDefault, (v) => `${v} has no default value; link it to an old variable`, (n, some) => `${n} variables have dtypes without a default value (${some}); link them to old variables`));
  return {
    source: 'tf-graph',
    label,
    variables,
    warnings,
    async defaultValue(name, seed) {
      const v = byName.get(name);
      if (!v) throw new GraftError('not-found', label, `the graph has no variable named ${name}`);
      if (ELEMENT_SIZE[v.dtype] === 0) throw new GraftError('unsupported', label, `${name} has dtype ${v.dtype}, which has no default value; link it to an old variable`);
      return encodeValues(valuesFor(v.initializer, v.dtype, v.shape, deriveSeed(seed, name)), v.dtype, label, name);
    },
  };
}

/** The new model in a MetaGraph or SavedModel file. */
export async function openMetaGraphTarget(source: ByteSource): Promise<TargetModel> {
  return targetFromMetaGraph(await readMetaGraph(source));
}
