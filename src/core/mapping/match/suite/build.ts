/**
 * Builders for the suite's models: Keras layers spelled as each format stores them (TF name-based, Keras 3
 * `.weights.h5`, legacy `.h5`, TF2 object-based `layer_with_weights-N`, Keras 3 `tf.train.Checkpoint`
 * `_operations/N`, TF1 `Variable_N`), PyTorch state dicts, and BERT-style encoders with TF1 names.
 */
import type { TensorInfo } from '../../../model/checkpoint';
import type { TargetModel, TargetVariable } from '../../../model/target-model';
import { tensor, variable } from '../../mapping.test-util';
import { snakeClass } from '../names';
import { targetOf } from './types';

export type LayerClass = 'Dense' | 'Conv2D' | 'BatchNormalization' | 'LayerNormalization' | 'Embedding';

/** A Keras layer: Dense [in, out], Conv2D [k, in, out], BatchNormalization/LayerNormalization [c], Embedding [vocab, dim]. */
export type Layer = [name: string, cls: LayerClass, dims: number[]];

export function weightsOf([, cls, d]: Layer): [weight: string, shape: number[]][] {
  switch (cls) {
    case 'Dense': return [['kernel', [d[0]!, d[1]!]], ['bias', [d[1]!]]];
    case 'Conv2D': return [['kernel', [d[0]!, d[0]!, d[1]!, d[2]!]], ['bias', [d[2]!]]];
    case 'BatchNormalization': return ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => [w, [d[0]!]]);
    case 'LayerNormalization': return [['gamma', [d[0]!]], ['beta', [d[0]!]]];
    case 'Embedding': return [['embeddings', [d[0]!, d[1]!]]];
  }
}

/** Keras 3 names a layer in `.weights.h5` by its class and position among layers of that class. */
function classPositions(layers: readonly Layer[]): string[] {
  const seen = new Map<string, number>();
  return layers.map(([, cls]) => {
    const base = snakeClass(cls);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n ? `${base}_${n}` : base;
  });
}

/** The new model as a Keras model JSON gives it: layer, class, weight index, Keras 3 path, in model order. */
export function kerasTarget(layers: readonly Layer[]): TargetModel {
  const paths = classPositions(layers);
  const vars: TargetVariable[] = layers.flatMap((l, li) => weightsOf(l).map(([w, shape], i) =>
    variable(`${l[0]}/${w}`, shape, { layer: l[0], layerClass: l[1], weightIndex: i, kerasPath: `layers/${paths[li]}/vars/${i}`, trackablePath: `_functional/_operations/${li + 1}/${w === 'kernel' ? '_kernel' : w}` })));
  return targetOf(vars, 'keras-json');
}

export type Spelling = 'tf' | 'keras3' | 'legacy' | 'tf2-object' | 'keras3-object' | 'tf1-variables';

/**
 * The old checkpoint's variables as `spelling` stores them, and where each `layer/weight` went.
 * `scope`: what TF2 records before a Sequential's variable names (`sequential/`), for the object-based spellings.
 */
export function oldAs(spelling: Spelling, layers: readonly Layer[], scope = ''): { tensors: TensorInfo[]; key: (id: string) => string } {
  const paths = classPositions(layers);
  const keys = new Map<string, string>();
  const tensors: TensorInfo[] = [];
  let withWeights = 0;
  let counter = 0;
  layers.forEach((l, li) => {
    weightsOf(l).forEach(([w, shape], i) => {
      const id = `${l[0]}/${w}`;
      let t: TensorInfo;
      if (spelling === 'tf') t = tensor(id, shape);
      else if (spelling === 'keras3') t = tensor(`layers/${paths[li]}/vars/${i}`, shape, { layer: l[0], weightIndex: i });
      else if (spelling === 'legacy') t = tensor(`model_weights/${l[0]}/${l[0]}/${w}:0`, shape, { layer: l[0], weightIndex: i });
      else if (spelling === 'tf2-object') {
        const path = `layer_with_weights-${withWeights}/${w}`;
        t = tensor(`${path}/.ATTRIBUTES/VARIABLE_VALUE`, shape, { path, originalName: `${scope}${id}` });
      } else if (spelling === 'keras3-object') {
        const path = `model/_functional/_operations/${li + 1}/${w === 'kernel' ? '_kernel' : w}`;
        t = tensor(`${path}/.ATTRIBUTES/VARIABLE_VALUE`, shape, { path, originalName: `${scope}${id}` });
      } else t = tensor(counter ? `Variable_${counter}` : 'Variable', shape);
      counter++;
      keys.set(id, t.name);
      tensors.push(t);
    });
    withWeights++;
  });
  return { tensors, key: (id) => keys.get(id) ?? (() => { throw new Error(`no old ${id}`); })() };
}

