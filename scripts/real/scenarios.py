"""Makes the `npm run test:real` scenarios with the real libraries: for each, an old checkpoint written by
TensorFlow or Keras, the new model as its users have it (a Keras `to_json()`, or a TF1 graph's freshly saved
checkpoint + `.meta`), and what each new variable must hold after Graft's export (`expected.npz`).

    python scenarios.py WORKDIR

Each scenario folder gets `scenario.json`:
  name, consumer ('keras' | 'tf1'), old, new (paths relative to the folder; graft_new: what Graft gets as the new
  model when it is not `new`, a `.keras` or full-model `.h5`), formats (the outputs to check),
  match_args (extra `graft match` arguments), predict (the new model must compute what the old one did: y.npy
  from x.npy, or from the arrays of x.npz for several inputs), refuse ({format: text}: Graft must refuse that
  format with an error saying `text`),
  expect: [{id, index, masked}] — the variable `id` (Keras: `layer/weight`; TF1: the variable's name) must equal
  `a<index>` of expected.npz (only where `m<index>` is true when masked); ids not listed are not checked by value.
"""
import json
import os
import sys

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

KERAS_FORMATS = ['tf', 'keras', 'keras-legacy', 'safetensors', 'tfjs']
TF1_FORMATS = ['tf', 'safetensors', 'tfjs']


def keras_variables(model):
    """`layer/weight` → variable over every layer, nested models flattened (layer names are unique in a model)."""
    out = {}

    def walk(layer, scope=''):
        subs = getattr(layer, 'layers', None)
        if subs is not None and isinstance(layer, keras.Model):
            for s in subs:
                walk(s)
            return
        if isinstance(layer, keras.layers.Bidirectional):  # `bilstm/forward_lstm/kernel`, as Keras 2 and TF.js name them
            walk(layer.forward_layer, f'{layer.name}/')
            walk(layer.backward_layer, f'{layer.name}/')
            return
        nested = isinstance(layer, (keras.layers.MultiHeadAttention, keras.layers.GroupQueryAttention))
        for v in layer.weights:
            # attention layers keep their variables in sublayers: `mha/query/kernel`, as `variable.path` says
            key = f'{scope}{layer.name}/{v.path.split(layer.name + "/", 1)[-1] if nested else v.name}'
            if key in out:
                raise ValueError(f'two variables called {key}')
            out[key] = v
    walk(model)
    return out


def randomise(model, rng):
    """Trained-looking values: nothing equals an initializer, variances stay positive."""
    for key, v in keras_variables(model).items():
        values = rng.normal(0, 0.5, size=tuple(v.shape))
        if key.endswith('moving_variance'):
            values = np.abs(values) + 0.5
        v.assign(values.astype(keras.backend.standardize_dtype(v.dtype)))


class Scenario:
    def __init__(self, root, name, consumer):
        self.name = name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, exist_ok=True)
        self.meta = {'name': name, 'consumer': consumer, 'formats': KERAS_FORMATS if consumer == 'keras' else TF1_FORMATS,
                     'match_args': [], 'predict': False, 'expect': []}
        self.arrays = {}

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def expect(self, id_, value, mask=None):
        index = len(self.meta['expect'])
        value = np.asarray(value)
        self.arrays[f'a{index}'] = value.view(np.uint16) if value.dtype.name == 'bfloat16' else value
        entry = {'id': id_, 'index': index, 'masked': mask is not None, 'dtype': value.dtype.name}
        if mask is not None:
            self.arrays[f'm{index}'] = np.asarray(mask, dtype=bool)
        self.meta['expect'].append(entry)

    def save_old_keras(self, model, kind):
        files = {'weights.h5': 'old.weights.h5', 'keras': 'old.keras', 'legacy-h5': 'old.h5', 'tf-checkpoint': 'old_ckpt/ckpt'}
        rel = files[kind]
        if kind == 'weights.h5':
            model.save_weights(self.path(rel))
        elif kind in ('keras', 'legacy-h5'):
            model.save(self.path(rel))
        else:
            os.makedirs(self.path('old_ckpt'), exist_ok=True)
            tf.train.Checkpoint(model=model).write(self.path(rel))
        self.meta['old'] = rel

    def save_new_keras(self, model, as_file=None):
        """new.json for the checks; Graft gets `as_file` (a `.keras` or full-model `.h5` of the new model) when given."""
        with open(self.path('new.json'), 'w') as f:
            f.write(model.to_json())
        self.meta['new'] = 'new.json'
        if as_file:
            model.save(self.path(as_file))
            self.meta['graft_new'] = as_file

    def predict_same(self, old_model, input_shape, dtype='float32'):
        x = np.random.default_rng(7).normal(size=(4, *input_shape)).astype(dtype)
        np.save(self.path('x.npy'), x)
        np.save(self.path('y.npy'), np.asarray(old_model.predict(x, verbose=0)).astype('float32'))
        self.meta['predict'] = True

    def done(self):
        np.savez(self.path('expected.npz'), **self.arrays)
        with open(self.path('scenario.json'), 'w') as f:
            json.dump(self.meta, f, indent=1)
        return self.meta


