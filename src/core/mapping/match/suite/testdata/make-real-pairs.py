"""Old/new pairs made with the real Keras 3 (TensorFlow backend), for the matcher's ground-truth suite.

    python make-real-pairs.py WORKDIR

Each pair gets WORKDIR/<name>/: the old checkpoint as Keras or TensorFlow writes it, the new model's `to_json()`
(`new.json`) and `pair.json`: {name, old (file), note, unrelated, truth, optional}. `truth` maps each new variable
(`layer/weight`, as Graft names a model JSON's variables) to the sha256 of the old value it must carry;
`optional` the same for links that are right but not required (a head that loses most of its classes).
dump-real-pairs.ts then reads the files with Graft's own readers and writes real-pairs.json.
"""
import hashlib
import json
import os
import sys

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402


def variables(model):
    """`layer/weight` → variable, nested models flattened, a Bidirectional's as `bilstm/forward_lstm/kernel`."""
    out = {}

    def walk(layer, scope=''):
        subs = getattr(layer, 'layers', None)
        if subs is not None and isinstance(layer, keras.Model):
            for s in subs:
                walk(s)
            return
        if isinstance(layer, L.Bidirectional):
            walk(layer.forward_layer, f'{layer.name}/')
            walk(layer.backward_layer, f'{layer.name}/')
            return
        for v in layer.weights:
            out[f'{scope}{layer.name}/{v.name}'] = v
    walk(model)
    return out


def fresh(seed):
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    return np.random.default_rng(seed)


def randomise(model, rng):
    """Distinct values in every variable, so the sha256 of a value names its variable."""
    for key, v in variables(model).items():
        values = rng.normal(0, 0.5, size=tuple(v.shape))
        if key.endswith('moving_variance'):
            values = np.abs(values) + 0.5
        v.assign(values.astype(keras.backend.standardize_dtype(v.dtype)))


def sha(v):
    return hashlib.sha256(np.ascontiguousarray(np.asarray(v)).tobytes()).hexdigest()


class Pair:
    def __init__(self, root, name, note, unrelated=False):
        self.name = name
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, exist_ok=True)
        self.meta = {'name': name, 'note': note, 'unrelated': unrelated, 'truth': {}, 'optional': {}}
        self.old = {}

    def save_old(self, model, kind):
        self.old = {k: v.numpy() for k, v in variables(model).items()}
        rel = {'weights.h5': 'old.weights.h5', 'keras': 'old.keras', 'legacy-h5': 'old.h5', 'tf-checkpoint': 'old_ckpt/ckpt'}[kind]
        path = os.path.join(self.dir, rel)
        if kind == 'weights.h5':
            model.save_weights(path)
        elif kind in ('keras', 'legacy-h5'):
            model.save(path)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tf.train.Checkpoint(model=model).write(path)
        self.meta['old'] = rel

    def save_new(self, model, carry, optional=None):
        """carry: new `layer/weight` → old `layer/weight` (same value, or the old value to pad or slice)."""
        with open(os.path.join(self.dir, 'new.json'), 'w') as f:
            f.write(model.to_json())
        new_ids = set(variables(model))
        for which, pairs in (('truth', carry), ('optional', optional or {})):
            for n, o in pairs.items():
                assert n in new_ids, (self.name, n, sorted(new_ids))
                self.meta[which][n] = sha(self.old[o])
        with open(os.path.join(self.dir, 'pair.json'), 'w') as f:
            json.dump(self.meta, f, indent=1)
        return self.name


def same_names(ids):
    return {k: k for k in ids}


def seq(*layers, shape):
    return keras.Sequential([keras.Input(shape), *layers])


