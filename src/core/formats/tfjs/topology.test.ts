import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MemoryFolder } from '../../io/output';
import { GraftError } from '../../errors';
import type { TargetModel } from '../../model/target-model';
import { buildTarget } from '../../model/target/build';
import { createWriter } from '../writers';
import { memoryHandler } from './memory-handler.test-util';
import { TFJS_KERAS_VERSION, isKeras3Config, tfjsTopology } from './topology';

interface Recorded {
  name: string;
  model: unknown;
  weights: { name: string; shape: number[]; values: number[] }[];
  inputs: { shape: number[]; dtype: string; values: number[] }[];
  outputs: { shape: number[]; values: number[] }[];
}

const here = (...p: string[]) => join(__dirname, ...p);
const targetData = (f: string) => readFileSync(here('../../model/target/testdata', f), 'utf8');
const recorded = JSON.parse(readFileSync(here('testdata/keras3-recorded.json'), 'utf8')) as Recorded[];

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

/** Writes `target` as TF.js through createWriter, each variable from `values`, and loads it with tf.loadLayersModel. */
async function writeAndLoad(target: TargetModel, values: (name: string, count: number) => number[]) {
  const out = new MemoryFolder();
  const w = await createWriter('tfjs', { out, target, name: 'model', modelTopology: target.topology });
  for (const v of target.variables) {
    const count = v.shape.reduce((a, b) => a * b, 1);
    const vals = values(v.name, count);
    // The models here hold float32 and float16 variables; float16 ones get float16 bits.
    const bytes = v.dtype === 'float16' ? new Uint8Array(Uint16Array.from(vals, () => 0x3c00).buffer) : f32(vals);
    await w.add({ name: v.name, dtype: v.dtype, shape: v.shape, bytes });
  }
  await w.finish();
  const model = await tf.loadLayersModel(memoryHandler(out.files, 'model.json'));
  return { model, notes: w.notes ?? [], json: JSON.parse(new TextDecoder().decode(out.files.get('model.json')!)) as Record<string, unknown> };
}

