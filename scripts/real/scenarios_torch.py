"""`npm run test:real` scenarios for PyTorch: the old checkpoint is a `torch.save` file (a state dict, or a training
checkpoint with an optimizer and a DataParallel `module.` prefix, in the zip or the legacy layout), the new model is a
template, its fresh state_dict saved as `.safetensors` or `.pt`. The `torch` consumer rebuilds the new model from
torch_models.py (`torch_model` in scenario.json) and loads Graft's output with load_state_dict(strict=True)."""
import os

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import save_file

from scenarios import Scenario, widened
from torch_models import SmallCnn, TinyLm, TinyLmDeeper, WideCnn

TORCH_FORMATS = ['safetensors', 'pytorch']


def trained(model, seed):
    """Values no initializer gives: normal weights, running statistics away from 0 and 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
        for name, b in model.named_buffers():
            if name.endswith('running_var'):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)
            elif b.is_floating_point():
                b.copy_(torch.randn(b.shape, generator=g))
            else:
                b.fill_(11)
    return model


def numpy(sd):
    return {k: v.detach().numpy().copy() for k, v in sd.items()}


def torch_scenario(root, name, model_class):
    s = Scenario(root, name, 'torch')
    s.meta.update(formats=TORCH_FORMATS, torch_model=model_class.__name__)
    return s


def torch_linear_widened(root):
    """A Linear widened (fc1 8 → 12 units, so fc2 gets 12 inputs) and a Linear added; old .pth (zip), new .safetensors."""
    s = torch_scenario(root, 'torch-linear-widened', WideCnn)
    torch.manual_seed(1)
    old = trained(SmallCnn(), 1)
    torch.save(old.state_dict(), s.path('old.pth'))
    ov = numpy(old.state_dict())
    torch.manual_seed(2)
    new = WideCnn()
    save_file(new.state_dict(), s.path('new.safetensors'))
    s.meta.update(old='old.pth', new='new.safetensors')
    for k in ['conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'fc2.bias']:
        s.expect(k, ov[k])
    widened(s, 'fc1.weight', ov['fc1.weight'], 0, 4)
    widened(s, 'fc1.bias', ov['fc1.bias'], 0, 4)
    widened(s, 'fc2.weight', ov['fc2.weight'], 1, 4)
    # The added layer starts from the template's values.
    nv = numpy(new.state_dict())
    s.expect('mid.weight', nv['mid.weight'])
    s.expect('mid.bias', nv['mid.bias'])
    return s.done()


def torch_training_checkpoint(root):
    """A legacy-layout training checkpoint of a DataParallel model (epoch, model_state_dict with `module.`, Adam state)
    onto a deeper model given as a fresh state dict .pt."""
    s = torch_scenario(root, 'torch-training-checkpoint', TinyLmDeeper)
    torch.manual_seed(3)
    old = nn.DataParallel(trained(TinyLm(), 3))
    opt = torch.optim.Adam(old.parameters(), lr=1e-3)
    loss = old.module.head(old.module.norm(old.module.blocks[0](old.module.embed(torch.tensor([[1, 2, 3]]))))).sum()
    loss.backward()
    opt.step()
    torch.save({'epoch': 7, 'global_step': 700, 'model_state_dict': old.state_dict(), 'optimizer_state_dict': opt.state_dict(),
                'config': {'d_model': 8, 'name': 'tiny'}}, s.path('old.pth'), _use_new_zipfile_serialization=False)
    ov = numpy(old.module.state_dict())
    torch.manual_seed(4)
    new = TinyLmDeeper()
    torch.save(new.state_dict(), s.path('new.pt'))
    s.meta.update(old='old.pth', new='new.pt')
    for k, v in ov.items():
        s.expect(k, v)
    nv = numpy(new.state_dict())
    for k in nv:
        if k.startswith('blocks.1.'):
            s.expect(k, nv[k])
    return s.done()


SCENARIOS = [torch_linear_widened, torch_training_checkpoint]
