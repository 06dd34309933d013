# Writes the Keras 3 model JSONs here (model.to_json()) and lists the keys of their .weights.h5 files.
# Run with Keras 3.15.1 on the JAX backend: python make-keras3.py; keras3-weights-h5.json gathers the *.h5list.json files.
import os, json
os.environ['KERAS_BACKEND']='jax'
import keras, h5py
from keras import layers
def dump(model, name):
    open(f'{name}.json','w').write(model.to_json())
    model.save_weights(f'{name}.weights.h5')
    out=[]
    with h5py.File(f'{name}.weights.h5') as f:
        def visit(n, o):
            if isinstance(o, h5py.Dataset): out.append((n, list(o.shape), str(o.dtype)))
        f.visititems(visit)
    json.dump(out, open(f'{name}.h5list.json','w'))
    for w in model.weights: print(name, w.path, w.shape, w.trainable)
    for n in out: print('  h5', n)

a = keras.Input((10,), dtype='int32', name='tokens')
b = keras.Input((5,), name='extra')
x = layers.Embedding(100, 16, name='emb')(a)
x = layers.Bidirectional(layers.LSTM(8, return_sequences=True, unit_forget_bias=True), name='bilstm')(x)
x = layers.LayerNormalization(name='ln')(x)
x = layers.Conv1D(6, 3, name='conv')(x)
x = layers.BatchNormalization(name='bn')(x)
x = layers.GRU(4, name='gru')(x)
y = layers.Dense(7, kernel_initializer='he_normal', name='side')(b)
z = layers.Concatenate(name='cat')([x, y])
shared = layers.Dense(3, name='shared')
o1 = shared(z)
o2 = layers.Dense(2, name='head', kernel_initializer=keras.initializers.Orthogonal(gain=2.0), bias_initializer=keras.initializers.Constant(0.1))(o1)
m = keras.Model([a, b], [o1, o2], name='func')
m.get_layer('bn').trainable = False
dump(m, 'keras3-functional')

s = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, groups=1, name='c1'), layers.BatchNormalization(name='bn1'), layers.Flatten(), layers.Dense(5, dtype='float16', name='d16')], name='seq')
dump(s, 'keras3-sequential')

inner = keras.Sequential([keras.Input((6,)), layers.Dense(4, name='inner_dense')], name='inner')
i2 = keras.Input((6,), name='inp')
n = keras.Model(i2, layers.Dense(2, name='outer_dense')(inner(i2)), name='nested')
dump(n, 'keras3-nested')