def h5_layer_removed(root):
    p = Pair(root, 'k3-h5-named-layer-removed', 'Keras 3 .weights.h5 (layers keyed by class and position), a middle Dense removed')
    rng = fresh(1)
    old = seq(L.Dense(8, name='hidden1'), L.Dense(7, name='hidden2'), L.Dense(6, name='hidden3'), L.Dense(3, name='out'), shape=(6,))
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(2)
    new = seq(L.Dense(8, name='hidden1'), L.Dense(7, name='hidden2'), L.Dense(3, name='out'), shape=(6,))
    # out's kernel read hidden3's 6 units and now reads hidden2's 7: padding it is not wrong, not needed.
    return p.save_new(new, same_names(['hidden1/kernel', 'hidden1/bias', 'hidden2/kernel', 'hidden2/bias', 'out/bias']), same_names(['out/kernel']))


def h5_autonames_insert(root):
    p = Pair(root, 'k3-h5-autonames-insert', 'auto-named Dense layers, one inserted: every later name shifts by one')
    rng = fresh(3)
    old = seq(L.Dense(8), L.Dense(4), L.Dense(3), shape=(6,))
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(4)
    new = seq(L.Dense(8), L.Dense(5), L.Dense(4), L.Dense(3), shape=(6,))
    return p.save_new(new, {'dense/kernel': 'dense/kernel', 'dense/bias': 'dense/bias', 'dense_3/kernel': 'dense_2/kernel', 'dense_3/bias': 'dense_2/bias', 'dense_2/bias': 'dense_1/bias'},
                      # The old kernel read 8 inputs; after the insert it reads 5 others: cutting it is not wrong, not needed.
                      {'dense_2/kernel': 'dense_1/kernel'})


def tfckpt_renamed_layers(root):
    p = Pair(root, 'k3-tfckpt-seq-renamed-layers', 'tf.train.Checkpoint of a Sequential (_operations/N keys) into the same model with other layer names')
    rng = fresh(5)
    old = seq(L.Dense(9, name='trunk'), L.Dense(5, name='mid'), L.Dense(3, name='cls'), shape=(7,))
    randomise(old, rng)
    p.save_old(old, 'tf-checkpoint')
    fresh(6)
    new = seq(L.Dense(9, name='encoder'), L.Dense(5, name='bottleneck'), L.Dense(3, name='head'), shape=(7,))
    return p.save_new(new, {'encoder/kernel': 'trunk/kernel', 'encoder/bias': 'trunk/bias', 'bottleneck/kernel': 'mid/kernel',
                            'bottleneck/bias': 'mid/bias', 'head/kernel': 'cls/kernel', 'head/bias': 'cls/bias'})


def tfckpt_functional_head_added(root):
    p = Pair(root, 'k3-tfckpt-functional-head-added', 'tf.train.Checkpoint of a Functional model; the new one adds a second head')
    rng = fresh(7)
    i = keras.Input((7,))
    h = L.Dense(9, name='trunk')(i)
    old = keras.Model(i, L.Dense(3, name='cls')(h))
    randomise(old, rng)
    p.save_old(old, 'tf-checkpoint')
    fresh(8)
    i = keras.Input((7,))
    h = L.Dense(9, name='trunk')(i)
    new = keras.Model(i, [L.Dense(3, name='cls')(h), L.Dense(1, name='reg')(h)])
    return p.save_new(new, same_names(['trunk/kernel', 'trunk/bias', 'cls/kernel', 'cls/bias']))


def tfckpt_autonames_insert(root):
    p = Pair(root, 'k3-tfckpt-seq-autonames-insert', 'tf.train.Checkpoint of an auto-named Sequential, a layer inserted: _operations/N shift')
    rng = fresh(9)
    old = seq(L.Dense(12), L.Dense(6), L.Dense(2), shape=(5,))
    randomise(old, rng)
    p.save_old(old, 'tf-checkpoint')
    fresh(10)
    new = seq(L.Dense(12), L.Dense(10), L.Dense(6), L.Dense(2), shape=(5,))
    return p.save_new(new, {'dense/kernel': 'dense/kernel', 'dense/bias': 'dense/bias', 'dense_2/bias': 'dense_1/bias',
                            'dense_3/kernel': 'dense_2/kernel', 'dense_3/bias': 'dense_2/bias'}, {'dense_2/kernel': 'dense_1/kernel'})


