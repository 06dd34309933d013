/**
 * Generators for the parsers that take documents rather than files: model JSON (lists, Keras Sequential and
 * Functional configs, deep nesting, huge and negative shapes), recipes (links with transform chains, rename rules
 * including catastrophic regular expressions), and the cases the Python generator is run on (hostile names, dtypes,
 * paths).
 */
import type { Rng } from './rng';

const DTYPES = ['float32', 'float16', 'bfloat16', 'float64', 'int8', 'int32', 'int64', 'uint8', 'bool', 'string', 'complex64'];
const HUGE = [0, 1, 3, 1e6, 1e8, 2 ** 31, 2 ** 32, 2 ** 53, 1e12, -1, -5, 1.5, 1e308];

/** Names a person would never type but a file may carry: quotes, newlines, triple quotes, backslashes, code. */
export const HOSTILE_NAMES = [
  'dense/kernel', 'a"b', "a'b", "'''graftpwn'''", '"""\ngraftpwn()\n"""', 'x"); graftpwn("', "x'); graftpwn('", 'line\ngraftpwn = 1',
  '\\', 'C:\\Users\\graftpwn\\m', '{graftpwn}', '%s%d', '__import__("os").system("graftpwn")', '\u2028graftpwn', '\r\ngraftpwn()',
  '#graftpwn', 'é/ß/✓', 'constructor', '__proto__', 'toString', '', ' ', 'a'.repeat(300),
];

function dim(rng: Rng): number {
  return rng.chance(0.85) ? rng.range(1, 8) : rng.pick(HUGE);
}

function shape(rng: Rng): number[] {
  return Array.from({ length: rng.int(4) }, () => dim(rng));
}

function initializer(rng: Rng): unknown {
  const name = rng.pick(['GlorotUniform', 'Zeros', 'Ones', 'RandomNormal', 'TruncatedNormal', 'Constant', 'Orthogonal', 'VarianceScaling', 'Identity', 'HeNormal', 'Nonsense', 'constructor', '__proto__', 'toString', 'glorot_uniform']);
  const config: Record<string, unknown> = rng.chance(0.5) ? {} : { seed: rng.pick([null, 0, -1, 2 ** 40]), value: rng.pick([0, 1, 1e308, 'x']), mean: 0, stddev: rng.pick([1, -1, 0]), scale: rng.pick([1, 0, -2]), mode: rng.pick(['fan_in', 'fan_avg', 'bogus']), distribution: rng.pick(['uniform', 'truncated_normal', 'bogus']), gain: 1 };
  return { class_name: name, config };
}

function listModel(rng: Rng): unknown {
  return Array.from({ length: rng.range(1, 6) }, () => ({
    name: rng.chance(0.8) ? `layer${rng.int(5)}/w${rng.int(3)}` : rng.pick(HOSTILE_NAMES),
    shape: shape(rng),
    ...(rng.chance(0.7) ? { dtype: rng.pick(DTYPES) } : {}),
    ...(rng.chance(0.3) ? { initializer: initializer(rng) } : {}),
  }));
}

const LAYERS = ['Dense', 'Conv2D', 'Conv1D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'LayerNormalization', 'Embedding', 'LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'TimeDistributed', 'Flatten', 'Dropout', 'Activation', 'Conv2DTranspose', 'MultiHeadAttention', 'Bogus'];

function layer(rng: Rng, i: number, depth: number): Record<string, unknown> {
  const cls = depth > 0 && rng.chance(0.3) ? 'Sequential' : rng.pick(LAYERS);
  const config: Record<string, unknown> = {
    name: rng.chance(0.9) ? `${cls.toLowerCase()}_${i}` : rng.pick(HOSTILE_NAMES),
    trainable: true,
    dtype: rng.chance(0.9) ? 'float32' : rng.pick(DTYPES),
    units: dim(rng), filters: dim(rng), kernel_size: rng.chance(0.8) ? [dim(rng), dim(rng)] : dim(rng), input_dim: dim(rng), output_dim: dim(rng),
    num_heads: dim(rng), key_dim: dim(rng), axis: rng.pick([-1, 1, 3, 100, [1, 2]]), depth_multiplier: dim(rng),
    use_bias: rng.chance(0.8), kernel_initializer: initializer(rng), bias_initializer: initializer(rng),
  };
  if (i === 0) config.batch_input_shape = [null, ...Array.from({ length: rng.range(1, 3) }, () => dim(rng))];
  if (cls === 'Bidirectional' || cls === 'TimeDistributed') config.layer = layer(rng, i + 1, depth + 1);
  if (cls === 'Sequential') config.layers = Array.from({ length: rng.range(1, 3) }, (_, j) => layer(rng, j, depth + 1));
  return { class_name: cls, config };
}

