"""`npm run test:real` listing scenario: the PyTorch files of src/core/formats/pytorch/testdata/make.py written afresh
by the venv's torch (zip and legacy torch.save of a CNN and a transformer block, a training checkpoint with Adam state,
a DataParallel `module.` model, an HF-style sharded .bin with its index, float16/bfloat16/int64 and other dtypes,
non-contiguous views, tied weights, a whole pickled model, TorchScript), with expected.jsonl: what torch/numpy say each
file holds. test-real.mjs lists every file with `graft inspect --json --sha256` and compares (scenario.json `listing`),
and checks that the pickle whose __reduce__ calls os.system is refused with a sentence naming it (`refuse_listing`)."""
import os
import subprocess
import sys

from scenarios import Scenario

MAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'core', 'formats', 'pytorch', 'testdata', 'make.py')


def torch_files_listed(root):
    s = Scenario(root, 'torch-files-listed', 'torch')
    subprocess.run([sys.executable, MAKE, s.dir], check=True, capture_output=True)
    s.meta.update(formats=[], listing='expected.jsonl', refuse_listing={'malicious.pt': 'posix.system'})
    return s.done()


SCENARIOS = [torch_files_listed]
