"""Writes a Keras 3 model trained one step with Adam, saved every way Keras 3 / TF save it, and
expected-kinds.json: every stored key with what the real library says it is ("weight" when it is one of
model.weights, "optimizer" when it is one of model.optimizer.variables, else "bookkeeping").

Run from this folder: TF_CPP_MIN_LOG_LEVEL=3 ../../../../../.venv-real/bin/python make.py
(TensorFlow 2.21, Keras 3.15.1.)"""
import io
import json
import os
import shutil
import zipfile

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import h5py
import keras
import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import trackable_object_graph_pb2

keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name='d1'), keras.layers.Dense(2, name='d2')])
model.compile(optimizer='adam', loss='mse')
model.fit(np.ones((2, 3), 'float32'), np.ones((2, 2), 'float32'), epochs=1, verbose=0)

for f in os.listdir('.'):
    if f != 'make.py':
        os.remove(f) if os.path.isfile(f) else shutil.rmtree(f)
# The optimizer beside the model (its variables come first in TF's breadth-first walk) and under it.
tf.train.Checkpoint(model=model, optimizer=model.optimizer).write('both')
tf.train.Checkpoint(model=model).write('model-only')
model.save('model.keras')
model.save_weights('model.weights.h5')
model.save('legacy.h5')

weight_paths = {v.path for v in model.weights}
optimizer_paths = {v.path for v in model.optimizer.variables}


def kind(var_path):
    return 'weight' if var_path in weight_paths else 'optimizer' if var_path in optimizer_paths else 'bookkeeping'


expected = {}
for prefix in ['both', 'model-only']:
    reader = tf.train.load_checkpoint(prefix)
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(reader.get_tensor('_CHECKPOINTABLE_OBJECT_GRAPH'))
    full = {a.checkpoint_key: a.full_name for n in graph.nodes for a in n.attributes}
    expected[f'{prefix}.index'] = {k: kind(full.get(k)) for k, _ in tf.train.list_variables(prefix)}

# .keras / .weights.h5: layers/<layer>/vars/<i> and optimizer/vars/<i>, in the order of model.weights and
# model.optimizer.variables (Keras 3's saving_lib).
def h5_keys(h5):
    keys = []
    h5.visititems(lambda name, obj: keys.append(name) if isinstance(obj, h5py.Dataset) else None)
    return keys


with h5py.File('model.weights.h5', 'r') as h5:
    expected['model.weights.h5'] = {k: 'optimizer' if k.startswith('optimizer/') else 'weight' for k in h5_keys(h5)}
    assert sum(v == 'weight' for v in expected['model.weights.h5'].values()) == len(model.weights)
    assert sum(v == 'optimizer' for v in expected['model.weights.h5'].values()) == len(model.optimizer.variables)
with h5py.File('legacy.h5', 'r') as h5:
    expected['legacy.h5'] = {k: 'weight' if k.startswith('model_weights/') else 'optimizer' for k in h5_keys(h5)}
    assert {k.split('/', 2)[2] for k in expected['legacy.h5'] if k.startswith('model_weights/')} == weight_paths
    assert {k.split('/', 1)[1] for k in expected['legacy.h5'] if k.startswith('optimizer_weights/')} == optimizer_paths
with zipfile.ZipFile('model.keras') as z, h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r') as h5:
    expected['model.keras'] = {k: 'optimizer' if k.startswith('optimizer/') else 'weight' for k in h5_keys(h5)}

with open('expected-kinds.json', 'w') as f:
    json.dump({'tensorflow': tf.__version__, 'keras': keras.__version__, 'files': expected}, f, indent=1)
    f.write('\n')