/**
 * Truth from layer pairs `[newLayer, oldLayer]`: every weight of the new layer from the same weight of the old
 * one. `key` gives the old stored key of `layer/weight`.
 */
export function carry(pairs: [string, string][], key: (id: string) => string, layers: readonly Layer[], only?: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [to, from] of pairs) {
    const l = layers.find((x) => x[0] === to);
    if (!l) throw new Error(`no new layer ${to}`);
    for (const [w] of weightsOf(l)) if (!only || only.includes(w)) out[`${to}/${w}`] = key(`${from}/${w}`);
  }
  return out;
}

export const same = (names: string[]): [string, string][] => names.map((n) => [n, n]);

// --- PyTorch ------------------------------------------------------------------------------------------------

/** A PyTorch module's state: Linear [in, out], Conv2d [k, in, out], BatchNorm2d / LayerNorm [c], Embedding [v, d]. */
export type TorchLayer = [name: string, cls: 'Linear' | 'Conv2d' | 'BatchNorm2d' | 'LayerNorm' | 'Embedding', dims: number[]];

export function torchState(prefix: string, layers: readonly TorchLayer[]): TensorInfo[] {
  return layers.flatMap(([name, cls, d]) => {
    const n = `${prefix}${name}`;
    switch (cls) {
      case 'Linear': return [tensor(`${n}.weight`, [d[1]!, d[0]!]), tensor(`${n}.bias`, [d[1]!])];
      case 'Conv2d': return [tensor(`${n}.weight`, [d[2]!, d[1]!, d[0]!, d[0]!])];
      case 'BatchNorm2d': return [
        ...['weight', 'bias', 'running_mean', 'running_var'].map((w) => tensor(`${n}.${w}`, [d[0]!])),
        tensor(`${n}.num_batches_tracked`, [], { dtype: 'int64' }),
      ];
      case 'LayerNorm': return [tensor(`${n}.weight`, [d[0]!]), tensor(`${n}.bias`, [d[0]!])];
      case 'Embedding': return [tensor(`${n}.weight`, [d[0]!, d[1]!])];
    }
  });
}

/** A small ResNet: stem, `stages` of `blocks` basic blocks (conv-bn-conv-bn, a downsample where the width changes), fc. */
export function resnet(widths: number[], blocks: number[], classes: number): TorchLayer[] {
  const out: TorchLayer[] = [['conv1', 'Conv2d', [7, 3, widths[0]!]], ['bn1', 'BatchNorm2d', [widths[0]!]]];
  let c = widths[0]!;
  widths.forEach((w, s) => {
    for (let b = 0; b < blocks[s]!; b++) {
      const p = `layer${s + 1}.${b}`;
      out.push([`${p}.conv1`, 'Conv2d', [3, c, w]], [`${p}.bn1`, 'BatchNorm2d', [w]], [`${p}.conv2`, 'Conv2d', [3, w, w]], [`${p}.bn2`, 'BatchNorm2d', [w]]);
      if (c !== w) out.push([`${p}.downsample.0`, 'Conv2d', [1, c, w]], [`${p}.downsample.1`, 'BatchNorm2d', [w]]);
      c = w;
    }
  });
  out.push(['fc', 'Linear', [c, classes]]);
  return out;
}

/** A decoder-only transformer's state dict (`layers.N.self_attn.q_proj.weight`...), Llama-style names. */
export function decoder(prefix: string, layers: number, h: number, ff: number, vocab: number): TensorInfo[] {
  const out: TensorInfo[] = [tensor(`${prefix}embed_tokens.weight`, [vocab, h])];
  for (let i = 0; i < layers; i++) {
    const p = `${prefix}layers.${i}.`;
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) out.push(tensor(`${p}self_attn.${proj}.weight`, [h, h]));
    out.push(tensor(`${p}mlp.gate_proj.weight`, [ff, h]), tensor(`${p}mlp.up_proj.weight`, [ff, h]), tensor(`${p}mlp.down_proj.weight`, [h, ff]));
    out.push(tensor(`${p}input_layernorm.weight`, [h]), tensor(`${p}post_attention_layernorm.weight`, [h]));
  }
  out.push(tensor(`${prefix}norm.weight`, [h]));
  return out;
}

