/**
 * Variables in the order the model runs them, each with a readable path (`encoder_dense` → `kernel`) for a tree.
 *
 * A model JSON (Keras or TF.js topology) already lists its variables in model order: that order is kept. A
 * checkpoint lists them as stored, and most formats store keys sorted (TF bundle, safetensors, HDF5 groups), which
 * puts `bias` before `kernel`, `layer_10` before `layer_2` and `head` before `hidden`. So a checkpoint is ordered by
 * the path that follows the model: the TF2 object-graph path where there is one (`model/_operations/3/_kernel`,
 * `layer_with_weights-2/kernel`: numbered in model order), else the key; numbers compare as numbers and a layer's
 * own weights come in Keras' order (kernel, recurrent kernel, bias, gamma, beta, moving mean, moving variance).
 * A subclassed model's attribute names carry no order: those stay in name order.
 */
import type { TensorInfo } from './checkpoint';
import { stripValueSuffix } from './naming';

export type OrderedInput = Pick<TensorInfo, 'name' | 'shape' | 'path' | 'originalName' | 'layer' | 'weightIndex'> & { layerClass?: string };

/** Formats whose listing order is the model's (kept as is); every other listing is sorted by `modelOrder`. */
const LISTED_IN_MODEL_ORDER = new Set(['tfjs', 'pytorch', 'npz', 'npy', 'tfjs-layers', 'tfjs-graph', 'keras-json', 'tf-graph', 'list']);

export function listedInModelOrder(format: string): boolean {
  return LISTED_IN_MODEL_ORDER.has(format);
}

