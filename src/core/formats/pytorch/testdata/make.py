"""Writes the PyTorch test files beside this script with the real torch, and expected.jsonl: for every file, each value
Graft must list (name, dtype, shape, kind, sha256 of the C-order little-endian bytes), computed here by torch/numpy.

    .venv-real/bin/python src/core/formats/pytorch/testdata/make.py

Python numbers in a checkpoint are listed as 0-d values (int → int64, float → float64, bool → bool) and a list or
tuple of numbers as one vector; text, None and other objects are not listed. `num_batches_tracked` and numbers outside
an optimizer are bookkeeping; what sits in an optimizer state dict (a dict with `state` and `param_groups`) is
optimizer state.
"""
import collections
import hashlib
import json
import os
import pickle
import sys

import numpy as np
import torch
import torch.nn as nn

# Another folder as the first argument: test:real writes the files afresh there (scripts/real/scenarios_torch_files.py).
HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
rows = []


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3, bias=False)
        self.fc = nn.Linear(6, 5)


def block():
    return nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)


def tensor_bytes(t):
    t = t.detach().contiguous().reshape(-1)
    return t.view(torch.uint8).numpy().tobytes() if t.numel() else b''


DTYPES = {torch.float32: 'float32', torch.float64: 'float64', torch.float16: 'float16', torch.bfloat16: 'bfloat16',
          torch.int64: 'int64', torch.int32: 'int32', torch.int16: 'int16', torch.int8: 'int8', torch.uint8: 'uint8',
          torch.bool: 'bool', torch.complex64: 'complex64', torch.complex128: 'complex128', torch.uint16: 'uint16',
          torch.uint32: 'uint32', torch.uint64: 'uint64', torch.float8_e4m3fn: 'float8_e4m3fn', torch.float8_e5m2: 'float8_e5m2'}


def number(v):
    if isinstance(v, bool):
        return 'bool', np.bool_(v).tobytes(), []
    if isinstance(v, int):
        return 'int64', np.int64(v).tobytes(), []
    return 'float64', np.float64(v).tobytes(), []


def flatten(obj, prefix, kind, out):
    if isinstance(obj, torch.Tensor):
        k = 'bookkeeping' if kind == 'weight' and prefix.split('.')[-1] == 'num_batches_tracked' else kind
        out.append((prefix, DTYPES[obj.dtype], list(obj.shape), k, tensor_bytes(obj)))
    elif isinstance(obj, dict):
        inner = 'optimizer' if 'state' in obj and 'param_groups' in obj else kind
        for key, value in obj.items():
            child = 'optimizer' if inner == 'optimizer' or str(key).startswith('optimizer') else inner
            flatten(value, f'{prefix}.{key}' if prefix else str(key), child, out)
    elif isinstance(obj, (list, tuple)):
        if obj and all(type(x) is int for x in obj):
            out.append((prefix, 'int64', [len(obj)], 'bookkeeping' if kind == 'weight' else kind, np.array(obj, np.int64).tobytes()))
        elif obj and all(type(x) is float for x in obj):
            out.append((prefix, 'float64', [len(obj)], 'bookkeeping' if kind == 'weight' else kind, np.array(obj, np.float64).tobytes()))
        else:
            for i, value in enumerate(obj):
                flatten(value, f'{prefix}.{i}', kind, out)
    elif isinstance(obj, np.ndarray):
        a = np.array(obj, order='C').astype(obj.dtype.newbyteorder('<'))
        out.append((prefix, a.dtype.name, list(a.shape), 'bookkeeping' if kind == 'weight' else kind, a.tobytes()))
    elif isinstance(obj, np.generic):
        flatten(np.asarray(obj), prefix, kind, out)
    elif isinstance(obj, (bool, int, float)):
        dtype, raw, shape = number(obj)
        out.append((prefix, dtype, shape, 'bookkeeping' if kind == 'weight' else kind, raw))


def save(name, obj, legacy=False, expect=None, weights_only=True):
    torch.save(obj, os.path.join(HERE, name), _use_new_zipfile_serialization=not legacy)
    assert_loads(name, weights_only)
    record(name, obj if expect is None else expect)


def assert_loads(name, weights_only=True):
    torch.load(os.path.join(HERE, name), weights_only=weights_only)


def record(name, obj):
    out = []
    flatten(obj, '', 'weight', out)
    for n, dtype, shape, kind, raw in out:
        rows.append({'file': name, 'name': n, 'dtype': dtype, 'shape': shape, 'kind': kind, 'sha256': hashlib.sha256(raw).hexdigest()})


def trained(model):
    with torch.no_grad():
        for p in model.parameters():
            p.normal_()
        for name, b in model.named_buffers():
            if b.is_floating_point():
                b.uniform_(0.5, 1.5)
            else:
                b.fill_(7)
    return model


cnn = trained(Cnn())
save('cnn.pt', cnn.state_dict())
save('cnn-legacy.pt', cnn.state_dict(), legacy=True)
# Other pickle protocols than torch's default 2.
torch.save(cnn.state_dict(), os.path.join(HERE, 'cnn-p5.pt'), pickle_protocol=5)
torch.save(cnn.state_dict(), os.path.join(HERE, 'cnn-p1-legacy.pt'), pickle_protocol=1, _use_new_zipfile_serialization=False)
for name in ['cnn-p5.pt', 'cnn-p1-legacy.pt']:
    assert_loads(name, weights_only=False)  # torch's weights_only unpickler knows protocol 2's opcodes only
    record(name, cnn.state_dict())