def fresh(seed):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def same(s, old_vars, new_ids, pairs):
    """Each new id in `pairs` holds the old variable's value exactly."""
    for new_id, old_id in pairs.items():
        assert new_id in new_ids, (s.name, new_id, sorted(new_ids))
        s.expect(new_id, np.asarray(old_vars[old_id]))


def widened(s, id_, old, axis, extra):
    """`old` grown by `extra` entries at the end of `axis`: the old entries must be kept, the new ones may be anything."""
    widths = [(0, extra if a == axis else 0) for a in range(old.ndim)]
    s.expect(id_, np.pad(old, widths), np.pad(np.ones(old.shape, bool), widths))


# --- Keras 3 scenarios -------------------------------------------------------------------------------------------

def keras_layer_removed(root):
    s = Scenario(root, 'keras-layer-removed', 'keras')
    rng = fresh(1)
    old = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation='relu', name='hidden1'),
                            keras.layers.Dense(8, activation='relu', name='hidden2'),
                            keras.layers.Dense(8, activation='relu', name='hidden3'), keras.layers.Dense(3, name='out')])
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(2)
    new = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation='relu', name='hidden1'),
                            keras.layers.Dense(8, activation='relu', name='hidden2'), keras.layers.Dense(3, name='out')])
    s.save_new_keras(new, as_file='new.h5')
    same(s, ov, keras_variables(new), {k: k for k in ['hidden1/kernel', 'hidden1/bias', 'hidden2/kernel', 'hidden2/bias', 'out/kernel', 'out/bias']})
    return s.done()


def keras_activation_skip(root):
    s = Scenario(root, 'keras-activation-skip', 'keras')
    rng = fresh(3)
    i = keras.Input((5,), name='x')
    h = keras.layers.Dense(5, activation='relu', name='a')(i)
    h = keras.layers.Dense(5, activation='relu', name='b')(h)
    o = keras.layers.Dense(2, name='out')(h)
    old = keras.Model(i, o, name='net')
    randomise(old, rng)
    s.save_old_keras(old, 'keras')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(4)
    i = keras.Input((5,), name='x')
    a = keras.layers.Dense(5, activation='tanh', name='a')(i)
    b = keras.layers.Dense(5, activation='tanh', name='b')(a)
    h = keras.layers.Add(name='skip')([a, b])
    o = keras.layers.Dense(2, name='out')(h)
    new = keras.Model(i, o, name='net')
    s.save_new_keras(new)
    same(s, ov, keras_variables(new), {k: k for k in ov})
    return s.done()


def keras_layer_added(root):
    s = Scenario(root, 'keras-layer-added', 'keras')
    rng = fresh(5)
    old = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation='relu', name='enc'), keras.layers.Dense(2, name='head')])
    randomise(old, rng)
    s.save_old_keras(old, 'legacy-h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(6)
    new = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation='relu', name='enc'),
                            keras.layers.Dense(6, activation='relu', name='extra'), keras.layers.Dense(2, name='head')])
    s.save_new_keras(new)
    nv = keras_variables(new)
    same(s, ov, nv, {k: k for k in ov})
    s.expect('extra/bias', np.zeros(6, 'float32'))  # Zeros initializer: deterministic
    return s.done()


