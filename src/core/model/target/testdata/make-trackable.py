# Records where Keras 3 on TensorFlow keeps each variable of a model in a TF object-based checkpoint
# (tf.train.Checkpoint(model=m).write), keyed by the variable's key in the model's .weights.h5.
# Run with TensorFlow 2.21 + Keras 3.15.1 (TF backend) here: python make-trackable.py
# Writes keras2-sequential.json and keras2-shuffled.json (Keras 2 configs written out by hand: no InputLayer in
# the Sequential; a Functional listed out of Keras' operation order), keras3-zoo.json and keras3-deepnest.json
# (model.to_json()), and keras3-trackable.json: {model: [[h5 key, trackable path, shape], ...]}.
# The keras3-{functional,sequential,nested}.json of make-keras3.py are loaded, not rewritten.
import os, json, tempfile
os.environ['KERAS_BACKEND'] = 'tensorflow'
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
import numpy as np, h5py, keras, tensorflow as tf
from keras import layers as L
from tensorflow.core.protobuf import trackable_object_graph_pb2 as tog

SUFFIX = '/.ATTRIBUTES/VARIABLE_VALUE'

def record(model):
    # Distinct values per variable, so each .weights.h5 dataset finds its checkpoint key by value.
    for i, v in enumerate(model.weights):
        v.assign(np.random.default_rng(i).standard_normal(v.shape).astype(v.dtype))
    d = tempfile.mkdtemp()
    model.save_weights(f'{d}/m.weights.h5')
    prefix = tf.train.Checkpoint(model=model).write(f'{d}/ck')
    reader = tf.train.load_checkpoint(prefix)
    by_bytes = {}
    for key in reader.get_variable_to_shape_map():
        if key.endswith(SUFFIX):
            by_bytes.setdefault(reader.get_tensor(key).tobytes(), []).append(key)
    out = []
    with h5py.File(f'{d}/m.weights.h5') as f:
        def visit(name, o):
            if isinstance(o, h5py.Dataset):
                keys = by_bytes.get(np.asarray(o).tobytes(), [])
                assert len(keys) <= 1, (name, keys)
                path = keys[0][len('model/'):-len(SUFFIX)] if keys else None
                out.append([name, path, list(o.shape)])
        f.visititems(visit)
    assert len(out) == len(model.weights), (len(out), len(model.weights))
    return out

def load(name):
    text = open(f'{name}.json').read()
    if name.startswith('keras2'):
        # How Keras 3 loads a Keras 2 config (a legacy .h5 full model goes the same way).
        from keras.src.legacy.saving import saving_utils
        return saving_utils.model_from_config(json.loads(text))
    return keras.models.model_from_json(text)

def zoo():
    a = keras.Input((8, 8, 3), name='image')
    x = L.Conv2D(4, 3, name='conv')(a)
    x = L.DepthwiseConv2D(3, name='depthwise')(x)
    x = L.SeparableConv2D(5, 1, name='separable')(x)
    x = L.Conv2DTranspose(2, 2, name='deconv')(x)
    x = L.PReLU(name='prelu')(x)
    x = L.GlobalAveragePooling2D(name='gap')(x)
    x = L.Dense(6, name='dense_img')(x)
    b = keras.Input((5, 4), name='seq')
    y = L.TimeDistributed(L.Dense(3, name='td_dense'), name='td')(b)
    y = L.SimpleRNN(4, return_sequences=True, name='srnn')(y)
    y = L.Bidirectional(L.GRU(2, return_sequences=True), name='bigru')(y)
    y = L.RNN(L.LSTMCell(3, name='cell'), name='rnn')(y)
    c = keras.Input((4, 4, 4, 2), name='vol')
    z = L.Conv3D(2, 2, name='conv3')(c)
    z = L.Flatten(name='flat3')(z)
    e = keras.Input((3, 6, 6, 2), name='clip')
    w = L.ConvLSTM2D(2, 3, name='convlstm')(e)
    w = L.Flatten(name='flatc')(w)
    t = keras.Input((7,), dtype='int32', name='tokens')
    u = L.Embedding(20, 4, name='emb')(t)
    u = L.LayerNormalization(name='ln')(u)
    u = L.Conv1D(3, 2, name='conv1')(u)
    u = L.BatchNormalization(center=False, name='bn')(u)
    u = L.GlobalMaxPooling1D(name='gmp')(u)
    o = L.Concatenate(name='cat')([x, y, z, w, u])
    o = L.Dense(2, use_bias=False, name='out')(o)
    return keras.Model([a, b, c, e, t], o, name='zoo')