tb = trained(block())
save('block.pt', tb.state_dict())
save('block-legacy.pt', tb.state_dict(), legacy=True)

# A training checkpoint: the model, an Adam state after two steps, numbers and text.
opt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
for _ in range(2):
    opt.zero_grad()
    cnn.fc(cnn.conv2(cnn.bn1(cnn.conv1(torch.randn(2, 3, 5, 5)))).mean((2, 3))).sum().backward()
    opt.step()
save('train.pt', {'epoch': 3, 'global_step': 120, 'best_acc': 0.75, 'model_state_dict': cnn.state_dict(),
                  'optimizer_state_dict': opt.state_dict(), 'config': {'name': 'cnn', 'lr': 0.001, 'sizes': [3, 4, 6]}})

# DataParallel: every key under `module.`.
save('dataparallel.pt', nn.DataParallel(Cnn()).state_dict())

# Every dtype torch saves that Graft holds, plus a 0-d and an empty tensor.
dt = {
    'f16': torch.randn(2, 3).half(), 'bf16': torch.randn(3, 2).bfloat16(), 'f64': torch.randn(2, dtype=torch.float64),
    'i64': torch.tensor([-(2 ** 40), 5, 2 ** 62], dtype=torch.int64), 'i32': torch.tensor([-7, 8], dtype=torch.int32),
    'i16': torch.tensor([-300, 300], dtype=torch.int16), 'i8': torch.tensor([-5, 6], dtype=torch.int8),
    'u8': torch.tensor([250, 1], dtype=torch.uint8), 'bool': torch.tensor([True, False, True]),
    'c64': torch.tensor([1 + 2j, -3j], dtype=torch.complex64), 'c128': torch.tensor([0.5 - 1j], dtype=torch.complex128),
    'u16': torch.tensor([65535, 2], dtype=torch.uint16), 'u32': torch.tensor([2 ** 32 - 1], dtype=torch.uint32),
    'u64': torch.tensor([2 ** 63 + 5], dtype=torch.uint64), 'f8e4m3': torch.randn(4).to(torch.float8_e4m3fn),
    'f8e5m2': torch.randn(4).to(torch.float8_e5m2), 'scalar': torch.tensor(2.5), 'empty': torch.zeros(0, 3),
}
save('dtypes.pt', dt)
save('dtypes-legacy.pt', {k: v for k, v in dt.items() if not k.startswith(('u16', 'u32', 'u64', 'f8'))}, legacy=True)

# Views: a transposed weight, a narrowed slice (offset into its storage), an expanded one (stride 0), a strided
# step; two tensors that are views of one storage.
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
views = collections.OrderedDict(
    transposed=base.t(), narrowed=base[1:3, 2:5], expanded=torch.arange(3.0).reshape(3, 1).expand(3, 4),
    stepped=base[::2, ::3], permuted=torch.arange(24, dtype=torch.int64).reshape(2, 3, 4).permute(2, 0, 1), whole=base)
save('views.pt', views)
save('views-legacy.pt', views, legacy=True)

# Tied weights: one Parameter under two names.
class Lm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.head = nn.Linear(4, 10, bias=False)
        self.head.weight = self.embed.weight

save('tied.pt', trained(Lm()).state_dict())

# HF sharded .bin with its index, as transformers' save_pretrained writes it.
sd = tb.state_dict()
keys = list(sd)
shards = {'pytorch_model-00001-of-00002.bin': keys[: len(keys) // 2], 'pytorch_model-00002-of-00002.bin': keys[len(keys) // 2:]}
weight_map = {}
for shard, names in shards.items():
    torch.save({k: sd[k].clone() for k in names}, os.path.join(HERE, shard))
    weight_map.update({k: shard for k in names})
total = sum(t.numel() * t.element_size() for t in sd.values())
with open(os.path.join(HERE, 'pytorch_model.bin.index.json'), 'w') as f:
    json.dump({'metadata': {'total_size': total}, 'weight_map': weight_map}, f, indent=2)
record('pytorch_model.bin.index.json', sd)

# A whole pickled model (torch.save(model)): not loadable with weights_only, listed by its state_dict names.
torch.save(cnn, os.path.join(HERE, 'whole-model.pt'))
record('whole-model.pt', cnn.state_dict())


# NumPy values in a checkpoint: a scalar, a big-endian and a Fortran-order array, an RNG state tuple.
save('numpy-values.pt', {'best_acc': np.float64(0.875), 'steps': np.int32(12), 'big_endian': np.arange(6, dtype='>i4').reshape(2, 3),
                         'fortran': np.asfortranarray(np.arange(6.0).reshape(2, 3)), 'rng': np.random.RandomState(0).get_state()},
     weights_only=False)

# A TorchScript archive (torch.jit.save): modules pickled as __torch__ objects, weights as their attributes.
torch.jit.save(torch.jit.script(cnn), os.path.join(HERE, 'torchscript.pt'))
record('torchscript.pt', cnn.state_dict())

# A pickle whose __reduce__ runs a command on load; torch.save writes it without running anything.
class Payload:
    def __reduce__(self):
        return (os.system, ('echo graft-must-not-run-this > /tmp/graft-pwned',))


torch.save({'weight': torch.ones(2), 'payload': Payload()}, os.path.join(HERE, 'malicious.pt'))

with open(os.path.join(HERE, 'expected.jsonl'), 'w') as f:
    for r in rows:
        f.write(json.dumps(r) + '\n')
total = sum(os.path.getsize(os.path.join(HERE, n)) for n in os.listdir(HERE))
print(f'{len(rows)} values, {total} bytes in testdata', file=sys.stderr)
