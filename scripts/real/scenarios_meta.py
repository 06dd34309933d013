"""`npm run test:real` scenarios for TF1 graphs given to Graft as MetaGraphs: the old side is a checkpoint with its
`.meta` beside it, the new model is ONLY the new graph's `.meta` (no checkpoint of it exists). The `tf1` consumer
restores Graft's export with `import_meta_graph(new.meta)` + `Saver.restore` and compares values by variable name.
"""
import os

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from scenarios import Scenario, widened  # noqa: E402

tf1 = tf.compat.v1


def dense(h, scope, units, act=None, resource=False, bias_init=None):
    with tf1.variable_scope(scope, use_resource=resource):
        w = tf1.get_variable('kernel', [h.shape[-1], units], initializer=tf1.glorot_uniform_initializer())
        b = tf1.get_variable('bias', [units], initializer=bias_init or tf1.zeros_initializer())
        y = tf.matmul(h, w) + b
        return act(y) if act else y


def batch_norm(h, scope, resource=False):
    with tf1.variable_scope(scope, use_resource=resource):
        c = h.shape[-1]
        gamma = tf1.get_variable('gamma', [c], initializer=tf1.ones_initializer())
        beta = tf1.get_variable('beta', [c], initializer=tf1.zeros_initializer())
        mean = tf1.get_variable('moving_mean', [c], initializer=tf1.zeros_initializer(), trainable=False)
        var = tf1.get_variable('moving_variance', [c], initializer=tf1.ones_initializer(), trainable=False)
        m, v = tf.nn.moments(h, [0])
        tf1.add_to_collection(tf1.GraphKeys.UPDATE_OPS, tf1.assign(mean, mean * 0.9 + m * 0.1))
        tf1.add_to_collection(tf1.GraphKeys.UPDATE_OPS, tf1.assign(var, var * 0.9 + v * 0.1))
        return tf.nn.batch_normalization(h, mean, var, beta, gamma, 1e-3)


def conv(x, resource):
    with tf1.variable_scope('conv1', use_resource=resource):
        w = tf1.get_variable('w', [3, 3, 2, 4], initializer=tf1.truncated_normal_initializer(stddev=0.1))
        b = tf1.get_variable('b', [4], initializer=tf1.zeros_initializer())
        return tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME'), b))


def train_graph(build, seed):
    """A graph with `build()`'s loss, trained by Adam with a global step, and its Saver."""
    g = tf.Graph()
    with g.as_default():
        tf1.set_random_seed(seed)
        loss = build()
        step = tf1.train.get_or_create_global_step()
        with tf.control_dependencies(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)):
            train = tf1.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
        return g, train, tf1.train.Saver()


def values(sess):
    return {v.op.name: sess.run(v) for v in tf1.global_variables()}


def old_and_new(s, old_build, new_build, steps=3):
    """Trains and saves the old graph (checkpoint + .meta); writes the new graph's .meta only. Returns old values."""
    g, train, saver = train_graph(old_build, 1)
    with g.as_default(), tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
        os.makedirs(s.path('old'), exist_ok=True)
        saver.save(sess, s.path('old/model.ckpt'))
        ov = values(sess)
    g, _, saver = train_graph(new_build, 2)
    with g.as_default():
        os.makedirs(s.path('new'), exist_ok=True)
        saver.export_meta_graph(s.path('new/new.meta'))
        names = {v.op.name: v for v in tf1.global_variables()}
    s.meta.update(old='old/model.ckpt', new='new/new.meta', new_meta='new/new.meta')
    return ov, names