// --- BERT-style encoders, TF1 names ---------------------------------------------------------------------------

export interface BertOptions {
  scope?: string;
  layers: number;
  hidden?: number;
  ff?: number;
  vocab?: number;
  /** Layer index → its feed-forward width, where it differs. */
  widen?: Record<number, number>;
  /** Where layer `i` lives: `layer_${i}` by default (HF TF: `layer_._${i}`). */
  layerName?: (i: number) => string;
  /** A variable name suffix, `:0` for TF2 Keras weights. */
  suffix?: string;
  head?: boolean;
}

const BERT_LAYER: [string, (h: number, ff: number) => number[]][] = [
  ['attention/self/query/kernel', (h) => [h, h]], ['attention/self/query/bias', (h) => [h]],
  ['attention/self/key/kernel', (h) => [h, h]], ['attention/self/key/bias', (h) => [h]],
  ['attention/self/value/kernel', (h) => [h, h]], ['attention/self/value/bias', (h) => [h]],
  ['attention/output/dense/kernel', (h) => [h, h]], ['attention/output/dense/bias', (h) => [h]],
  ['attention/output/LayerNorm/gamma', (h) => [h]], ['attention/output/LayerNorm/beta', (h) => [h]],
  ['intermediate/dense/kernel', (h, ff) => [h, ff]], ['intermediate/dense/bias', (_, ff) => [ff]],
  ['output/dense/kernel', (h, ff) => [ff, h]], ['output/dense/bias', (h) => [h]],
  ['output/LayerNorm/gamma', (h) => [h]], ['output/LayerNorm/beta', (h) => [h]],
];

export function bert(o: BertOptions): TensorInfo[] {
  const s = o.scope ?? 'bert';
  const h = o.hidden ?? 32;
  const vocab = o.vocab ?? 1000;
  const x = o.suffix ?? '';
  const name = o.layerName ?? ((i: number) => `layer_${i}`);
  const out = [
    tensor(`${s}/embeddings/word_embeddings${x}`, [vocab, h]), tensor(`${s}/embeddings/position_embeddings${x}`, [128, h]),
    tensor(`${s}/embeddings/token_type_embeddings${x}`, [2, h]),
    tensor(`${s}/embeddings/LayerNorm/gamma${x}`, [h]), tensor(`${s}/embeddings/LayerNorm/beta${x}`, [h]),
  ];
  for (let i = 0; i < o.layers; i++) {
    const ff = o.widen?.[i] ?? o.ff ?? 4 * h;
    for (const [w, shape] of BERT_LAYER) out.push(tensor(`${s}/encoder/${name(i)}/${w}${x}`, shape(h, ff)));
  }
  out.push(tensor(`${s}/pooler/dense/kernel${x}`, [h, h]), tensor(`${s}/pooler/dense/bias${x}`, [h]));
  if (o.head !== false) {
    out.push(tensor(`cls/predictions/transform/dense/kernel${x}`, [h, h]), tensor(`cls/predictions/transform/dense/bias${x}`, [h]));
    out.push(tensor(`cls/predictions/transform/LayerNorm/gamma${x}`, [h]), tensor(`cls/predictions/transform/LayerNorm/beta${x}`, [h]));
    out.push(tensor(`cls/predictions/output_bias${x}`, [vocab]));
  }
  return out;
}

/** Truth by name: every new variable whose name (after `rename`) an old variable has. */
export function byName(old: readonly TensorInfo[], news: readonly TensorInfo[], rename: (n: string) => string = (n) => n, except: (n: string) => boolean = () => false): Record<string, string> {
  const olds = new Set(old.map((t) => t.name));
  const out: Record<string, string> = {};
  for (const n of news) {
    const from = rename(n.name);
    if (olds.has(from) && !except(n.name)) out[n.name] = from;
  }
  return out;
}
