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
  /** Optimizer state: a slot variable, or a variable reachable from the root only through an optimizer (a child named `optimizer`, or an object owning slot variables). */
  optimizer: boolean;
}

/**
 * A path is built only when its length (plus its depth) stays under this: every node of a chain has a path as
 * long as its depth, so a hostile graph could otherwise ask for quadratic memory and time. Real Keras paths are
 * a few hundred characters at most.
 */
export const MAX_GRAPH_PATH = 4096;
/** All paths built for one graph together (characters plus depths). */
const MAX_GRAPH_PATHS_TOTAL = 32 << 20;

export interface GraphNamesReport {
  /** Checkpoint keys left without a readable name because their path was longer than `MAX_GRAPH_PATH` (or all paths together too long). */
  tooLong: number;
}

/**
 * Linear in the graph's size: each node gets its parent and the length of its path first (numbers only); the
 * path strings themselves are built only for nodes that carry checkpoint keys, within the bounds above.
 */
export function namesFromObjectGraph(graph: ObjectGraph, report?: GraphNamesReport): Map<string, GraphName> {
  const nodes = graph.nodes;
  const n = nodes.length;
  if (n === 0) return new Map();
  const parent = new Int32Array(n).fill(-1);
  const local: string[] = new Array<string>(n).fill('');
  // cost: path length plus depth (the work of building the path); -1: no path yet.
  const cost = new Float64Array(n).fill(-1);
  const optimizer = new Uint8Array(n);

  // Breadth first, as TF's own traversal does, so each node gets its shortest path; but first without entering an
  // optimizer, so a variable it merely refers to keeps its path through the model and is not taken for optimizer
  // state (Keras 3's `optimizer/_trainable_variables/0` is the model's kernel, met there first by TF's walk).
  const ownsSlots = new Uint8Array(n);
  nodes.forEach((node, id) => {
    if ((node.slot_variables ?? []).length > 0) ownsSlots[id] = 1;
  });
  const intoOptimizer = (name: string, c: number) => name.split('/')[0] === 'optimizer' || ownsSlots[c] === 1;
  cost[0] = 0;
  const queue = new Int32Array(n);
  let tail = 1;
  const reach = (id: number, c: number, name: string, viaOptimizer: boolean) => {
    parent[c] = id;
    local[c] = name;
    cost[c] = cost[id]! + 1 + name.length + 1;
    if (viaOptimizer) optimizer[c] = 1;
    queue[tail++] = c;
  };
  const isNew = (c: number) => Number.isInteger(c) && c >= 0 && c < n && cost[c]! < 0;
  for (let head = 0; head < tail; head++) {
    const id = queue[head]!;
    for (const child of nodes[id]?.children ?? []) {
      const name = child.local_name ?? '';
      if (isNew(child.node_id) && !intoOptimizer(name, child.node_id)) reach(id, child.node_id, name, false);
    }
  }
  // What is left is reachable only through an optimizer: its state.
  for (let head = 0; head < tail; head++) {
    const id = queue[head]!;
    for (const child of nodes[id]?.children ?? []) if (isNew(child.node_id)) reach(id, child.node_id, child.local_name ?? '', true);
  }

  // Slot variables hang off their optimizer, not the object tree: their path is composed of two others.
  // The owner's path as it was when the slot was met (none yet: no owner segment), so compositions form no cycle.
  const slots = new Map<number, { original: number; owner: number; name: string }>();
  nodes.forEach((node, id) => {
    for (const slot of node.slot_variables ?? []) {
      const original = slot.original_variable_node_id;
      const target = slot.slot_variable_node_id;
      if (!Number.isInteger(original) || original < 0 || original >= n || cost[original]! < 0) continue;
      if (!Number.isInteger(target) || target < 0 || target >= n) continue;
      optimizer[target] = 1;
      if (cost[target]! < 0) {
        const owner = cost[id]! >= 0 ? id : -1;
        slots.set(target, { original, owner, name: slot.slot_name ?? '' });
        cost[target] = cost[original]! + (owner >= 0 ? cost[owner]! : 0) + (slot.slot_name ?? '').length + 20;
      }
    }
  });

  const treePath = (id: number): string => {
    const parts: string[] = [];
    for (let at = id; at > 0; at = parent[at]!) parts.push(local[at]!);
    let path = '';
    for (let i = parts.length - 1; i >= 0; i--) path = path ? `${path}/${parts[i]}` : parts[i]!;
    return path;
  };
  // Recursion only through slot compositions, each at least 16 characters longer than the one it holds: its
  // depth is bounded by MAX_GRAPH_PATH / 16.
  const pathOf = (id: number): string => {
    const slot = slots.get(id);
    if (!slot) return treePath(id);
    const owner = slot.owner >= 0 ? pathOf(slot.owner) : '';
    return `${pathOf(slot.original)}/.OPTIMIZER_SLOT/${owner ? `${owner}/` : ''}${slot.name}`;
  };

  const names = new Map<string, GraphName>();
  let spent = 0;
  let tooLong = 0;
  nodes.forEach((node, id) => {
    const keyed = (node.attributes ?? []).filter((a) => a.checkpoint_key);
    if (keyed.length === 0 || cost[id]! < 0) return;
    if (cost[id]! > MAX_GRAPH_PATH || spent + cost[id]! > MAX_GRAPH_PATHS_TOTAL) {
      tooLong += keyed.length;
      return;
    }
    spent += cost[id]!;
    const path = pathOf(id);
    for (const attr of keyed) {
      const attrPath = attr.name === 'VARIABLE_VALUE' ? path : path ? `${path}/${attr.name}` : attr.name;
      names.set(attr.checkpoint_key, {
        path: attrPath,
        ...(attr.full_name ? { originalName: attr.full_name } : {}),
        optimizer: optimizer[id] === 1,
      });
    }
  });
  if (report) report.tooLong = tooLong;
  return names;
}