def legacy_layer_added(root):
    p = Pair(root, 'k3-legacy-h5-layer-added', 'a full-model .h5, a Dense inserted between named layers')
    rng = fresh(11)
    old = seq(L.Dense(6, name='enc'), L.Dense(2, name='head'), shape=(4,))
    randomise(old, rng)
    p.save_old(old, 'legacy-h5')
    fresh(12)
    new = seq(L.Dense(6, name='enc'), L.Dense(6, name='extra'), L.Dense(2, name='head'), shape=(4,))
    return p.save_new(new, same_names(['enc/kernel', 'enc/bias', 'head/kernel', 'head/bias']))


def keras_skip_added(root):
    p = Pair(root, 'k3-keras-skip-added', 'a .keras archive; the new model adds a skip connection (no new weights)')
    rng = fresh(13)
    i = keras.Input((5,))
    h = L.Dense(5, name='a')(i)
    h = L.Dense(5, name='b')(h)
    old = keras.Model(i, L.Dense(2, name='out')(h), name='net')
    randomise(old, rng)
    p.save_old(old, 'keras')
    fresh(14)
    i = keras.Input((5,))
    a = L.Dense(5, name='a')(i)
    b = L.Dense(5, name='b')(a)
    new = keras.Model(i, L.Dense(2, name='out')(L.Add()([a, b])), name='net')
    return p.save_new(new, same_names(['a/kernel', 'a/bias', 'b/kernel', 'b/bias', 'out/kernel', 'out/bias']))


def cnn(filters, classes=4, name_prefix=''):
    return seq(L.Conv2D(filters, 3, name=f'{name_prefix}conv'), L.BatchNormalization(name=f'{name_prefix}bn'), L.ReLU(),
               L.Conv2D(16, 3, name=f'{name_prefix}conv_2'), L.GlobalAveragePooling2D(), L.Dense(classes, name=f'{name_prefix}logits'), shape=(9, 9, 3))


