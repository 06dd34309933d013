/**
 * Architecture changes people make, each with the links a careful person would draw. Every scenario checks
 * the exact links (source, confidence, transforms), the plan's statuses, and that no `sure` link is wrong.
 */
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../formats/registry';
import { fixtureSources } from '../formats/tf-bundle/fixtures.test-util';
import type { TensorInfo } from '../model/checkpoint';
import type { TargetModel } from '../model/target-model';
import { parseRuleArg } from './match/rules';
import { emptyRecipe, type Link, type Recipe } from './recipe';
import { denseTarget, model, run, tensor, templateOf, variable } from './mapping.test-util';

type Want = Record<string, [from: string | null, confidence?: Link['confidence'], ops?: string]>;

/** Checks links against the truth: every expected link present, nothing else linked, and no sure link wrong. */
function check(old: TensorInfo[], target: TargetModel, want: Want, recipe?: Recipe) {
  const r = run(old, target, recipe);
  const got: Want = {};
  for (const l of r.links) got[l.to] = [l.from.join('+'), l.confidence, l.transforms.map((t) => t.op).join(',')];
  const expected: Want = {};
  for (const [to, [from, conf, ops]] of Object.entries(want)) if (from !== null) expected[to] = [from, conf, ops ?? ''];
  expect(got).toEqual(expected);
  for (const l of r.links) if (l.confidence === 'sure') expect(want[l.to]?.[0]).toBe(l.from[0]);
  return r;
}

const statuses = (r: ReturnType<typeof run>) => Object.fromEntries(r.plan.entries.map((e) => [e.to, e.status]));
const keras = (layer: string, i: number, o: number) => [tensor(`${layer}/kernel`, [i, o]), tensor(`${layer}/bias`, [o])];

describe('the four cases of modifying a graph', () => {
  it('remove a layer with weights (Keras renumbers the layers after it)', () => {
    const old = [...keras('dense', 8, 64), ...keras('dense_1', 64, 64), ...keras('dense_2', 64, 1)];
    const r = check(old, denseTarget([['dense', 8, 64], ['dense_1', 64, 1]]), {
      'dense/kernel': ['dense/kernel', 'sure'],
      'dense/bias': ['dense/bias', 'sure'],
      'dense_1/kernel': ['dense_2/kernel', 'likely'],
      'dense_1/bias': ['dense_2/bias', 'likely'],
    });
    expect(Object.values(statuses(r))).toEqual(['exact', 'exact', 'exact', 'exact']);
    expect(r.plan.unused).toEqual(['dense_1/kernel', 'dense_1/bias']);
  });

  it('remove only non-trainable state (optimizer slots, counters)', () => {
    const weights = [...keras('dense', 4, 3)];
    const old = [...weights, tensor('dense/kernel/Adam', [4, 3]), tensor('dense/kernel/Adam_1', [4, 3]), tensor('beta1_power', []), tensor('global_step', [], { dtype: 'int64' })];
    const r = check(old, templateOf(weights), { 'dense/kernel': ['dense/kernel', 'sure'], 'dense/bias': ['dense/bias', 'sure'] });
    expect(r.plan.summary).toMatchObject({ exact: 2, unused: 0, excluded: 4 });
  });

  it('add layers without weights and change activations: every variable stays exact', () => {
    const old = [...keras('dense', 8, 16), ...keras('dense_1', 16, 1)];
    const r = check(old, denseTarget([['dense', 8, 16], ['dense_1', 16, 1]]), {
      'dense/kernel': ['dense/kernel', 'sure'], 'dense/bias': ['dense/bias', 'sure'],
      'dense_1/kernel': ['dense_1/kernel', 'sure'], 'dense_1/bias': ['dense_1/bias', 'sure'],
    });
    expect(r.plan.summary).toMatchObject({ exact: 4, initialised: 0, unused: 0 });
  });

  it('add a layer with weights: its variables initialised, all others exact', () => {
    const old = [...keras('dense', 8, 16), ...keras('dense_1', 16, 4)];
    const r = check(old, denseTarget([['dense', 8, 16], ['dense_1', 16, 4], ['dense_2', 4, 1]]), {
      'dense/kernel': ['dense/kernel', 'sure'], 'dense/bias': ['dense/bias', 'sure'],
      'dense_1/kernel': ['dense_1/kernel', 'sure'], 'dense_1/bias': ['dense_1/bias', 'sure'],
    });
    expect(statuses(r)).toEqual({ 'dense/kernel': 'exact', 'dense/bias': 'exact', 'dense_1/kernel': 'exact', 'dense_1/bias': 'exact', 'dense_2/kernel': 'initialised', 'dense_2/bias': 'initialised' });
  });
});

