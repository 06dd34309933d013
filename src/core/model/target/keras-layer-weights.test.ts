import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TFJS_LACKS, inLayerTable } from './keras-layer-weights';
import { buildTarget } from './index';

interface TrueVariable {
  key: string;
  alsoKeys?: string[];
  path: string;
  shape: number[];
  dtype: string;
  trainable: boolean;
  trackable: string | null;
}

const HERE = path.dirname(new URL(import.meta.url).pathname);
// Written by testdata/make-keras-layers.py with Keras 3.15.1: every weighted layer class of keras.layers.
const truth = JSON.parse(readFileSync(path.join(HERE, 'testdata', 'keras-layers.json'), 'utf8')) as {
  keras_version: string;
  models: { name: string; config: unknown; variables: TrueVariable[] }[];
};

describe(`the new model is built with exactly the variables Keras ${truth.keras_version} creates`, () => {
  for (const m of truth.models) {
    it(m.name, async () => {
      const t = await buildTarget({ text: JSON.stringify(m.config), fileName: `${m.name}.json` });
      expect(t.warnings.filter((w) => /could not be built/.test(w))).toEqual([]);
      const got = t.variables.map((v) => ({ key: v.kerasPath, path: v.kerasName, shape: v.shape, dtype: v.dtype, trainable: v.trainable, trackable: v.trackablePath ?? null }));
      const want = m.variables.map((v) => ({ key: v.key, path: v.path, shape: v.shape, dtype: v.dtype, trainable: v.trainable, trackable: v.trackable }));
      expect(got).toEqual(want);
    });
  }

  it('TFJS_LACKS lists exactly the table classes TensorFlow.js does not implement', () => {
    const tfjs = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const c of TFJS_LACKS) {
      expect(c in tfjs, c).toBe(false);
      expect(inLayerTable(c), c).toBe(true);
    }
    const classes = new Set(truth.models.flatMap((m) => JSON.stringify(m.config).match(/"class_name":\s*"[A-Za-z0-9]+"/g) ?? []).map((s) => s.split('"')[3]!));
    for (const c of classes) if (inLayerTable(c) && !(c in tfjs)) expect(TFJS_LACKS, c).toContain(c);
  });

  it('a tf.keras (Keras 2) MultiHeadAttention whose value comes as a keyword reads its key/value shape from it', async () => {
    const input = (name: string, shape: number[]) => ({ class_name: 'InputLayer', name, config: { batch_input_shape: [null, ...shape], name }, inbound_nodes: [] });
    const config = {
      class_name: 'Functional',
      config: {
        name: 'm',
        layers: [input('q', [5, 4]), input('v', [6, 3]), { class_name: 'MultiHeadAttention', name: 'mha', config: { name: 'mha', num_heads: 2, key_dim: 3 }, inbound_nodes: [[['q', 0, 0, { value: ['v', 0, 0] }]]] }],
        input_layers: [['q', 0, 0], ['v', 0, 0]],
        output_layers: [['mha', 0, 0]],
      },
      keras_version: '2.15.0',
    };
    const t = await buildTarget({ text: JSON.stringify(config), fileName: 'k2.json' });
    expect(t.variables.map((v) => [v.name, v.shape])).toEqual([
      ['mha/query/kernel', [4, 2, 3]], ['mha/query/bias', [2, 3]], ['mha/key/kernel', [3, 2, 3]], ['mha/key/bias', [2, 3]],
      ['mha/value/kernel', [3, 2, 3]], ['mha/value/bias', [2, 3]], ['mha/attention_output/kernel', [2, 3, 4]], ['mha/attention_output/bias', [4]],
    ]);
  });

  it('covers the classes TensorFlow.js lacks', () => {
    const classes = new Set(truth.models.flatMap((m) => JSON.stringify(m.config).match(/"class_name":\s*"[A-Za-z0-9]+"/g) ?? []).map((s) => s.split('"')[3]));
    for (const c of ['MultiHeadAttention', 'GroupQueryAttention', 'EinsumDense', 'GroupNormalization', 'RMSNormalization', 'Normalization', 'SpectralNormalization', 'ConvLSTM3D']) {
      expect(classes).toContain(c);
    }
  });
});