def meta_graph_changed(root):
    """conv → bn → fc1 → fc2 → fc3 → out becomes conv → bn → fc1 (widened 8→12) → fc3 (tanh) → fc4 (added) → bn2
    (added) → out: fc2 removed. Old graph uses ref variables, the new one resource variables; Adam slots carried."""
    s = Scenario(root, 'meta-graph-changed', 'tf1')
    x = np.random.default_rng(40).normal(size=(4, 5, 5, 2)).astype('float32')

    def old():
        h = tf.reshape(conv(tf.constant(x), False), [4, 100])
        h = batch_norm(h, 'bn1')
        h = dense(h, 'fc1', 8, tf.nn.relu)
        h = dense(h, 'fc2', 8, tf.nn.relu)
        h = dense(h, 'fc3', 6, tf.nn.relu)
        return tf.reduce_mean(dense(h, 'out', 2) ** 2)

    def new():
        h = tf.reshape(conv(tf.constant(x), True), [4, 100])
        h = batch_norm(h, 'bn1', True)
        h = dense(h, 'fc1', 12, tf.nn.relu, True)
        h = dense(h, 'fc3', 6, tf.nn.tanh, True)
        h = dense(h, 'fc4', 6, tf.nn.relu, True, bias_init=tf1.constant_initializer(0.1))
        h = batch_norm(h, 'bn2', True)
        return tf.reduce_mean(dense(h, 'out', 2, None, True) ** 2)

    ov, nv = old_and_new(s, old, new)
    s.meta['match_args'] = ['--include-optimizer']
    kept = ['conv1/w', 'conv1/b', 'bn1/gamma', 'bn1/beta', 'out/kernel', 'out/bias']
    for k in kept + ['bn1/moving_mean', 'bn1/moving_variance', 'global_step', 'beta1_power', 'beta2_power']:
        assert k in nv, k
        s.expect(k, ov[k])
    for k in kept:
        s.expect(f'{k}/Adam', ov[f'{k}/Adam'])
        s.expect(f'{k}/Adam_1', ov[f'{k}/Adam_1'])
    widened(s, 'fc1/kernel', ov['fc1/kernel'], 1, 4)
    widened(s, 'fc1/bias', ov['fc1/bias'], 0, 4)
    widened(s, 'fc3/kernel', ov['fc3/kernel'], 0, 4)
    s.expect('fc3/bias', ov['fc3/bias'])
    # New variables start as the graph says: constants exactly.
    s.expect('fc4/bias', np.full(6, 0.1, 'float32'))
    s.expect('bn2/gamma', np.ones(6, 'float32'))
    s.expect('bn2/beta', np.zeros(6, 'float32'))
    s.expect('bn2/moving_mean', np.zeros(6, 'float32'))
    s.expect('bn2/moving_variance', np.ones(6, 'float32'))
    s.expect('fc4/kernel/Adam', np.zeros((6, 6), 'float32'))
    # glorot_uniform for fc4/kernel [6, 6]: within ±sqrt(6 / 12).
    s.meta['bounds'] = [{'id': 'fc4/kernel', 'low': -float(np.sqrt(0.5)), 'high': float(np.sqrt(0.5))}]
    return s.done()


def meta_graph_autonamed(root):
    """Auto-named variables (`Variable`, `Variable_1`…): removing the 6→6 layer shifts every later name by two."""
    s = Scenario(root, 'meta-graph-autonamed', 'tf1')
    x = np.random.default_rng(41).normal(size=(8, 4)).astype('float32')

    def mlp(widths):
        def build():
            h = tf.constant(x)
            for a, b in zip(widths, widths[1:]):
                w = tf1.Variable(tf1.random_normal([a, b], stddev=0.3))
                bias = tf1.Variable(tf.zeros([b]))
                h = tf.nn.relu(tf.matmul(h, w) + bias)
            return tf.reduce_mean(h * h)
        return build

    ov, nv = old_and_new(s, mlp([4, 6, 6, 3, 2]), mlp([4, 6, 3, 2]), steps=2)
    assert sorted(k for k in nv if '/' not in k and k.startswith('Variable')) == ['Variable'] + [f'Variable_{i}' for i in range(1, 6)]
    pairs = {'Variable': 'Variable', 'Variable_1': 'Variable_1', 'Variable_2': 'Variable_4', 'Variable_3': 'Variable_5',
             'Variable_4': 'Variable_6', 'Variable_5': 'Variable_7'}
    for new_id, old_id in pairs.items():
        assert nv[new_id].shape == ov[old_id].shape, (new_id, old_id)
        s.expect(new_id, ov[old_id])
    return s.done()