/** Keras' own order of a layer's weights (the order `layer.weights` lists them in). */
const WEIGHT_RANK = new Map(
  ['kernel', '_kernel', 'depthwise_kernel', 'pointwise_kernel', 'recurrent_kernel', 'embeddings', '_embeddings', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance', 'W', 'U', 'b', 'weights', 'weight', 'biases']
    .map((n, i) => [n, i]),
);

/** Keras weight names by layer class, for `.keras` / `.weights.h5` keys that store only the index (`vars/0`). */
const CLASS_WEIGHTS: Record<string, readonly string[]> = {
  Dense: ['kernel', 'bias'],
  Conv1D: ['kernel', 'bias'],
  Conv2D: ['kernel', 'bias'],
  Conv3D: ['kernel', 'bias'],
  Conv2DTranspose: ['kernel', 'bias'],
  DepthwiseConv2D: ['depthwise_kernel', 'bias'],
  SeparableConv2D: ['depthwise_kernel', 'pointwise_kernel', 'bias'],
  BatchNormalization: ['gamma', 'beta', 'moving_mean', 'moving_variance'],
  LayerNormalization: ['gamma', 'beta'],
  Embedding: ['embeddings'],
  LSTM: ['kernel', 'recurrent_kernel', 'bias'],
  GRU: ['kernel', 'recurrent_kernel', 'bias'],
  SimpleRNN: ['kernel', 'recurrent_kernel', 'bias'],
};

const VARS_KEY = /^(.*?)\/?vars\/(\d+)$/;

/** `layers/dense/vars/0` → `dense/vars/0` (the Keras 3 file's own wrapping dropped), other keys as they are. */
function keyPath(name: string): string {
  // Each rewrite only where it can apply: this runs for every variable of a side (50,000 in a large checkpoint).
  let plain = stripValueSuffix(name);
  if (plain.includes(':')) plain = plain.replace(/:\d+$/, '');
  if (plain.includes('layers/')) plain = plain.replace(/(^|\/)layers\//g, '$1');
  return plain.startsWith('model_weights/') ? plain.replace(/^model_weights\/([^/]+)\/\1\//, '$1/') : plain;
}

/**
 * The path a person reads, split into scopes and the variable's own name: the name the variable was created under
 * (`dense/kernel`, recorded by a TF2 object graph) where there is one, else the object path or the key; `vars/<i>`
 * leaves named by the layer's class when known, or by shape for the two unmistakable layouts (kernel + bias, the
 * four batch-norm vectors); otherwise `weight <i>`.
 */
export function readablePath(v: OrderedInput, siblings?: readonly OrderedInput[]): string[] {
  const base = v.originalName ?? (v.path !== undefined ? v.path.replace(/\/\.ATTRIBUTES\/VARIABLE_VALUE$/, '') : keyPath(v.name));
  const plain = base.includes(':') ? base.replace(/:\d+$/, '') : base;
  // PyTorch and safetensors keys spell scopes with dots (`model.layers.0.mlp.up_proj.weight`): without them as
  // scopes, a 50,000-key checkpoint would be one flat column of 50,000 rows.
  const split = !plain.includes('/') && plain.includes('.') ? plain.split('.') : plain.split('/');
  // Filtered (a second array per variable) only where a segment is empty.
  const parts = split.includes('') ? split.filter((s) => s.length > 0) : split;
  const m = plain.includes('vars') ? VARS_KEY.exec(parts.join('/')) : null;
  if (m) {
    const scopes = m[1] ? m[1].split('/') : [];
    const index = Number(m[2]);
    return [...scopes, weightName(v, index, siblings) ?? `weight ${index}`];
  }
  return parts.length > 0 ? parts : [v.name];
}

function weightName(v: OrderedInput, index: number, siblings?: readonly OrderedInput[]): string | undefined {
  const known = v.layerClass ? CLASS_WEIGHTS[v.layerClass] : undefined;
  if (known) return known[index];
  if (!siblings || siblings.length < 2) return undefined;
  const ranks = siblings.map((s) => s.shape.length);
  if (siblings.length === 2 && ranks[0]! >= 2 && ranks[1] === 1 && siblings[0]!.shape.at(-1) === siblings[1]!.shape[0]) return ['kernel', 'bias'][index];
  if (siblings.length === 4 && ranks.every((r) => r === 1) && siblings.every((s) => s.shape[0] === siblings[0]!.shape[0])) {
    return ['gamma', 'beta', 'moving_mean', 'moving_variance'][index];
  }
  return undefined;
}

/** Natural order: digit runs compare as numbers (`layer_2` < `layer_10`), the rest by code unit; cheaper than a collator. */
function collate(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    if (x >= 48 && x <= 57 && y >= 48 && y <= 57) {
      let ei = i;
      let ej = j;
      while (ei < a.length && a.charCodeAt(ei) >= 48 && a.charCodeAt(ei) <= 57) ei++;
      while (ej < b.length && b.charCodeAt(ej) >= 48 && b.charCodeAt(ej) <= 57) ej++;
      // As numbers, without a substring each (this runs ~800,000 times to sort 50,000 keys): leading zeros
      // skipped, the longer run is the larger number, else the first differing digit decides.
      let si = i;
      let sj = j;
      while (si < ei - 1 && a.charCodeAt(si) === 48) si++;
      while (sj < ej - 1 && b.charCodeAt(sj) === 48) sj++;
      if (ei - si !== ej - sj) return ei - si - (ej - sj);
      for (; si < ei; si++, sj++) {
        const d = a.charCodeAt(si) - b.charCodeAt(sj);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (x !== y) return x - y;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

/** Compares two order paths: scope by scope, numbers as numbers; a layer's weights in Keras' order. */
function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const leafish = i === a.length - 1 || i === b.length - 1;
    if (leafish) {
      const rx = WEIGHT_RANK.get(x);
      const ry = WEIGHT_RANK.get(y);
      if (rx !== undefined && ry !== undefined) return rx - ry;
      // A layer's own weights before the scopes inside it: `conv1/kernel` (the conv) before `conv1/BatchNorm/…`.
      if (rx !== undefined && i === a.length - 1 && i < b.length - 1) return -1;
      if (ry !== undefined && i === b.length - 1 && i < a.length - 1) return 1;
    }
    return collate(x, y);
  }
  return a.length - b.length;
}

function orderPath(v: OrderedInput): string[] {
  if (v.layer !== undefined && v.weightIndex !== undefined) return [...keyPath(v.name).split('/').slice(0, -2), String(v.weightIndex).padStart(6, '0')];
  return (v.path ?? keyPath(v.name)).split('/');
}

/** Indices of `vars` in model order (see the module comment); `format` is the slot's format id or model JSON kind. */
export function modelOrder(vars: readonly OrderedInput[], format: string): number[] {
  const idx = vars.map((_, i) => i);
  if (listedInModelOrder(format)) return idx;
  const keys = vars.map(orderPath);
  return idx.sort((i, j) => comparePaths(keys[i]!, keys[j]!) || i - j);
}

const orders = new WeakMap<readonly OrderedInput[], Map<string, readonly number[]>>();

/**
 * `modelOrder`, computed once per list of variables and format: the page's list and its canvas both order a side,
 * and a 50,000-variable checkpoint takes a sort of its keys each time.
 */
export function modelOrderOf(vars: readonly OrderedInput[], format: string): readonly number[] {
  let byFormat = orders.get(vars);
  if (!byFormat) orders.set(vars, (byFormat = new Map()));
  let order = byFormat.get(format);
  if (!order) byFormat.set(format, (order = modelOrder(vars, format)));
  return order;
}

/** Records the order `modelOrder(vars, format)` gives, computed elsewhere (the worker) on equal variables. */
export function rememberModelOrder(vars: readonly OrderedInput[], format: string, order: readonly number[]): void {
  let byFormat = orders.get(vars);
  if (!byFormat) orders.set(vars, (byFormat = new Map()));
  byFormat.set(format, order);
}

/** Readable paths of all `vars` (siblings under one `vars/` scope help name index-only leaves). */
export function readablePaths(vars: readonly OrderedInput[]): string[][] {
  const matched = vars.map((v) => (v.name.includes('vars/') ? VARS_KEY.exec(keyPath(v.name)) : null));
  const byLayer = new Map<string, { v: OrderedInput; i: number }[]>();
  vars.forEach((v, k) => {
    const m = matched[k];
    if (!m) return;
    const list = byLayer.get(m[1]!);
    const item = { v, i: Number(m[2]) };
    if (list) list.push(item);
    else byLayer.set(m[1]!, [item]);
  });
  const siblings = new Map([...byLayer].map(([layer, list]) => [layer, list.sort((a, b) => a.i - b.i).map((x) => x.v)]));
  return vars.map((v, k) => {
    const m = matched[k];
    return readablePath(v, m ? siblings.get(m[1]!) : undefined);
  });
}
