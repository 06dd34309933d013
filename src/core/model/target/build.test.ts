import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../../errors';
import { decodeNumbers } from '../numbers';
import type { TargetModel } from '../target-model';
import { buildTarget, detectModelJson } from './index';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const fixture = (p: string) => readFileSync(path.join(FIXTURES, p), 'utf8');
const testdata = (p: string) => readFileSync(path.join(HERE, 'testdata', p), 'utf8');

const build = (text: string, fileName = 'model.json') => buildTarget({ text, fileName });

const listing = (t: TargetModel) => t.variables.map((v) => ({ name: v.name, shape: v.shape, dtype: v.dtype }));

function manifestOf(text: string) {
  const json = JSON.parse(text) as { weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[] };
  return json.weightsManifest.flatMap((g) => g.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })));
}

const byName = <T extends { name: string }>(a: T[]) => [...a].sort((x, y) => x.name.localeCompare(y.name));

describe('new model from the real fixtures', () => {
  it('keras3-weights-h5-diabetes/model.json matches the weights stored beside it (layer, weightIndex)', async () => {
    const t = await build(fixture('keras3-weights-h5-diabetes/model.json'));
    expect(t.source).toBe('keras-json');
    expect(t.warnings).toEqual([]);
    const expected = fixture('keras3-weights-h5-diabetes/expected.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; shape: number[]; dtype: string })
      .filter((e) => e.name.startsWith('layers/'));
    expect(t.variables).toHaveLength(expected.length);
    for (const e of expected) {
      const [, layer, , index] = e.name.split('/');
      const v = t.variables.find((x) => x.layer === layer && x.weightIndex === Number(index));
      expect(v, e.name).toBeDefined();
      expect(v!.shape).toEqual(e.shape);
      expect(v!.dtype).toBe(e.dtype);
      expect(v!.kerasPath).toBe(e.name);
    }
    expect(t.variables.map((v) => v.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    expect(t.variables[0]).toMatchObject({
      layerClass: 'Dense', trainable: true, kind: 'weight', group: 'dense', byteLength: 8 * 12 * 4,
      initializer: { kind: 'keras', className: 'GlorotUniform' },
    });
    expect(t.variables[1]!.initializer).toMatchObject({ className: 'Zeros' });
  });

  for (const file of ['tfjs-layers-adamshannag/model/model.json', 'tfjs-e2e-testdata/layers_model/model.json']) {
    it(`${file}: the topology builds exactly the weights manifest`, async () => {
      const text = fixture(file);
      const t = await build(text, file);
      expect(t.source).toBe('tfjs-layers');
      expect(t.warnings).toEqual([]);
      expect(byName(listing(t))).toEqual(byName(manifestOf(text)));
    });
  }

  it('tfjs-e2e layers model: Embedding and GRU with their initializers, Keras order', async () => {
    const t = await build(fixture('tfjs-e2e-testdata/layers_model/model.json'));
    const get = (n: string) => t.variables.find((v) => v.name === n)!;
    expect(get('embedding_Embedding2/embeddings')).toMatchObject({ layerClass: 'Embedding', weightIndex: 0, initializer: { className: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } } });
    expect(get('gru_GRU1/kernel')).toMatchObject({ layerClass: 'GRU', weightIndex: 0, kerasPath: 'layers/gru/cell/vars/0', initializer: { className: 'VarianceScaling' } });
    expect(get('gru_GRU1/recurrent_kernel')).toMatchObject({ weightIndex: 1, initializer: { className: 'Orthogonal' } });
    expect(get('gru_GRU1/bias')).toMatchObject({ weightIndex: 2, shape: [12] });
    const emb = decodeNumbers(await t.defaultValue('embedding_Embedding2/embeddings', 1), 'float32', { shape: [100, 20] });
    expect(Math.max(...emb)).toBeLessThanOrEqual(0.05);
    expect(Math.min(...emb)).toBeGreaterThanOrEqual(-0.05);
  });

  it('tfjs-e2e graph model: variables from the manifest, zeros with a note', async () => {
    const t = await build(fixture('tfjs-e2e-testdata/graph_model/model.json'));
    expect(t.source).toBe('tfjs-graph');
    expect(listing(t)).toEqual([{ name: 'w', shape: [2, 2], dtype: 'float32' }]);
    expect(t.variables[0]!.initializer).toEqual({ kind: 'zeros' });
    expect(t.warnings.join(' ')).toMatch(/no initializers/);
    expect([...(await t.defaultValue('w', 1))]).toEqual(new Array(16).fill(0));
  });
});

describe('Keras 3 model JSON written by Keras 3.15', () => {
  const keys = JSON.parse(testdata('keras3-weights-h5.json')) as Record<string, [string, number[], string][]>;

  for (const name of ['keras3-functional', 'keras3-sequential', 'keras3-nested']) {
    it(`${name}: every variable's kerasPath, shape and dtype are the keys Keras wrote in its .weights.h5`, async () => {
      const t = await build(testdata(`${name}.json`), `${name}.json`);
      expect(t.warnings).toEqual([]);
      const got = t.variables.map((v) => [v.kerasPath, v.shape, v.dtype]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(got).toEqual([...keys[name]!].sort((a, b) => a[0].localeCompare(b[0])));
    });
  }

  it('functional: Bidirectional LSTM, LayerNormalization, frozen BatchNormalization, GRU reset_after, shared layer', async () => {
    const t = await build(testdata('keras3-functional.json'));
    const get = (n: string) => t.variables.find((v) => v.name === n)!;
    expect(t.variables.map((v) => v.name)).toContain('bilstm/forward_lstm/kernel');
    expect(t.variables.map((v) => v.name)).toContain('bilstm/backward_lstm/recurrent_kernel');
    expect(get('bilstm/forward_lstm/bias').initializer).toMatchObject({ className: 'UnitForgetBias', config: { units: 8 } });
    const bias = decodeNumbers(await t.defaultValue('bilstm/forward_lstm/bias', 3), 'float32', { shape: [32] });
    expect([...bias]).toEqual([...new Array(8).fill(0), ...new Array(8).fill(1), ...new Array(16).fill(0)]);
    expect(get('bn/moving_mean')).toMatchObject({ trainable: false, weightIndex: 2, kerasPath: 'layers/batch_normalization/vars/2' });
    expect(get('bn/gamma')).toMatchObject({ trainable: false, weightIndex: 0 });
    expect(get('gru/bias').shape).toEqual([2, 12]);
    expect(get('shared/kernel').shape).toEqual([11, 3]);
    expect(get('head/kernel').initializer).toMatchObject({ className: 'Orthogonal', config: { gain: 2 } });
    expect([...decodeNumbers(await t.defaultValue('head/bias', 0), 'float32', { shape: [2] })].map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.1, 0.1]);
    expect(get('side/kernel').initializer).toMatchObject({ className: 'HeNormal' });
    expect(get('ln/gamma')).toMatchObject({ layerClass: 'LayerNormalization', weightIndex: 0, initializer: { className: 'Ones' } });
  });

  it('LayerNormalization with rms_scaling has no beta, as in Keras 3', async () => {
    const json = JSON.parse(testdata('keras3-functional.json')) as { config: { layers: { config: Record<string, unknown> }[] } };
    json.config.layers.find((l) => l.config.name === 'ln')!.config.rms_scaling = true;
    const t = await build(JSON.stringify(json));
    expect(t.variables.filter((v) => v.name.startsWith('ln/')).map((v) => v.name)).toEqual(['ln/gamma']);
  });

  it('a float16 dtype policy gives float16 variables and float16 default bytes', async () => {
    const t = await build(testdata('keras3-sequential.json'));
    const k = t.variables.find((v) => v.name === 'd16/kernel')!;
    expect(k).toMatchObject({ dtype: 'float16', byteLength: 144 * 5 * 2 });
    const bytes = await t.defaultValue('d16/kernel', 11);
    expect(bytes.byteLength).toBe(144 * 5 * 2);
    const values = decodeNumbers(bytes, 'float16', { shape: [144, 5] });
    const limit = Math.sqrt(6 / 149);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(limit * 1.001);
    expect(new Set(values).size).toBeGreaterThan(500);
  });
});

const KERAS2_CONV = {
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false, ragged: false, name: 'conv2d_input' } },
      {
        class_name: 'Conv2D',
        config: {
          name: 'conv2d', trainable: true, dtype: 'float32', filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'valid',
          data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true,
          kernel_initializer: { class_name: 'HeNormal', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } }, bias_regularizer: null, activity_regularizer: null,
          kernel_constraint: null, bias_constraint: null,
        },
      },
      {
        class_name: 'BatchNormalization',
        config: {
          name: 'batch_normalization', trainable: true, dtype: 'float32', axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true,
          beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
          moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
          beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
        },
      },
      { class_name: 'MaxPooling2D', config: { name: 'max_pooling2d', trainable: true, dtype: 'float32', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' } },
      { class_name: 'Flatten', config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' } },
      {
        class_name: 'Dense',
        config: {
          name: 'dense', trainable: true, dtype: 'float32', units: 10, activation: 'softmax', use_bias: true,
          kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
          kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
        },
      },
    ],
  },
  keras_version: '2.9.0',
  backend: 'tensorflow',
};