def meta_graph_partitioned(root):
    """One embedding table in the old checkpoint; the new graph partitions it in three and adds a projection. Graft
    writes the table whole under its full name: TF's restore reads each part's slice out of it."""
    s = Scenario(root, 'meta-graph-partitioned', 'tf1')
    table = np.random.default_rng(42).normal(size=(9, 4)).astype('float32')

    def old():
        v = tf1.get_variable('emb/table', [9, 4], initializer=tf1.constant_initializer(table))
        return tf.reduce_sum(v * v)

    def new():
        v = tf1.get_variable('emb/table', [9, 4], initializer=tf1.zeros_initializer(), partitioner=tf1.fixed_size_partitioner(3))
        w = tf1.get_variable('proj/w', [4, 2], initializer=tf1.ones_initializer(), use_resource=True)
        return tf.reduce_sum(tf.matmul(tf.nn.embedding_lookup(v, [1, 7]), w))

    ov, nv = old_and_new(s, old, new, steps=0)
    assert 'emb/table/part_2' in nv, sorted(nv)
    for i in range(3):
        s.expect(f'emb/table/part_{i}', table[3 * i:3 * i + 3])
    s.expect('proj/w', np.ones((4, 2), 'float32'))
    # Graft's other formats hold the table whole, under the key the graph's Saver uses.
    s.meta['formats'] = ['tf']
    return s.done()


def meta_graph_bn_removed(root):
    """Auto-named conv → batch norm → conv → dense loses its batch norm: the new `Variable_3` (a conv bias) had the
    name and shape of the old batch-norm offset. The op each variable feeds places them."""
    s = Scenario(root, 'meta-graph-bn-removed', 'tf1')
    x = np.random.default_rng(43).normal(size=(2, 4, 4, 2)).astype('float32')

    def net(with_bn):
        def build():
            w = tf1.Variable(tf1.truncated_normal([3, 3, 2, 4], stddev=0.1))
            b = tf1.Variable(tf.zeros([4]))
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(tf.constant(x), w, [1, 1, 1, 1], 'SAME'), b))
            if with_bn:
                gamma, beta = tf1.Variable(tf.ones([4])), tf1.Variable(tf.zeros([4]))
                mean, var = tf1.Variable(tf.zeros([4]), trainable=False), tf1.Variable(tf.ones([4]), trainable=False)
                h, _, _ = tf1.nn.fused_batch_norm(h, gamma, beta, mean, var, is_training=False)
            w2 = tf1.Variable(tf1.truncated_normal([3, 3, 4, 4], stddev=0.1))
            b2 = tf1.Variable(tf.zeros([4]))
            h = tf.reshape(tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, w2, [1, 1, 1, 1], 'SAME'), b2)), [2, 64])
            w3, b3 = tf1.Variable(tf1.random_normal([64, 3], stddev=0.1)), tf1.Variable(tf.zeros([3]))
            return tf.reduce_mean((tf.matmul(h, w3) + b3) ** 2)
        return build

    ov, nv = old_and_new(s, net(True), net(False), steps=2)
    pairs = {'Variable': 'Variable', 'Variable_1': 'Variable_1', 'Variable_2': 'Variable_6', 'Variable_3': 'Variable_7',
             'Variable_4': 'Variable_8', 'Variable_5': 'Variable_9'}
    for new_id, old_id in pairs.items():
        assert nv[new_id].shape == ov[old_id].shape, (new_id, old_id)
        s.expect(new_id, ov[old_id])
    return s.done()


SCENARIOS = [meta_graph_changed, meta_graph_autonamed, meta_graph_partitioned, meta_graph_bn_removed]
