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
