/**
 * Reading a Keras model config (Keras 2 `model.to_json()`, a TF.js `modelTopology`, Keras 3 `model.to_json()` /
 * `.keras` config.json / `.h5` `model_config`) into a small graph Graft walks itself, and rewriting one layer's
 * config into what tfjs-layers' deserializer accepts.
 */
import type { DType } from '../dtypes';
import { canonicalInitializer } from './initializers';

export type Config = Record<string, unknown>;
export type Shape = (number | null)[];

export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
  /** Keras 3 records each input's shape beside the reference. */
  shape?: Shape;
}

export interface LayerSpec {
  className: string;
  name: string;
  /** The layer's config exactly as the file has it. */
  config: Config;
  /** One entry per call of the layer in the graph, each the list of its input tensors (functional models). */
  inbound: TensorRef[][];
  /** Keras 3 `build_config.input_shape`. */
  buildShape?: Shape | Shape[];
}

export interface ModelSpec {
  kind: 'sequential' | 'functional';
  className: string;
  name: string;
  trainable: boolean;
  layers: LayerSpec[];
  inputs: TensorRef[];
  outputs: TensorRef[];
  /** Sequential: the batch input shape recorded on the model (`build_input_shape`, Keras 3 `build_config`). */
  inputShape?: Shape;
}

export const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

export const isObject = (v: unknown): v is Config => typeof v === 'object' && v !== null && !Array.isArray(v);

function isShape(v: unknown): v is Shape {
  return Array.isArray(v) && v.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d)));
}

/** A Keras 3 build input shape: one shape, or a list of them for a layer with several inputs. */
function buildShapeOf(layer: Config): Shape | Shape[] | undefined {
  const bc = layer.build_config;
  const s = isObject(bc) ? bc.input_shape : undefined;
  if (isShape(s)) return s;
  if (Array.isArray(s) && s.length > 0 && s.every(isShape)) return s as Shape[];
  return undefined;
}

/** The batch input shape an InputLayer (or a first layer) declares. */
export function declaredInputShape(config: Config): Shape | undefined {
  for (const key of ['batch_input_shape', 'batch_shape']) if (isShape(config[key])) return config[key] as Shape;
  if (isShape(config.input_shape)) return [null, ...(config.input_shape as Shape)];
  if (isShape(config.shape)) return [null, ...(config.shape as Shape)];
  return undefined;
}

function ref(v: unknown): TensorRef | null {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return null;
  return { layer: v[0], node: typeof v[1] === 'number' ? v[1] : 0, tensor: typeof v[2] === 'number' ? v[2] : 0 };
}

/** Every `__keras_tensor__` in a Keras 3 node's positional arguments, in order. */
function kerasTensors(v: unknown, out: TensorRef[]): void {
  if (Array.isArray(v)) {
    for (const x of v) kerasTensors(x, out);
  } else if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config)) {
    const r = ref(v.config.keras_history);
    if (r) {
      if (isShape(v.config.shape)) r.shape = v.config.shape;
      out.push(r);
    }
  }
}

function parseNodes(raw: unknown): TensorRef[][] {
  if (!Array.isArray(raw)) return [];
  return raw.map((node) => {
    const refs: TensorRef[] = [];
    if (isObject(node)) {
      kerasTensors(node.args, refs); // Keras 3: {args: [...], kwargs: {...}}
      // Attention layers may take their value and key as keywords (`mha(q, v, key=k)`): inputs in call order.
      const kwargs = isObject(node.kwargs) ? node.kwargs : {};
      for (const k of ['query', 'value', 'key']) kerasTensors(kwargs[k], refs);
    } else if (Array.isArray(node)) {
      for (const entry of node) {
        const r = ref(entry); // Keras 2: [[layer, node, tensor, kwargs], ...]
        if (r) refs.push(r);
        // tf.keras MultiHeadAttention: `[query, 0, 0, {value: [v, 0, 0], key: [k, 0, 0]}]`
        const kwargs = Array.isArray(entry) && isObject(entry[3]) ? entry[3] : {};
        for (const k of ['value', 'key']) {
          const kr = ref(kwargs[k]);
          if (kr) refs.push(kr);
        }
      }
    }
    return refs;
  });
}

function refList(v: unknown): TensorRef[] {
  if (!Array.isArray(v)) return [];
  const single = ref(v);
  if (single) return [single]; // Keras 3 writes a lone input as ["input_layer", 0, 0]
  return v.map(ref).filter((r): r is TensorRef => r !== null);
}

