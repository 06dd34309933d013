"""`npm run test:real` scenarios for sharded output (`graft apply --max-shard-size`): the export is split into several
files, as TF's multi-shard bundles and HF's `save_pretrained(max_shard_size=...)` are, and the `shards` consumer
(consumer_shards.py) loads them the way their users do: TF through `tf.train.latest_checkpoint(folder)` (the
`checkpoint` file Graft writes), safetensors through `model.safetensors.index.json` and each shard.

scenario.json adds `shard_limit` (the --max-shard-size in bytes) and `apply_args` (test-real.mjs passes them to
`graft apply` for that format).
"""
import numpy as np
import keras
import torch

from scenarios import Scenario, fresh, keras_variables, randomise, same
from scenarios_torch import numpy, trained
from torch_models import TinyLm

L = keras.layers
LIMIT = 4096


def sharded(s, formats, limit=LIMIT):
    s.meta.update(formats=formats, shard_limit=limit, apply_args={f: ['--max-shard-size', str(limit)] for f in formats})


def keras_sharded(root):
    """A Keras 3 model with an Embedding (12,800 bytes: more than the 4,096-byte limit, so a shard of its own) and
    Dense/BatchNorm layers that fill shards of up to 4,096 bytes; the new model adds a layer. tf: several
    `.data-0000N-of-0000M` files restored through latest_checkpoint; safetensors: shards + index.json."""
    s = Scenario(root, 'keras-sharded', 'shards')
    sharded(s, ['tf', 'safetensors'])

    def model(extra):
        layers = [keras.Input((5,), dtype='int32'), L.Embedding(200, 16, name='emb'), L.Flatten(name='flat'),
                  L.Dense(24, activation='relu', name='d1'), L.BatchNormalization(name='bn'), L.Dense(20, activation='relu', name='d2')]
        if extra:
            layers.append(L.Dense(20, activation='relu', name='extra'))
        layers.append(L.Dense(3, name='out'))
        return keras.Sequential(layers)

    rng = fresh(41)
    old = model(False)
    randomise(old, rng)
    s.save_old_keras(old, 'weights.h5')
    ov = {k: v.numpy() for k, v in keras_variables(old).items()}
    fresh(42)
    new = model(True)
    s.save_new_keras(new)
    same(s, ov, keras_variables(new), {k: k for k in ov})
    s.expect('extra/bias', np.zeros(20, 'float32'))
    return s.done()


def torch_sharded(root):
    """A PyTorch LM (old .pth) onto the same model given as a fresh template (.pt), written in shards of at most
    1,000 bytes (the 768-byte attention in_proj fills one nearly alone); loaded as transformers'
    load_sharded_checkpoint does: the index's keys against the model's, then every shard with load_state_dict."""
    s = Scenario(root, 'torch-sharded', 'shards')
    sharded(s, ['safetensors'], 1000)
    s.meta['torch_model'] = 'TinyLm'
    torch.manual_seed(43)
    old = trained(TinyLm(), 43)
    torch.save(old.state_dict(), s.path('old.pth'))
    torch.manual_seed(44)
    torch.save(TinyLm().state_dict(), s.path('new.pt'))  # tied embed/head weights: safetensors' save_file refuses them
    s.meta.update(old='old.pth', new='new.pt')
    for k, v in numpy(old.state_dict()).items():
        s.expect(k, v)
    return s.done()


SCENARIOS = [keras_sharded, torch_sharded]