describe('Keras 3 model configs written as the topology TF.js reads', () => {
  it('has the recorded models', () => expect(recorded.length).toBeGreaterThanOrEqual(2));
  for (const rec of recorded) {
    it(`${rec.name}: loads in tf.loadLayersModel and predicts what Keras 3 predicted`, async () => {
      const target = await buildTarget({ text: JSON.stringify(rec.model), fileName: `${rec.name}.json` });
      const byName = new Map(rec.weights.map((w) => [w.name, w]));
      expect(target.variables.map((v) => v.name).sort()).toEqual([...byName.keys()].sort());
      const { model, notes, json } = await writeAndLoad(target, (name) => byName.get(name)!.values);
      expect(json.modelTopology).toMatchObject({ keras_version: TFJS_KERAS_VERSION, backend: 'tensor_flow.js' });
      expect(notes.some((n) => n.includes('Keras 2 form'))).toBe(true);
      const xs = rec.inputs.map((x) => tf.tensor(x.values, x.shape, x.dtype.startsWith('int') ? 'int32' : 'float32'));
      const ys = model.predict(xs.length === 1 ? xs[0]! : xs);
      const list = Array.isArray(ys) ? ys : [ys];
      expect(list).toHaveLength(rec.outputs.length);
      for (const [i, o] of rec.outputs.entries()) {
        expect(list[i]!.shape).toEqual(o.shape);
        const got = Array.from(list[i]!.dataSync());
        for (const [j, v] of o.values.entries()) expect(Math.abs(got[j]! - v), `output ${i}[${j}]`).toBeLessThan(1e-5);
      }
      model.dispose();
    });
  }

  it('keras3-nested.json: the nested Sequential loads (its node index shifted), weights by name, and computes dense(dense(x))', async () => {
    const target = await buildTarget({ text: targetData('keras3-nested.json'), fileName: 'keras3-nested.json' });
    const vals = (name: string, count: number) => Array.from({ length: count }, (_, i) => Math.sin(i + name.length) / 2);
    const { model } = await writeAndLoad(target, vals);
    const x = [[1, -2, 0.5, 3, 0, -1]];
    const dense = (input: number[][], layer: string, units: number) => {
      const k = vals(`${layer}/kernel`, input[0]!.length * units);
      const b = vals(`${layer}/bias`, units);
      return input.map((row) => b.map((bj, j) => row.reduce((s, xi, i) => s + xi * k[i * units + j]!, bj)));
    };
    const want = dense(dense(x, 'inner_dense', 4), 'outer_dense', 2)[0]!;
    const got = Array.from((model.predict(tf.tensor2d(x)) as tf.Tensor).dataSync());
    for (const [j, v] of want.entries()) expect(got[j]).toBeCloseTo(v, 5);
    model.dispose();
  });

  it('keras3-sequential.json: loads strictly (every manifest weight is one the model has), the float16 layer as float32', async () => {
    const target = await buildTarget({ text: targetData('keras3-sequential.json'), fileName: 'keras3-sequential.json' });
    const { model, notes } = await writeAndLoad(target, (_, count) => Array.from({ length: count }, (_, i) => (i % 7) / 10));
    expect(model.getLayer('d16').getWeights()[0]!.dataSync()[0]).toBe(1); // float16 0x3c00
    expect(notes.some((n) => /d16\/kernel.*float16/.test(n))).toBe(true);
    expect((model.predict(tf.zeros([2, 8, 8, 3])) as tf.Tensor).shape).toEqual([2, 5]);
    model.dispose();
  });

  it('keras3-functional.json: its GRU (reset_after=True) is refused by name, as TF.js computes only reset_after=False', () => {
    const json = JSON.parse(targetData('keras3-functional.json')) as unknown;
    expect(() => tfjsTopology(json, 'model.json')).toThrow(GraftError);
    expect(() => tfjsTopology(json, 'model.json')).toThrow(/layer gru \(GRU\) has reset_after=True/);
  });

  it('refuses what TF.js would compute differently: an activation it lacks, a tensor keyword argument', () => {
    const seq = JSON.parse(targetData('keras3-nested.json')) as { config: { layers: { config: Record<string, unknown>; inbound_nodes: unknown[] }[] } };
    const hard = structuredClone(seq);
    hard.config.layers[2]!.config.activation = 'hard_sigmoid';
    expect(() => tfjsTopology(hard, 'm.json')).toThrow(/outer_dense \(Dense\) has activation hard_sigmoid has no TF.js equivalent/);
    const kw = structuredClone(seq);
    const node = kw.config.layers[2]!.inbound_nodes[0] as { args: unknown[]; kwargs: Record<string, unknown> };
    node.kwargs = { mask: node.args[0] };
    expect(() => tfjsTopology(kw, 'm.json')).toThrow(/outer_dense is called with the tensor argument mask/);
  });

  it('per layer: Keras 3 names and objects become the ones TF.js reads (LeakyReLU slope, L2, MaxNorm, silu, policies)', () => {
    const k3 = (class_name: string, config: Record<string, unknown>) => ({ module: 'keras.layers', class_name, config, registered_name: null });
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'mixed_bfloat16' }, registered_name: null };
    const model = k3('Sequential', {
      name: 's',
      layers: [
        k3('InputLayer', { batch_shape: [null, 3], dtype: 'int64', name: 'in' }),
        k3('Dense', {
          name: 'd', units: 2, activation: 'silu', dtype: policy,
          kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
          kernel_constraint: { module: 'keras.constraints', class_name: 'MaxNorm', config: { max_value: 2, axis: 0 }, registered_name: null },
        }),
        k3('LeakyReLU', { name: 'lr', negative_slope: 0.1 }),
      ],
    });
    const out = tfjsTopology(model, 'm.json').topology as { model_config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } };
    const [input, dense, leaky] = out.model_config.config.layers;
    expect(input).toEqual({ class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'int32', name: 'in' } });
    expect(dense!.config).toMatchObject({
      activation: 'swish', dtype: 'float32',
      kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } },
      kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } },
    });
    expect(leaky!.config).toEqual({ name: 'lr', alpha: 0.1 });
    const causal = k3('Sequential', { name: 's', layers: [k3('InputLayer', { batch_shape: [null, 5, 1], name: 'in' }), k3('Conv1D', { name: 'c', filters: 2, kernel_size: [3], padding: 'causal' })] });
    expect(() => tfjsTopology(causal, 'm.json')).toThrow(/layer c \(Conv1D\) has padding='causal'/);
  });

  it('Keras 2 and TF.js topologies are written as they are', () => {
    const keras2 = {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3], dtype: 'float32', activation: 'relu' } }] },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    };
    expect(isKeras3Config(keras2)).toBe(false);
    expect(tfjsTopology(keras2, 'm.json')).toEqual({ topology: keras2, notes: [] });
    const wrapped = { keras_version: '2.4.0', backend: 'tensorflow', model_config: keras2 };
    expect(tfjsTopology(wrapped, 'm.json').topology).toBe(wrapped);
    expect(isKeras3Config(JSON.parse(targetData('keras3-sequential.json')))).toBe(true);
  });
});
