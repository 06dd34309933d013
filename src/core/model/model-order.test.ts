import { describe, expect, it } from 'vitest';
import { modelOrder, modelOrderOf, readablePath, readablePaths, rememberModelOrder } from './model-order';

const t = (name: string, shape: number[] = [2], extra: Record<string, unknown> = {}) => ({ name, shape, ...extra });

describe('model order', () => {
  it('keeps a model JSON or state_dict in its listed order', () => {
    const vars = [t('b/kernel'), t('a/kernel')];
    expect(modelOrder(vars, 'keras-json')).toEqual([0, 1]);
    expect(modelOrder(vars, 'pytorch')).toEqual([0, 1]);
  });

  it('orders sorted checkpoint keys by the model: numbers as numbers, a layer’s weights in Keras order', () => {
    const keys = ['bert/encoder/layer_10/output/dense/bias', 'bert/encoder/layer_10/output/dense/kernel', 'bert/encoder/layer_2/output/LayerNorm/beta',
      'bert/encoder/layer_2/output/LayerNorm/gamma', 'bn/beta', 'bn/gamma', 'bn/moving_mean', 'bn/moving_variance', 'conv1/BatchNorm/beta', 'conv1/bias', 'conv1/kernel'];
    const order = modelOrder(keys.map((k) => t(k)), 'tf-bundle').map((i) => keys[i]);
    expect(order).toEqual(['bert/encoder/layer_2/output/LayerNorm/gamma', 'bert/encoder/layer_2/output/LayerNorm/beta', 'bert/encoder/layer_10/output/dense/kernel',
      'bert/encoder/layer_10/output/dense/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'conv1/kernel', 'conv1/bias', 'conv1/BatchNorm/beta']);
  });

  it('orders a TF2 object-based checkpoint by its object paths and reads it by the names the variables were created under', () => {
    // As TF 2.21 / Keras 3 writes them (tf.train.Checkpoint(model=…)): keys sorted, `_operations/<i>` in model order.
    const vars = [
      t('model/_operations/10/_kernel/.ATTRIBUTES/VARIABLE_VALUE', [8, 1], { path: 'model/_operations/10/_kernel', originalName: 'head/kernel' }),
      t('model/_operations/2/beta/.ATTRIBUTES/VARIABLE_VALUE', [16], { path: 'model/_operations/2/beta', originalName: 'encoder_bn/beta' }),
      t('model/_operations/2/gamma/.ATTRIBUTES/VARIABLE_VALUE', [16], { path: 'model/_operations/2/gamma', originalName: 'encoder_bn/gamma' }),
      t('model/_operations/3/bias/.ATTRIBUTES/VARIABLE_VALUE', [8], { path: 'model/_operations/3/bias', originalName: 'hidden/bias' }),
      t('model/_operations/3/_kernel/.ATTRIBUTES/VARIABLE_VALUE', [16, 8], { path: 'model/_operations/3/_kernel', originalName: 'hidden/kernel' }),
    ];
    const names = modelOrder(vars, 'tf-bundle').map((i) => readablePath(vars[i]!).join('/'));
    expect(names).toEqual(['encoder_bn/gamma', 'encoder_bn/beta', 'hidden/kernel', 'hidden/bias', 'head/kernel']);
    // Without an original name, the object path, never VARIABLE_VALUE.
    expect(readablePath(t('layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE', [2, 2], { path: 'layer_with_weights-0/kernel' }))).toEqual(['layer_with_weights-0', 'kernel']);
  });

  it('names Keras 3 `vars/<i>` leaves by the layer class, or by shape where it cannot be anything else', () => {
    expect(readablePath(t('layers/dense/vars/1', [4], { layerClass: 'Dense' }))).toEqual(['dense', 'bias']);
    const pair = [t('layers/dense/vars/0', [3, 4]), t('layers/dense/vars/1', [4])];
    const bn = [0, 1, 2, 3].map((i) => t(`layers/batch_normalization/vars/${i}`, [4]));
    const odd = [t('layers/embedding/vars/0', [10, 4])];
    expect(readablePaths([...pair, ...bn, ...odd])).toEqual([
      ['dense', 'kernel'], ['dense', 'bias'],
      ['batch_normalization', 'gamma'], ['batch_normalization', 'beta'], ['batch_normalization', 'moving_mean'], ['batch_normalization', 'moving_variance'],
      ['embedding', 'weight 0'],
    ]);
    // Keras 2 HDF5: the layer written twice and `:0` dropped.
    expect(readablePath(t('model_weights/dense/dense/kernel:0'))).toEqual(['dense', 'kernel']);
  });

  it('reads the dots of a PyTorch or safetensors key as scopes, so a large checkpoint opens as a tree', () => {
    expect(readablePath(t('model.layers.0.mlp.experts.7.up_proj.weight'))).toEqual(['model', 'layers', '0', 'mlp', 'experts', '7', 'up_proj', 'weight']);
    expect(readablePath(t('lm_head.weight'))).toEqual(['lm_head', 'weight']);
    // A slash-scoped key keeps its dots inside segments.
    expect(readablePath(t('encoder/layer.norm/gamma'))).toEqual(['encoder', 'layer.norm', 'gamma']);
  });
});

describe('modelOrderOf', () => {
  it('orders a list once per format, and reads an order remembered for it instead of sorting', () => {
    const vars = ['b/kernel', 'a/bias', 'a/kernel'].map((name) => ({ name, shape: [1] }));
    const once = modelOrderOf(vars, 'safetensors');
    expect(once).toEqual(modelOrder(vars, 'safetensors'));
    expect(modelOrderOf(vars, 'safetensors')).toBe(once);
    const other = [...vars];
    rememberModelOrder(other, 'safetensors', [2, 1, 0]);
    expect(modelOrderOf(other, 'safetensors')).toEqual([2, 1, 0]);
    expect(modelOrderOf(other, 'keras-json')).toEqual([0, 1, 2]);
  });
});