def keras_dense_widened(root):
    s = Scenario(root, 'keras-dense-widened', 'keras')
    rng = fresh(7)
    old = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation='relu', name='hidden'), keras.layers.Dense(4, name='out')])
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    s.predict_same(old, (8,))
    fresh(8)
    new = keras.Sequential([keras.Input((8,)), keras.layers.Dense(32, activation='relu', name='hidden'), keras.layers.Dense(4, name='out')])
    s.save_new_keras(new)
    # The new units may start anywhere, but the next layer must read them with zero weights: the function is kept.
    widened(s, 'hidden/kernel', ov['hidden/kernel'], 1, 16)
    widened(s, 'hidden/bias', ov['hidden/bias'], 0, 16)
    s.expect('out/kernel', np.pad(ov['out/kernel'], [(0, 16), (0, 0)]))
    s.expect('out/bias', ov['out/bias'])
    return s.done()


def keras_inserted_autonames(root):
    """Auto-named layers: inserting one shifts every later name by one (old dense_1 is new dense_2)."""
    s = Scenario(root, 'keras-insert-autonames', 'keras')
    rng = fresh(9)
    old = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation='relu'), keras.layers.Dense(4, activation='relu'), keras.layers.Dense(3)])
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    s.predict_same(old, (6,))
    fresh(10)
    new = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation='relu'),
                            keras.layers.Dense(8, kernel_initializer='identity'),  # an identity insert: same function
                            keras.layers.Dense(4, activation='relu'), keras.layers.Dense(3)])
    s.save_new_keras(new)
    nv = keras_variables(new)
    assert sorted({k.split('/')[0] for k in nv}) == ['dense', 'dense_1', 'dense_2', 'dense_3'], sorted(nv)
    same(s, ov, nv, {'dense/kernel': 'dense/kernel', 'dense/bias': 'dense/bias', 'dense_2/kernel': 'dense_1/kernel',
                     'dense_2/bias': 'dense_1/bias', 'dense_3/kernel': 'dense_2/kernel', 'dense_3/bias': 'dense_2/bias'})
    s.expect('dense_1/kernel', np.eye(8, dtype='float32'))
    s.expect('dense_1/bias', np.zeros(8, 'float32'))
    return s.done()


def keras_tf_checkpoint_changed(root):
    """A model saved with tf.train.Checkpoint (object-based keys), reloaded into a changed model."""
    s = Scenario(root, 'keras-tf-checkpoint', 'keras')
    rng = fresh(11)
    i = keras.Input((7,))
    h = keras.layers.Dense(9, activation='relu', name='trunk')(i)
    o = keras.layers.Dense(3, name='cls')(h)
    old = keras.Model(i, o)
    randomise(old, rng)
    s.save_old_keras(old, 'tf-checkpoint')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(12)
    i = keras.Input((7,))
    h = keras.layers.Dense(9, activation='relu', name='trunk')(i)
    o = keras.layers.Dense(3, name='cls')(h)
    r = keras.layers.Dense(1, name='reg')(h)
    new = keras.Model(i, [o, r])
    s.save_new_keras(new)
    same(s, ov, keras_variables(new), {k: k for k in ov})
    s.expect('reg/bias', np.zeros(1, 'float32'))
    return s.done()


def keras_tf_checkpoint_sequential(root):
    """The same with a Sequential model: TF records its variables as `sequential/trunk/kernel`."""
    s = Scenario(root, 'keras-tf-checkpoint-seq', 'keras')
    rng = fresh(23)
    old = keras.Sequential([keras.Input((7,)), keras.layers.Dense(9, activation='relu', name='trunk'), keras.layers.Dense(3, name='cls')])
    randomise(old, rng)
    s.save_old_keras(old, 'tf-checkpoint')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(24)
    new = keras.Sequential([keras.Input((7,)), keras.layers.Dense(9, activation='relu', name='trunk'), keras.layers.Dense(3, name='cls'),
                            keras.layers.Dense(3, name='post')])
    s.save_new_keras(new)
    same(s, ov, keras_variables(new), {k: k for k in ov})
    return s.done()


def tf1_names_to_keras(root):
    """TF1 `tf.compat.v1.layers`-style names (dense/kernel) into a Keras model with the same layer names."""
    s = Scenario(root, 'tf1-names-to-keras', 'keras')
    rng = np.random.default_rng(13)
    shapes = {'dense/kernel': (5, 7), 'dense/bias': (7,), 'dense_1/kernel': (7, 2), 'dense_1/bias': (2,)}
    values = {k: rng.normal(size=v).astype('float32') for k, v in shapes.items()}
    g = tf.Graph()
    with g.as_default():
        vs = [tf.compat.v1.get_variable(k, initializer=v) for k, v in values.items()]
        step = tf.compat.v1.train.get_or_create_global_step()
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            os.makedirs(s.path('old'), exist_ok=True)
            saver.save(sess, s.path('old/model.ckpt'), write_meta_graph=False)
    del vs, step
    s.meta['old'] = 'old/model.ckpt'
    fresh(14)
    new = keras.Sequential([keras.Input((5,)), keras.layers.Dense(7, activation='relu', name='dense'), keras.layers.Dense(2, name='dense_1')])
    s.save_new_keras(new)
    same(s, values, keras_variables(new), {k: k for k in values})
    return s.done()


