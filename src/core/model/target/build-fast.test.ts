import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type BuildContext, buildModel } from './build-layers';
import { topologyModelConfig } from './detect';
import { parseModel } from './keras-config';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures');
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;

const layer = (className: string, name: string, config: Record<string, unknown>) => ({ class_name: className, config: { name, trainable: true, dtype: 'float32', ...config } });
const sequential = (name: string, inputShape: (number | null)[], layers: ReturnType<typeof layer>[]) => ({
  class_name: 'Sequential',
  config: { name, layers: [{ class_name: 'InputLayer', config: { name: `${name}_in`, batch_input_shape: [null, ...inputShape] } }, ...layers] },
});

/** Configs written by hand for the shape arithmetic: padding, strides, data formats, -1 in a reshape, list axes. */
const SYNTHETIC = [
  sequential('pools', [28, 27, 3], [
    layer('MaxPooling2D', 'p1', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }),
    layer('AveragePooling2D', 'p2', { pool_size: [2, 2], strides: null, padding: 'valid' }),
    layer('Conv2D', 'c', { filters: 4, kernel_size: [3, 3], strides: [2, 1], padding: 'valid', use_bias: false }),
    layer('BatchNormalization', 'bn', { axis: [3], center: false }),
    layer('GlobalMaxPooling2D', 'g', {}),
    layer('Reshape', 'r', { target_shape: [2, 2] }),
    layer('LayerNormalization', 'ln', { axis: [2] }),
  ]),
  sequential('first', [3, 16, 10], [
    layer('Conv2D', 'c', { filters: 5, kernel_size: 3, padding: 'same', data_format: 'channels_first' }),
    layer('MaxPooling2D', 'p', { pool_size: 2, padding: 'valid', data_format: 'channels_first' }),
    layer('BatchNormalization', 'bn', { axis: 1 }),
    layer('Dropout', 'd', { rate: 0.5 }),
    layer('Flatten', 'f', {}),
    layer('Dense', 'out', { units: 3, kernel_initializer: { class_name: 'HeNormal', config: { seed: 7 } } }),
  ]),
  sequential('seq1d', [40], [
    layer('Embedding', 'e', { input_dim: 100, output_dim: 8 }),
    layer('Conv1D', 'c1', { filters: 6, kernel_size: 5, padding: 'valid', dilation_rate: 2 }),
    layer('MaxPooling1D', 'p', { pool_size: 3, strides: 2, padding: 'valid' }),
    layer('LayerNormalization', 'ln', { axis: -1, center: false }),
    layer('GlobalAveragePooling1D', 'g', {}),
  ]),
  sequential('volume', [8, 8, 6, 2], [
    layer('Conv3D', 'c3', { filters: 2, kernel_size: [3, 3, 1], strides: 2, padding: 'same' }),
    layer('MaxPooling3D', 'p', { pool_size: [2, 2, 2], padding: 'valid' }),
    layer('Flatten', 'f', {}),
    layer('Dense', 'd', { units: 2, bias_initializer: { class_name: 'Constant', config: { value: 0.5 } } }),
  ]),
  {
    class_name: 'Functional',
    config: {
      name: 'merge',
      layers: [
        { class_name: 'InputLayer', name: 'a', config: { name: 'a', batch_input_shape: [null, 6, 4] }, inbound_nodes: [] },
        { class_name: 'Dense', name: 'd1', config: { name: 'd1', units: 4 }, inbound_nodes: [[['a', 0, 0, {}]]] },
        { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [[['a', 0, 0, {}], ['d1', 0, 0, {}]]] },
        { class_name: 'Concatenate', name: 'cat', config: { name: 'cat', axis: 1 }, inbound_nodes: [[['add', 0, 0, {}], ['d1', 0, 0, {}]]] },
        { class_name: 'Dense', name: 'd2', config: { name: 'd2', units: 2, use_bias: false }, inbound_nodes: [[['cat', 0, 0, {}]]] },
      ],
      input_layers: [['a', 0, 0]],
      output_layers: [['d2', 0, 0]],
    },
  },
];

