import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../../model/checkpoint';
import type { TargetVariable } from '../../model/target-model';
import { compile } from '../plan';
import { emptyRecipe, type Link } from '../recipe';
import { identityVariance, keepFunction, withKeepFunction } from './keep-function';

const info = (name: string, shape: number[]): TensorInfo => ({ name, shape, dtype: 'float32', byteLength: 4 * shape.reduce((a, b) => a * b, 1), kind: 'weight', group: '' });
const variable = (layer: string, cls: string, slot: string, shape: number[], weightIndex: number): TargetVariable => ({
  ...info(`${layer}/${slot}`, shape), layer, layerClass: cls, weightIndex, initializer: { kind: 'zeros' },
});
const BN = ['gamma', 'beta', 'moving_mean', 'moving_variance'];
const layerVars = (layer: string, cls: string, shapes: Record<string, number[]>) => Object.entries(shapes).map(([slot, shape], i) => variable(layer, cls, slot, shape, i));
const dense = (name: string, into: number, units: number) => layerVars(name, 'Dense', { kernel: [into, units], bias: [units] });
const conv = (name: string, into: number, filters: number) => layerVars(name, 'Conv2D', { kernel: [3, 3, into, filters], bias: [filters] });
const bn = (name: string, c: number) => layerVars(name, 'BatchNormalization', Object.fromEntries(BN.map((s) => [s, [c]])));

const sequential = (layers: [string, string, Record<string, unknown>?][]) => ({
  class_name: 'Sequential',
  config: { name: 'm', layers: layers.map(([name, cls, config]) => ({ class_name: cls, config: { name, ...config } })) },
});
/** Links old `layer/slot` → new `layer/slot` for every old variable (as the matcher links unchanged names). */
const byName = (old: TensorInfo[]): Link[] => old.map((t) => ({ from: [t.name], to: t.name, transforms: [] }));