def keras_conv_widened(root):
    s = Scenario(root, 'keras-conv-widened', 'keras')
    rng = fresh(15)
    def model(filters):
        return keras.Sequential([keras.Input((6, 6, 3)), keras.layers.Conv2D(filters, 3, activation='relu', name='conv'),
                                 keras.layers.GlobalAveragePooling2D(name='pool'), keras.layers.Dense(2, name='out')])
    old = model(8)
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    s.predict_same(old, (6, 6, 3))
    fresh(16)
    new = model(12)
    s.save_new_keras(new)
    widened(s, 'conv/kernel', ov['conv/kernel'], 3, 4)
    widened(s, 'conv/bias', ov['conv/bias'], 0, 4)
    s.expect('out/kernel', np.pad(ov['out/kernel'], [(0, 4), (0, 0)]))
    s.expect('out/bias', ov['out/bias'])
    return s.done()


def keras_batchnorm_added(root):
    s = Scenario(root, 'keras-batchnorm-added', 'keras')
    rng = fresh(17)
    old = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, name='d1'), keras.layers.Dense(2, name='d2')])
    randomise(old, rng)
    s.save_old_keras(old, 'keras')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(18)
    new = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, name='d1'), keras.layers.BatchNormalization(name='bn'), keras.layers.Dense(2, name='d2')])
    s.save_new_keras(new, as_file='new.keras')
    same(s, ov, keras_variables(new), {k: k for k in ov})
    s.expect('bn/gamma', np.ones(4, 'float32'))
    s.expect('bn/beta', np.zeros(4, 'float32'))
    s.expect('bn/moving_mean', np.zeros(4, 'float32'))
    s.expect('bn/moving_variance', np.ones(4, 'float32'))
    return s.done()


def keras_embedding_grown(root):
    s = Scenario(root, 'keras-embedding-grown', 'keras')
    rng = fresh(19)
    def model(vocab):
        return keras.Sequential([keras.Input((3,), dtype='int32'), keras.layers.Embedding(vocab, 4, name='emb'),
                                 keras.layers.GlobalAveragePooling1D(name='avg'), keras.layers.Dense(2, name='out')])
    old = model(50)
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(20)
    new = model(60)
    s.save_new_keras(new)
    widened(s, 'emb/embeddings', ov['emb/embeddings'], 0, 10)
    same(s, ov, keras_variables(new), {'out/kernel': 'out/kernel', 'out/bias': 'out/bias'})
    return s.done()


def keras_zoo(root):
    """Many layer kinds in a two-input Functional with a nested Sequential; the merge Dense widened 5 → 7."""
    s = Scenario(root, 'keras-zoo', 'keras')
    def model(width):
        a = keras.Input((10, 8), name='seq')
        x = keras.layers.Conv1D(6, 3, activation='relu', name='conv')(a)
        x = keras.layers.LayerNormalization(name='ln')(x)
        x = keras.layers.Bidirectional(keras.layers.LSTM(4), name='bilstm')(x)
        b = keras.Input((12,), name='tab')
        y = keras.layers.Dense(8, name='tab_dense')(b)
        y = keras.layers.BatchNormalization(name='tab_bn')(y)
        y = keras.layers.Dense(8, activation='gelu', name='tab_gelu')(y)
        z = keras.layers.Concatenate(name='cat')([x, y])
        z = keras.layers.Dense(width, activation='relu', name='merge')(z)
        head = keras.Sequential([keras.Input((width,)), keras.layers.Dense(4, activation='tanh', name='head1'), keras.layers.Dense(3, name='head2')], name='head')
        return keras.Model([a, b], head(z), name='zoo')
    rng = fresh(25)
    old = model(5)
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    xs = [np.random.default_rng(8).normal(size=(3, 10, 8)).astype('float32'), np.random.default_rng(9).normal(size=(3, 12)).astype('float32')]
    fresh(26)
    new = model(7)
    s.save_new_keras(new)
    nv = keras_variables(new)
    same(s, ov, nv, {k: k for k in ov if not k.startswith(('merge/', 'head1/kernel'))})
    widened(s, 'merge/kernel', ov['merge/kernel'], 1, 2)
    widened(s, 'merge/bias', ov['merge/bias'], 0, 2)
    s.expect('head1/kernel', np.pad(ov['head1/kernel'], [(0, 2), (0, 0)]))
    np.savez(s.path('x.npz'), *xs)
    np.save(s.path('y.npy'), np.asarray(old.predict(xs, verbose=0)).astype('float32'))
    s.meta['predict'] = True
    return s.done()