function layerSpec(raw: unknown, index: number): LayerSpec | null {
  if (!isObject(raw) || typeof raw.class_name !== 'string') return null;
  const config = isObject(raw.config) ? raw.config : {};
  const name = typeof config.name === 'string' ? config.name : typeof raw.name === 'string' ? raw.name : `layer_${index}`;
  const spec: LayerSpec = { className: raw.class_name, name, config, inbound: parseNodes(raw.inbound_nodes) };
  const bs = buildShapeOf(raw);
  if (bs) spec.buildShape = bs;
  return spec;
}

/** A Keras model object `{class_name, config}` as a graph, or null when it is not a Sequential/Functional model. */
export function parseModel(obj: unknown): ModelSpec | null {
  if (!isObject(obj) || typeof obj.class_name !== 'string' || !MODEL_CLASSES.has(obj.class_name)) return null;
  const cfg = obj.config;
  // Keras 2.0–2.2 wrote a Sequential's config as the bare list of its layers.
  const rawLayers = Array.isArray(cfg) ? cfg : isObject(cfg) && Array.isArray(cfg.layers) ? cfg.layers : null;
  if (!rawLayers) return null;
  const c = isObject(cfg) ? cfg : {};
  const layers = rawLayers.map(layerSpec).filter((l): l is LayerSpec => l !== null);
  const spec: ModelSpec = {
    kind: obj.class_name === 'Sequential' ? 'sequential' : 'functional',
    className: obj.class_name,
    name: typeof c.name === 'string' ? c.name : obj.class_name.toLowerCase(),
    trainable: c.trainable !== false,
    layers,
    inputs: refList(c.input_layers),
    outputs: refList(c.output_layers),
  };
  const shape = isShape(c.build_input_shape) ? c.build_input_shape : buildShapeOf(obj);
  if (shape && isShape(shape)) spec.inputShape = shape;
  return spec;
}

/** The dtype Keras gives a layer's variables: a dtype string, or the variable dtype of a (mixed) policy. */
export function variableDtype(config: Config): DType | null {
  let d = config.dtype;
  if (isObject(d)) d = isObject(d.config) ? d.config.name : undefined;
  if (typeof d !== 'string') return null;
  if (d.startsWith('mixed_')) return 'float32';
  const known: Record<string, DType> = { float16: 'float16', half: 'float16', bfloat16: 'bfloat16', float32: 'float32', float: 'float32', float64: 'float64', double: 'float64' };
  return known[d] ?? null;
}

/** Keras 1 configs (init=, output_dim= on Dense, nb_filter=, W_regularizer=) that neither Keras 2 nor tfjs read. */
export function looksLikeKeras1(model: ModelSpec): boolean {
  return model.layers.some(
    (l) => 'init' in l.config || 'nb_filter' in l.config || 'W_regularizer' in l.config || (l.className === 'Dense' && 'output_dim' in l.config),
  );
}

/** First value of `key` anywhere in a config tree (Bidirectional and TimeDistributed nest the wrapped layer's). */
export function findKey(v: unknown, key: string): unknown {
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = findKey(x, key);
      if (r !== undefined) return r;
    }
  } else if (isObject(v)) {
    if (key in v) return v[key];
    for (const x of Object.values(v)) {
      const r = findKey(x, key);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

const TFJS_INITIALIZERS: Record<string, string> = {
  Zeros: 'Zeros', Ones: 'Ones', Constant: 'Constant', RandomNormal: 'RandomNormal', RandomUniform: 'RandomUniform',
  TruncatedNormal: 'TruncatedNormal', VarianceScaling: 'VarianceScaling', GlorotUniform: 'GlorotUniform',
  GlorotNormal: 'GlorotNormal', HeNormal: 'HeNormal', HeUniform: 'HeUniform', LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform', Orthogonal: 'Orthogonal', Identity: 'Identity',
};

/** An initializer as tfjs accepts it; anything it would reject becomes Zeros (Graft takes the real one from the file). */
function tfjsInitializer(v: unknown): unknown {
  let cls: string | null = null;
  let config: Config = {};
  if (typeof v === 'string') cls = canonicalInitializer(v);
  else if (isObject(v) && typeof v.class_name === 'string') {
    cls = canonicalInitializer(v.class_name);
    if (isObject(v.config)) config = { ...v.config };
  } else return v;
  const name = cls ? TFJS_INITIALIZERS[cls] : undefined;
  if (!name || (name === 'Constant' && typeof config.value !== 'number')) return { class_name: 'Zeros', config: {} };
  if (name === 'VarianceScaling' && config.distribution === 'untruncated_normal') config.distribution = 'normal';
  if (name === 'VarianceScaling' && config.distribution === 'truncated_normal') config.distribution = 'normal';
  return { class_name: name, config };
}

const DROPPED_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);

export interface ToTfjsOptions {
  /**
   * Keep everything that decides what the layer computes, for a model.json TF.js runs (the TF.js output format):
   * activations (under TF.js' names), regularizers and constraints TF.js knows, input dtypes. Without it only what
   * decides which variables exist is kept (building the new model's variable list).
   */
  faithful?: boolean;
  /** Faithful mode: what TF.js would compute differently from Keras, one phrase each; the caller makes the error. */
  problems?: string[];
}

/** Keras activation names whose TF.js function is the same; TF.js camel-cases the string itself (`log_softmax`). */
const TFJS_ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax',
  log_softmax: 'log_softmax', elu: 'elu', selu: 'selu', softplus: 'softplus', softsign: 'softsign',
  swish: 'swish', silu: 'swish', gelu: 'gelu', mish: 'mish',
};