describe('keepFunction', () => {
  // conv1 (4 → 6) → bn1 → relu → [conv_ins, bn_ins] → conv2 (5 → 7) → flatten (4×4 positions) → fc (8 → 12) → relu → [fc_ins] → out
  const old = [...conv('conv1', 3, 4), ...bn('bn1', 4), ...conv('conv2', 4, 5), ...dense('fc', 80, 8), ...dense('out', 8, 2)].map((v) => info(v.name, v.shape));
  const variables = [...conv('conv1', 3, 6), ...bn('bn1', 6), ...conv('conv_ins', 6, 6), ...bn('bn_ins', 6), ...conv('conv2', 6, 7), ...dense('fc', 112, 12), ...dense('fc_ins', 12, 12), ...dense('out', 12, 2)];
  const topology = sequential([
    ['input', 'InputLayer'], ['conv1', 'Conv2D'], ['bn1', 'BatchNormalization'], ['relu', 'ReLU'], ['conv_ins', 'Conv2D', { padding: 'same' }],
    ['bn_ins', 'BatchNormalization', { epsilon: 1e-5 }], ['conv2', 'Conv2D'], ['flat', 'Flatten'], ['fc', 'Dense', { activation: 'relu' }],
    ['fc_ins', 'Dense', { activation: 'relu' }], ['out', 'Dense'],
  ]);
  const recipe = emptyRecipe({ links: byName(old), seed: 3 });

  it('copies widened units, follows them through batch norm and Flatten, divides the readers, makes inserted layers identity', () => {
    const r = keepFunction(recipe, { tensors: old }, { variables, topology }, { mapping: 'cycle' });
    expect(r.refused).toEqual([]);
    expect(r.widened.map((w) => [w.layer, w.mapping])).toEqual([['conv1', [0, 1, 2, 3, 0, 1]], ['conv2', [0, 1, 2, 3, 4, 0, 1]], ['fc', [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3]]]);
    expect(r.deepened).toEqual(['conv_ins', 'bn_ins', 'fc_ins']);
    expect(r.notes).toEqual([expect.stringContaining('fc_ins applies relu after its identity kernel: the function is kept only where its inputs are already non-negative')]);
    const to = (name: string) => r.links.find((l) => l.to === name)?.transforms;
    const m1 = [0, 1, 2, 3, 0, 1];
    expect(to('conv1/kernel')).toEqual([{ op: 'net2wider', axis: 3, mapping: m1 }]);
    expect(to('conv1/bias')).toEqual([{ op: 'net2wider', axis: 0, mapping: m1 }]);
    for (const s of BN) expect(to(`bn1/${s}`)).toEqual([{ op: 'net2wider', axis: 0, mapping: m1 }]);
    expect(to('conv_ins/kernel')).toEqual([{ op: 'identity', shape: [3, 3, 6, 6], dtype: 'float32' }]);
    expect(to('bn_ins/moving_variance')).toEqual([{ op: 'constant', shape: [6], dtype: 'float32', value: identityVariance(1e-5) }]);
    expect(to('conv2/kernel')).toEqual([{ op: 'net2wider', axis: 3, mapping: [0, 1, 2, 3, 4, 0, 1] }, { op: 'divide-replicated', axis: 2, mapping: m1 }]);
    expect(to('fc/kernel')).toEqual([
      { op: 'net2wider', axis: 1, mapping: [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3] },
      { op: 'reshape', shape: [16, 5, 12] }, { op: 'divide-replicated', axis: 1, mapping: [0, 1, 2, 3, 4, 0, 1] }, { op: 'reshape', shape: [112, 12] },
    ]);
    expect(to('out/kernel')).toEqual([{ op: 'divide-replicated', axis: 0, mapping: [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3] }]);
    expect(to('out/bias')).toBeUndefined();
    const plan = compile(withKeepFunction(recipe, r), { tensors: old }, { variables });
    expect(plan.summary).toMatchObject({ incompatible: 0, initialised: 0, exact: 1 });
  });

  it('draws a seeded random mapping, keeps one a person wrote into the recipe, and refuses a widening that reaches the output', () => {
    const a = keepFunction(recipe, { tensors: old }, { variables, topology });
    expect(a.widened[0]!.mapping.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(a.widened[0]!.mapping.slice(4).every((u) => u >= 0 && u < 4)).toBe(true);
    expect(keepFunction(recipe, { tensors: old }, { variables, topology }).widened).toEqual(a.widened);
    const chosen = recipe.links.map((l) => (l.to === 'conv1/kernel' ? { ...l, transforms: [{ op: 'net2wider' as const, axis: 3, mapping: [0, 1, 2, 3, 3, 3] }] } : l));
    const b = keepFunction({ ...recipe, links: chosen }, { tensors: old }, { variables, topology });
    expect(b.links.find((l) => l.to === 'bn1/gamma')?.transforms).toEqual([{ op: 'net2wider', axis: 0, mapping: [0, 1, 2, 3, 3, 3] }]);

    const wideOut = [...variables.filter((v) => v.layer !== 'out'), ...dense('out', 12, 3)];
    const c = keepFunction(recipe, { tensors: old }, { variables: wideOut, topology });
    expect(c.refused).toEqual(['widened units reach the model\'s output out, which would change its shape']);
    expect(c.links.every((l) => l.from.length === 0)).toBe(true);
  });

  it('follows a residual Add (one mapping per width) and a Concatenate; refuses a layer it cannot carry copies through', () => {
    const node = (...names: string[]) => [{ args: [names.map((n) => ({ class_name: '__keras_tensor__', config: { keras_history: [n, 0, 0] } }))], kwargs: {} }];
    const layer = (name: string, cls: string, inputs: string[], config: Record<string, unknown> = {}) => ({ class_name: cls, config: { name, ...config }, inbound_nodes: inputs.length ? node(...inputs) : [] });
    const graph = (middle: string) => ({
      class_name: 'Functional',
      config: {
        name: 'f', input_layers: [['x', 0, 0]], output_layers: [['out', 0, 0]],
        layers: [layer('x', 'InputLayer', []), layer('a', 'Dense', ['x']), layer('b', 'Dense', ['x']), layer('add', 'Add', ['a', 'b']),
          layer('mid', middle, ['add']), layer('c', 'Dense', ['mid']), layer('cat', 'Concatenate', ['mid', 'c'], { axis: -1 }), layer('out', 'Dense', ['cat'])],
      },
    });
    const oldR = [...dense('a', 8, 4), ...dense('b', 8, 4), ...dense('c', 4, 2), ...dense('out', 6, 1)].map((v) => info(v.name, v.shape));
    const newR = [...dense('a', 8, 6), ...dense('b', 8, 6), ...dense('c', 6, 3), ...dense('out', 9, 1)];
    const rec = emptyRecipe({ links: byName(oldR), seed: 1 });
    const r = keepFunction(rec, { tensors: oldR }, { variables: newR, topology: graph('Dropout') });
    expect(r.refused).toEqual([]);
    const ma = r.widened.find((w) => w.layer === 'a')!.mapping;
    expect(r.widened.find((w) => w.layer === 'b')!.mapping).toEqual(ma);
    const mc = r.widened.find((w) => w.layer === 'c')!.mapping;
    expect(r.links.find((l) => l.to === 'out/kernel')?.transforms).toEqual([{ op: 'divide-replicated', axis: 0, mapping: [...ma, ...mc.map((u) => u + 4)] }]);
    expect(keepFunction(rec, { tensors: oldR }, { variables: newR, topology: graph('LayerNormalization') }).refused).toEqual([
      'mid (LayerNormalization) reads widened channels, and Graft cannot carry copied units through it',
    ]);
  });

  it('refuses a grown layer it cannot widen by copies (an Embedding)', () => {
    const oldE = [info('emb/embeddings', [10, 4]), ...dense('out', 4, 2).map((v) => info(v.name, v.shape))];
    const newE = [variable('emb', 'Embedding', 'embeddings', [10, 6], 0), ...dense('out', 6, 2)];
    const topo = sequential([['input', 'InputLayer'], ['emb', 'Embedding'], ['out', 'Dense']]);
    const r = keepFunction(emptyRecipe({ links: byName(oldE) }), { tensors: oldE }, { variables: newE, topology: topo });
    expect(r.refused).toEqual(['emb (Embedding) grew from 4 to 6, and Graft keeps the function only for widened Dense and Conv layers']);
  });

  it('an inserted conv is identity only where it keeps the spatial shape (SAME padding, stride 1)', () => {
    const oldC = [...dense('out', 4, 2)].map((v) => info(v.name, v.shape));
    const newC = [...conv('ins', 4, 4), ...dense('out', 4, 2)];
    const topo = (config: Record<string, unknown>) => sequential([['input', 'InputLayer'], ['ins', 'Conv2D', config], ['gap', 'GlobalAveragePooling2D'], ['out', 'Dense']]);
    const deepened = (config: Record<string, unknown>) => keepFunction(emptyRecipe({ links: byName(oldC) }), { tensors: oldC }, { variables: newC, topology: topo(config) }).deepened;
    expect(deepened({ padding: 'same', strides: [1, 1] })).toEqual(['ins']);
    expect(deepened({ padding: 'valid' })).toEqual([]);
    expect(deepened({ padding: 'same', strides: [2, 2] })).toEqual([]);
  });

  it('the identity variance makes variance + epsilon exactly 1 in float32', () => {
    for (const eps of [1e-3, 1e-5, 1.001e-5, 0.1]) expect(Math.fround(identityVariance(eps) + Math.fround(eps))).toBe(1);
  });
});