def keras_gru(root):
    """A GRU (Keras 3's default reset_after=True) and a Dense added: TF.js has no such GRU, so Graft must refuse TF.js."""
    s = Scenario(root, 'keras-gru', 'keras')
    rng = fresh(27)
    old = keras.Sequential([keras.Input((6, 3)), keras.layers.GRU(5, name='gru'), keras.layers.Dense(2, name='out')])
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(28)
    new = keras.Sequential([keras.Input((6, 3)), keras.layers.GRU(5, name='gru'), keras.layers.Dense(4, activation='relu', name='mid'), keras.layers.Dense(2, name='out2')])
    s.save_new_keras(new)
    same(s, ov, keras_variables(new), {k: k for k in ov if k.startswith('gru/')})
    s.meta['refuse'] = {'tfjs': 'reset_after'}
    return s.done()


def keras_precision(root, policy):
    """Every variable in float16 / bfloat16 (mixed_float16: float32 variables, float16 compute)."""
    s = Scenario(root, f'keras-{policy.replace("_", "-")}', 'keras')
    rng = fresh(21)
    keras.config.set_dtype_policy(policy)  # clear_session() in fresh() resets the policy
    old = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation='relu', name='h'), keras.layers.Dense(2, name='out')])
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(22)
    keras.config.set_dtype_policy(policy)
    new = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation='relu', name='h'),
                            keras.layers.Dense(3, activation='relu', name='extra'), keras.layers.Dense(2, name='out')])
    s.save_new_keras(new)
    nv = keras_variables(new)
    keras.config.set_dtype_policy('float32')
    same(s, ov, nv, {'h/kernel': 'h/kernel', 'h/bias': 'h/bias'})
    return s.done()


# --- TF1 graphs (tf.compat.v1 + Saver) -----------------------------------------------------------------------------

def tf1_graph(build, path, rng, train_steps=0, meta=True):
    """Builds a TF1 graph with `build()` (returns the loss or None), trains it a little, saves it with Saver."""
    g = tf.Graph()
    with g.as_default():
        tf.compat.v1.set_random_seed(int(rng.integers(1 << 30)))
        loss = build()
        train = tf.compat.v1.train.AdamOptimizer(0.01).minimize(loss) if train_steps else None
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(train_steps):
                sess.run(train)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            saver.save(sess, path, write_meta_graph=meta)
            return {v.op.name: sess.run(v) for v in tf.compat.v1.global_variables()}


def mlp(scope_names, widths, rng_seed):
    def build():
        x = tf.constant(np.random.default_rng(rng_seed).normal(size=(8, widths[0])).astype('float32'))
        h = x
        for scope, (a, b) in zip(scope_names, zip(widths, widths[1:])):
            with tf.compat.v1.variable_scope(scope):
                w = tf.compat.v1.get_variable('w', [a, b], initializer=tf.compat.v1.glorot_uniform_initializer())
                bias = tf.compat.v1.get_variable('b', [b], initializer=tf.compat.v1.random_normal_initializer())
                h = tf.nn.relu(tf.matmul(h, w) + bias)
        return tf.reduce_mean(h * h)
    return build


def tf1_scope_renamed(root):
    s = Scenario(root, 'tf1-scope-renamed', 'tf1')
    rng = np.random.default_rng(30)
    ov = tf1_graph(mlp(['init', 'hidden', 'out'], [4, 6, 6, 2], 1), s.path('old/model.ckpt'), rng, meta=False)
    tf1_graph(mlp(['input', 'hidden', 'out'], [4, 6, 6, 2], 1), s.path('new/model.ckpt'), rng)
    s.meta.update(old='old/model.ckpt', new='new/model.ckpt', new_meta='new/model.ckpt.meta', match_args=['--rule', 'init/=input/'])
    for old_id in ov:
        s.expect(old_id.replace('init/', 'input/'), ov[old_id])
    return s.done()