def h5_conv_widened(root):
    p = Pair(root, 'k3-h5-conv-widened', 'a conv layer widened 8 → 12 filters, its batch norm and the next conv follow')
    rng = fresh(15)
    old = cnn(8)
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(16)
    new = cnn(12)
    ids = ['conv/kernel', 'conv/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'conv_2/kernel', 'conv_2/bias', 'logits/kernel', 'logits/bias']
    return p.save_new(new, same_names(ids))


def h5_head_classes(root):
    p = Pair(root, 'k3-h5-head-classes', 'the classifier head goes from 10 classes to 3: the backbone carries, the head may be cut')
    rng = fresh(17)
    old = cnn(8, classes=10)
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(18)
    new = cnn(8, classes=3)
    ids = ['conv/kernel', 'conv/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'conv_2/kernel', 'conv_2/bias']
    return p.save_new(new, same_names(ids), same_names(['logits/kernel', 'logits/bias']))


def h5_embedding_grown(root):
    p = Pair(root, 'k3-h5-embedding-grown', 'the vocabulary grows 50 → 60 tokens')
    rng = fresh(19)
    def model(vocab):
        return seq(L.Embedding(vocab, 4, name='emb'), L.GlobalAveragePooling1D(), L.Dense(2, name='out'), shape=(3,))
    old = model(50)
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(20)
    return p.save_new(model(60), same_names(['emb/embeddings', 'out/kernel', 'out/bias']))


def h5_all_renamed(root):
    p = Pair(root, 'k3-h5-all-layers-renamed', 'same architecture, every layer renamed (a .weights.h5 keys layers by class and position)')
    rng = fresh(21)
    old = cnn(8, name_prefix='old_')
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(22)
    new = cnn(8, name_prefix='new_')
    ids = ['conv/kernel', 'conv/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'conv_2/kernel', 'conv_2/bias', 'logits/kernel', 'logits/bias']
    return p.save_new(new, {f'new_{k}': f'old_{k}' for k in ids})


def keras_branch_removed(root):
    p = Pair(root, 'k3-keras-branch-removed', 'a two-branch Functional model (.keras); the new one drops the side branch')
    rng = fresh(23)
    i = keras.Input((6,))
    a = L.Dense(8, name='main_1')(i)
    a = L.Dense(8, name='main_2')(a)
    b = L.Dense(4, name='side')(i)
    old = keras.Model(i, L.Dense(2, name='out')(L.Concatenate()([a, b])))
    randomise(old, rng)
    p.save_old(old, 'keras')
    fresh(24)
    i = keras.Input((6,))
    a = L.Dense(8, name='main_1')(i)
    a = L.Dense(8, name='main_2')(a)
    new = keras.Model(i, L.Dense(2, name='out')(a))
    # out's kernel read main_2 and side concatenated; cutting it to main_2's rows is not wrong, not needed.
    return p.save_new(new, same_names(['main_1/kernel', 'main_1/bias', 'main_2/kernel', 'main_2/bias', 'out/bias']), same_names(['out/kernel']))


def unrelated_mlp_cnn(root):
    p = Pair(root, 'k3-unrelated-mlp-vs-cnn', 'two different models: a tabular MLP (.weights.h5) and an image CNN', unrelated=True)
    rng = fresh(25)
    old = seq(L.Dense(20), L.Dense(16), L.Dense(1), shape=(8,))
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(26)
    new = seq(L.Conv2D(32, 3), L.MaxPooling2D(), L.Conv2D(64, 3), L.Flatten(), L.Dense(128), L.Dense(10), shape=(28, 28, 1))
    return p.save_new(new, {})


def unrelated_cnn_text(root):
    p = Pair(root, 'k3-unrelated-cnn-vs-text', 'two different models: an image CNN (tf.train.Checkpoint) and a text LSTM', unrelated=True)
    rng = fresh(27)
    old = cnn(8)
    randomise(old, rng)
    p.save_old(old, 'tf-checkpoint')
    fresh(28)
    new = seq(L.Embedding(1000, 16), L.LSTM(32), L.Dense(16), L.Dense(4), shape=(12,))
    return p.save_new(new, {})


def h5_recurrent(root):
    p = Pair(root, 'k3-h5-recurrent-dense-inserted', 'an embedding, a bidirectional LSTM and a GRU (nested cell paths in .weights.h5); a Dense inserted before the output')
    rng = fresh(29)
    def model(extra):
        mid = [L.Dense(3, name='mid')] if extra else []
        return seq(L.Embedding(50, 8, name='emb'), L.Bidirectional(L.LSTM(4, return_sequences=True), name='bilstm'), L.GRU(5, name='gru'), *mid, L.Dense(2, name='out'), shape=(7,))
    old = model(False)
    randomise(old, rng)
    p.save_old(old, 'weights.h5')
    fresh(30)
    new = model(True)
    ids = [k for k in variables(new) if k.startswith(('emb/', 'bilstm/', 'gru/'))] + ['out/bias']
    return p.save_new(new, same_names(ids), same_names(['out/kernel']))


PAIRS = [h5_layer_removed, h5_autonames_insert, tfckpt_renamed_layers, tfckpt_functional_head_added, tfckpt_autonames_insert,
         legacy_layer_added, keras_skip_added, h5_conv_widened, h5_head_classes, h5_embedding_grown, h5_all_renamed,
         keras_branch_removed, h5_recurrent, unrelated_mlp_cnn, unrelated_cnn_text]


if __name__ == '__main__':
    root = sys.argv[1]
    names = [make(root) for make in PAIRS]
    with open(os.path.join(root, 'pairs.json'), 'w') as f:
        json.dump(names, f)
    print('\n'.join(names))
