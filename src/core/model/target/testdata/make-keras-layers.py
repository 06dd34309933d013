# Ground truth for the Keras layer table: every layer class in keras.layers (Keras 3.15.1, TF backend) that
# creates weights, in small models, with the variables Keras builds for them.
# Run here: /work/main/.venv-real/bin/python make-keras-layers.py  → keras-layers.json:
#   {keras_version, models: [{name, config: model.to_json() parsed, variables: [{key, path, shape, dtype, trainable}]}]}
# trackable: its path in tf.train.Checkpoint(model=m) (null when not there or not unique); key: the variable's dataset (alsoKeys: other datasets holding it) in the model's .weights.h5 (found by value), path: variable.path; Keras' order.
# The script enumerates keras.layers itself and fails when a class with weights has no model here.
import inspect, json, os, sys, tempfile
os.environ['KERAS_BACKEND'] = 'tensorflow'
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
import numpy as np, h5py, keras, ml_dtypes, tensorflow as tf
from keras import layers as L

I = keras.Input


def one(layer, shape, dtype='float32', head=True):
    """Input(shape) → layer → Dense(2) (the Dense proves the layer's output shape)."""
    x = I(shape, dtype=dtype, name='x')
    y = layer(x)
    if head:
        y = L.Dense(2, name='head')(y)
    return keras.Model(x, y, name='m')


def two(layer, qs, vs, head=True, **kw):
    q, v = I(qs, name='q'), I(vs, name='v')
    y = layer(q, v, **kw) if not isinstance(layer, (L.Attention, L.AdditiveAttention)) else layer([q, v])
    if head:
        y = L.Dense(2, name='head')(y)
    return keras.Model([q, v], y, name='m')


def normalization(**kw):
    n = L.Normalization(name='norm', **kw)
    n.adapt(np.arange(24, dtype='float32').reshape(6, 4))
    return n


def normalization_axes():
    n = L.Normalization(axis=(1, 2), name='norm')
    n.adapt(np.arange(36, dtype='float32').reshape(3, 3, 4))
    return n


