"""Writes the float16 / bfloat16 Keras files beside this script and expected-half.json (h5py's view of them).

Run with Keras 3.15 + h5py: .venv-real/bin/python src/core/formats/keras-h5/testdata/make-half.py
- keras3-float16.weights.h5   save_weights under dtype policy float16: H5T IEEE half datasets
- keras3-bfloat16.weights.h5  save_weights under bfloat16: untagged 2-byte opaque + attribute dtype="bfloat16"
- legacy-bfloat16.h5          model.save('x.h5'): untagged 2-byte opaque, no attribute (Keras cannot load it back)
- model-{float16,bfloat16}.json  the models' to_json()
"""
import hashlib, json, os
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import h5py, keras, numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def model(policy):
    keras.config.set_dtype_policy(policy)
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.BatchNormalization(), keras.layers.Dense(2)], name='half')
    rng = np.random.default_rng(5)
    for w in m.weights:
        w.assign(rng.normal(size=w.shape).astype('float32') * 3)
    return m


expected = {}
for policy, files in [('float16', ['keras3-float16.weights.h5']), ('bfloat16', ['keras3-bfloat16.weights.h5', 'legacy-bfloat16.h5'])]:
    m = model(policy)
    with open(os.path.join(here, f'model-{policy}.json'), 'w') as f:
        f.write(m.to_json())
    for name in files:
        path = os.path.join(here, name)
        if name.endswith('.weights.h5'):
            m.save_weights(path)
        else:
            m.save(path, include_optimizer=False)
        rows = []
        with h5py.File(path, 'r') as f:
            def visit(n, o):
                if isinstance(o, h5py.Dataset) and n != 'model_config':
                    raw = o[()].tobytes()
                    t = o.id.get_type()
                    rows.append({'name': n, 'hdf5Class': t.get_class(), 'size': t.get_size(), 'shape': list(o.shape),
                                 'dtypeAttr': o.attrs.get('dtype'), 'sha256': hashlib.sha256(raw).hexdigest(), 'hex': raw.hex()})
            f.visititems(visit)
        expected[name] = rows
with open(os.path.join(here, 'expected-half.json'), 'w') as f:
    json.dump(expected, f, indent=1)