function kerasModel(rng: Rng): unknown {
  const layers = Array.from({ length: rng.range(1, 6) }, (_, i) => layer(rng, i, 0));
  if (rng.chance(0.5)) return { class_name: 'Sequential', config: { name: 'sequential', layers }, keras_version: rng.pick(['2.15.0', '3.5.0']), backend: 'tensorflow' };
  const names = layers.map((l) => (l.config as { name: string }).name);
  const named = layers.map((l, i) => ({ ...l, name: names[i], inbound_nodes: i === 0 ? [] : [[[rng.pick(names), rng.int(3), rng.int(3), {}]]] }));
  const input = { class_name: 'InputLayer', name: 'input', config: { batch_input_shape: [null, dim(rng)], name: 'input' }, inbound_nodes: [] };
  return { class_name: rng.pick(['Functional', 'Model']), config: { name: 'model', layers: [input, ...named], input_layers: [['input', 0, 0]], output_layers: [[names[names.length - 1], 0, 0]] } };
}

/** Nesting far past any real model, as text (a chain of Sequential models, or Bidirectional wrappers). */
function deepModel(rng: Rng): string {
  const depth = rng.pick([50, 500, 5000]);
  const open = rng.chance(0.5) ? '{"class_name":"Sequential","config":{"name":"s","layers":[' : '{"class_name":"Bidirectional","config":{"name":"b","layer":';
  const close = open.includes('layers') ? ']}}' : '}}';
  const leaf = '{"class_name":"Dense","config":{"name":"d","units":2,"batch_input_shape":[null,2]}}';
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/** A model JSON document (text). */
export function generateModelJson(rng: Rng): string {
  const r = rng.int(10);
  if (r < 4) return JSON.stringify(listModel(rng));
  if (r < 8) {
    const model = kerasModel(rng);
    return JSON.stringify(rng.chance(0.3) ? { format: 'layers-model', modelTopology: { model_config: model, keras_version: '2.15.0' }, weightsManifest: [] } : model);
  }
  return deepModel(rng);
}

const CATASTROPHIC = ['^([a-z_/0-9]+)+!$', '(a|a)*b', '(.*)*x$', '^(\\w+\\s?)*$', '(x+x+)+y', '((a+)+)+$', '([^/]+/?)+!'];

export interface Side {
  names: string[];
  shapes: number[][];
}

function transform(rng: Rng): Record<string, unknown> {
  const d = () => (rng.chance(0.8) ? rng.range(0, 8) : rng.pick([1e6, 1e9, 1e12, 2 ** 31, 2 ** 53]));
  const axis = () => rng.range(0, 4);
  const ops: (() => Record<string, unknown>)[] = [
    () => ({ op: 'reshape', shape: Array.from({ length: rng.range(0, 4) }, d) }),
    () => ({ op: 'transpose', perm: rng.chance(0.7) ? [1, 0] : Array.from({ length: rng.range(0, 5) }, axis) }),
    () => ({ op: 'squeeze', axis: axis() }),
    () => ({ op: 'expand', axis: axis() }),
    () => ({ op: 'pad', axis: axis(), before: d(), after: d(), fill: rng.pick(['zeros', 'initializer', 'mean', 'copy']) }),
    () => ({ op: 'slice', axis: axis(), start: d(), size: d() }),
    () => ({ op: 'resize', method: rng.pick(['bilinear', 'bicubic']), shape: Array.from({ length: rng.range(1, 3) }, d) }),
    () => ({ op: 'cast', dtype: rng.pick(DTYPES) }),
    () => ({ op: 'concat', axis: axis() }),
    () => ({ op: 'stack', axis: axis() }),
    () => ({ op: 'split', axis: axis(), sizes: Array.from({ length: rng.range(1, 3) }, d), index: rng.range(0, 3) }),
  ];
  return rng.pick(ops)();
}

/** A recipe document (as a value) over the names of an old and a new side. */
export function generateRecipe(rng: Rng, old: Side, target: Side): Record<string, unknown> {
  const name = (s: Side) => (s.names.length && rng.chance(0.9) ? rng.pick(s.names) : rng.pick(HOSTILE_NAMES));
  const links = Array.from({ length: rng.range(0, 6) }, () => ({
    from: Array.from({ length: rng.chance(0.8) ? 1 : rng.range(0, 3) }, () => name(old)),
    to: name(target),
    transforms: Array.from({ length: rng.chance(0.3) ? 0 : rng.range(1, 4) }, () => transform(rng)),
    ...(rng.chance(0.2) ? { confidence: rng.pick(['sure', 'likely', 'guess']), accepted: rng.chance(0.5) } : {}),
  }));
  const rules = Array.from({ length: rng.chance(0.5) ? 0 : rng.range(1, 3) }, () =>
    rng.chance(0.4)
      ? { kind: 'prefix', from: rng.pick(['bert/', 'dense', 'a', '/', rng.pick(HOSTILE_NAMES)]) || 'x', to: rng.pick(['', 'new/', '$1', rng.pick(HOSTILE_NAMES)]) }
      : { kind: 'regex', from: rng.chance(0.5) ? rng.pick(CATASTROPHIC) : rng.pick(['^bert/(.*)$', '(.*)/kernel', '^(\\w+)/(\\w+)$', '.*']), to: rng.pick(['$1', 'x/$1/$2', '$0$0$0$0', '']) },
  );
  return { version: rng.chance(0.95) ? 1 : rng.pick([0, 2, -1, 'x']), links, rules, fill: rng.pick(['initializer', 'zeros', 'template']), filters: { includeOptimizer: rng.chance(0.3) }, seed: rng.pick([0, 1, 42, 2 ** 31, -5]) };
}

/** What the Python generator is run on: a checkpoint's tensors, the new model's variables, the paths shown, a recipe. */
export interface PythonCase {
  old: { name: string; dtype: string; shape: number[] }[];
  target: { name: string; dtype: string; shape: number[] }[];
  format: string;
  oldPath: string;
  newPath: string;
  outPath: string;
  links: { from: string; to: string; transpose: boolean }[];
  /** A Keras model JSON for the new model instead of `target`: hostile layer names and initializer configs. */
  kerasTarget?: string;
}

function hostileKerasModel(rng: Rng): string {
  const init = () => ({
    class_name: rng.pick(['RandomNormal', 'Constant', 'TruncatedNormal', 'GlorotUniform', 'Zeros', rng.pick(HOSTILE_NAMES)]),
    config: { seed: rng.pick([null, 1, rng.pick(HOSTILE_NAMES)]), value: rng.pick([0.5, rng.pick(HOSTILE_NAMES)]), mean: 0, stddev: 0.05, mode: rng.pick(['fan_in', rng.pick(HOSTILE_NAMES)]) },
  });
  const layers = Array.from({ length: rng.range(1, 3) }, (_, i) => ({
    class_name: 'Dense',
    config: { name: rng.chance(0.7) ? rng.pick(HOSTILE_NAMES) || `d${i}` : `d${i}`, units: rng.range(1, 3), use_bias: true, kernel_initializer: init(), bias_initializer: init(), ...(i === 0 && { batch_input_shape: [null, 2] }) },
  }));
  return JSON.stringify({ class_name: 'Sequential', config: { name: rng.pick(HOSTILE_NAMES) || 'seq', layers }, keras_version: '2.15.0' });
}

export function generatePythonCase(rng: Rng): PythonCase {
  const tensor = () => ({ name: rng.chance(0.5) ? rng.pick(HOSTILE_NAMES) || 'x' : `l${rng.int(4)}/w${rng.int(3)}`, dtype: rng.pick(['float32', 'float32', 'float16', 'int64', 'bfloat16']), shape: [rng.range(1, 3), rng.range(1, 3)] });
  const old = Array.from({ length: rng.range(1, 5) }, tensor);
  const target = Array.from({ length: rng.range(1, 5) }, tensor);
  const path = () => rng.pick(['old.ckpt', 'C:\\Users\\me\\model.ckpt', 'dir\\"""\\x', "it's/a'''path", 'a\nb/graftpwn()', '/tmp/\\x00\\u1234', 'ok/path']);
  return {
    old, target,
    format: rng.pick(['tf', 'tfjs', 'keras', 'keras-legacy', 'safetensors', 'pytorch']),
    oldPath: path(), newPath: path(), outPath: path(),
    links: Array.from({ length: rng.range(0, 4) }, () => ({ from: rng.pick(old).name, to: rng.pick(target).name, transpose: rng.chance(0.3) })),
    ...(rng.chance(0.4) && { kerasTarget: hostileKerasModel(rng) }),
  };
}
