"""Loads every output of `npm run test:real` in its real consumer and checks the values each scenario expects.

    python check.py WORKDIR

Writes WORKDIR/check.jsonl (one row per check: scenario, format, check, ok, detail) and, for TF.js outputs,
out/tfjs/expect-tfjs.json for scripts/real/check-tfjs.ts (the values and predictions TF.js must reproduce).
Keras targets: TF object-based via tf.train.Checkpoint(model=m).restore(...).assert_existing_objects_matched(),
.weights.h5 / .h5 via model.load_weights, safetensors via safetensors.numpy and safetensors.torch then assigned by
name, TF.js by its manifest. TF1 targets: Saver.restore into the new graph (its .meta), safetensors, TF.js.
The Python script Graft wrote beside each export (out/<format>-py/) must produce the same tensors.
"""
import json
import os
import sys
import traceback

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py  # noqa: E402
import keras  # noqa: E402
import ml_dtypes  # noqa: E402
import numpy as np  # noqa: E402
import safetensors.numpy  # noqa: E402
import safetensors.torch  # noqa: E402
import tensorflow as tf  # noqa: E402
from scenarios import keras_variables  # noqa: E402

OUT_NAMES = {'tf': 'merged.ckpt', 'keras': 'merged.weights.h5', 'keras-legacy': 'merged.h5', 'safetensors': 'merged.safetensors', 'tfjs': '', 'pytorch': 'merged.pt'}
TFJS_DTYPES = {'float32': np.float32, 'int32': np.int32, 'bool': np.bool_, 'uint8': np.uint8, 'float16': np.float16}
SAFETENSORS_DTYPES = {'F64': np.float64, 'F32': np.float32, 'F16': np.float16, 'BF16': ml_dtypes.bfloat16, 'I64': np.int64,
                      'I32': np.int32, 'I16': np.int16, 'I8': np.int8, 'U8': np.uint8, 'BOOL': np.bool_}


def comparable(a):
    a = np.asarray(a)
    return a.view(np.uint16) if a.dtype == ml_dtypes.bfloat16 else a


def as_float(a, dtype_name):
    a = np.asarray(a)
    if dtype_name == 'bfloat16' and a.dtype == np.uint16:
        a = a.view(ml_dtypes.bfloat16)
    return a.astype(np.float64)


def differences(s, expected, values, widened_ok=False):
    """The expectation failures of `values` (id → array): missing ids, wrong shapes, wrong values."""
    bad = []
    for e in s['expect']:
        want = expected[f'a{e["index"]}']
        if e['id'] not in values:
            bad.append(f'{e["id"]} missing')
            continue
        got = np.asarray(values[e['id']])
        if tuple(got.shape) != tuple(want.shape):
            bad.append(f'{e["id"]} has shape {list(got.shape)}, expected {list(want.shape)}')
            continue
        mask = expected[f'm{e["index"]}'] if e['masked'] else np.ones(want.shape, bool)
        if np.asarray(comparable(got)).dtype == want.dtype:
            same = np.asarray(comparable(got))[mask] == want[mask]
        elif widened_ok:  # TF.js stores half floats as float32: the widening is exact
            same = as_float(comparable(got), e['dtype'])[mask] == as_float(want, e['dtype'])[mask]
        else:
            bad.append(f'{e["id"]} is {got.dtype}, expected {e["dtype"]}')
            continue
        if not np.all(same):
            bad.append(f'{e["id"]}: {int(np.size(same) - np.count_nonzero(same))} of {np.size(same)} values differ')
    return bad


def out_of_bounds(s, values):
    """The scenario's `bounds` [{id, low, high}]: a variable initialised at random must lie within its distribution's
    bounds and not be constant (it was drawn, not zeroed)."""
    bad = []
    for b in s.get('bounds', []):
        if b['id'] not in values:
            bad.append(f'{b["id"]} missing')
            continue
        v = np.asarray(values[b['id']], np.float64)
        if v.size and (v.min() < b['low'] or v.max() > b['high'] or v.min() == v.max()):
            bad.append(f'{b["id"]} spans [{v.min():.4g}, {v.max():.4g}], expected values drawn within [{b["low"]:.4g}, {b["high"]:.4g}]')
    return bad


