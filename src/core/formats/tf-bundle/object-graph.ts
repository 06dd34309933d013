/**
 * Readable names from a TF2 object-based checkpoint's `_CHECKPOINTABLE_OBJECT_GRAPH`
 * (tensorflow/core/protobuf/trackable_object_graph.proto): each checkpoint key gets the path of
 * its object from the root (`layer_with_weights-0/kernel`) and, where recorded, the variable's
 * original full name (`dense/kernel`).
 */
import type { ObjectGraph } from './protos';

export const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';

export interface GraphName {
  path: string;
  originalName?: string;
  /** Optimizer state: a slot variable, or a variable under the root's `optimizer` child. */
  optimizer: boolean;
}

export function namesFromObjectGraph(graph: ObjectGraph): Map<string, GraphName> {
  const nodes = graph.nodes;
  const paths = new Map<number, string>();
  const optimizer = new Set<number>();
  if (nodes.length === 0) return new Map();

  // Breadth first, as TF's own traversal does, so each node gets its shortest path.
  paths.set(0, '');
  const queue = [0];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const base = paths.get(id)!;
    for (const child of nodes[id]?.children ?? []) {
      if (child.node_id < 0 || child.node_id >= nodes.length || paths.has(child.node_id)) continue;
      const path = base ? `${base}/${child.local_name}` : child.local_name;
      paths.set(child.node_id, path);
      if (path.split('/')[0] === 'optimizer' || optimizer.has(id)) optimizer.add(child.node_id);
      queue.push(child.node_id);
    }
  }

  // Slot variables hang off their optimizer, not the object tree.
  nodes.forEach((node, id) => {
    for (const slot of node.slot_variables ?? []) {
      const original = paths.get(slot.original_variable_node_id);
      const target = slot.slot_variable_node_id;
      if (original === undefined || target < 0 || target >= nodes.length) continue;
      optimizer.add(target);
      if (!paths.has(target)) {
        const owner = paths.get(id);
        paths.set(target, `${original}/.OPTIMIZER_SLOT/${owner ? `${owner}/` : ''}${slot.slot_name}`);
      }
    }
  });

  const names = new Map<string, GraphName>();
  nodes.forEach((node, id) => {
    const path = paths.get(id);
    if (path === undefined) return;
    for (const attr of node.attributes ?? []) {
      if (!attr.checkpoint_key) continue;
      const attrPath = attr.name === 'VARIABLE_VALUE' ? path : path ? `${path}/${attr.name}` : attr.name;
      names.set(attr.checkpoint_key, {
        path: attrPath,
        ...(attr.full_name ? { originalName: attr.full_name } : {}),
        optimizer: optimizer.has(id),
      });
    }
  });
  return names;
}