describe('renames', () => {
  const old = [tensor('old_scope/proj/kernel', [8, 4]), tensor('old_scope/proj/bias', [4]), tensor('head/w', [4, 2])];
  const target = templateOf([tensor('new_scope/proj/kernel', [8, 4]), tensor('new_scope/proj/bias', [4]), tensor('head/w', [4, 2])]);

  it('a renamed scope with a prefix rule: sure, with the rule in the reason', () => {
    const r = check(old, target, {
      'new_scope/proj/kernel': ['old_scope/proj/kernel', 'sure'], 'new_scope/proj/bias': ['old_scope/proj/bias', 'sure'], 'head/w': ['head/w', 'sure'],
    }, emptyRecipe({ rules: [parseRuleArg('old_scope/=new_scope/')] }));
    expect(r.links[0]!.reason).toBe('same name after rule `old_scope/`→`new_scope/`');
  });

  it('a renamed scope without a rule: found by structure, likely', () => {
    const r = check(old, target, {
      'new_scope/proj/kernel': ['old_scope/proj/kernel', 'likely'], 'new_scope/proj/bias': ['old_scope/proj/bias', 'likely'], 'head/w': ['head/w', 'sure'],
    });
    expect(r.plan.summary).toMatchObject({ exact: 3 });
  });

  it('TF1 Variable_N names → Keras names, by layer order and shape', () => {
    const old = [tensor('Variable', [8, 16]), tensor('Variable_1', [16]), tensor('Variable_2', [16, 1]), tensor('Variable_3', [1]), tensor('Variable/Adam', [8, 16]), tensor('beta1_power', [])];
    const r = check(old, denseTarget([['dense', 8, 16], ['dense_1', 16, 1]]), {
      'dense/kernel': ['Variable', 'likely'], 'dense/bias': ['Variable_1', 'likely'], 'dense_1/kernel': ['Variable_2', 'likely'], 'dense_1/bias': ['Variable_3', 'likely'],
    });
    expect(r.links[2]!.reason).toBe('2nd layer with weights on both sides, same shape');
    expect(r.plan.summary).toMatchObject({ exact: 4, unused: 0 });
  });

  it('TF2 layer_with_weights-N (real checkpoint) → Keras model JSON names', async () => {
    const ckpt = await openCheckpoint(fixtureSources('tf2-keras-saveweights-nighthawks'));
    const lw = (i: number, w: string) => `layer_with_weights-${i}/${w}/.ATTRIBUTES/VARIABLE_VALUE`;
    const r = check(ckpt.tensors, denseTarget([['dense', 784, 512], ['dense_1', 512, 10]]), {
      'dense/kernel': [lw(0, 'kernel'), 'likely'], 'dense/bias': [lw(0, 'bias'), 'likely'], 'dense_1/kernel': [lw(1, 'kernel'), 'likely'], 'dense_1/bias': [lw(1, 'bias'), 'likely'],
    });
    expect(r.plan.summary).toMatchObject({ exact: 4, unused: 0, excluded: 1 });
    // The object graph's original names (dense_4, dense_5) match a model that kept them: sure.
    check(ckpt.tensors, denseTarget([['dense_4', 784, 512], ['dense_5', 512, 10]]), {
      'dense_4/kernel': [lw(0, 'kernel'), 'sure'], 'dense_4/bias': [lw(0, 'bias'), 'sure'], 'dense_5/kernel': [lw(1, 'kernel'), 'sure'], 'dense_5/bias': [lw(1, 'bias'), 'sure'],
    });
  });

  it('Keras 3 .weights.h5 names and Keras 1 names onto model JSON names', () => {
    const k3 = [tensor('layers/dense/vars/0', [12, 64]), tensor('layers/dense/vars/1', [64]), tensor('optimizer/vars/0', [], { dtype: 'int64', kind: 'optimizer' })];
    check(k3, denseTarget([['dense', 12, 64]]), { 'dense/kernel': ['layers/dense/vars/0', 'sure'], 'dense/bias': ['layers/dense/vars/1', 'sure'] });
    const k1 = [tensor('dense_1/dense_1_W', [18, 20]), tensor('dense_1/dense_1_b', [20])];
    check(k1, denseTarget([['dense_1', 18, 20]]), { 'dense_1/kernel': ['dense_1/dense_1_W', 'sure'], 'dense_1/bias': ['dense_1/dense_1_b', 'sure'] });
  });
});

