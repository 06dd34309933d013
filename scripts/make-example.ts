// Writes the built-in example the page opens with (public/examples/): the OLD side is a small TF1-style
// checkpoint of an image classifier (conv + batch norm + dense, Adam slots, a step counter), made with Graft's own
// TF writer; the NEW side is the changed model as a Keras model JSON: the batch norm layer renamed, the dense layer
// widened 64 → 128, and a new hidden layer inserted before the logits. Together they show the main cases at a
// glance: exact links, a renamed layer, a widened layer (pad) and a new layer (initialised). Values are seeded,
// so the files are the same on every machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DType } from '../src/core/model/dtypes';
import { writeTfBundle } from '../src/core/formats/tf-bundle';
import { autoMatch, compile } from '../src/core/mapping';
import { buildTarget } from '../src/core/model/target/index';
import { classifyVariable } from '../src/core/model/naming';

interface ExampleTensor {
  name: string;
  dtype: DType;
  shape: number[];
  bytes: Uint8Array;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(20261121);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

function float32(name: string, shape: number[], value: (i: number) => number): ExampleTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = value(i);
  return { name, dtype: 'float32', shape, bytes: new Uint8Array(values.buffer) };
}

/** Gabor-like 5×5 filters in TF's HWIO layout, one orientation per output channel: kernels that look trained. */
function gaborKernel(name: string, size: number, outChannels: number): ExampleTensor {
  return float32(name, [size, size, 1, outChannels], (i) => {
    const o = i % outChannels;
    const x = Math.floor(i / outChannels) % size - (size - 1) / 2;
    const y = Math.floor(i / outChannels / size) - (size - 1) / 2;
    const theta = (Math.PI * o) / outChannels;
    const u = x * Math.cos(theta) + y * Math.sin(theta);
    return Math.exp(-(x * x + y * y) / 4) * Math.cos(1.6 * u + (o % 2) * Math.PI / 2) * 0.4 + normal() * 0.02;
  });
}

const heNormal = (name: string, shape: number[], fanIn: number) => float32(name, shape, () => normal() * Math.sqrt(2 / fanIn));
const around = (name: string, n: number, centre: number, spread: number) => float32(name, [n], () => centre + normal() * spread);

const weights: ExampleTensor[] = [
  gaborKernel('conv1/kernel', 5, 16),
  around('conv1/bias', 16, 0, 0.05),
  around('conv1/BatchNorm/gamma', 16, 1, 0.1),
  around('conv1/BatchNorm/beta', 16, 0, 0.1),
  around('conv1/BatchNorm/moving_mean', 16, 0.2, 0.1),
  float32('conv1/BatchNorm/moving_variance', [16], () => 0.5 + rand()),
  heNormal('conv2/kernel', [3, 3, 16, 32], 3 * 3 * 16),
  around('conv2/bias', 32, 0, 0.05),
  heNormal('dense/kernel', [7 * 7 * 32, 64], 7 * 7 * 32),
  around('dense/bias', 64, 0.01, 0.05),
  heNormal('logits/kernel', [64, 10], 64),
  around('logits/bias', 10, 0, 0.1),
];

const trainable = weights.filter((t) => !t.name.includes('moving_'));
const adamSlots = trainable.flatMap((t) => [
  float32(`${t.name}/Adam`, t.shape, () => normal() * 1e-3),
  float32(`${t.name}/Adam_1`, t.shape, () => Math.abs(normal()) * 1e-6),
]);
const step = 12_000n;
const int64 = (name: string, v: bigint): ExampleTensor => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, v, true);
  return { name, dtype: 'int64', shape: [], bytes };
};

const tensors = [
  ...weights,
  ...adamSlots,
  float32('beta1_power', [], () => 0.9 ** 12_000),
  float32('beta2_power', [], () => 0.999 ** 12_000),
  int64('global_step', step),
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

const out = join('public', 'examples');
const oldDir = join(out, 'old');
mkdirSync(oldDir, { recursive: true });
const { index, shards } = writeTfBundle(tensors);
writeFileSync(join(oldDir, 'model.ckpt.index'), index);
shards.forEach((bytes, i) => writeFileSync(join(oldDir, `model.ckpt.data-${String(i).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}`), bytes));
writeFileSync(join(oldDir, 'checkpoint'), 'model_checkpoint_path: "model.ckpt"\nall_model_checkpoint_paths: "model.ckpt"\n');

/** A Keras 3 layer entry as `model.to_json()` writes it (only what Graft and TF.js read). */
const layer = (className: string, config: Record<string, unknown>) => ({ module: 'keras.layers', class_name: className, config: { trainable: true, dtype: 'float32', ...config } });
const init = (className: string) => ({ module: 'keras.initializers', class_name: className, config: { seed: null } });
const conv = (name: string, filters: number, size: number) =>
  layer('Conv2D', {
    name, filters, kernel_size: [size, size], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1,
    activation: 'relu', use_bias: true, kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros'),
  });
const dense = (name: string, units: number, activation: string) =>
  layer('Dense', { name, units, activation, use_bias: true, kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros') });
const pool = (name: string) => layer('MaxPooling2D', { name, pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' });
const newModel = {
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'classifier_v2',
    layers: [
      layer('InputLayer', { name: 'input', batch_shape: [null, 28, 28, 1] }),
      conv('conv1', 16, 5),
      // Was conv1/BatchNorm in the old code: a renamed layer.
      layer('BatchNormalization', { name: 'bn1', axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }),
      pool('pool1'),
      conv('conv2', 32, 3),
      pool('pool2'),
      layer('Flatten', { name: 'flatten', data_format: 'channels_last' }),
      // Was 64 units: widened.
      dense('dense', 128, 'relu'),
      // New: no old weights for it.
      dense('hidden', 64, 'relu'),
      dense('logits', 10, 'linear'),
    ],
  },
};
const newText = JSON.stringify(newModel, null, 1) + '\n';
mkdirSync(join(out, 'new'), { recursive: true });
writeFileSync(join(out, 'new', 'model.json'), newText);

const shardName = (i: number) => `old/model.ckpt.data-${String(i).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}`;
const files = ['old/checkpoint', 'old/model.ckpt.index', ...shards.map((_, i) => shardName(i)), 'new/model.json'];
writeFileSync(
  join(out, 'manifest.json'),
  JSON.stringify({ label: 'Example: small image classifier (TF1 checkpoint) → a changed Keras model', files }, null, 2) + '\n',
);

// What the page will show for this pair, through the same core it uses.
const target = await buildTarget({ text: newText, fileName: 'model.json' });
const old = {
  tensors: tensors.map((t) => ({ ...t, byteLength: t.bytes.byteLength, ...classifyVariable(t.name) })),
};
const matched = autoMatch(old, target);
const plan = compile(matched.recipe, old, target);
console.log(`wrote ${files.length} files to ${out}: ${tensors.length} old tensors, ${target.variables.length} new variables`);
for (const e of plan.entries) console.log(`  ${e.status.padEnd(12)} ${e.to} ← ${e.from.join(', ') || '(' + (e.pending ? `pending ${e.pending.from.join(',')}` : 'none') + ')'} ${e.confidence ?? ''}`);
console.log('  summary', plan.summary);