function tfjsActivation(v: unknown, key: string, problems: string[]): unknown {
  if (v === null || v === undefined) return v;
  const name = typeof v === 'string' ? v : isObject(v) && typeof v.config === 'string' ? v.config : isObject(v) ? v.class_name : undefined;
  const tfjs = typeof name === 'string' ? TFJS_ACTIVATIONS[name] : undefined;
  // Keras 3's hard_sigmoid is relu6(x + 3) / 6; TF.js' (and Keras 2's) is clip(0.2x + 0.5): not the same function.
  if (!tfjs) problems.push(`${key} ${typeof name === 'string' ? name : JSON.stringify(v)} has no TF.js equivalent`);
  return tfjs ?? 'linear';
}

/** L1 / L2 / L1L2 as TF.js' one L1L2 class; anything else is dropped (regularizers only act in training). */
function tfjsRegularizer(v: unknown): unknown {
  if (!isObject(v) || typeof v.class_name !== 'string') return null;
  const c = isObject(v.config) ? v.config : {};
  const num = (x: unknown) => (typeof x === 'number' ? x : 0);
  if (v.class_name === 'L1' || v.class_name === 'L2' || v.class_name === 'L1L2') {
    return { class_name: 'L1L2', config: { l1: num(c.l1), l2: num(c.l2) } };
  }
  return null;
}

const TFJS_CONSTRAINTS = new Set(['MaxNorm', 'MinMaxNorm', 'NonNeg', 'UnitNorm']);

function tfjsConstraint(v: unknown): unknown {
  if (!isObject(v) || typeof v.class_name !== 'string' || !TFJS_CONSTRAINTS.has(v.class_name)) return null;
  return { class_name: v.class_name, config: isObject(v.config) ? { ...v.config } : {} };
}

/** A layer's dtype as TF.js holds it: float32 for every float policy, int32 for every integer. */
function tfjsDtype(v: unknown): unknown {
  const name = isObject(v) && isObject(v.config) ? v.config.name : v;
  if (typeof name !== 'string') return 'float32';
  if (name === 'bool' || name === 'string' || name === 'int32' || name === 'complex64') return name;
  return /^u?int/.test(name) ? 'int32' : 'float32';
}

/** Keras 3 options TF.js does not implement but which change what a layer computes (faithful mode). */
function unsupportedOptions(v: Config, problems: string[]): void {
  const c = isObject(v.config) ? v.config : {};
  if (c.reset_after === true) problems.push('reset_after=True (TF.js GRUs compute reset_after=False only)');
  if (/^Conv[123]D$/.test(String(v.class_name)) && typeof c.groups === 'number' && c.groups !== 1) problems.push(`groups=${c.groups} (TF.js convolutions have no groups)`);
  if (c.rms_scaling === true) problems.push('rms_scaling=True (TF.js LayerNormalization has no RMS scaling)');
  if (c.padding === 'causal') problems.push("padding='causal' (TF.js convolutions do not implement it)");
  if (c.lora_rank !== undefined && c.lora_rank !== null) problems.push('a LoRA rank (TF.js has no LoRA layers)');
  if (c.quantization_config !== undefined && c.quantization_config !== null) problems.push('a quantization config');
  if (v.class_name === 'ReLU' && ((typeof c.negative_slope === 'number' && c.negative_slope !== 0) || (typeof c.threshold === 'number' && c.threshold !== 0))) {
    problems.push('a negative slope or threshold (TF.js ReLU has only max_value)');
  }
}

