/**
 * Two different models in the two slots. The right answer: no shape-changing link, nothing made by structure
 * alone, and Graft saying the models share little. A same-name, same-shape pair may still be made (optional).
 */
import { tensor, templateOf } from '../../mapping.test-util';
import { bert, byName, kerasTarget, oldAs, resnet, torchState, type Layer } from './build';
import type { Scenario } from './types';

const D = (name: string, i: number, o: number): Layer => [name, 'Dense', [i, o]];
const C = (name: string, k: number, i: number, o: number): Layer => [name, 'Conv2D', [k, i, o]];

const example = kerasTarget([C('conv1', 5, 1, 16), ['bn1', 'BatchNormalization', [16]], C('conv2', 3, 16, 32), D('dense', 1568, 128), D('hidden', 128, 64), D('logits', 64, 10)]);

function unrelated(name: string, note: string, old: Scenario['old'], target: Scenario['target']): Scenario {
  const optional = byName(old, target.variables);
  for (const [to, from] of Object.entries(optional)) {
    const a = old.find((t) => t.name === from)!.shape.join(',');
    const b = target.variables.find((v) => v.name === to)!.shape.join(',');
    if (a !== b) delete optional[to];
  }
  return { name, note, old, target, truth: {}, optional, unrelated: true };
}

export const UNRELATED_SCENARIOS: Scenario[] = [
  unrelated('unrelated-tabular-into-example', 'the issue\'s case: a tabular MLP (dense [8,20]) against the built-in example\'s new model (dense [1568,128])',
    oldAs('tf', [D('dense', 8, 20), D('dense_1', 20, 20), D('dense_2', 20, 1)]).tensors, example),
  unrelated('unrelated-two-autonamed-mlps', 'two auto-named Keras MLPs for different data: the same names, no shape in common',
    oldAs('keras3', [D('dense', 20, 64), D('dense_1', 64, 1)]).tensors, kerasTarget([D('dense', 784, 128), D('dense_1', 128, 10)])),
  unrelated('unrelated-bert-vs-cnn', 'a BERT checkpoint against a Keras CNN', bert({ layers: 2 }), example),
  unrelated('unrelated-resnet-vs-mlp', 'a PyTorch ResNet against a Keras MLP', torchState('', resnet([16, 32], [1, 1], 10)),
    kerasTarget([D('dense', 32, 64), D('dense_1', 64, 64), D('dense_2', 64, 10)])),
  unrelated('unrelated-tf1-variables-vs-cnn', 'TF1 Variable_N of a regression MLP against a CNN checkpoint used as template',
    oldAs('tf1-variables', [D('a', 8, 100), D('b', 100, 100), D('c', 100, 1)]).tensors,
    templateOf([tensor('conv/kernel', [3, 3, 3, 32]), tensor('conv/bias', [32]), tensor('fc/kernel', [32, 100]), tensor('fc/bias', [100]), tensor('out/kernel', [100, 5]), tensor('out/bias', [5])])),
];
