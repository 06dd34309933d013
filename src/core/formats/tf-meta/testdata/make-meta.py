"""Writes the MetaGraphs the tf-meta tests read, with TensorFlow 2.21's tf.compat.v1 (run from this folder):

    TF_CPP_MIN_LOG_LEVEL=3 ../../../../../.venv-real/bin/python make-meta.py

- trained.{meta,index,data-00000-of-00001}: a small graph trained one Adam step and saved by Saver: a ref-variable
  dense layer (MatMul + bias add), a resource-variable Conv2D with BiasAdd, a non-trainable statistic, global_step.
- inits.meta: no training; a partitioned variable (3 slices) and one variable per tf.compat.v1 initializer.
- expected.json: what TensorFlow itself says about both graphs (collections, Saver keys, shapes), for the tests.
"""
import json
import os

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf1 = tf.compat.v1


def trained():
    g = tf.Graph()
    with g.as_default():
        tf1.set_random_seed(1)
        x = tf.constant(np.ones((2, 4, 4, 1), 'float32'))
        with tf1.variable_scope('conv', use_resource=True):
            k = tf1.get_variable('k', [2, 2, 1, 2], initializer=tf1.truncated_normal_initializer(stddev=0.1))
            b = tf1.get_variable('b', [2], initializer=tf1.zeros_initializer())
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, k, [1, 1, 1, 1], 'VALID'), b))
        h = tf.reshape(h, [2, 18])
        with tf1.variable_scope('fc', use_resource=False):
            w = tf1.get_variable('kernel', [18, 3], initializer=tf1.glorot_uniform_initializer())
            bias = tf1.get_variable('bias', [3], initializer=tf1.constant_initializer(0.5))
            y = tf.matmul(h, w) + bias
            stat = tf1.get_variable('mean', [3], initializer=tf1.zeros_initializer(), trainable=False)
            update = tf1.assign(stat, stat * 0.9 + tf.reduce_mean(y, 0) * 0.1)
        step = tf1.train.get_or_create_global_step()
        with tf.control_dependencies([update]):
            train = tf1.train.AdamOptimizer(0.01).minimize(tf.reduce_mean(y * y), global_step=step)
        saver = tf1.train.Saver()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run(train)
            saver.save(sess, 'trained', strip_default_attrs=True)
        return describe(g)


def inits():
    g = tf.Graph()
    with g.as_default():
        def init(shape, dtype=None, partition_info=None):
            return tf.ones(shape, dtype) * 2.0
        tf1.get_variable('emb', [9, 2], initializer=init, partitioner=tf1.fixed_size_partitioner(3))
        tf1.get_variable('glorot_n', [4, 2], initializer=tf1.glorot_normal_initializer())
        tf1.get_variable('he_n', [3, 3, 4, 2], initializer=tf1.variance_scaling_initializer(2.0))
        tf1.get_variable('he_u', [3, 3, 4, 2], initializer=tf1.initializers.he_uniform())
        tf1.get_variable('ortho', [4, 2], initializer=tf1.orthogonal_initializer(gain=2.0))
        tf1.get_variable('table', [2, 3], initializer=tf1.constant_initializer(np.arange(6).reshape(2, 3)))
        tf1.get_variable('uniform', [3, 2], initializer=tf1.random_uniform_initializer(-0.3, 0.2))
        tf1.get_variable('normal', [3, 2], initializer=tf1.random_normal_initializer(1.0, 0.25))
        tf1.Variable(tf.fill([3, 2], 0.25), name='filled')
        tf1.Variable(tf.ones([2]) * 3 - 1, name='affine')
        tf1.Variable(7, name='count')
        tf1.Variable(tf.eye(2), name='eye')
        saver = tf1.train.Saver()
        saver.export_meta_graph('inits.meta', strip_default_attrs=True)
        return describe(g)


def describe(g):
    with g.as_default():
        return {
            'variables': [v.op.name for v in tf1.global_variables()],
            'trainable': [v.op.name for v in tf1.trainable_variables()],
            'shapes': {v.op.name: v.shape.as_list() for v in tf1.global_variables()},
            'ops': {v.op.name: v.op.type for v in tf1.global_variables()},
        }


expected = {'trained': trained(), 'inits': inits()}
expected['trained']['checkpoint'] = {k: s for k, s in tf.train.list_variables('trained')}
with open('expected.json', 'w') as f:
    json.dump(expected, f, indent=1, sort_keys=True)
for name in sorted(os.listdir('.')):
    print(f'{os.path.getsize(name):8d}  {name}')
