/**
 * More pairs, written after the matcher was tuned on the others (a held-out check at the time: no wrong link
 * except an LSTM's gates padded at the end, since fixed). GPT-2, ResNet, HF BERT names, Keras CNNs, TF1 scopes.
 */
import { model, templateOf, tensor, variable } from '../../mapping.test-util';
import { bert, byName, carry, decoder, kerasTarget, oldAs, resnet, torchState, type Layer } from './build';
import type { Scenario } from './types';

const D = (n: string, i: number, o: number): Layer => [n, 'Dense', [i, o]];
const C = (n: string, k: number, i: number, o: number): Layer => [n, 'Conv2D', [k, i, o]];

/** GPT-2's state dict (Conv1D weights are [in, out]). */
function gpt(prefix: string, layers: number, h = 64) {
  const out = [tensor(`${prefix}wte.weight`, [500, h]), tensor(`${prefix}wpe.weight`, [128, h])];
  for (let i = 0; i < layers; i++) {
    const p = `${prefix}h.${i}.`;
    out.push(
      tensor(`${p}ln_1.weight`, [h]), tensor(`${p}ln_1.bias`, [h]), tensor(`${p}attn.c_attn.weight`, [h, 3 * h]), tensor(`${p}attn.c_attn.bias`, [3 * h]),
      tensor(`${p}attn.c_proj.weight`, [h, h]), tensor(`${p}attn.c_proj.bias`, [h]), tensor(`${p}ln_2.weight`, [h]), tensor(`${p}ln_2.bias`, [h]),
      tensor(`${p}mlp.c_fc.weight`, [h, 4 * h]), tensor(`${p}mlp.c_fc.bias`, [4 * h]), tensor(`${p}mlp.c_proj.weight`, [4 * h, h]), tensor(`${p}mlp.c_proj.bias`, [h]),
    );
  }
  return [...out, tensor(`${prefix}ln_f.weight`, [h]), tensor(`${prefix}ln_f.bias`, [h])];
}

/** HF BERT's self-attention keys only (enough to place the layers). */
function hfBert(p: string, layers: number) {
  const out = [tensor(`${p}embeddings.word_embeddings.weight`, [1000, 32])];
  for (let i = 0; i < layers; i++) {
    for (const w of ['query', 'key', 'value']) out.push(tensor(`${p}encoder.layer.${i}.attention.self.${w}.weight`, [32, 32]), tensor(`${p}encoder.layer.${i}.attention.self.${w}.bias`, [32]));
  }
  return out;
}

function lstm(units: number) {
  const v = (name: string, shape: number[], layer: string, layerClass: string, weightIndex: number) => variable(name, shape, { layer, layerClass, weightIndex });
  return [
    v('lstm/kernel', [16, 4 * units], 'lstm', 'LSTM', 0), v('lstm/recurrent_kernel', [units, 4 * units], 'lstm', 'LSTM', 1), v('lstm/bias', [4 * units], 'lstm', 'LSTM', 2),
    v('out/kernel', [units, 2], 'out', 'Dense', 0), v('out/bias', [2], 'out', 'Dense', 1),
  ];
}

function pair(name: string, note: string, old: Scenario['old'], fresh: Scenario['old'], rename?: (n: string) => string, extra: Partial<Scenario> = {}): Scenario {
  return { name, note, old, target: templateOf(fresh), truth: byName(old, fresh, rename), ...extra };
}

const resnet1000 = torchState('module.', resnet([16, 32, 64], [2, 2, 2], 1000));
const resnet10 = torchState('', resnet([16, 32, 64], [2, 2, 2], 10));
const cnnOld = oldAs('keras3', [C('conv2d', 3, 1, 16), C('conv2d_1', 3, 16, 32), D('dense', 32, 64), D('dense_1', 64, 10)]);
const cnnNew = [C('conv2d', 3, 1, 16), C('conv2d_1', 3, 16, 24), C('conv2d_2', 3, 24, 32), D('dense', 32, 64), D('dense_1', 64, 10)];
const namedOld = oldAs('keras3', [D('hidden', 10, 16), D('out', 16, 4)]);
const namedNew = [D('hidden', 10, 16), D('extra', 16, 8), D('out', 8, 4)];
const objOld = oldAs('tf2-object', [D('dense', 20, 32), D('dense_1', 32, 32), D('dense_2', 32, 16), D('dense_3', 16, 2)]);
const objNew = [D('a', 20, 32), D('b', 32, 16), D('c', 16, 2)];
const gan = (s: string, w: number) => [
  tensor(`${s}/conv1/kernel`, [3, 3, 3, w]), tensor(`${s}/conv1/bias`, [w]), tensor(`${s}/conv2/kernel`, [3, 3, w, 64]), tensor(`${s}/conv2/bias`, [64]),
  tensor(`${s}/out/kernel`, [64, 3]), tensor(`${s}/out/bias`, [3]),
];

const L = (s: string, i: number, o: number) => [tensor(`${s}/kernel`, [i, o]), tensor(`${s}/bias`, [o])];

