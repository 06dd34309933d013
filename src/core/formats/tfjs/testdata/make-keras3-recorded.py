# Records small Keras 3 models with their weights and Keras' own predictions, for the TF.js writer's tests
# (topology.test.ts): each model's to_json(), every weight under the name tfjs-layers gives it
# (`<layer>/<weight>`, nested models flattened), fixed inputs and Keras' model.predict outputs.
# Run with Keras 3.15.1 (TensorFlow backend): python make-keras3-recorded.py > keras3-recorded.json
import os, json
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np, keras
from keras import layers

keras.utils.set_random_seed(7)
rng = np.random.RandomState(3)

def leaves(model):
    for l in model.layers:
        if isinstance(l, keras.Model):
            yield from leaves(l)
        else:
            yield l

def record(model, inputs):
    for l in leaves(model):
        if isinstance(l, layers.BatchNormalization):  # trained-looking statistics, not 0 and 1
            l.moving_mean.assign(rng.uniform(-1, 1, l.moving_mean.shape).astype('float32'))
            l.moving_variance.assign(rng.uniform(0.5, 2, l.moving_variance.shape).astype('float32'))
    ys = model.predict(inputs, verbose=0)
    ys = ys if isinstance(ys, list) else [ys]
    weights = [{'name': f'{l.name}/{w.name}', 'shape': list(w.shape), 'values': [float(v) for v in np.asarray(w).ravel()]}
               for l in leaves(model) for w in l.weights]
    return {
        'name': model.name,
        'model': json.loads(model.to_json()),
        'weights': weights,
        'inputs': [{'shape': list(x.shape), 'dtype': str(x.dtype), 'values': x.ravel().tolist()} for x in inputs],
        'outputs': [{'shape': list(y.shape), 'values': [float(v) for v in np.asarray(y).ravel()]} for y in ys],
    }

# Two inputs, a nested Sequential (with its own InputLayer and a BatchNormalization), Concatenate, Add, Dropout, two outputs.
inner = keras.Sequential([keras.Input((5,)), layers.Dense(6, activation='relu', name='inner_dense'), layers.BatchNormalization(name='inner_bn')], name='inner')
a = keras.Input((5,), name='a')
b = keras.Input((4,), name='b')
x = layers.Concatenate(name='cat')([inner(a), layers.Dense(3, activation='tanh', name='side')(b)])
x = layers.Dropout(0.5, name='drop')(x)
y1 = layers.Add(name='add')([layers.Dense(3, name='h1')(x), layers.Dense(3, activation='swish', name='h2')(x)])
y2 = layers.Dense(2, activation='softmax', name='probs')(x)
two = keras.Model([a, b], [y1, y2], name='two_inputs')

# Conv2D + MaxPooling2D + Flatten beside Embedding + LSTM (int32 tokens), joined by Concatenate.
img = keras.Input((6, 6, 2), name='image')
tok = keras.Input((5,), dtype='int32', name='tokens')
c = layers.Flatten(name='flat')(layers.MaxPooling2D(2, name='pool')(layers.Conv2D(3, 3, padding='same', activation='relu', name='conv')(img)))
r = layers.LSTM(3, name='lstm')(layers.Embedding(12, 4, name='emb')(tok))
conv_rnn = keras.Model([img, tok], layers.Dense(2, activation='sigmoid', name='out')(layers.Concatenate(name='join')([c, r])), name='conv_rnn')

cases = [
    record(two, [rng.randn(3, 5).astype('float32'), rng.randn(3, 4).astype('float32')]),
    record(conv_rnn, [rng.randn(2, 6, 6, 2).astype('float32'), rng.randint(0, 12, (2, 5)).astype('int32')]),
]
print(json.dumps(cases))
