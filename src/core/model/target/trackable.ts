/**
 * Where Keras 3 on TensorFlow keeps a model's variables in its object graph: the path a TF object-based
 * checkpoint (`tf.train.Checkpoint(model=m)`) keys each variable by, from the model object
 * (`_functional/_operations/1/_kernel`). Recorded from Keras 3.15 (testdata/make-trackable.py).
 */
import { type Config, type LayerSpec, type ModelSpec, type TensorRef, isObject } from './keras-config';

/**
 * Keras 3's attribute for each weight tfjs creates, by the tfjs class that creates it. Dense, Conv1D/2D/3D and
 * Embedding keep theirs behind a property (`_kernel`, `_embeddings`) for LoRA and quantization; the transposed
 * and depthwise convolutions do not. A class or weight missing here has no known path.
 */
const ATTRIBUTES: Record<string, Record<string, string>> = {
  Dense: { kernel: '_kernel', bias: 'bias' },
  Conv1D: { kernel: '_kernel', bias: 'bias' },
  Conv2D: { kernel: '_kernel', bias: 'bias' },
  Conv3D: { kernel: '_kernel', bias: 'bias' },
  Conv2DTranspose: { kernel: 'kernel', bias: 'bias' },
  Conv3DTranspose: { kernel: 'kernel', bias: 'bias' },
  DepthwiseConv2D: { depthwise_kernel: 'kernel', bias: 'bias' },
  SeparableConv2D: { depthwise_kernel: 'depthwise_kernel', pointwise_kernel: 'pointwise_kernel', bias: 'bias' },
  Embedding: { embeddings: '_embeddings' },
  BatchNormalization: { gamma: 'gamma', beta: 'beta', moving_mean: 'moving_mean', moving_variance: 'moving_variance' },
  LayerNormalization: { gamma: 'gamma', beta: 'beta' },
  PReLU: { alpha: 'alpha' },
  LSTMCell: { kernel: 'kernel', recurrent_kernel: 'recurrent_kernel', bias: 'bias' },
  GRUCell: { kernel: 'kernel', recurrent_kernel: 'recurrent_kernel', bias: 'bias' },
  SimpleRNNCell: { kernel: 'kernel', recurrent_kernel: 'recurrent_kernel', bias: 'bias' },
  ConvLSTM2DCell: { kernel: 'kernel', recurrent_kernel: 'recurrent_kernel', bias: 'bias' },
};

/** Keras 3's attribute for weight `weight` created by tfjs class `ownerClass`, or null when Graft does not know it. */
export function trackableAttribute(ownerClass: string, weight: string): string | null {
  return ATTRIBUTES[ownerClass]?.[weight] ?? null;
}

const RNN_LAYERS = new Set(['SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D']);

/**
 * The path from a layer to the sublayer that owns its weights: `` for most layers, `cell/` for RNNs,
 * `forward_layer/cell/` in a Bidirectional, `layer/` in a TimeDistributed. Null for an RNN over stacked cells:
 * Keras 3 does not track StackedRNNCells' cells for TF checkpoints, so its variables are in none.
 */
export function trackableSubPath(className: string, config: Config, side: 'forward' | 'backward'): string | null {
  if (RNN_LAYERS.has(className)) return 'cell/';
  if (className === 'RNN') {
    const cell = config.cell;
    return isObject(cell) && typeof cell.class_name === 'string' && cell.class_name !== 'StackedRNNCells' ? 'cell/' : null;
  }
  if (className === 'Bidirectional' || className === 'TimeDistributed') {
    const inner = isObject(config.layer) ? config.layer : null;
    if (!inner || typeof inner.class_name !== 'string') return null;
    const rest = trackableSubPath(inner.class_name, isObject(inner.config) ? inner.config : {}, side);
    if (rest === null) return null;
    return `${className === 'Bidirectional' ? `${side}_layer` : 'layer'}/${rest}`;
  }
  return '';
}

/**
 * The model's operations in Keras 3's order (`Function._operations`, keras/src/ops/function.py `map_graph`): by
 * depth from the outputs, deepest first, ties in traversal order from the outputs; inputs that reach no output
 * last at depth 0. A Keras-written config lists its layers in this order already; a hand-written one may not.
 * Null when the graph cannot be traced (an unknown layer, a cycle).
 */
export function functionalOrder(model: ModelSpec): string[] | null {
  const layers = new Map<string, LayerSpec>(model.layers.map((l) => [l.name, l]));
  const key = (layer: string, node: number) => `${layer}\u0000${node}`;
  const isInput = (r: TensorRef) => model.inputs.some((i) => i.layer === r.layer && i.node === r.node && i.tensor === r.tensor);
  const parents = (layer: string, node: number): TensorRef[] => layers.get(layer)?.inbound[node] ?? [];
  const finished = new Set<string>();
  const inProgress = new Set<string>();
  const decreasing: { layer: string; node: number }[] = [];
  const index = new Map<string, number>();

  const visit = (r: TensorRef): boolean => {
    const spec = layers.get(r.layer);
    const k = key(r.layer, r.node);
    if (!spec || inProgress.has(k)) return false;
    if (finished.has(k)) return true;
    if (!index.has(r.layer)) index.set(r.layer, index.size);
    inProgress.add(k);
    if (spec.className !== 'InputLayer' && !isInput(r)) {
      for (const p of parents(r.layer, r.node)) if (!visit(p)) return false;
    }
    inProgress.delete(k);
    finished.add(k);
    decreasing.push({ layer: r.layer, node: r.node });
    return true;
  };
  for (const out of model.outputs) if (!visit(out)) return null;

  const nodeDepth = new Map<string, number>();
  const opDepth = new Map<string, number>();
  for (const n of [...decreasing].reverse()) {
    const k = key(n.layer, n.node);
    const depth = Math.max(nodeDepth.get(k) ?? 0, opDepth.get(n.layer) ?? 0);
    opDepth.set(n.layer, depth);
    nodeDepth.set(k, depth);
    if (layers.get(n.layer)!.className === 'InputLayer') continue;
    for (const p of parents(n.layer, n.node)) {
      const pk = key(p.layer, p.node);
      nodeDepth.set(pk, Math.max(depth + 1, nodeDepth.get(pk) ?? 0));
    }
  }
  for (const input of model.inputs) {
    if (!layers.has(input.layer) || opDepth.has(input.layer)) continue;
    opDepth.set(input.layer, 0);
    index.set(input.layer, -1);
  }
  // Stable sort: equal keys (several unconnected inputs) keep their insertion order, as Python's does.
  return [...opDepth.keys()].sort((a, b) => opDepth.get(b)! - opDepth.get(a)! || index.get(a)! - index.get(b)!);
}

/**
 * The object path of each layer of `model` (a layer name → `_functional/_operations/1`, `_operations/3`), under
 * `prefix` (the model's own path, `/`-terminated, or ``). A Sequential runs its layers through an inner
 * Functional whose operation 0 is the InputLayer, written in the config or not. Layers Keras would not keep
 * (not connected to an output) get none.
 */
export function operationPaths(model: ModelSpec, prefix: string): Map<string, string> {
  const paths = new Map<string, string>();
  if (model.kind === 'sequential') {
    const chain = model.layers.filter((l) => l.className !== 'InputLayer');
    chain.forEach((l, i) => paths.set(l.name, `${prefix}_functional/_operations/${i + 1}`));
    return paths;
  }
  (functionalOrder(model) ?? []).forEach((name, i) => paths.set(name, `${prefix}_operations/${i}`));
  return paths;
}