export const MORE_SCENARIOS: Scenario[] = [
  {
    name: 'renamed-same-shape-no-order', note: 'two [8,8] layers renamed (first, second → zeta, alpha) in checkpoints with no layer order: which is which is unknowable, so neither is linked by default',
    old: [...L('first', 8, 8), ...L('second', 8, 8), ...L('head', 8, 2)], target: templateOf([...L('zeta', 8, 8), ...L('alpha', 8, 8), ...L('head', 8, 2)]),
    truth: { 'head/kernel': 'head/kernel', 'head/bias': 'head/bias' },
  },
  {
    name: 'one-of-three-renamed', note: 'one of three identical layers renamed (b → bb), checkpoints with no layer order',
    old: [...L('a', 8, 8), ...L('b', 8, 8), ...L('c', 8, 8)], target: templateOf([...L('a', 8, 8), ...L('bb', 8, 8), ...L('c', 8, 8)]),
    truth: Object.fromEntries(['a', 'bb', 'c'].flatMap((l) => ['kernel', 'bias'].map((w) => [`${l}/${w}`, `${l === 'bb' ? 'b' : l}/${w}`]))),
  },
  {
    name: 'removed-and-renamed-same-shape', note: 'of three [8,8] layers one removed and one renamed, no layer order: the renamed one cannot be told from the removed one',
    old: [...L('a', 8, 8), ...L('b', 8, 8), ...L('c', 8, 8), ...L('out', 8, 1)], target: templateOf([...L('a', 8, 8), ...L('x', 8, 8), ...L('out', 8, 1)]),
    truth: { 'a/kernel': 'a/kernel', 'a/bias': 'a/bias', 'out/kernel': 'out/kernel', 'out/bias': 'out/bias' },
  },
  pair('gpt2-distilled-12-to-6', 'GPT-2 names (transformer.h.N...), 12 → 6 layers (a distilled student takes the first six)', gpt('transformer.', 12), gpt('transformer.', 6)),
  pair('resnet-module-head-1000-to-10', 'DataParallel keys, the ImageNet head (1000 classes) replaced by a 10-class one: cutting it to a hundredth is not a default',
    resnet1000, resnet10, (x) => `module.${x}`, {
      truth: Object.fromEntries(Object.entries(byName(resnet1000, resnet10, (x) => `module.${x}`)).filter(([to]) => !to.startsWith('fc.'))),
      optional: { 'fc.weight': 'module.fc.weight', 'fc.bias': 'module.fc.bias' },
    }),
  {
    name: 'keras-cnn-conv-inserted-autonames', note: 'auto-named Keras CNN (.weights.h5), a conv inserted in the middle: later conv names shift, the dense ones do not',
    old: cnnOld.tensors, target: kerasTarget(cnnNew),
    truth: { ...carry([['conv2d', 'conv2d'], ['dense', 'dense'], ['dense_1', 'dense_1']], cnnOld.key, cnnNew), 'conv2d_2/bias': cnnOld.key('conv2d_1/bias') },
    optional: { 'conv2d_2/kernel': cnnOld.key('conv2d_1/kernel') },
  },
  pair('tf1-scope-renamed-and-widened', 'TF1 scope renamed (generator/ → gen/) and the first conv widened 32 → 48', gan('generator', 32), gan('gen', 48), (x) => x.replace('gen/', 'generator/')),
  { ...pair('unrelated-resnet-vs-decoder', 'a PyTorch ResNet against a decoder-only transformer', torchState('', resnet([16, 32], [1, 1], 10)), decoder('', 2, 32, 64, 100)), truth: {}, unrelated: true },
  {
    name: 'keras3-h5-named-insert', note: 'Keras 3 .weights.h5 with named layers, a Dense inserted: the class-position keys shift, the layer names do not',
    old: namedOld.tensors, target: kerasTarget(namedNew),
    truth: { ...carry([['hidden', 'hidden']], namedOld.key, namedNew), 'out/bias': namedOld.key('out/bias') }, optional: { 'out/kernel': namedOld.key('out/kernel') },
  },
  {
    name: 'tf2-object-layer-removed', note: 'TF2 object-based checkpoint (layer_with_weights-N), a middle layer removed, the new layers named differently',
    old: objOld.tensors, target: kerasTarget(objNew), truth: carry([['a', 'dense'], ['b', 'dense_2'], ['c', 'dense_3']], objOld.key, objNew),
  },
  pair('hf-bert-safetensors-mlm-to-classifier', 'HF BERT keys (bert.encoder.layer.N...), the MLM head dropped and a classifier added',
    [...hfBert('bert.', 4), tensor('cls.predictions.bias', [1000])], [...hfBert('bert.', 4), tensor('classifier.weight', [2, 32]), tensor('classifier.bias', [2])]),
  pair('bert-vocab-shrunk', 'the vocabulary cut 30522 → 30000 tokens (a slice keeping nearly all of it)', bert({ layers: 2, vocab: 30522 }), bert({ layers: 2, vocab: 30000 })),
  {
    name: 'lstm-units-widened', note: 'an LSTM widened 32 → 48 units: its gates are packed along the last axis, so padding its end is no link to make by default',
    old: lstm(32).map((v) => tensor(v.name, v.shape)), target: model(lstm(48)), truth: { 'out/bias': 'out/bias' }, optional: { 'out/kernel': 'out/kernel' },
  },
  pair('torch-block-appended', 'a ResNet stage gets a third block', torchState('', resnet([16, 32], [2, 2], 10)), torchState('', resnet([16, 32], [2, 3], 10))),
];