/** Configs the fast path leaves to TF.js (where TF.js and Keras disagree), which must come out as before. */
const TO_TFJS = [
  sequential('unknown_dim', [6, 4], [layer('Reshape', 'r', { target_shape: [4, -1] }), layer('Dense', 'd', { units: 2 })]),
  sequential('causal', [9, 2], [layer('Conv1D', 'c', { filters: 2, kernel_size: 3, padding: 'causal' }), layer('Flatten', 'f', {}), layer('Dense', 'd', { units: 1 })]),
  sequential('grouped', [5, 5, 4], [layer('Conv2D', 'c', { filters: 4, kernel_size: 1, groups: 2 })]),
];

const truth = json(path.join(HERE, 'testdata', 'keras-layers.json')) as { models: { name: string; config: unknown }[] };
const CORPUS: [string, unknown][] = [
  ['the built-in example', json(path.resolve(process.cwd(), 'public/examples/new/model.json'))],
  ...['keras2-sequential', 'keras2-shuffled', 'keras3-deepnest', 'keras3-functional', 'keras3-nested', 'keras3-sequential', 'keras3-zoo'].map(
    (n): [string, unknown] => [n, json(path.join(HERE, 'testdata', `${n}.json`))],
  ),
  ...['keras3-weights-h5-diabetes/model.json', 'tfjs-layers-adamshannag/model/model.json', 'tfjs-e2e-testdata/layers_model/model.json'].map(
    (f): [string, unknown] => [f, json(path.join(FIXTURES, f))],
  ),
  ...truth.models.map((m): [string, unknown] => [`Keras 3.15 ${m.name}`, m.config]),
  ...[...SYNTHETIC, ...TO_TFJS].map((m): [string, unknown] => [`by hand: ${m.config.name}`, m]),
];

async function built(config: unknown, tfjs?: 'always'): Promise<BuildContext & { outputs: unknown }> {
  const raw = config as { modelTopology?: unknown };
  const model = parseModel(topologyModelConfig(raw.modelTopology ?? config));
  if (!model) throw new Error('no model');
  const ctx: BuildContext = { variables: [], warnings: [], failed: new Map(), ...(tfjs && { tfjs }) };
  const outputs = await buildModel(model, null, true, ctx);
  return { ...ctx, outputs };
}

describe('layers built without TF.js are the layers TF.js builds', () => {
  for (const [name, config] of CORPUS) {
    it(name, async () => {
      const [fast, tfjs] = [await built(config), await built(config, 'always')];
      expect(fast.variables).toEqual(tfjs.variables);
      expect(fast.warnings).toEqual(tfjs.warnings);
      expect([...fast.failed]).toEqual([...tfjs.failed]);
      expect(fast.outputs).toEqual(tfjs.outputs);
    });
  }
});

describe('what opens without loading TF.js', () => {
  it('the built-in example and the hand-written CNNs, MLPs and merges build with TF.js unavailable', async () => {
    vi.resetModules();
    vi.doMock('./build-tfjs', () => {
      throw new Error('TF.js was loaded');
    });
    try {
      const { buildModel: withoutTfjs } = await import('./build-layers');
      for (const config of [CORPUS[0]![1], ...SYNTHETIC]) {
        const ctx: BuildContext = { variables: [], warnings: [], failed: new Map() };
        await withoutTfjs(parseModel(topologyModelConfig(config))!, null, true, ctx);
        expect(ctx.failed.size).toBe(0);
        expect(ctx.variables.length).toBeGreaterThan(0);
      }
    } finally {
      vi.doUnmock('./build-tfjs');
      vi.resetModules();
    }
  });

  it('a layer the fast path does not cover still builds, through TF.js', async () => {
    const config = sequential('lstm', [5, 3], [layer('LSTM', 'l', { units: 2 })]);
    const ctx = await built(config);
    expect(ctx.variables.map((v) => v.name)).toEqual(['l/kernel', 'l/recurrent_kernel', 'l/bias']);
  });
});