describe('shape changes', () => {
  it('a widened layer: pad on the layer and on the next layer’s input dimension', () => {
    const old = [...keras('dense', 8, 64), ...keras('dense_1', 64, 1)];
    const r = check(old, denseTarget([['dense', 8, 128], ['dense_1', 128, 1]]), {
      'dense/kernel': ['dense/kernel', 'likely', 'pad'], 'dense/bias': ['dense/bias', 'likely', 'pad'],
      'dense_1/kernel': ['dense_1/kernel', 'likely', 'pad'], 'dense_1/bias': ['dense_1/bias', 'sure'],
    });
    const by = new Map(r.links.map((l) => [l.to, l]));
    expect(by.get('dense/kernel')!.transforms).toEqual([{ op: 'pad', axis: 1, before: 0, after: 64, fill: 'initializer' }]);
    expect(by.get('dense_1/kernel')!.transforms).toEqual([{ op: 'pad', axis: 0, before: 0, after: 64, fill: 'zeros' }]);
    expect(statuses(r)).toEqual({ 'dense/kernel': 'transformed', 'dense/bias': 'transformed', 'dense_1/kernel': 'transformed', 'dense_1/bias': 'exact' });
  });

  it('a shrunk classifier head: keep the first classes', () => {
    const old = [tensor('backbone/kernel', [32, 512]), tensor('backbone/bias', [512]), tensor('classifier/kernel', [512, 10]), tensor('classifier/bias', [10])];
    const target = templateOf([tensor('backbone/kernel', [32, 512]), tensor('backbone/bias', [512]), tensor('classifier/kernel', [512, 5]), tensor('classifier/bias', [5])]);
    const r = check(old, target, {
      'backbone/kernel': ['backbone/kernel', 'sure'], 'backbone/bias': ['backbone/bias', 'sure'],
      'classifier/kernel': ['classifier/kernel', 'likely', 'slice'], 'classifier/bias': ['classifier/bias', 'likely', 'slice'],
    });
    expect(r.byTo.get('classifier/kernel')!.transforms).toEqual([{ op: 'slice', axis: 1, start: 0, size: 5 }]);
    expect(r.plan.summary).toMatchObject({ exact: 2, transformed: 2 });
  });

  it('conv filters grown 3×3 → 5×5: zero-padded around the centre', () => {
    const conv = (name: string, k: number, i: number, o: number, cls = 'Conv2D') => [
      variable(`${name}/kernel`, [k, k, i, o], { layer: name, layerClass: cls, weightIndex: 0 }),
      variable(`${name}/bias`, [o], { layer: name, layerClass: cls, weightIndex: 1 }),
    ];
    const old = [tensor('conv2d/kernel', [3, 3, 3, 16]), tensor('conv2d/bias', [16]), tensor('conv2d_1/kernel', [3, 3, 16, 32]), tensor('conv2d_1/bias', [32])];
    const r = check(old, model([...conv('conv2d', 5, 3, 16), ...conv('conv2d_1', 3, 16, 32)]), {
      'conv2d/kernel': ['conv2d/kernel', 'likely', 'pad,pad'], 'conv2d/bias': ['conv2d/bias', 'sure'],
      'conv2d_1/kernel': ['conv2d_1/kernel', 'sure'], 'conv2d_1/bias': ['conv2d_1/bias', 'sure'],
    });
    expect(r.byTo.get('conv2d/kernel')!.transforms).toEqual([
      { op: 'pad', axis: 0, before: 1, after: 1, fill: 'zeros' },
      { op: 'pad', axis: 1, before: 1, after: 1, fill: 'zeros' },
    ]);
    expect(r.plan.entries[0]!.steps.map((s) => s.shape)).toEqual([[5, 3, 3, 16], [5, 5, 3, 16]]);
  });

  it('a layer inserted in the middle (Keras renumbers the ones after it)', () => {
    const old = [...keras('dense', 8, 64), ...keras('dense_1', 64, 1)];
    const r = check(old, denseTarget([['dense', 8, 64], ['dense_1', 64, 64], ['dense_2', 64, 1]]), {
      'dense/kernel': ['dense/kernel', 'sure'], 'dense/bias': ['dense/bias', 'sure'],
      'dense_2/kernel': ['dense_1/kernel', 'likely'], 'dense_2/bias': ['dense_1/bias', 'likely'],
    });
    expect(r.byTo.get('dense_2/kernel')!.reason).toBe('old 2nd ↔ new 3rd layer with weights (a layer was inserted before it), same shape');
    expect(statuses(r)).toMatchObject({ 'dense_1/kernel': 'initialised', 'dense_1/bias': 'initialised', 'dense_2/kernel': 'exact' });
  });

  it('PyTorch-layout kernels → TF layout: transposed', () => {
    const old = [tensor('fc1.weight', [64, 8]), tensor('fc1.bias', [64]), tensor('conv.weight', [32, 16, 3, 3]), tensor('conv.bias', [32])];
    const target = templateOf([tensor('fc1/kernel', [8, 64]), tensor('fc1/bias', [64]), tensor('conv/kernel', [3, 3, 16, 32]), tensor('conv/bias', [32])]);
    const r = check(old, target, {
      'fc1/kernel': ['fc1.weight', 'likely', 'transpose'], 'fc1/bias': ['fc1.bias', 'sure'],
      'conv/kernel': ['conv.weight', 'likely', 'transpose'], 'conv/bias': ['conv.bias', 'sure'],
    });
    expect(r.byTo.get('conv/kernel')!.transforms).toEqual([{ op: 'transpose', perm: [2, 3, 1, 0] }]);
    expect(r.plan.summary).toMatchObject({ exact: 2, transformed: 2 });
  });
});