def models():
    yield 'dense', one(L.Dense(3, name='dense'), (4,))
    yield 'dense_nobias', one(L.Dense(3, use_bias=False, name='dense'), (4,))
    yield 'dense_3d', one(L.Dense(3, name='dense'), (5, 4))
    yield 'dense_mixed16', one(L.Dense(3, dtype='mixed_float16', name='dense'), (4,))
    yield 'dense_bf16', one(L.Dense(3, dtype='bfloat16', name='dense'), (4,))
    yield 'einsum_dense', one(L.EinsumDense('ab,bc->ac', output_shape=3, bias_axes='c', name='einsum'), (4,))
    yield 'einsum_dense_3d', one(L.EinsumDense('abc,cde->abde', output_shape=(None, 2, 3), bias_axes='de', name='einsum'), (5, 4))
    yield 'einsum_dense_nobias', one(L.EinsumDense('abc,cd->abd', output_shape=(5, 3), name='einsum'), (5, 4))
    yield 'conv1d', one(L.Conv1D(3, 2, name='conv'), (6, 2))
    yield 'conv1d_causal_nobias', one(L.Conv1D(4, 3, padding='causal', use_bias=False, name='conv'), (6, 2))
    yield 'conv2d', one(L.Conv2D(3, 2, name='conv'), (5, 5, 2))
    yield 'conv2d_groups', one(L.Conv2D(4, 3, groups=2, padding='same', name='conv'), (5, 5, 2))
    yield 'conv2d_channels_first', one(L.Conv2D(3, 2, data_format='channels_first', name='conv'), (2, 5, 5))
    yield 'conv3d', one(L.Conv3D(3, 2, name='conv'), (4, 4, 4, 2))
    yield 'conv1d_transpose', one(L.Conv1DTranspose(3, 2, strides=2, name='deconv'), (5, 2))
    yield 'conv2d_transpose', one(L.Conv2DTranspose(3, 2, name='deconv'), (4, 4, 2))
    yield 'conv3d_transpose', one(L.Conv3DTranspose(3, 2, use_bias=False, name='deconv'), (3, 3, 3, 2))
    yield 'separable_conv1d', one(L.SeparableConv1D(3, 2, depth_multiplier=2, name='sep'), (6, 2))
    yield 'separable_conv2d', one(L.SeparableConv2D(3, 2, name='sep'), (5, 5, 2))
    yield 'separable_conv2d_nobias', one(L.SeparableConv2D(3, 2, use_bias=False, name='sep'), (5, 5, 2))
    yield 'depthwise_conv1d', one(L.DepthwiseConv1D(2, depth_multiplier=3, name='dw'), (6, 2))
    yield 'depthwise_conv2d', one(L.DepthwiseConv2D(2, name='dw'), (5, 5, 2))
    yield 'batchnorm', one(L.BatchNormalization(name='bn'), (4,))
    yield 'batchnorm_nocenter_noscale', one(L.BatchNormalization(center=False, scale=False, name='bn'), (4,))
    yield 'batchnorm_axis1', one(L.BatchNormalization(axis=1, name='bn'), (3, 4))
    yield 'layernorm', one(L.LayerNormalization(name='ln'), (5, 4))
    yield 'layernorm_rms_noscale', one(L.LayerNormalization(rms_scaling=True, scale=False, name='ln'), (5, 4))
    yield 'layernorm_axes', one(L.LayerNormalization(axis=[1, 2], name='ln'), (5, 4))
    yield 'rmsnorm', one(L.RMSNormalization(name='rms'), (5, 4))
    yield 'groupnorm', one(L.GroupNormalization(groups=2, name='gn'), (5, 4))
    yield 'groupnorm_nocenter', one(L.GroupNormalization(groups=2, center=False, name='gn'), (5, 4))
    yield 'normalization', one(normalization(), (4,))
    yield 'normalization_mixed', one(normalization(dtype='mixed_float16'), (4,))
    yield 'unit_normalization', one(L.UnitNormalization(name='unit'), (4,))
    yield 'embedding', one(L.Embedding(10, 3, name='emb'), (5,), dtype='int32')
    yield 'reversible_embedding', one(L.ReversibleEmbedding(10, 3, name='remb'), (5,), dtype='int32')
    yield 'reversible_embedding_untied', one(L.ReversibleEmbedding(10, 3, tie_weights=False, name='remb'), (5,), dtype='int32')
    yield 'prelu', one(L.PReLU(name='prelu'), (5, 4))
    yield 'prelu_shared', one(L.PReLU(shared_axes=[1], name='prelu'), (5, 4))
    yield 'simple_rnn', one(L.SimpleRNN(3, name='rnn'), (5, 4))
    yield 'lstm', one(L.LSTM(3, return_sequences=True, name='lstm'), (5, 4))
    yield 'lstm_nobias', one(L.LSTM(3, use_bias=False, name='lstm'), (5, 4))
    yield 'gru', one(L.GRU(3, name='gru'), (5, 4))
    yield 'gru_v1', one(L.GRU(3, reset_after=False, name='gru'), (5, 4))
    yield 'rnn_cells', one(L.RNN([L.LSTMCell(3, name='c1'), L.GRUCell(2, name='c2'), L.SimpleRNNCell(2, name='c3')], name='rnn'), (5, 4))
    yield 'rnn_cell', one(L.RNN(L.GRUCell(3, name='cell'), name='rnn'), (5, 4))
    yield 'conv_lstm1d', one(L.ConvLSTM1D(2, 3, name='clstm'), (3, 6, 2))
    yield 'conv_lstm2d', one(L.ConvLSTM2D(2, 3, return_sequences=True, name='clstm'), (3, 5, 5, 2))
    yield 'conv_lstm3d', one(L.ConvLSTM3D(2, 2, name='clstm'), (2, 3, 3, 3, 1))
    yield 'bidirectional', one(L.Bidirectional(L.LSTM(3), name='bi'), (5, 4))
    yield 'bidirectional_gru_concat', one(L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode='sum', name='bi'), (5, 4))
    yield 'bidirectional_backward', one(L.Bidirectional(L.SimpleRNN(3), backward_layer=L.SimpleRNN(2, go_backwards=True), name='bi'), (5, 4))
    yield 'time_distributed', one(L.TimeDistributed(L.Dense(3), name='td'), (5, 4))
    yield 'time_distributed_conv', one(L.TimeDistributed(L.Conv2D(2, 2), name='td'), (3, 4, 4, 2))
    yield 'mha', two(L.MultiHeadAttention(2, 3, name='mha'), (5, 4), (6, 3))
    yield 'mha_value_dim_out', two(L.MultiHeadAttention(2, 3, value_dim=5, output_shape=7, use_bias=False, name='mha'), (5, 4), (6, 3))
    yield 'mha_bf16', two(L.MultiHeadAttention(2, 3, dtype='bfloat16', name='mha'), (5, 4), (6, 4))
    yield 'mha_axes', two(L.MultiHeadAttention(2, 3, attention_axes=(1, 2), name='mha'), (3, 5, 4), (3, 6, 4))
    yield 'gqa', two(L.GroupQueryAttention(4, 4, 2, name='gqa'), (5, 8), (6, 8))
    yield 'gqa_nobias', two(L.GroupQueryAttention(3, 4, 1, use_bias=False, name='gqa'), (5, 6), (6, 6))
    yield 'attention_scale', two(L.Attention(use_scale=True, name='att'), (5, 4), (6, 4))
    yield 'attention_concat', two(L.Attention(score_mode='concat', name='att'), (5, 4), (6, 4))
    yield 'additive_attention', two(L.AdditiveAttention(name='att'), (5, 4), (6, 4))
    yield 'additive_attention_noscale', two(L.AdditiveAttention(use_scale=False, name='att'), (5, 4), (6, 4), head=True)
    yield 'spectral_normalization', one(L.SpectralNormalization(L.Dense(3), name='sn'), (4,))
    yield 'stft', one(L.STFTSpectrogram(mode='log', frame_length=8, frame_step=4, fft_length=8, window=None, name='stft'), (32, 1))
    q, v, k = I((5, 4), name='q'), I((6, 3), name='v'), I((6, 2), name='k')
    yield 'mha_key_kwarg', keras.Model([q, v, k], L.MultiHeadAttention(2, 3, name='mha')(q, v, key=k), name='m')
    yield 'mha_gate', two(L.MultiHeadAttention(2, 3, use_gate=True, name='mha'), (5, 4), (6, 3))
    yield 'gqa_gate', two(L.GroupQueryAttention(2, 2, 1, use_gate=True, name='gqa'), (5, 4), (6, 4))
    yield 'time_distributed_einsum', one(L.TimeDistributed(L.EinsumDense('ab,bc->ac', 3, bias_axes='c', name='ed'), name='td'), (5, 4))
    yield 'normalization_axes', one(normalization_axes(), (3, 4))
    x = I((5, 4), name='x')
    seq, h, c = L.LSTM(3, return_sequences=True, return_state=True, name='lstm')(x)
    yield 'lstm_return_state', keras.Model(x, [L.Dense(2, name='a')(seq), L.Dense(2, name='b')(h), L.Dense(2, name='c')(c)], name='m')
    yield 'dropout', one(L.Dropout(0.5, seed=1, name='drop'), (4,))
    yield 'random_flip', one(L.RandomFlip(seed=1, name='flip'), (4, 4, 3))
    yield 'gaussian_noise', one(L.GaussianNoise(0.1, seed=1, name='noise'), (4,))

    # model-level variants
    shared = L.Dense(3, name='shared')
    a, b = I((4,), name='a'), I((4,), name='b')
    yield 'shared_layer', keras.Model([a, b], L.Add(name='add')([shared(a), shared(b)]), name='m')
    inner = keras.Sequential([I((4,)), L.Dense(3, name='in1'), L.LayerNormalization(name='in_ln'), L.EinsumDense('ab,bc->ac', 5, name='in_ed')], name='inner')
    x = I((4,), name='x')
    yield 'nested', keras.Model(x, L.GroupNormalization(groups=1, name='gn')(inner(x)), name='outer')
    inner_seq = keras.Sequential([I((4,)), L.Dense(3, name='s_dense')], name='inner_seq')
    fi = I((3,), name='fi')
    inner_fn = keras.Model(fi, L.GroupNormalization(groups=1, name='f_gn')(fi), name='inner_fn')
    yield 'sequential_nested', keras.Sequential([I((4,)), inner_seq, inner_fn, L.Dense(2, name='s_head')], name='outer_seq')
    yield 'sequential_mixed', keras.Sequential([I((5, 4)), L.EinsumDense('abc,cd->abd', (5, 6), bias_axes='d', name='ed'),
                                                 L.GroupNormalization(groups=3, name='gn', dtype='mixed_bfloat16'), L.Conv1D(2, 2, name='conv', dtype='mixed_float16'),
                                                 L.BatchNormalization(name='bn', dtype='mixed_float16'), L.GRU(3, name='gru')], name='seq')
    q = I((5, 4), name='q')
    h = L.MultiHeadAttention(2, 3, name='mha')(q, q)
    h = L.Add(name='res')([q, h])
    h = L.LayerNormalization(name='ln')(h)
    h = L.EinsumDense('abc,cd->abd', (5, 8), bias_axes='d', activation='relu', name='ff')(h)
    h = L.Dropout(0.1, name='drop')(h)
    h = L.Dense(4, name='ff_out')(h)
    h = L.GroupNormalization(groups=2, name='gn')(h)
    bn = L.BatchNormalization(name='bn')
    bn.trainable = False
    yield 'transformer_block', keras.Model(q, bn(h), name='block')


