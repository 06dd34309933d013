"""The `torch` consumer of `npm run test:real`: the new model rebuilt from torch_models.py, Graft's output loaded with
`model.load_state_dict(..., strict=True)` (safetensors through safetensors.torch, .pt through
torch.load(weights_only=True)), then every expected value compared in the model's own state_dict."""
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
    with torch.no_grad():
        out = model(torch.zeros(1, 1, 5, 5)) if s['torch_model'].endswith('Cnn') else model.head(model.embed(torch.tensor([[1, 2]])))
    if not torch.isfinite(out).all():
        raise AssertionError('the loaded model computes non-finite outputs')
    return f'{how} + load_state_dict(strict=True): {len(s["expect"])} values right'
