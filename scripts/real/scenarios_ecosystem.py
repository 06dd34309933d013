"""`npm run test:real` scenarios across ecosystems: a Keras model's trained weights onto its torch twin
(torch_models.py: TwinConvNet, TwinSeqNet, TwinAttnNet) and the torch twin's onto the Keras model. Names differ entirely and
layouts differ (Dense kernel [in,out] vs Linear weight [out,in], Conv2D HWIO vs OIHW, depthwise, LSTM/GRU gates and
biases); Graft must find the links by model order and kind. The judge is the target model's outputs: equal to the
source model's on the same inputs within 1e-5 (x.npy in Keras layout; the torch consumer turns NHWC into NCHW)."""
import numpy as np
import keras
import torch

from scenarios import Scenario, fresh, keras_variables, randomise
from scenarios_torch import numpy as state_numpy, trained
from torch_models import TwinAttnNet, TwinConvNet, TwinSeqNet

KERAS_TARGET_FORMATS = ['keras', 'tf', 'safetensors']
TORCH_TARGET_FORMATS = ['pytorch', 'safetensors']


def keras_conv_net():
    return keras.Sequential([
        keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, name='conv2d'), keras.layers.BatchNormalization(name='batch_normalization'),
        keras.layers.ReLU(name='relu'), keras.layers.DepthwiseConv2D(3, depth_multiplier=2, activation='relu', name='depthwise_conv2d'),
        keras.layers.GlobalAveragePooling2D(name='pool'), keras.layers.Dense(5, name='dense')])


def keras_seq_net():
    return keras.Sequential([
        keras.Input((5,), dtype='int32'), keras.layers.Embedding(20, 6, name='embedding'),
        keras.layers.LSTM(7, return_sequences=True, name='lstm'), keras.layers.GRU(5, name='gru'), keras.layers.Dense(3, name='dense')])


def keras_attn_net():
    x = keras.Input((5, 8))
    h = keras.layers.MultiHeadAttention(2, 4, name='mha')(x, x)
    return keras.Model(x, keras.layers.Dense(3, name='dense')(keras.layers.GlobalAveragePooling1D(name='pool')(h)))


def gru_gates(a, axis):
    """Keras packs GRU gates z, r, h; torch r, z, n: the first two blocks swap (the swap is its own inverse)."""
    z, r, h = np.split(a, 3, axis=axis)
    return np.concatenate([r, z, h], axis=axis)


def torch_from_keras(kv, twin):
    """The torch twin's state_dict values written by hand from the Keras variables (what Graft must produce)."""
    if twin == 'conv':
        dw = kv['depthwise_conv2d/kernel']  # [kh, kw, in, mult] → [in*mult, 1, kh, kw], output channel c*mult + m
        return {
            'conv.weight': kv['conv2d/kernel'].transpose(3, 2, 0, 1), 'conv.bias': kv['conv2d/bias'],
            'bn.weight': kv['batch_normalization/gamma'], 'bn.bias': kv['batch_normalization/beta'],
            'bn.running_mean': kv['batch_normalization/moving_mean'], 'bn.running_var': kv['batch_normalization/moving_variance'],
            'depthwise.weight': dw.reshape(3, 3, -1, 1).transpose(2, 3, 0, 1), 'depthwise.bias': kv['depthwise_conv2d/bias'],
            'fc.weight': kv['dense/kernel'].T, 'fc.bias': kv['dense/bias']}
    if twin == 'attn':  # query/key/value [d,heads,head] → in_proj_weight [3·heads·head, d], rows q, k, v
        qkv = ['mha/query', 'mha/key', 'mha/value']
        return {
            'attn.in_proj_weight': np.concatenate([kv[f'{p}/kernel'].reshape(8, 8) for p in qkv], axis=1).T,
            'attn.in_proj_bias': np.concatenate([kv[f'{p}/bias'].reshape(8) for p in qkv]),
            'attn.out_proj.weight': kv['mha/attention_output/kernel'].reshape(8, 8).T, 'attn.out_proj.bias': kv['mha/attention_output/bias'],
            'fc.weight': kv['dense/kernel'].T, 'fc.bias': kv['dense/bias']}
    gru_bias = kv['gru/bias']  # reset_after=True: [input bias, recurrent bias]
    return {
        'embed.weight': kv['embedding/embeddings'],
        'lstm.weight_ih_l0': kv['lstm/kernel'].T, 'lstm.weight_hh_l0': kv['lstm/recurrent_kernel'].T,
        'lstm.bias_ih_l0': kv['lstm/bias'], 'lstm.bias_hh_l0': np.zeros_like(kv['lstm/bias']),
        'gru.weight_ih_l0': gru_gates(kv['gru/kernel'].T, 0), 'gru.weight_hh_l0': gru_gates(kv['gru/recurrent_kernel'].T, 0),
        'gru.bias_ih_l0': gru_gates(gru_bias[0], 0), 'gru.bias_hh_l0': gru_gates(gru_bias[1], 0),
        'fc.weight': kv['dense/kernel'].T, 'fc.bias': kv['dense/bias']}


