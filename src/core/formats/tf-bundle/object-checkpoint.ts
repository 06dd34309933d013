/**
 * What an object-based TF export of a Keras model adds to the tensors: each variable keyed by its path in the
 * model's object graph (object-layout.ts), the `_CHECKPOINTABLE_OBJECT_GRAPH` that `tf.train.Checkpoint.restore`
 * walks, and `save_counter`. Measured with TF 2.21 + Keras 3.15: a graph holding only the paths from the root to
 * the variables is enough for `restore(...).assert_existing_objects_matched()`, but without `save_counter` that
 * assertion fails, because `restore` creates the counter and then finds no value for it (a `Checkpoint.write`
 * checkpoint fails it the same way; `Checkpoint.save` writes the counter).
 */
import { GraftError } from '../../errors';
import type { TargetModel } from '../../model/target-model';
import { OBJECT_GRAPH_KEY } from './object-graph';
import { MODEL_ROOT, objectCheckpointKey, usesObjectLayout } from './object-layout';
import { encodeObjectGraph, type ObjectGraph } from './protos';
import { encodeStringTensor } from './strings';
import type { WriteTensor } from './write';

export const SAVE_COUNTER = 'save_counter';
const VALUE = 'VARIABLE_VALUE';
const SAVE_COUNTER_KEY = `${SAVE_COUNTER}/.ATTRIBUTES/${VALUE}`;

export interface GraphVariable {
  trackablePath: string;
  /** Recorded as the attribute's `full_name`: Graft's reader gives it back as the variable's readable name. */
  fullName: string;
}

type GraphNode = ObjectGraph['nodes'][number];

/** The object graph: root → `model` → ... → one node per variable, and root → `save_counter`. */
export function objectGraph(variables: readonly GraphVariable[], file: string): ObjectGraph {
  const nodes: GraphNode[] = [{ children: [], attributes: [], slot_variables: [] }];
  const ids = new Map<string, number>([['', 0]]);
  const child = (parent: string, name: string): string => {
    const path = parent ? `${parent}/${name}` : name;
    if (!ids.has(path)) {
      ids.set(path, nodes.length);
      nodes[ids.get(parent)!]!.children.push({ node_id: nodes.length, local_name: name });
      nodes.push({ children: [], attributes: [], slot_variables: [] });
    }
    return path;
  };
  const attach = (path: string, fullName: string, key: string) => {
    const node = nodes[ids.get(path)!]!;
    if (node.attributes.length > 0) {
      throw new GraftError('unsupported', file, `${node.attributes[0]!.full_name} and ${fullName} both sit at ${path} in the model's object graph; a TF checkpoint can hold only one of them there`);
    }
    node.attributes.push({ name: VALUE, full_name: fullName, checkpoint_key: key });
  };
  for (const v of variables) {
    const path = v.trackablePath.split('/').reduce(child, child('', MODEL_ROOT));
    attach(path, v.fullName, objectCheckpointKey(v.trackablePath));
  }
  attach(child('', SAVE_COUNTER), SAVE_COUNTER, SAVE_COUNTER_KEY);
  return { nodes };
}

export interface ObjectLayout {
  /** The checkpoint key of the new model's variable `name`. */
  keyOf(name: string): string;
  /** What follows the variables added under `added` (their names): the object graph and the save counter. */
  closing(added: readonly string[]): WriteTensor[];
}

const KERAS_SOURCES: readonly TargetModel['source'][] = ['keras-json', 'tfjs-layers'];

/**
 * How a TF export of `target` is keyed: object-based for a Keras model, undefined (name-based, as `Saver`
 * writes) for TF1 graphs, checkpoint templates and plain lists. A Keras model with a variable whose object path
 * Graft does not know is refused: keyed by name, `tf.train.Checkpoint(model=...)` would restore nothing from it,
 * and Keras 3 reads a TF checkpoint no other way.
 */
export function objectLayoutFor(target: TargetModel): ObjectLayout | undefined {
  if (!usesObjectLayout(target)) {
    const unknown = target.variables.filter((v) => v.trackablePath === undefined);
    if (!KERAS_SOURCES.includes(target.source) || unknown.length === 0) return undefined;
    const layers = [...new Set(unknown.map((v) => (v.layer ? `${v.layer}${v.layerClass ? ` (${v.layerClass})` : ''}` : v.name)))];
    const named = layers.length > 3 ? `${layers.slice(0, 3).join(', ')} and ${layers.length - 3} more` : layers.join(', ');
    throw new GraftError(
      'unsupported',
      target.label,
      `Graft does not know where Keras 3 keeps the variables of ${named} in its object graph, so TensorFlow could not restore a TF checkpoint of this model with tf.train.Checkpoint(model=...); export it as keras or tfjs instead`,
    );
  }
  const byName = new Map(target.variables.map((v) => [v.name, v.trackablePath!]));
  const pathOf = (name: string): string => {
    const path = byName.get(name);
    if (path === undefined) throw new GraftError('not-found', target.label, `the new model has no variable named ${name}`);
    return path;
  };
  return {
    keyOf: (name) => objectCheckpointKey(pathOf(name)),
    closing(added) {
      const graph = encodeObjectGraph(objectGraph(added.map((name) => ({ trackablePath: pathOf(name), fullName: name })), target.label));
      const counter = new Uint8Array(8);
      new DataView(counter.buffer).setBigInt64(0, 1n, true); // as after one Checkpoint.save
      return [
        { name: OBJECT_GRAPH_KEY, dtype: 'string', shape: [], bytes: encodeStringTensor([graph]).bytes },
        { name: SAVE_COUNTER_KEY, dtype: 'int64', shape: [], bytes: counter },
      ];
    },
  };
}
