"""`npm run test:real` scenarios for Keras layers TF.js does not implement: Graft builds their variables from its table
of Keras layers, and the export must load into real Keras with every value equal."""
import numpy as np
import keras
from scenarios import Scenario, fresh, keras_variables, randomise, same


def keras_layers_tfjs_lacks(root):
    """Normalization (adapted), MultiHeadAttention, GroupNormalization, EinsumDense, RMSNormalization,
    GroupQueryAttention, Conv1DTranspose; the new model adds an EinsumDense and a Dense head. TF.js is refused."""
    s = Scenario(root, 'keras-layers-tfjs-lacks', 'keras')
    s.meta['formats'] = ['keras', 'keras-legacy', 'tf', 'safetensors', 'tfjs']

    def model(extra):
        x = keras.Input((5, 4), name='x')
        norm = keras.layers.Normalization(name='norm')
        norm.adapt(np.arange(40, dtype='float32').reshape(2, 5, 4))
        h = norm(x)
        a = keras.layers.MultiHeadAttention(2, 3, name='mha')(h, h)
        h = keras.layers.Add(name='res')([h, a])
        h = keras.layers.GroupNormalization(groups=2, name='gn')(h)
        h = keras.layers.EinsumDense('abc,cd->abd', (5, 6), bias_axes='d', activation='relu', name='ff')(h)
        h = keras.layers.RMSNormalization(name='rms')(h)
        h = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, name='gqa')(h, h)
        h = keras.layers.Conv1DTranspose(3, 2, name='up')(h)
        if extra:
            h = keras.layers.EinsumDense('abc,cd->abd', (6, 4), bias_axes='d', name='ff2')(h)
            h = keras.layers.Dense(2, name='head')(h)
        return keras.Model(x, h, name='block')

    rng = fresh(41)
    old = model(False)
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(42)
    new = model(True)
    s.save_new_keras(new)
    same(s, ov, keras_variables(new), {k: k for k in ov})
    s.meta['refuse'] = {'tfjs': 'a Keras layer TensorFlow.js does not implement'}
    return s.done()


SCENARIOS = [keras_layers_tfjs_lacks]