def record(model):
    """The model's variables in Keras order: .weights.h5 key (by value), variable.path, shape, dtype, trainable."""
    weights = model.weights
    for i, v in enumerate(weights):
        dt = keras.backend.standardize_dtype(v.dtype)
        vals = (np.arange(np.prod(v.shape), dtype='float64') % 7 + 10 * (i + 1)).reshape(v.shape)
        v.assign(vals.astype(dt))
    d = tempfile.mkdtemp()
    model.save_weights(f'{d}/m.weights.h5')
    reader = tf.train.load_checkpoint(tf.train.Checkpoint(model=model).write(f'{d}/ck'))
    suffix = '/.ATTRIBUTES/VARIABLE_VALUE'
    trackable = {}
    for k in reader.get_variable_to_shape_map():
        if k.startswith('model/') and k.endswith(suffix):
            t = reader.get_tensor(k)
            trackable.setdefault(np.asarray(t).astype('float64').tobytes() + str(tuple(t.shape)).encode(), []).append(k[len('model/'):-len(suffix)])
    by_value = {}
    with h5py.File(f'{d}/m.weights.h5') as f:
        def visit(name, o):
            if isinstance(o, h5py.Dataset):
                a = np.asarray(o)
                if o.attrs.get('dtype') == 'bfloat16':
                    a = a.view(ml_dtypes.bfloat16)
                by_value.setdefault(a.astype('float64').tobytes() + str(o.shape).encode(), []).append(name)
        f.visititems(visit)
    out = []
    for v in weights:
        value = np.asarray(v.numpy()).astype('float64').tobytes() + str(tuple(v.shape)).encode()
        k = by_value[value]
        t = trackable.get(value, [])
        # SpectralNormalization stores its layer's kernel twice: under the layer (its owner) and as its own vars/0.
        k = sorted(k, key=lambda n: -n.count('/'))
        out.append({'key': k[0], **({'alsoKeys': k[1:]} if len(k) > 1 else {}), 'path': v.path, 'shape': list(v.shape), 'dtype': keras.backend.standardize_dtype(v.dtype), 'trainable': bool(v.trainable), 'trackable': t[0] if len(t) == 1 else None})
    stored = sorted(n for names in by_value.values() for n in names)
    listed = sorted(n for v in out for n in [v['key'], *v.get('alsoKeys', [])])
    assert stored == listed, (model.name, stored, listed)  # no dataset (seed state...) outside `weights`
    return out