def deepnest():
    inner = keras.Sequential([keras.Input((5,)), L.Dense(4, name='seq_dense'), L.BatchNormalization(name='seq_bn')], name='inner_seq')
    i = keras.Input((4,), name='f_in')
    f = keras.Model(i, L.Dense(3, name='f_dense')(i), name='inner_func')
    outer_seq = keras.Sequential([keras.Input((5,)), inner, L.Dropout(0.1), f], name='mid_seq')
    top_in = keras.Input((5,), name='top_in')
    h = L.Dense(5, name='pre')(top_in)
    return keras.Model(top_in, L.Dense(1, name='post')(outer_seq(h)), name='deepnest')

# Keras 2 configs, by hand.
def dense(name, units, inbound=None, **extra):
    l = {"class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": "linear", "use_bias": True,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
         "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None, **extra}}
    if inbound is not None:
        l["name"] = name
        l["inbound_nodes"] = [[[n, i, 0, {}] for n, i in node] for node in inbound]
    return l
bn = {"class_name": "BatchNormalization", "config": {"name": "batch_normalization", "trainable": True, "dtype": "float32", "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True,
      "beta_initializer": {"class_name": "Zeros", "config": {}}, "gamma_initializer": {"class_name": "Ones", "config": {}}, "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
      "moving_variance_initializer": {"class_name": "Ones", "config": {}}, "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}}
drop = {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.5, "noise_shape": None, "seed": None}}
seq = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [dense("dense", 3, batch_input_shape=[None, 4]), bn, drop, dense("dense_1", 2)]}, "keras_version": "2.11.0", "backend": "tensorflow"}
json.dump(seq, open("keras2-sequential.json", "w"))
def inp(name, n):
    return {"class_name": "InputLayer", "name": name, "config": {"batch_input_shape": [None, n], "dtype": "float32", "sparse": False, "ragged": False, "name": name}, "inbound_nodes": []}
cat = {"class_name": "Concatenate", "name": "cat", "config": {"name": "cat", "trainable": True, "dtype": "float32", "axis": -1}, "inbound_nodes": [[["a2", 0, 0, {}], ["b3", 0, 0, {}], ["shared", 1, 0, {}]]]}
# Listed out of Keras' depth order on purpose: Keras orders _operations by depth, then by traversal from the outputs.
layers = [dense("out", 2, [[("cat", 0)]]), dense("b3", 3, [[("b2", 0)]]), inp("in_b", 5), cat, dense("a2", 4, [[("shared", 0)]]),
          dense("shared", 6, [[("in_a", 0)], [("b2", 0)]]), inp("in_a", 6), dense("b2", 6, [[("in_b", 0)]])]
fn = {"class_name": "Functional", "config": {"name": "shuffled", "layers": layers, "input_layers": [["in_a", 0, 0], ["in_b", 0, 0]], "output_layers": [["out", 0, 0]]}, "keras_version": "2.11.0", "backend": "tensorflow"}
json.dump(fn, open("keras2-shuffled.json", "w"))

result = {}
for name in ['keras3-functional', 'keras3-sequential', 'keras3-nested', 'keras2-sequential', 'keras2-shuffled']:
    result[name] = record(load(name))
for name, build in [('keras3-zoo', zoo), ('keras3-deepnest', deepnest)]:
    m = build()
    open(f'{name}.json', 'w').write(m.to_json())
    result[name] = record(load(name))
json.dump(result, open('keras3-trackable.json', 'w'), indent=0)
for k, v in result.items():
    print(k)
    for row in v: print('  ', row)
