/** Keras and TF1 models changed the ways people change them, each old side spelled as its format stores it. */
import { tensor, templateOf } from '../../mapping.test-util';
import { carry, kerasTarget, oldAs, same, weightsOf, type Layer } from './build';
import type { Scenario } from './types';

const D = (name: string, i: number, o: number): Layer => [name, 'Dense', [i, o]];
const C = (name: string, k: number, i: number, o: number): Layer => [name, 'Conv2D', [k, i, o]];
const BN = (name: string, c: number): Layer => [name, 'BatchNormalization', [c]];

/** Old layers spelled one way, new model from JSON, truth from layer pairs. */
type Extra = Partial<Scenario> & { scope?: string; only?: Record<string, string[]>; maybe?: [string, string, string[]][] };

function keras(name: string, note: string, spelling: Parameters<typeof oldAs>[0], olds: Layer[], news: Layer[], pairs: [string, string][], extra: Extra = {}): Scenario {
  const old = oldAs(spelling, olds, extra.scope);
  const truth: Record<string, string> = {};
  for (const p of pairs) Object.assign(truth, carry([p], old.key, news, extra.only?.[p[0]]));
  const optional: Record<string, string> = {};
  for (const [to, from, only] of extra.maybe ?? []) Object.assign(optional, carry([[to, from]], old.key, news, only));
  const { scope: _s, only: _o, maybe: _m, ...rest } = extra;
  return { name, note, old: old.tensors, target: kerasTarget(news), truth, ...(extra.maybe ? { optional } : {}), ...rest };
}

const mlp = [D('dense', 8, 32), D('dense_1', 32, 16), D('dense_2', 16, 4)];