describe('Keras 2 model JSON', () => {
  it('builds Sequential Conv2D + BatchNormalization + Dense as Keras 2.x writes it', async () => {
    const t = await build(JSON.stringify(KERAS2_CONV), 'cnn.json');
    expect(t.source).toBe('keras-json');
    expect(t.warnings).toEqual([]);
    expect(t.variables.map((v) => [v.name, v.shape, v.trainable, v.weightIndex])).toEqual([
      ['conv2d/kernel', [3, 3, 1, 8], true, 0],
      ['conv2d/bias', [8], true, 1],
      ['batch_normalization/gamma', [8], true, 0],
      ['batch_normalization/beta', [8], true, 1],
      ['batch_normalization/moving_mean', [8], false, 2],
      ['batch_normalization/moving_variance', [8], false, 3],
      ['dense/kernel', [13 * 13 * 8, 10], true, 0],
      ['dense/bias', [10], true, 1],
    ]);
    const mv = decodeNumbers(await t.defaultValue('batch_normalization/moving_variance', 1), 'float32', { shape: [8] });
    expect([...mv]).toEqual(new Array(8).fill(1));
    const k = decodeNumbers(await t.defaultValue('conv2d/kernel', 1), 'float32', { shape: [3, 3, 1, 8] });
    expect(k.length).toBe(72);
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual((2 * Math.sqrt(2 / 9)) / 0.87962566103423978);
  });

  it('a Keras 2 functional model: inbound nodes, a residual Add, a shared layer called twice, Keras default initializers', async () => {
    const dense = (name: string, units: number, inbound: string[][]) => ({
      class_name: 'Dense', name, config: { name, units, use_bias: true, trainable: true, dtype: 'float32' },
      inbound_nodes: inbound.map((node) => node.map((n) => [n, 0, 0, {}])),
    });
    const json = {
      class_name: 'Functional',
      config: {
        name: 'model',
        layers: [
          { class_name: 'InputLayer', name: 'input_1', config: { batch_input_shape: [null, 16], dtype: 'float32', name: 'input_1' }, inbound_nodes: [] },
          dense('proj', 16, [['input_1']]),
          { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [[['proj', 0, 0, {}], ['input_1', 0, 0, {}]]] },
          { ...dense('shared', 4, [['add']]), inbound_nodes: [[['add', 0, 0, {}]], [['proj', 0, 0, {}]]] },
          { class_name: 'Concatenate', name: 'cat', config: { name: 'cat', axis: -1 }, inbound_nodes: [[['shared', 0, 0, {}], ['shared', 1, 0, {}]]] },
          dense('out', 2, [['cat']]),
        ],
        input_layers: [['input_1', 0, 0]],
        output_layers: [['out', 0, 0]],
      },
      keras_version: '2.11.0',
    };
    const t = await build(JSON.stringify(json));
    expect(t.warnings).toEqual([]);
    expect(t.variables.map((v) => [v.name, v.shape])).toEqual([
      ['proj/kernel', [16, 16]], ['proj/bias', [16]], ['shared/kernel', [16, 4]], ['shared/bias', [4]], ['out/kernel', [8, 2]], ['out/bias', [2]],
    ]);
    expect(t.variables[0]!.initializer).toEqual({ kind: 'keras', className: 'GlorotUniform', config: {} }); // Keras' default, not tfjs' GlorotNormal
    expect(t.variables.map((v) => v.kerasPath)).toEqual([
      'layers/dense/vars/0', 'layers/dense/vars/1', 'layers/dense_1/vars/0', 'layers/dense_1/vars/1', 'layers/dense_2/vars/0', 'layers/dense_2/vars/1',
    ]);
  });

  it('the same recipe seed gives the same bytes; other names and seeds give others', async () => {
    const t = await build(JSON.stringify(KERAS2_CONV));
    const a = await t.defaultValue('dense/kernel', 7);
    expect(await t.defaultValue('dense/kernel', 7)).toEqual(a);
    expect(await t.defaultValue('dense/kernel', 8)).not.toEqual(a);
    const other = await build(JSON.stringify(KERAS2_CONV));
    expect(await other.defaultValue('dense/kernel', 7)).toEqual(a);
    await expect(t.defaultValue('nope', 1)).rejects.toThrow(GraftError);
  });

  it('a Keras 2.0 Sequential whose config is the bare list of layers', async () => {
    const json = { class_name: 'Sequential', config: KERAS2_CONV.config.layers.slice(1).map((l, i) => (i === 0 ? { ...l, config: { ...l.config, batch_input_shape: [null, 28, 28, 1] } } : l)) };
    const t = await build(JSON.stringify(json));
    expect(t.variables).toHaveLength(8);
  });

  it('a layer tfjs cannot build is a warning naming it; the rest still builds', async () => {
    const layers = [...KERAS2_CONV.config.layers];
    layers.splice(3, 0, { class_name: 'MyAttention', config: { name: 'my_attention', units: 4 } } as never);
    const t = await build(JSON.stringify({ ...KERAS2_CONV, config: { ...KERAS2_CONV.config, layers } }));
    expect(t.warnings[0]).toMatch(/my_attention \(MyAttention\).*MyAttention is neither a Keras layer Graft knows nor a TensorFlow.js layer/);
    expect(t.variables.map((v) => v.name)).toContain('conv2d/kernel');
    expect(t.variables.map((v) => v.name)).toContain('batch_normalization/moving_mean');
    // Keras 2 records no shapes after it: the Dense layer cannot be shaped, and says why.
    expect(t.warnings.join('\n')).toMatch(/dense \(Dense\) could not be built: its input comes from layer my_attention/);
  });

  it('an unknown layer in a TF.js model.json: its variables come from the weights manifest', async () => {
    const text = fixture('tfjs-layers-adamshannag/model/model.json');
    const json = JSON.parse(text) as { modelTopology: { model_config: { config: { layers: { class_name: string }[] } } } };
    json.modelTopology.model_config.config.layers[2]!.class_name = 'FancyDense';
    const t = await build(JSON.stringify(json), 'model.json');
    expect(t.warnings[0]).toMatch(/dense_1 \(FancyDense\)/);
    expect(byName(listing(t))).toEqual(byName(manifestOf(text)));
    const k = t.variables.find((v) => v.name === 'dense_1/kernel')!;
    expect(k).toMatchObject({ layer: 'dense_1', layerClass: 'FancyDense', weightIndex: 0, initializer: { className: 'GlorotUniform' } });
    expect(t.variables.find((v) => v.name === 'dense_2/kernel')!.initializer).toMatchObject({ className: 'GlorotUniform' });
  });

  it('an unknown layer in a Keras 3 functional JSON: later layers still build from the recorded shapes', async () => {
    const json = JSON.parse(testdata('keras3-functional.json')) as { config: { layers: { class_name: string; config: { name: string } }[] } };
    json.config.layers.find((l) => l.config.name === 'ln')!.class_name = 'RMSNormalization2';
    const t = await build(JSON.stringify(json));
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/ln \(RMSNormalization2\)/);
    expect(t.variables.find((v) => v.name === 'conv/kernel')!.shape).toEqual([3, 16, 6]);
    expect(t.variables.some((v) => v.name.startsWith('ln/'))).toBe(false);
  });
});

