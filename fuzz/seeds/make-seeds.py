"""Seeds for the fuzz harness in formats the shared fixtures lack, written by the real libraries (run with
.venv-real/bin/python from the repo root; the output is committed): safetensors (single and sharded), NumPy .npz
(stored and deflated) and .npy (little/big-endian, Fortran order), a Keras 3 .keras archive."""
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file

here = os.path.dirname(os.path.abspath(__file__))
out = lambda *p: os.path.join(here, *p)
os.makedirs(out('safetensors'), exist_ok=True)
os.makedirs(out('safetensors-sharded'), exist_ok=True)
os.makedirs(out('numpy'), exist_ok=True)
os.makedirs(out('keras'), exist_ok=True)

g = torch.Generator().manual_seed(0)
save_file({
    'dense/kernel': torch.randn(4, 3, generator=g),
    'dense/bias': torch.randn(3, generator=g).half(),
    'emb': torch.randn(5, 2, generator=g).bfloat16(),
    'step': torch.tensor(7, dtype=torch.int64),
    'mask': torch.tensor([True, False, True]),
    'empty': torch.zeros(0, 3),
}, out('safetensors', 'model.safetensors'), metadata={'format': 'pt'})

a = {'layer.0.weight': torch.randn(3, 2, generator=g), 'layer.0.bias': torch.randn(3, generator=g)}
b = {'layer.1.weight': torch.randn(2, 3, generator=g).double(), 'layer.1.bias': torch.arange(2, dtype=torch.int32)}
save_file(a, out('safetensors-sharded', 'model-00001-of-00002.safetensors'))
save_file(b, out('safetensors-sharded', 'model-00002-of-00002.safetensors'))
wm = {k: 'model-00001-of-00002.safetensors' for k in a} | {k: 'model-00002-of-00002.safetensors' for k in b}
with open(out('safetensors-sharded', 'model.safetensors.index.json'), 'w') as f:
    json.dump({'metadata': {'total_size': 72}, 'weight_map': wm}, f, indent=2)

rng = np.random.default_rng(0)
arrays = {'w': rng.standard_normal((3, 4)).astype(np.float32), 'b': np.arange(4, dtype=np.int64), 'h': np.ones((2, 2), np.float16),
          'flag': np.array([True, False]), 's': np.float64(3.5)}
np.savez(out('numpy', 'arrays.npz'), **arrays)
np.savez_compressed(out('numpy', 'compressed.npz'), **arrays)
np.save(out('numpy', 'little.npy'), rng.standard_normal((2, 3)).astype('<f4'))
np.save(out('numpy', 'big.npy'), np.arange(6, dtype='>i4').reshape(2, 3))
np.save(out('numpy', 'fortran.npy'), np.asfortranarray(rng.standard_normal((3, 2))))

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import keras  # noqa: E402
keras.utils.set_random_seed(0)
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name='hidden'), keras.layers.BatchNormalization(name='bn'), keras.layers.Dense(2, name='out')])
m.save(out('keras', 'small.keras'))

# Keras-looking HDF5 files that are valid HDF5 but hostile: a group hard-linked into itself (a cycle), a chunked
# dataset resized far past the bytes the file holds (no chunk written), variable-length string attributes.
import h5py  # noqa: E402
os.makedirs(out('keras-h5'), exist_ok=True)
with h5py.File(out('keras-h5', 'cycle.weights.h5'), 'w') as f:
    v = f.create_group('layers/dense/vars')
    v['0'] = np.ones((2, 3), np.float32)
    v['1'] = np.zeros((3,), np.float32)
    f['layers/dense/loop'] = f['layers']
    f['layers/dense/vars/again'] = f['layers/dense']
with h5py.File(out('keras-h5', 'sparse.weights.h5'), 'w') as f:
    v = f.create_group('layers/dense/vars')
    v['0'] = np.ones((2, 3), np.float32)
    big = v.create_dataset('1', shape=(4,), maxshape=(None,), chunks=(1024,), dtype='float32')
    big.resize((10**8,))
with h5py.File(out('keras-h5', 'legacy-vlen.h5'), 'w') as f:
    f.attrs['layer_names'] = np.array([b'dense'], dtype=h5py.special_dtype(vlen=bytes))
    f.attrs['keras_version'] = '2.15.0'
    f.attrs['backend'] = 'tensorflow'
    g = f.create_group('dense')
    g.attrs['weight_names'] = np.array([b'dense/kernel:0', b'dense/bias:0'], dtype=h5py.special_dtype(vlen=str))
    g['dense/kernel:0'] = np.ones((2, 3), np.float32)
    g['dense/bias:0'] = np.zeros((3,), np.float32)

# A TF1 checkpoint with a partitioned variable (slices in the index) and a string variable.
import tensorflow as tf  # noqa: E402
os.makedirs(out('tf-partitioned'), exist_ok=True)
with tf.Graph().as_default():
    tf.compat.v1.get_variable('part', shape=[10, 4], partitioner=tf.compat.v1.fixed_size_partitioner(3), initializer=tf.compat.v1.ones_initializer())
    tf.compat.v1.get_variable('whole', shape=[3], initializer=tf.compat.v1.zeros_initializer())
    tf.compat.v1.Variable([b'a', b'bc'], name='names')
    saver = tf.compat.v1.train.Saver()
    with tf.compat.v1.Session() as s:
        s.run(tf.compat.v1.global_variables_initializer())
        saver.save(s, out('tf-partitioned', 'model.ckpt'), write_meta_graph=False)
os.remove(out('tf-partitioned', 'checkpoint'))