export const KERAS_SCENARIOS: Scenario[] = [
  keras('keras-autonames-insert-legacy', 'auto-named Dense layers (legacy .h5), one inserted after the first: every later name shifts by one', 'legacy',
    mlp, [D('dense', 8, 32), D('dense_1', 32, 24), D('dense_2', 24, 16), D('dense_3', 16, 4)],
    [['dense', 'dense'], ['dense_2', 'dense_1'], ['dense_3', 'dense_2']], { only: { dense_2: ['bias'] }, maybe: [['dense_2', 'dense_1', ['kernel']]] }),
  keras('keras-autonames-remove-tf', 'auto-named Dense layers (TF names), the middle one removed: later names shift down', 'tf',
    [D('dense', 8, 16), D('dense_1', 16, 16), D('dense_2', 16, 4)], [D('dense', 8, 16), D('dense_1', 16, 4)],
    [['dense', 'dense'], ['dense_1', 'dense_2']]),
  keras('keras-named-insert-at-two-depths', 'named layers; a batch norm after the stem and a Dense before the head inserted', 'tf',
    [C('stem', 3, 3, 16), C('block', 3, 16, 32), D('fc', 32, 64), D('head', 64, 10)],
    [C('stem', 3, 3, 16), BN('stem_bn', 16), C('block', 3, 16, 32), D('fc', 32, 64), D('fc_extra', 64, 64), D('head', 64, 10)],
    same(['stem', 'block', 'fc', 'head'])),
  keras('keras-layer-renamed', 'one layer renamed (fc → classifier), nothing else changed', 'tf',
    [C('conv', 3, 3, 8), D('hidden', 72, 32), D('fc', 32, 5)], [C('conv', 3, 3, 8), D('hidden', 72, 32), D('classifier', 32, 5)],
    [['conv', 'conv'], ['hidden', 'hidden'], ['classifier', 'fc']]),
  keras('keras-widened-two', 'a Dense widened 64 → 96: its kernel and bias padded, the next kernel padded on its input axis', 'tf',
    [D('in', 10, 64), D('mid', 64, 32), D('out', 32, 3)], [D('in', 10, 96), D('mid', 96, 32), D('out', 32, 3)],
    same(['in', 'mid', 'out']), { chains: { 'in/kernel': 'pad axis 1 +0/+32 (initializer)', 'mid/kernel': 'pad axis 0 +0/+32 (zeros)', 'mid/bias': '' } }),
  keras('keras-conv-grown-3-to-5', 'a conv kernel grown 3×3 → 5×5 (zero-padded around its centre: the same function)', 'keras3',
    [C('conv', 3, 3, 16), C('conv_b', 3, 16, 16), D('fc', 16, 2)], [C('conv', 5, 3, 16), C('conv_b', 3, 16, 16), D('fc', 16, 2)],
    same(['conv', 'conv_b', 'fc']), { chains: { 'conv/kernel': 'pad axis 0 +1/+1 (zeros) → pad axis 1 +1/+1 (zeros)' } }),
  keras('keras-reshape-heads', 'a Dense query projection [32,32] replaced by a multi-head [32,4,8] kernel: same values, new shape', 'tf',
    [D('query', 32, 32), D('out', 32, 4)], [D('out', 32, 4)], same(['out']),
    {
      target: (() => {
        const t = kerasTarget([D('query', 32, 32), D('out', 32, 4)]);
        t.variables[0] = { ...t.variables[0]!, shape: [32, 4, 8], byteLength: 4096, layerClass: 'EinsumDense' };
        return t;
      })(),
      truth: { 'query/kernel': 'query/kernel', 'query/bias': 'query/bias', 'out/kernel': 'out/kernel', 'out/bias': 'out/bias' },
      chains: { 'query/kernel': 'reshape [32,4,8]' },
    }),
  keras('tf2-object-into-other-names', 'TF2 object-based checkpoint (layer_with_weights-N) into the same model whose layers are named differently', 'tf2-object',
    [D('dense_4', 20, 32), D('dense_5', 32, 16), D('dense_6', 16, 2)], [D('encoder', 20, 32), D('bottleneck', 32, 16), D('head', 16, 2)],
    [['encoder', 'dense_4'], ['bottleneck', 'dense_5'], ['head', 'dense_6']]),
  keras('tf2-object-layer-inserted', 'TF2 object-based checkpoint, a layer inserted in the new model (its layers named differently)', 'tf2-object',
    [D('dense', 20, 32), D('dense_1', 32, 16), D('dense_2', 16, 2)], [D('enc', 20, 32), D('enc2', 32, 48), D('mid', 48, 16), D('head', 16, 2)],
    [['enc', 'dense'], ['mid', 'dense_1'], ['head', 'dense_2']], { only: { mid: ['bias'] }, maybe: [['mid', 'dense_1', ['kernel']]] }),
  keras('keras3-object-sequential', 'Keras 3 tf.train.Checkpoint of a Sequential (_operations/N keys, original names under sequential/) into the same model', 'keras3-object',
    [C('conv', 3, 1, 8), BN('bn', 8), D('logits', 8, 10)], [C('conv', 3, 1, 8), BN('bn', 8), D('logits', 8, 10)],
    same(['conv', 'bn', 'logits']), { scope: 'sequential/' }),
  keras('keras3-h5-bn-added', 'Keras 3 .weights.h5 (class-position keys); a batch norm added, which renumbers nothing but adds a class', 'keras3',
    [D('d1', 5, 4), D('d2', 4, 2)], [D('d1', 5, 4), BN('bn', 4), D('d2', 4, 2)], same(['d1', 'd2'])),
  keras('tf1-variables-insert', 'TF1 Variable_N (creation order only) into a graph with one more layer (distinct widths)', 'tf1-variables',
    [D('a', 8, 32), D('b', 32, 16), D('c', 16, 1)], [D('a', 8, 32), D('n', 32, 24), D('b', 24, 16), D('c', 16, 1)],
    [['a', 'a'], ['b', 'b'], ['c', 'c']], {
      target: templateOf(oldAs('tf1-variables', [D('a', 8, 32), D('n', 32, 24), D('b', 24, 16), D('c', 16, 1)]).tensors),
      truth: { Variable: 'Variable', Variable_1: 'Variable_1', Variable_5: 'Variable_3', Variable_6: 'Variable_4', Variable_7: 'Variable_5' },
      optional: { Variable_4: 'Variable_2' },
    }),
  keras('tf1-variables-removed', 'TF1 Variable_N, the second layer removed: every later variable renumbered', 'tf1-variables',
    [D('a', 8, 16), D('b', 16, 16), D('c', 16, 1)], [D('a', 8, 16), D('c', 16, 1)], [], {
      target: templateOf(oldAs('tf1-variables', [D('a', 8, 16), D('c', 16, 1)]).tensors),
      truth: { Variable: 'Variable', Variable_1: 'Variable_1', Variable_2: 'Variable_4', Variable_3: 'Variable_5' },
    }),
  keras('tf1-variables-to-keras', 'TF1 Variable_N into a Keras model of the same architecture', 'tf1-variables',
    [C('c', 3, 1, 8), D('d', 8, 16), D('e', 16, 3)], [C('conv2d', 3, 1, 8), D('dense', 8, 16), D('dense_1', 16, 3)],
    [['conv2d', 'c'], ['dense', 'd'], ['dense_1', 'e']]),
  keras('tf1-scope-renamed', 'TF1 variable scopes, the first renamed (init/ → input/), no rule given', 'tf', [], [], [], {
    old: ['init', 'hidden', 'out'].flatMap((s, i) => [tensor(`${s}/w`, [[4, 6], [6, 6], [6, 2]][i]!), tensor(`${s}/b`, [[6], [6], [2]][i]!)]),
    target: templateOf(['input', 'hidden', 'out'].flatMap((s, i) => [tensor(`${s}/w`, [[4, 6], [6, 6], [6, 2]][i]!), tensor(`${s}/b`, [[6], [6], [2]][i]!)])),
    truth: { 'input/w': 'init/w', 'input/b': 'init/b', 'hidden/w': 'hidden/w', 'hidden/b': 'hidden/b', 'out/w': 'out/w', 'out/b': 'out/b' },
  }),
  keras('tf-top-scope-added', 'the new model wraps every layer in a scope (dense/kernel → encoder/dense/kernel)', 'tf',
    [D('dense', 12, 24), D('dense_1', 24, 24), D('dense_2', 24, 6)], [], [], {
      target: templateOf(weightsOf(D('dense', 12, 24)).map(([w, s]) => tensor(`encoder/dense/${w}`, s))
        .concat(weightsOf(D('dense_1', 24, 24)).map(([w, s]) => tensor(`encoder/dense_1/${w}`, s)), weightsOf(D('dense_2', 24, 6)).map(([w, s]) => tensor(`encoder/dense_2/${w}`, s)))),
      truth: Object.fromEntries(['dense', 'dense_1', 'dense_2'].flatMap((l) => ['kernel', 'bias'].map((w) => [`encoder/${l}/${w}`, `${l}/${w}`]))),
    }),
  keras('example-bn-renamed-dense-widened', 'the built-in example: batch norm renamed, dense widened 64 → 128, a hidden layer inserted before the logits', 'tf', [], [], [], {
    old: [
      tensor('conv1/kernel', [5, 5, 1, 16]), tensor('conv1/bias', [16]),
      ...['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => tensor(`conv1/BatchNorm/${w}`, [16])),
      tensor('conv2/kernel', [3, 3, 16, 32]), tensor('conv2/bias', [32]), tensor('dense/kernel', [1568, 64]), tensor('dense/bias', [64]),
      tensor('logits/kernel', [64, 10]), tensor('logits/bias', [10]),
      tensor('conv1/kernel/Adam', [5, 5, 1, 16]), tensor('beta1_power', []), tensor('global_step', [], { dtype: 'int64' }),
    ],
    target: kerasTarget([C('conv1', 5, 1, 16), BN('bn1', 16), C('conv2', 3, 16, 32), D('dense', 1568, 128), D('hidden', 128, 64), D('logits', 64, 10)]),
    truth: {
      'conv1/kernel': 'conv1/kernel', 'conv1/bias': 'conv1/bias', 'bn1/gamma': 'conv1/BatchNorm/gamma', 'bn1/beta': 'conv1/BatchNorm/beta',
      'bn1/moving_mean': 'conv1/BatchNorm/moving_mean', 'bn1/moving_variance': 'conv1/BatchNorm/moving_variance',
      'conv2/kernel': 'conv2/kernel', 'conv2/bias': 'conv2/bias', 'dense/kernel': 'dense/kernel', 'dense/bias': 'dense/bias',
      'logits/kernel': 'logits/kernel', 'logits/bias': 'logits/bias',
    },
  }),
  keras('keras-head-10-to-2', 'classes 10 → 2 on a named head: the backbone carries; cutting the head to a fifth is not a default', 'tf',
    [C('conv', 3, 3, 16), D('fc', 16, 64), D('head', 64, 10)], [C('conv', 3, 3, 16), D('fc', 16, 64), D('head', 64, 2)],
    same(['conv', 'fc']), { optional: { 'head/kernel': 'head/kernel', 'head/bias': 'head/bias' } }),
];