/**
 * One layer's `{class_name, config}` rewritten for tfjs-layers: Keras 3 dtype policies to `float32`, `batch_shape`
 * to `batch_input_shape`, initializers to tfjs names, GRU's `reset_after` removed (tfjs refuses it; Graft reshapes
 * the bias afterwards). By default regularizers, constraints and activations are dropped (they never change which
 * variables exist); `faithful` keeps them as TF.js reads them (see ToTfjsOptions). Nested layers (Bidirectional,
 * TimeDistributed, RNN cells, nested models) are rewritten the same way.
 */
export function toTfjs(input: unknown, opts: ToTfjsOptions = {}): unknown {
  if (Array.isArray(input)) return input.map((x) => toTfjs(x, opts));
  if (!isObject(input)) return input;
  const faithful = opts.faithful === true;
  const problems = opts.problems ?? [];
  let v: Config = input;
  if (faithful && typeof v.class_name === 'string') unsupportedOptions(v, problems);
  if (v.class_name === 'Bidirectional' && isObject(v.config) && isObject(v.config.layer)) {
    // Keras 3 writes the wrapped layer as `forward_lstm` (and a backward_layer tfjs ignores); tfjs prefixes
    // `forward_`/`backward_` itself, so give it the bare name to get `bidirectional/forward_lstm/kernel`.
    const { backward_layer: _, ...config } = v.config;
    const layer = v.config.layer;
    const inner = isObject(layer.config) ? layer.config : {};
    const name = typeof inner.name === 'string' ? inner.name.replace(/^forward_/, '') : inner.name;
    v = { ...v, config: { ...config, layer: { ...layer, config: { ...inner, name } } } };
  }
  if (v.class_name === 'LayerNormalization' && isObject(v.config) && v.config.rms_scaling === true) {
    v = { ...v, config: { ...v.config, center: false } }; // Keras 3 creates no beta when scaling by RMS
  }
  if (faithful && v.class_name === 'LeakyReLU' && isObject(v.config) && typeof v.config.negative_slope === 'number') {
    const { negative_slope: alpha, ...config } = v.config; // Keras 3 renamed TF.js' (and Keras 2's) alpha
    v = { ...v, config: { ...config, alpha } };
  }
  const out: Config = {};
  for (const [key, value] of Object.entries(v)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key.endsWith('_initializer')) out[key] = tfjsInitializer(value);
    else if (key.endsWith('_regularizer')) out[key] = faithful ? tfjsRegularizer(value) : null;
    else if (key.endsWith('_constraint')) out[key] = faithful ? tfjsConstraint(value) : null;
    else if (key === 'activation' || key === 'recurrent_activation') out[key] = faithful ? tfjsActivation(value, key, problems) : 'linear';
    else if (key === 'dtype') out[key] = faithful ? tfjsDtype(value) : 'float32';
    else if (key === 'batch_shape') out.batch_input_shape = value;
    else if (key === 'reset_after' || key === 'groups' || key === 'lora_rank' || key === 'quantization_config') continue;
    else out[key] = toTfjs(value, opts);
  }
  return out;
}

/** Keras' `naming.to_snake_case`, which names a layer's slot in a Keras 3 weights file after its class. */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const RNN_CLASSES = new Set(['RNN', 'SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D']);

/**
 * Where Keras 3's saver (saving_lib `_save_state`) puts the own variables of the sublayer that created a weight,
 * relative to the layer's slot: `` for most layers, `cell/` for RNNs, `forward_layer/cell/` in a Bidirectional,
 * `layer/` in a TimeDistributed. `side` says which half of a Bidirectional (from the tfjs variable name).
 */
export function kerasSubPath(className: string, config: Config, side: 'forward' | 'backward'): string | null {
  if (RNN_CLASSES.has(className)) {
    // RNN(cell=...) keeps one cell's variables under `cell/` too; stacked cells go deeper (`cell/cells/<name>/`).
    const cell = config.cell;
    if (cell === undefined || cell === null) return 'cell/';
    return isObject(cell) && cell.class_name !== 'StackedRNNCells' ? 'cell/' : null;
  }
  if (className === 'Bidirectional' || className === 'TimeDistributed') {
    const inner = isObject(config.layer) ? config.layer : null;
    if (!inner || typeof inner.class_name !== 'string') return null;
    const rest = kerasSubPath(inner.class_name, isObject(inner.config) ? inner.config : {}, side);
    if (rest === null) return null;
    return `${className === 'Bidirectional' ? `${side}_layer` : 'layer'}/${rest}`;
  }
  return '';
}