def model_inputs(d):
    """x.npy, or the list of arrays in x.npz for a model with several inputs."""
    if os.path.exists(os.path.join(d, 'x.npz')):
        with np.load(os.path.join(d, 'x.npz')) as z:
            return [z[f'arr_{i}'] for i in range(len(z.files))]
    return np.load(os.path.join(d, 'x.npy'))


def read_tfjs(folder):
    """name → array from a TF.js model.json and its shards, decoded by the manifest alone."""
    with open(os.path.join(folder, 'model.json')) as f:
        model = json.load(f)
    out = {}
    for group in model['weightsManifest']:
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        at = 0
        for w in group['weights']:
            dtype = np.dtype(TFJS_DTYPES[w['dtype']])
            n = int(np.prod(w['shape'], dtype=np.int64))
            q = w.get('quantization')
            if q and q['dtype'] == 'float16' and w['dtype'] == 'float32':  # TF.js' lossless way to store half floats
                out[w['name']] = np.frombuffer(data, np.float16, n, at).astype(np.float32).reshape(w['shape'])
                at += n * 2
                continue
            if q:
                raise ValueError(f'{w["name"]} is quantized to {q["dtype"]}; Graft does not quantize')
            out[w['name']] = np.frombuffer(data, dtype, n, at).reshape(w['shape'])
            at += n * dtype.itemsize
    return model, out


