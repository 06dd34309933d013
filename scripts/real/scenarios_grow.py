"""`npm run test:real` scenarios for function-preserving growth (`graft match --keep-function`, Net2Net): the new model
is the old one widened and deepened, and after `load_weights` it must predict what the old model predicted (check.py
compares predictions within 1e-5) in every format and through the generated Python script.
"""
import numpy as np
import keras
from scenarios import Scenario, fresh, keras_variables, randomise

L = keras.layers
FORMATS = ['tf', 'keras', 'keras-legacy', 'safetensors', 'tfjs']


def convnet(c1, c2, f1, deeper):
    """conv1 → bn1 → relu → [conv_ins → bn_ins] → conv2 → bn2 → relu → flatten → fc1 → bn3 → relu → [fc_ins] → out."""
    layers = [keras.Input((6, 6, 3)), L.Conv2D(c1, 3, padding='same', name='conv1'), L.BatchNormalization(name='bn1'), L.ReLU(name='relu1')]
    if deeper:
        layers += [L.Conv2D(c1, 3, padding='same', name='conv_ins'), L.BatchNormalization(name='bn_ins')]
    layers += [L.Conv2D(c2, 3, padding='same', name='conv2'), L.BatchNormalization(name='bn2'), L.Activation('relu', name='act2'),
               L.Flatten(name='flat'), L.Dense(f1, name='fc1'), L.BatchNormalization(name='bn3'), L.Activation('relu', name='act3')]
    if deeper:
        layers += [L.Dense(f1, activation='relu', name='fc_ins')]
    layers += [L.Dense(3, name='out')]
    return keras.Sequential(layers)


def cycle(n, m):
    return np.array([j if j < n else (j - n) % n for j in range(m)])


def divided(x, axis, mapping):
    counts = np.bincount(mapping)[mapping].astype(np.float64)
    shape = [1] * x.ndim
    shape[axis] = len(mapping)
    return (np.take(x, mapping, axis=axis).astype(np.float64) / counts.reshape(shape)).astype(x.dtype)


def keras_net2net(root):
    """Conv2D 4→6 and 5→7 and Dense 8→12 widened with BatchNorm between, a Conv2D+BN and a Dense inserted: the old
    function is kept. `--widen-mapping cycle` makes the copies predictable, so the values are checked exactly too."""
    s = Scenario(root, 'keras-net2net', 'keras')
    s.meta['formats'] = FORMATS
    s.meta['match_args'] = ['--keep-function', '--widen-mapping', 'cycle']
    rng = fresh(31)
    old = convnet(4, 5, 8, False)
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    s.predict_same(old, (6, 6, 3))
    fresh(32)
    s.save_new_keras(convnet(6, 7, 12, True))
    m1, m2, m3 = cycle(4, 6), cycle(5, 7), cycle(8, 12)
    s.expect('conv1/kernel', np.take(ov['conv1/kernel'], m1, axis=3))
    for v in ('gamma', 'beta', 'moving_mean', 'moving_variance'):
        s.expect(f'bn1/{v}', np.take(ov[f'bn1/{v}'], m1))
        s.expect(f'bn2/{v}', np.take(ov[f'bn2/{v}'], m2))
        s.expect(f'bn3/{v}', np.take(ov[f'bn3/{v}'], m3))
    identity = np.zeros((3, 3, 6, 6), 'float32')
    identity[1, 1] = np.eye(6)  # the centre tap, SAME padding
    s.expect('conv_ins/kernel', identity)
    s.expect('conv_ins/bias', np.zeros(6, 'float32'))
    s.expect('bn_ins/gamma', np.ones(6, 'float32'))
    s.expect('bn_ins/moving_mean', np.zeros(6, 'float32'))
    # 1 - epsilon in float32, so that variance + epsilon is exactly 1 in float32 and the norm divides by 1
    var = np.float32(1 - np.float64(np.float32(1e-3)))
    assert var + np.float32(1e-3) == np.float32(1)
    s.expect('bn_ins/moving_variance', np.full(6, var, 'float32'))
    s.expect('conv2/kernel', divided(np.take(ov['conv2/kernel'], m2, axis=3), 2, m1))
    fc1 = np.take(ov['fc1/kernel'], m3, axis=1).reshape(36, 5, 12)
    s.expect('fc1/kernel', divided(fc1, 1, m2).reshape(36 * 7, 12))
    s.expect('fc_ins/kernel', np.eye(12, dtype='float32'))
    s.expect('out/kernel', divided(ov['out/kernel'], 0, m3))
    s.expect('out/bias', ov['out/bias'])
    return s.done()


def residual(width, head):
    """Two branches added (a residual join), the sum concatenated with a head computed from it, then the output."""
    x = keras.Input((8,), name='x')
    a = L.ReLU(name='relu_a')(L.BatchNormalization(name='bn_a')(L.Dense(width, name='a')(x)))
    b = L.Dense(width, name='b')(x)
    added = L.Add(name='add')([a, b])
    c = L.Dense(head, activation='relu', name='c')(added)
    joined = L.Concatenate(name='cat')([added, L.Dropout(0.5, name='drop')(c)])
    return keras.Model(x, L.Dense(3, name='out')(joined))


def keras_net2net_residual(root):
    """A functional model widened through a residual Add (both branches take one seeded random mapping) and a
    Concatenate (the reader's mapping covers both joined tensors): predictions equal the old model's."""
    s = Scenario(root, 'keras-net2net-residual', 'keras')
    s.meta['formats'] = FORMATS
    s.meta['match_args'] = ['--keep-function']
    rng = fresh(33)
    old = residual(6, 4)
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    s.predict_same(old, (8,))
    fresh(34)
    s.save_new_keras(residual(9, 5))
    s.expect('out/bias', ov['out/bias'])
    return s.done()


SCENARIOS = [keras_net2net, keras_net2net_residual]