def tf1_adam_slots(root):
    """A trained TF1 graph with Adam slots; the new graph adds a layer; --include-optimizer carries the slots."""
    s = Scenario(root, 'tf1-adam-slots', 'tf1')
    rng = np.random.default_rng(31)
    ov = tf1_graph(mlp(['l1', 'l2'], [3, 5, 2], 2), s.path('old/model.ckpt'), rng, train_steps=3, meta=False)
    nv = tf1_graph(mlp(['l1', 'l2', 'l3'], [3, 5, 2, 2], 2), s.path('new/model.ckpt'), rng, train_steps=1)
    s.meta.update(old='old/model.ckpt', new='new/model.ckpt', new_meta='new/model.ckpt.meta', match_args=['--include-optimizer'])
    carried = [k for k in ov if k.startswith(('l1/', 'l2/'))]
    assert any(k.endswith('/Adam_1') for k in carried), carried
    for k in carried:
        assert k in nv, k
        s.expect(k, ov[k])
    s.expect('beta1_power', ov['beta1_power'])
    s.expect('beta2_power', ov['beta2_power'])
    return s.done()


def tf1_partitioned(root):
    """A partitioned TF1 variable (three slices in the checkpoint) into a graph where it is one variable."""
    s = Scenario(root, 'tf1-partitioned', 'tf1')
    rng = np.random.default_rng(32)
    table = rng.normal(size=(9, 4)).astype('float32')
    def old_graph():
        def init(shape, dtype=None, partition_info=None):
            at = partition_info.single_offset(shape) if partition_info else 0
            return tf.constant(table[at:at + shape[0]])
        v = tf.compat.v1.get_variable('emb/table', [9, 4], initializer=init, partitioner=tf.compat.v1.fixed_size_partitioner(3))
        return tf.reduce_sum(v.as_tensor())
    def new_graph():
        v = tf.compat.v1.get_variable('emb/table', [9, 4], initializer=tf.compat.v1.zeros_initializer())
        w = tf.compat.v1.get_variable('proj/w', [4, 2], initializer=tf.compat.v1.glorot_uniform_initializer())
        return tf.reduce_sum(tf.matmul(v, w))
    tf1_graph(old_graph, s.path('old/model.ckpt'), rng, meta=False)
    tf1_graph(new_graph, s.path('new/model.ckpt'), rng)
    s.meta.update(old='old/model.ckpt', new='new/model.ckpt', new_meta='new/model.ckpt.meta')
    s.expect('emb/table', table)
    return s.done()


SCENARIOS = [
    keras_layer_removed, keras_activation_skip, keras_layer_added, keras_dense_widened, keras_inserted_autonames,
    keras_tf_checkpoint_changed, keras_tf_checkpoint_sequential, tf1_names_to_keras, keras_conv_widened, keras_batchnorm_added, keras_embedding_grown,
    keras_zoo, keras_gru,
    lambda root: keras_precision(root, 'float16'), lambda root: keras_precision(root, 'bfloat16'),
    lambda root: keras_precision(root, 'mixed_float16'),
    tf1_scope_renamed, tf1_adam_slots, tf1_partitioned,
]


def all_scenarios():
    """This file's scenarios, then those of every `scenarios_*.py` beside it (each with its own SCENARIOS list)."""
    import glob
    import importlib
    found = list(SCENARIOS)
    for path in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'scenarios_*.py'))):
        found += importlib.import_module(os.path.basename(path)[:-3]).SCENARIOS
    return found


def main():
    root = sys.argv[1]
    os.makedirs(root, exist_ok=True)
    only = set(sys.argv[2:])
    made = []
    known = []
    for make in all_scenarios():
        meta = make(root)
        known.append(meta['name'])
        if not only or meta['name'] in only:
            made.append(meta['name'])
    if only - set(known):
        sys.exit(f'no scenario called {", ".join(sorted(only - set(known)))}; there are: {", ".join(known)}')
    with open(os.path.join(root, 'scenarios.json'), 'w') as f:
        json.dump(made, f)
    print(f'made {len(made)} scenarios in {root}')


if __name__ == '__main__':
    main()
