/**
 * The op graph of a MetaGraph, indexed: nodes by name, who reads each node's outputs, and the walk from a variable
 * through its read ops (`Identity`, `ReadVariableOp`, `Cast`…) to the ops that compute with it.
 */
import type { NodeDefMsg } from './protos';

export interface TensorRef {
  node: string;
  output: number;
}

export interface Consumer {
  /** Index of the consuming node in the graph's node list (TF writes nodes in creation order). */
  index: number;
  /** Which of its inputs reads the tensor. */
  input: number;
}

/** Ops that create a variable: ref variables (TF1), resource variables (TF2 behaviour, `use_resource=True`). */
export const VARIABLE_OPS = new Set(['VariableV2', 'Variable', 'VarHandleOp']);

/** Ops that hand a variable's value on unchanged (or only cast): the walk to its consumer goes through them. */
const PASS_THROUGH = new Set(['Identity', 'ReadVariableOp', 'IdentityN', 'Snapshot', 'Enter', 'RefEnter', 'Switch', 'RefSwitch', 'Cast', 'StopGradient']);

/**
 * Ops that read a variable without computing with it (initialisation checks, assignments, saving), and function
 * calls, whose body a TF2 graph keeps out of this graph.
 */
const NOT_COMPUTE = /^(Assign|AssignVariableOp|AssignAdd|AssignSub|AssignAddVariableOp|AssignSubVariableOp|IsVariableInitialized|VarIsInitializedOp|SaveV2|Save|SaveSlices|RestoreV2|Restore|RestoreSlice|NoOp|If|StatelessIf|VariableShape|Shape|ShapeN|Size|Rank|DestroyResourceOp|PartitionedCall|StatefulPartitionedCall)$/;

/** An optimizer's update op: `ApplyAdam`, `ResourceApplyAdam`, `ResourceSparseApplyAdagrad`... */
export const APPLY_OP = /^(Resource)?(Sparse)?Apply[A-Z]/;

export function parseInput(input: string): TensorRef | null {
  if (input.startsWith('^')) return null;
  const colon = input.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(input.slice(colon + 1))) return { node: input.slice(0, colon), output: Number(input.slice(colon + 1)) };
  return { node: input, output: 0 };
}

export class GraphIndex {
  readonly byName = new Map<string, number>();
  private readonly readers = new Map<string, Consumer[]>();

  constructor(readonly nodes: readonly NodeDefMsg[]) {
    nodes.forEach((n, i) => {
      if (!this.byName.has(n.name)) this.byName.set(n.name, i);
      n.input.forEach((input, k) => {
        const ref = parseInput(input);
        if (!ref) return;
        const list = this.readers.get(ref.node);
        if (list) list.push({ index: i, input: k });
        else this.readers.set(ref.node, [{ index: i, input: k }]);
      });
    });
  }

  node(name: string): NodeDefMsg | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.nodes[i];
  }

  consumers(name: string): readonly Consumer[] {
    return this.readers.get(name) ?? [];
  }

  /** The variable node a tensor reads, through read/identity ops; undefined when it is no variable. */
  variableBehind(input: string): string | undefined {
    let ref = parseInput(input);
    for (let hops = 0; ref && hops < 16; hops++) {
      const n = this.node(ref.node);
      if (!n) return undefined;
      if (VARIABLE_OPS.has(n.op)) return n.name;
      if (!PASS_THROUGH.has(n.op) || n.input.length === 0) return undefined;
      ref = parseInput(n.input[0]!);
    }
    return undefined;
  }

  /**
   * What reads the variables `names` (the parts of one variable): the first op that computes with them, in graph
   * order, and whether an optimizer's update op reads them as its state (a slot, `beta1_power`) rather than as the
   * variable it updates. The saver, the initializers and the gradients are not readers here.
   */
  readersOf(names: readonly string[], skipScopes: readonly string[]): { consumer?: number; optimizerState: boolean } {
    const seen = new Set<string>(names);
    let frontier = [...names];
    let best: number | undefined;
    let optimizerState = false;
    for (let depth = 0; frontier.length > 0 && depth < 16; depth++) {
      const next: string[] = [];
      for (const name of frontier) {
        for (const c of this.consumers(name)) {
          const node = this.nodes[c.index]!;
          if (skipScopes.some((s) => node.name.startsWith(s)) || node.name.includes('/Initializer/')) continue;
          if (APPLY_OP.test(node.op)) {
            if (c.input > 0) optimizerState = true;
            if (best === undefined || c.index < best) best = c.index;
            continue;
          }
          if (PASS_THROUGH.has(node.op) || (node.op === 'ConcatV2' && names.length > 1)) {
            if (!seen.has(node.name)) {
              seen.add(node.name);
              next.push(node.name);
            }
            continue;
          }
          if (NOT_COMPUTE.test(node.op)) continue;
          if (best === undefined || c.index < best) best = c.index;
        }
      }
      frontier = next;
    }
    return { ...(best !== undefined ? { consumer: best } : {}), optimizerState };
  }
}

/** Name scopes whose ops read variables without being the model: the saver's, the gradients'. */
export function nonModelScopes(graph: GraphIndex, saverScope: string | undefined): string[] {
  const scopes = new Set<string>(saverScope ? [`${saverScope}/`] : []);
  for (const n of graph.nodes) {
    const top = n.name.split('/', 1)[0]!;
    if (/^gradients(_\d+)?$/.test(top)) scopes.add(`${top}/`);
  }
  return [...scopes];
}