def weighted_classes():
    """Every Layer subclass in keras.layers whose instances can hold weights (by reading its build source)."""
    out = set()
    for n in dir(L):
        c = getattr(L, n)
        if inspect.isclass(c) and issubclass(c, keras.layers.Layer):
            try:
                src = ''.join(inspect.getsource(k) for k in c.__mro__ if k.__module__.startswith('keras.src.layers') and k is not keras.layers.Layer)
            except (OSError, TypeError):
                continue
            if 'add_weight(' in src or 'add_variable(' in src or 'EinsumDense(' in src or '.build(' in src:
                out.add(c.__name__)
    return out


# Classes whose weights are not Graft's to build (wrappers of foreign code, lookup tables saved as assets,
# seed state that `weights` excludes and .weights.h5 does not store, abstract bases).
NOT_MODEL_WEIGHTS = {
    'Layer', 'Wrapper', 'InputLayer', 'Lambda', 'TFSMLayer', 'JaxLayer', 'FlaxLayer', 'TorchModuleWrapper', 'Pipeline',
    'IntegerLookup', 'StringLookup', 'TextVectorization', 'Hashing', 'HashedCrossing', 'CategoryEncoding', 'Discretization',
    'MelSpectrogram',
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    covered = set()
    for name, model in models():
        variables = record(model)
        for l in model._flatten_layers(include_self=False, recursive=True):
            covered.add(type(l).__name__)
        rows.append({'name': name, 'config': json.loads(model.to_json()), 'variables': variables})
        print(name, len(variables), file=sys.stderr)
    missing = set()
    for cls in weighted_classes() - covered - NOT_MODEL_WEIGHTS:
        c = getattr(L, cls)
        if c.__name__ in covered:
            continue
        missing.add(cls)
    # Aliases (Convolution2D, AvgPool2D...) are the same classes; pooling, cropping, random augmentation etc. build
    # no variables of their own (their seed state is outside `weights`): the test below keeps only real gaps.
    real_gaps = []
    for cls in sorted(missing):
        c = getattr(L, cls)
        if c.__name__ in covered:
            continue
        try:
            src = inspect.getsource(c)
        except OSError:
            continue
        if 'add_weight(' in src:
            real_gaps.append(cls)
    assert not real_gaps, f'weighted layer classes with no model here: {real_gaps}'
    json.dump({'keras_version': keras.__version__, 'models': rows}, open(os.path.join(here, 'keras-layers.json'), 'w'), separators=(',', ':'))


if __name__ == '__main__':
    main()
