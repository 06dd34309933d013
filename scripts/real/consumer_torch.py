"""The `torch` consumer of `npm run test:real`: the new model rebuilt from torch_models.py, Graft's output loaded with
`model.load_state_dict(..., strict=True)` (safetensors through safetensors.torch, .pt through
torch.load(weights_only=True)), then every expected value compared in the model's own state_dict."""
import os

import numpy as np
import safetensors.torch
import torch

from check import differences
from torch_models import MODELS


def check(checker, s, d, fmt, path, expected):
    model = MODELS[s['torch_model']]()
    if fmt == 'safetensors':
        state = safetensors.torch.load_file(path)
        how = 'safetensors.torch.load_file'
    elif fmt == 'pytorch':
        state = torch.load(path, weights_only=True)
        how = 'torch.load(weights_only=True)'
    else:
        raise ValueError(f'the torch consumer does not read {fmt}')
    model.load_state_dict(state, strict=True)
    values = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    bad = differences(s, expected, values)
    if bad:
        raise AssertionError('; '.join(bad[:4]))
    model.eval()
    if s['predict']:
        return f'{how} + load_state_dict(strict=True): {len(s["expect"])} values right, {same_outputs(s, d, model)}'
    with torch.no_grad():
        out = model(torch.zeros(1, 1, 5, 5)) if s['torch_model'].endswith('Cnn') else model.head(model.embed(torch.tensor([[1, 2]])))
    if not torch.isfinite(out).all():
        raise AssertionError('the loaded model computes non-finite outputs')
    return f'{how} + load_state_dict(strict=True): {len(s["expect"])} values right'


def same_outputs(s, d, model):
    """The model's outputs on x.npy (Keras layout: `torch_input` 'nhwc' is turned into NCHW, 'tokens' into int64, 'nlc' kept)
    against y.npy, the source model's outputs."""
    x, y = np.load(os.path.join(d, 'x.npy')), np.load(os.path.join(d, 'y.npy'))
    kind = s['torch_input']
    t = torch.from_numpy(x.transpose(0, 3, 1, 2).copy() if kind == 'nhwc' else x.astype('int64') if kind == 'tokens' else x)
    with torch.no_grad():
        got = model(t).numpy()
    if got.shape != y.shape or not np.allclose(got, y, rtol=1e-5, atol=1e-5):
        raise AssertionError(f'outputs differ from the source model by up to {np.max(np.abs(got - y)):.3g}')
    return 'outputs equal the source model\'s within 1e-5'