def read_safetensors_raw(path):
    if not os.path.exists(path) and os.path.exists(path + '.index.json'):  # sharded (--max-shard-size): every shard
        with open(path + '.index.json') as f:
            shards = sorted(set(json.load(f)['weight_map'].values()))
        return {k: v for shard in shards for k, v in read_safetensors_raw(os.path.join(os.path.dirname(path), shard)).items()}
    with open(path, 'rb') as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], 'little')
    header = json.loads(raw[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        a, b = v['data_offsets']
        out[k] = np.frombuffer(raw[8 + n + a:8 + n + b], SAFETENSORS_DTYPES[v['dtype']]).reshape(v['shape'])
    return out


def read_h5(path):
    out = {}
    with h5py.File(path, 'r') as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = np.asarray(obj[()])
        f.visititems(visit)
    return out


def read_tf(prefix):
    r = tf.train.load_checkpoint(prefix)
    return {k: r.get_tensor(k) for k, _ in tf.train.list_variables(prefix) if not k.startswith('_CHECKPOINTABLE')}


def read_pytorch(path):
    import torch
    return {k: v.view(torch.int16).numpy().view(ml_dtypes.bfloat16) if v.dtype == torch.bfloat16 else v.numpy()
            for k, v in torch.load(path, weights_only=True).items()}


def read_output(fmt, path):
    return {'tf': read_tf, 'keras': read_h5, 'keras-legacy': read_h5, 'safetensors': read_safetensors_raw,
            'tfjs': lambda p: read_tfjs(p)[1], 'pytorch': read_pytorch}[fmt](path)


class Checker:
    def __init__(self, work):
        self.work = work
        self.rows = []

    def row(self, s, fmt, check, ok, detail=''):
        self.rows.append({'scenario': s['name'], 'format': fmt, 'check': check, 'ok': bool(ok), 'detail': detail})

    def attempt(self, s, fmt, check, fn):
        try:
            detail = fn()
            self.row(s, fmt, check, True, detail or '')
        except Exception as e:  # a failed load is a result, not a crash of the suite
            self.row(s, fmt, check, False, f'{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ""}')
            if os.environ.get('GRAFT_REAL_DEBUG'):
                traceback.print_exc()

    # --- Keras targets -----------------------------------------------------------------------------------------
    def keras_model(self, d):
        keras.backend.clear_session()
        with open(os.path.join(d, 'new.json')) as f:
            return keras.models.model_from_json(f.read())

    def check_model_values(self, s, d, expected, model, widened_ok=False):
        values = {k: v.numpy() for k, v in keras_variables(model).items()}
        bad = differences(s, expected, values, widened_ok)
        if bad:
            raise AssertionError('; '.join(bad[:4]) + (f' (+{len(bad) - 4} more)' if len(bad) > 4 else ''))
        if s['predict']:
            x, y = model_inputs(d), np.load(os.path.join(d, 'y.npy'))
            got = np.asarray(model.predict(x, verbose=0))
            if not np.allclose(got, y, rtol=1e-5, atol=1e-5):
                raise AssertionError(f'predictions differ from the old model by up to {np.max(np.abs(got - y)):.3g}')
        return f'{len(s["expect"])} variables right' + (', predictions equal the old model' if s['predict'] else '')

    def assign_by_name(self, model, tensors, source):
        missing = []
        for key, v in keras_variables(model).items():
            if key not in tensors:
                missing.append(key)
                continue
            value = np.asarray(tensors[key])
            if tuple(value.shape) != tuple(v.shape):
                raise AssertionError(f'{source}: {key} has shape {list(value.shape)}, the model has {list(v.shape)}')
            v.assign(value.astype(keras.backend.standardize_dtype(v.dtype)))
        if missing:
            raise AssertionError(f'{source} lacks {len(missing)} of the model\'s variables: {", ".join(missing[:4])}; it has {", ".join(sorted(tensors)[:6])}')

    def keras_output(self, s, d, fmt, path, expected):
        model = self.keras_model(d)
        if fmt == 'tf':
            tf.train.Checkpoint(model=model).restore(path).assert_existing_objects_matched()
            how = 'tf.train.Checkpoint(model=m).restore(p).assert_existing_objects_matched()'
        elif fmt in ('keras', 'keras-legacy'):
            model.load_weights(path)
            how = 'model.load_weights'
        elif fmt == 'safetensors':
            tensors = safetensors.numpy.load_file(path)
            torch_tensors = safetensors.torch.load_file(path)
            if sorted(tensors) != sorted(torch_tensors):
                raise AssertionError('safetensors.numpy and safetensors.torch list different tensors')
            self.assign_by_name(model, tensors, 'the safetensors file')
            how = 'safetensors.numpy/torch.load_file, assigned by name'
        else:
            manifest, tensors = read_tfjs(path)
            self.assign_by_name(model, tensors, 'the TF.js weights')
            how = 'TF.js manifest decoded, assigned by name'
        detail = self.check_model_values(s, d, expected, model, widened_ok=fmt == 'tfjs')
        if fmt == 'tfjs':
            self.tfjs_expectations(s, d, path, expected, model)
        return f'{how}: {detail}'

    def tfjs_expectations(self, s, d, folder, expected, model=None):
        """What scripts/real/check-tfjs.ts must see in TF.js: the expected values, and Keras' predictions."""
        out = {'values': {e['id']: as_float(expected[f'a{e["index"]}'], e['dtype']).ravel().tolist() for e in s['expect'] if not e['masked']}}
        if model is not None and len(model.inputs) == 1 and model.inputs[0].dtype == 'float32':
            x = np.load(os.path.join(d, 'x.npy')) if s['predict'] else np.random.default_rng(1).normal(size=(2, *model.inputs[0].shape[1:])).astype('float32')
            result = model.predict(x, verbose=0)
            ys = [np.asarray(o, dtype=np.float32) for o in (result if isinstance(result, list) else [result])]
            # TF.js computes in float32; a Keras model computing in float16/bfloat16 is only that close to it.
            half = any(getattr(layer, 'compute_dtype', 'float32') in ('float16', 'bfloat16') for layer in model.layers)
            tolerance = (2e-2 if half else 1e-4) * max(1.0, max(float(np.max(np.abs(y))) for y in ys))
            out.update(x=x.tolist(), inputShape=list(x.shape), y=[y.tolist() for y in ys], tolerance=tolerance)
        with open(os.path.join(folder, 'expect-tfjs.json'), 'w') as f:
            json.dump(out, f)

    # --- TF1 targets -------------------------------------------------------------------------------------------
    def tf1_output(self, s, d, fmt, path, expected):
        if fmt == 'tf':
            g = tf.Graph()
            with g.as_default():
                saver = tf.compat.v1.train.import_meta_graph(os.path.join(d, s['new_meta']))
                with tf.compat.v1.Session() as sess:
                    saver.restore(sess, path)
                    values = {v.op.name: sess.run(v) for v in tf.compat.v1.global_variables()}
            how = 'Saver.restore into the new graph'
        elif fmt == 'safetensors':
            values = safetensors.numpy.load_file(path)
            if sorted(values) != sorted(safetensors.torch.load_file(path)):
                raise AssertionError('safetensors.numpy and safetensors.torch list different tensors')
            how = 'safetensors.numpy/torch.load_file'
        else:
            _, values = read_tfjs(path)
            how = 'TF.js manifest decoded'
        bad = differences(s, expected, values, widened_ok=fmt == 'tfjs') + out_of_bounds(s, values)
        if bad:
            raise AssertionError('; '.join(bad[:4]))
        if fmt == 'tfjs':
            self.tfjs_expectations(s, d, path, expected)
        return f'{how}: {len(s["expect"])} variables right'

    # --- the generated Python script ---------------------------------------------------------------------------
    def python_script(self, s, d, fmt):
        mine = read_output(fmt, os.path.join(d, 'out', fmt, OUT_NAMES[fmt]))
        theirs = read_output(fmt, os.path.join(d, 'out', f'{fmt}-py', OUT_NAMES[fmt]))
        if sorted(mine) != sorted(theirs):
            only_graft, only_py = sorted(set(mine) - set(theirs)), sorted(set(theirs) - set(mine))
            raise AssertionError(f'different tensors: only in Graft\'s {only_graft[:3]}, only in the script\'s {only_py[:3]}')
        differ = [k for k in mine if mine[k].dtype != theirs[k].dtype or mine[k].shape != theirs[k].shape
                  or mine[k].tobytes() != theirs[k].tobytes()]
        if differ:
            raise AssertionError(f'{len(differ)} of {len(mine)} tensors differ: {", ".join(differ[:4])}')
        return f'{len(mine)} tensors equal'

    def consumer(self, kind):
        """keras and tf1 are here; any other kind is `check(checker, s, d, fmt, path, expected)` in consumer_<kind>.py."""
        if kind == 'keras':
            return self.keras_output
        if kind == 'tf1':
            return self.tf1_output
        import importlib
        module = importlib.import_module(f'consumer_{kind}')
        return lambda s, d, fmt, path, expected: module.check(self, s, d, fmt, path, expected)

    def scenario(self, name):
        d = os.path.join(self.work, name)
        with open(os.path.join(d, 'scenario.json')) as f:
            s = json.load(f)
        expected = np.load(os.path.join(d, 'expected.npz'))
        outputs = [(fmt, os.path.join(d, 'out', fmt, OUT_NAMES[fmt])) for fmt in s['formats']]
        page = os.path.join(d, 'out', 'page')
        if os.path.isdir(page):
            for fmt in sorted(os.listdir(page)):
                outputs.append((f'page {fmt}', os.path.join(page, fmt, OUT_NAMES[fmt])))
        for label, path in outputs:
            fmt = label.split(' ')[-1]
            present = os.path.exists(path if fmt != 'tf' else path + '.index') or os.path.exists(path + '.index.json')
            if not present:
                continue  # graft apply failed: the driver has that row
            consumer = self.consumer(s['consumer'])
            self.attempt(s, label, 'restores, values right', lambda: consumer(s, d, fmt, path, expected))
            if label == fmt and os.path.exists(os.path.join(d, 'out', f'{fmt}-py', 'run.log')):
                py_out = os.path.join(d, 'out', f'{fmt}-py', OUT_NAMES[fmt])
                if os.path.exists(py_out if fmt != 'tf' else py_out + '.index') or fmt == 'tfjs':
                    self.attempt(s, fmt, 'python script = Graft', lambda: self.python_script(s, d, fmt))


def main():
    work = sys.argv[1]
    with open(os.path.join(work, 'scenarios.json')) as f:
        names = json.load(f)
    checker = Checker(work)
    for name in names:
        checker.scenario(name)
    with open(os.path.join(work, 'check.jsonl'), 'w') as f:
        for r in checker.rows:
            f.write(json.dumps(r) + '\n')
    bad = [r for r in checker.rows if not r['ok']]
    print(f'check.py: {len(checker.rows) - len(bad)} of {len(checker.rows)} checks passed')


if __name__ == '__main__':
    main()