describe('real checkpoints of different architecture (tf1-saver-houseprices)', () => {
  it('model_longtrain (8-100-100-1000-1) → model (8-100-5-5-10-1)', async () => {
    const files = fixtureSources('tf1-saver-houseprices');
    const oldC = await openCheckpoint(files, 'model_longtrain.ckpt');
    const newC = await openCheckpoint(files, 'model.ckpt');
    const r = check(oldC.tensors, templateOf(newC.tensors), {
      Variable: ['Variable', 'sure'],
      Variable_1: ['Variable_1', 'sure'],
      // Hidden layers 100→100→1000 became 100→5→5→10: which old layer feeds which is a guess.
      Variable_2: ['Variable_2', 'guess', 'slice'],
      Variable_3: ['Variable_3', 'guess', 'slice'],
      Variable_4: ['Variable_4', 'guess', 'slice,slice'],
      Variable_5: ['Variable_5', 'guess', 'slice'],
      // The output layer and the scalars after it are forced by the structure; keeping 10 of the output kernel's
      // 1000 rows drops 99% of it, so that link is only proposed (a guess), never applied by default.
      Variable_8: ['Variable_6', 'guess', 'slice'],
      Variable_9: ['Variable_7', 'likely'],
      Variable_10: ['Variable_8', 'likely'],
      Variable_11: ['Variable_9', 'likely'],
    });
    expect(r.plan.summary).toMatchObject({ exact: 5, transformed: 0, pending: 5, unused: 5, excluded: 22 });
  });
});