def keras_from_torch(tv, twin):
    """The Keras model's variables written by hand from the torch twin's state_dict."""
    if twin == 'conv':
        dw = tv['depthwise.weight']  # [in*mult, 1, kh, kw] → [kh, kw, in, mult]
        return {
            'conv2d/kernel': tv['conv.weight'].transpose(2, 3, 1, 0), 'conv2d/bias': tv['conv.bias'],
            'batch_normalization/gamma': tv['bn.weight'], 'batch_normalization/beta': tv['bn.bias'],
            'batch_normalization/moving_mean': tv['bn.running_mean'], 'batch_normalization/moving_variance': tv['bn.running_var'],
            'depthwise_conv2d/kernel': dw.transpose(2, 3, 0, 1).reshape(3, 3, 4, 2), 'depthwise_conv2d/bias': tv['depthwise.bias'],
            'dense/kernel': tv['fc.weight'].T, 'dense/bias': tv['fc.bias']}
    return {
        'embedding/embeddings': tv['embed.weight'],
        'lstm/kernel': tv['lstm.weight_ih_l0'].T, 'lstm/recurrent_kernel': tv['lstm.weight_hh_l0'].T,
        'lstm/bias': tv['lstm.bias_ih_l0'] + tv['lstm.bias_hh_l0'],
        'gru/kernel': gru_gates(tv['gru.weight_ih_l0'], 0).T, 'gru/recurrent_kernel': gru_gates(tv['gru.weight_hh_l0'], 0).T,
        'gru/bias': np.stack([gru_gates(tv['gru.bias_ih_l0'], 0), gru_gates(tv['gru.bias_hh_l0'], 0)]),
        'dense/kernel': tv['fc.weight'].T, 'dense/bias': tv['fc.bias']}


TWINS = {'conv': (keras_conv_net, TwinConvNet, 'nhwc'), 'seq': (keras_seq_net, TwinSeqNet, 'tokens'), 'attn': (keras_attn_net, TwinAttnNet, 'nlc')}


def inputs(twin):
    rng = np.random.default_rng(11)
    if twin == 'conv':
        return rng.normal(size=(4, 8, 8, 3)).astype('float32')
    if twin == 'attn':
        return rng.normal(size=(4, 5, 8)).astype('float32')
    return rng.integers(0, 20, size=(4, 5)).astype('int32')


def torch_input(x, kind):
    return torch.from_numpy(x.transpose(0, 3, 1, 2).copy() if kind == 'nhwc' else x.astype('int64') if kind == 'tokens' else x)


def keras_to_torch(root, twin):
    """Keras `.weights.h5` (trained) onto the torch twin's fresh state dict `.pt`."""
    make_keras, torch_class, kind = TWINS[twin]
    s = Scenario(root, f'keras-to-torch-{twin}', 'torch')
    rng = fresh(40)
    old = make_keras()
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    # Variable paths (`mha/query/kernel`): a MultiHeadAttention's four kernels share one name in keras_variables.
    kv = {v.path: v.numpy() for v in old.weights} if twin == 'attn' else {k: v.numpy() for k, v in keras_variables(old).items()}
    torch.manual_seed(41)
    new = torch_class()
    torch.save(new.state_dict(), s.path('new.pt'))
    s.meta.update(new='new.pt', formats=TORCH_TARGET_FORMATS, torch_model=torch_class.__name__, torch_input=kind)
    for k, v in torch_from_keras(kv, twin).items():
        s.expect(k, np.ascontiguousarray(v))
    for k, v in state_numpy(new.state_dict()).items():
        if k.endswith('num_batches_tracked'):
            s.expect(k, v)
    x = inputs(twin)
    np.save(s.path('x.npy'), x)
    np.save(s.path('y.npy'), np.asarray(old.predict(x, verbose=0), 'float32'))
    s.meta['predict'] = True
    return s.done()


def torch_to_keras(root, twin):
    """The torch twin's trained state dict `.pt` onto the Keras model (its `to_json()`)."""
    make_keras, torch_class, kind = TWINS[twin]
    s = Scenario(root, f'torch-to-keras-{twin}', 'keras')
    torch.manual_seed(42)
    old = trained(torch_class(), 42).eval()
    torch.save(old.state_dict(), s.path('old.pt'))
    s.meta.update(old='old.pt', formats=KERAS_TARGET_FORMATS)
    fresh(43)
    new = make_keras()
    s.save_new_keras(new)
    tv = state_numpy(old.state_dict())
    for k, v in keras_from_torch(tv, twin).items():
        s.expect(k, np.ascontiguousarray(v))
    x = inputs(twin)
    np.save(s.path('x.npy'), x)
    with torch.no_grad():
        np.save(s.path('y.npy'), old(torch_input(x, kind)).numpy().astype('float32'))
    s.meta['predict'] = True
    return s.done()


# torch → Keras for the attention twin is not a scenario: the Keras consumer names variables `layer/weight`, and a
# MultiHeadAttention's four kernels are all `mha/kernel` there.
SCENARIOS = [lambda root: keras_to_torch(root, 'conv'), lambda root: keras_to_torch(root, 'seq'), lambda root: keras_to_torch(root, 'attn'),
             lambda root: torch_to_keras(root, 'conv'), lambda root: torch_to_keras(root, 'seq')]
