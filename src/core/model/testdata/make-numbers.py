"""Writes numbers-reference.json beside this script: small-float encodings and values as NumPy / ml_dtypes give them.

Run: .venv-real/bin/python src/core/model/testdata/make-numbers.py
- decode[dtype]: the value, as float32 bits (every small float is exact in float32; null for NaN), of every 8-bit
  pattern of each float8 dtype and of 300 float16 / bfloat16 patterns (fromBits16 lists them).
- float32Inputs: float32 bit patterns (ties between neighbours of every small float, their float32 neighbours,
  random magnitudes, specials); encode[dtype] the bits NumPy / ml_dtypes give each of them.
- float64Inputs (hex of the float64 bits) and float16FromFloat64: NumPy rounds float64 to float16 once, directly
  (ml_dtypes goes through float32 for bfloat16 and float8, so only float32-exact inputs are used for those).
"""
import json, os, warnings
import ml_dtypes as md
import numpy as np

warnings.simplefilter('ignore', RuntimeWarning)  # overflow and NaN casts are the point
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(11)
TYPES = {
    'float16': np.float16, 'bfloat16': md.bfloat16, 'float8_e5m2': md.float8_e5m2, 'float8_e4m3fn': md.float8_e4m3fn,
    'float8_e4m3fnuz': md.float8_e4m3fnuz, 'float8_e4m3b11fnuz': md.float8_e4m3b11fnuz, 'float8_e5m2fnuz': md.float8_e5m2fnuz,
}


def bits_of(dtype):
    return np.uint16 if np.dtype(dtype).itemsize == 2 else np.uint8


def values(name, patterns):
    t = TYPES[name]
    return np.asarray(patterns, dtype=bits_of(t)).view(t).astype(np.float64)


inputs = set()
for name, t in TYPES.items():
    n = 256 if np.dtype(t).itemsize == 1 else 65536
    pats = np.arange(n) if n == 256 else rng.choice(n, 300, replace=False)
    v = values(name, pats)
    v = np.sort(v[np.isfinite(v)])
    mids = ((v[:-1] + v[1:]) / 2).astype(np.float32)
    for m in mids:
        if not np.isfinite(m):
            continue
        inputs.add(float(m))
        inputs.add(float(np.nextafter(m, np.float32(np.inf))))
        inputs.add(float(np.nextafter(m, np.float32(-np.inf))))
    inputs.update(float(x) for x in v.astype(np.float32))
mags = (rng.standard_normal(400) * 2.0 ** rng.integers(-30, 20, 400)).astype(np.float32)
inputs.update(float(x) for x in mags)
inputs.update([0.0, -0.0, float('inf'), float('-inf'), 65504.0, 65520.0, 65519.996, 3.3895314e38, -1e-45, 1e-45])
f32 = np.array(sorted(inputs, key=lambda x: (x, str(x))), dtype=np.float32)
f32 = np.concatenate([f32, np.array([np.nan], dtype=np.float32)])
if len(f32) > 1200:
    f32 = np.concatenate([np.sort(rng.choice(f32[:-1], 1199, replace=False)), f32[-1:]])

encode = {name: f32.astype(t).view(bits_of(t)).astype(int).tolist() for name, t in TYPES.items()}

lower = rng.choice(0x7bfe, 150, replace=False)
ties16 = (values('float16', lower) + values('float16', lower + 1)) / 2
f64 = np.concatenate([rng.standard_normal(200) * 2.0 ** rng.integers(-26, 17, 200),
                      # float16 ties nudged up below float32's precision: a double rounding through float32 gets half of these wrong
                      ties16 * (1 + 2.0 ** -40)])
decode = {}
sixteen = sorted(rng.choice(65536, 300, replace=False).tolist())
for name, t in TYPES.items():
    pats = list(range(256)) if np.dtype(t).itemsize == 1 else sixteen
    v = values(name, pats)
    decode[name] = [None if np.isnan(x) else int(b) for x, b in zip(v, v.astype(np.float32).view(np.uint32))]

out = {
    'float32Inputs': f32.view(np.uint32).astype(int).tolist(),
    'encode': encode,
    'float64Inputs': [x.tobytes()[::-1].hex() for x in f64.astype('>f8').astype(np.float64)],
    'float16FromFloat64': f64.astype(np.float16).view(np.uint16).astype(int).tolist(),
    'fromBits16': sixteen,
    'decode': decode,
}
with open(os.path.join(here, 'numbers-reference.json'), 'w') as f:
    json.dump(out, f, separators=(',', ':'), allow_nan=False)
print(len(f32), 'float32 inputs,', len(f64), 'float64 inputs')