describe('other inputs and errors', () => {
  it('a plain list of variables: zeros, dtype float32 by default', async () => {
    const t = await build(JSON.stringify([{ name: 'a/w', shape: [2, 3] }, { name: 'step', shape: [], dtype: 'int64' }]), 'vars.json');
    expect(t.source).toBe('list');
    expect(t.variables.map((v) => [v.name, v.dtype, v.byteLength])).toEqual([['a/w', 'float32', 24], ['step', 'int64', 8]]);
    expect([...(await t.defaultValue('a/w', 1))]).toEqual(new Array(24).fill(0));
  });

  it('malformed JSON is a GraftError naming the file with line and column', async () => {
    const err = await build('{\n  "class_name": "Sequential",\n  "config": {"layers": [}\n}', 'broken.json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraftError);
    expect((err as GraftError).file).toBe('broken.json');
    expect((err as GraftError).message).toMatch(/^broken\.json: is not valid JSON at line 3, column 25 \(found "}"\)/);
  });

  it('JSON that is no model, a Keras 1 config, a bad list are GraftErrors', async () => {
    await expect(build('{"hello": 1}', 'x.json')).rejects.toThrow(/x\.json: is JSON but not a model/);
    const keras1 = { class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'dense_1', output_dim: 4, init: 'glorot_uniform', input_dim: 3 } }] };
    await expect(build(JSON.stringify(keras1), 'k1.json')).rejects.toThrow(/Keras 1/);
    await expect(build('[{"name": "a", "shape": [-1]}]', 'l.json')).rejects.toThrow(/l\.json: variable a has shape/);
    await expect(build('[{"name": "a", "shape": [1], "dtype": "float7"}]', 'l.json')).rejects.toThrow(/float7/);
    await expect(build('', 'e.json')).rejects.toThrow(/e\.json: the file is empty/);
  });

  it('Python NaN in a config does not stop the build', async () => {
    const text = JSON.stringify(KERAS2_CONV).replace('"momentum":0.99', '"momentum": NaN');
    expect((await build(text)).variables).toHaveLength(8);
  });

  it('allocates no tensors', async () => {
    const before = tf.memory().numTensors;
    await build(testdata('keras3-functional.json'));
    await build(fixture('tfjs-e2e-testdata/layers_model/model.json'));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('detectModelJson', () => {
  it('tells the kinds apart and never throws', () => {
    expect(detectModelJson(fixture('tfjs-layers-adamshannag/model/model.json'))).toMatchObject({ kind: 'tfjs-layers', kerasVersion: '2.8.0', count: 6 });
    expect(detectModelJson(fixture('tfjs-e2e-testdata/graph_model/model.json'))).toMatchObject({ kind: 'tfjs-graph', count: 1 });
    expect(detectModelJson(fixture('keras3-weights-h5-diabetes/model.json'))).toMatchObject({ kind: 'keras-json', modelClass: 'Sequential', keras3: true });
    expect(detectModelJson(JSON.stringify(KERAS2_CONV))).toMatchObject({ kind: 'keras-json', keras3: false, kerasVersion: '2.9.0' });
    expect(detectModelJson('[{"name": "x", "shape": [1]}]')).toEqual({ kind: 'list', count: 1 });
    for (const bad of ['', '{', 'null', '[]', '{"a": 1}', '{"class_name": "Dense", "config": {}}', '[1, 2]']) expect(detectModelJson(bad)).toBeNull();
  });
});
