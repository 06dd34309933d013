/**
 * The generated script's port of Graft's seeded generator and Keras initializers (model/target/random.ts,
 * initializers.ts), drawing in bulk in the order Graft draws one value at a time.
 * Python source held as text (String.raw: backslashes stay as written).
 */

export const PY_RANDOM = String.raw`# ---- Graft's seeded generator and Keras' initializers (src/core/model/target/random.ts, initializers.ts) ----

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def fmix32(h):
    h ^= h >> 16
    h = imul(h, 0x85EBCA6B)
    h ^= h >> 13
    h = imul(h, 0xC2B2AE35)
    h ^= h >> 16
    return h


def derive_seed(seed, name):
    """The variable's 32-bit seed: FNV-1a over its UTF-8 name, mixed with the recipe's seed."""
    h = 0x811C9DC5 ^ (int(seed) & M32)
    h = imul(h, 0x01000193)
    for b in name.encode("utf-8"):
        h = imul(h ^ b, 0x01000193)
    h ^= int(seed / 2**32) & M32
    return fmix32(h)


class Rng:
    """sfc32 seeded through splitmix32, as Graft's Rng; draws in bulk, in the order Graft draws one at a time."""

    def __init__(self, seed):
        s = seed & M32
        state = []
        for _ in range(4):
            s = (s + 0x9E3779B9) & M32
            z = imul(s ^ (s >> 16), 0x21F0AAAD)
            z = imul(z ^ (z >> 15), 0x735A2D97)
            state.append((z ^ (z >> 15)) & M32)
        self.a, self.b, self.c, self.d = state
        self.spare = None
        self.pending = np.zeros(0)
        self.u32s(12)

    def u32s(self, n, mask=M32):
        a, b, c, d = self.a, self.b, self.c, self.d
        out = []
        push = out.append
        for _ in range(n):
            t = (a + b + d) & mask
            d += 1  # only ever used modulo 2**32
            a = b ^ (b >> 9)
            b = (c * 9) & mask
            c = (((c << 21) | (c >> 11)) + t) & mask
            push(t)
        self.a, self.b, self.c, self.d = a, b, c, d & mask
        return out

    def uniforms(self, n):
        """n uniforms in [0, 1) with 53 random bits: two draws each, the first the high part."""
        taken, self.pending = self.pending[:n], self.pending[n:]
        if len(taken) < n:
            raw = np.array(self.u32s(2 * (n - len(taken))), dtype=np.uint64)
            fresh = ((raw[0::2] >> np.uint64(5)) * np.uint64(67108864) + (raw[1::2] >> np.uint64(6))).astype(np.float64) / 9007199254740992.0
            taken = np.concatenate([taken, fresh])
        return taken

    def normals(self, n):
        """n standard normals by Box-Muller (cos first, sin kept for the next draw), with V8's log, sin and cos."""
        out = []
        if n > 0 and self.spare is not None:
            out.append(np.array([self.spare]))
            self.spare = None
        have = len(out)
        while have < n:
            drawn = self.uniforms(2 * ((n - have + 1) // 2))
            u, v = drawn[0::2], drawn[1::2]
            zero = np.nonzero(u == 0)[0]
            if zero.size:
                # Graft draws u again when it is 0: the pairs before it stand, the rest is drawn from v on.
                k = zero[0]
                self.pending = np.concatenate([drawn[2 * k + 1:], self.pending])
                u, v = u[:k], v[:k]
            r = np.sqrt(-2 * v8_log(u))
            sin, cos = v8_sin_cos(2 * math.pi * v)
            out.append(np.stack([r * cos, r * sin], axis=1).ravel())
            have += 2 * len(u)
        values = np.concatenate(out) if out else np.zeros(0)
        if len(values) > n:
            self.spare = float(values[n])
        return values[:n]

    def truncated_normals(self, n):
        """Standard normals redrawn until within two standard deviations."""
        kept, have = [], 0
        while have < n:
            z = self.normals(n - have + (n - have) // 16 + 8)
            z = z[(z >= -2) & (z <= 2)][:n - have]
            kept.append(z)
            have += len(z)
        return np.concatenate(kept) if kept else np.zeros(0)


CANONICAL = {
    "zeros": "Zeros", "zero": "Zeros", "ones": "Ones", "one": "Ones", "constant": "Constant",
    "randomnormal": "RandomNormal", "normal": "RandomNormal", "randomuniform": "RandomUniform", "uniform": "RandomUniform",
    "truncatednormal": "TruncatedNormal", "variancescaling": "VarianceScaling",
    "glorotuniform": "GlorotUniform", "glorotnormal": "GlorotNormal", "henormal": "HeNormal", "heuniform": "HeUniform",
    "lecunnormal": "LecunNormal", "lecununiform": "LecunUniform",
    "orthogonal": "Orthogonal", "orthogonalinitializer": "Orthogonal", "identity": "Identity", "identityinitializer": "Identity",
    "unitforgetbias": "UnitForgetBias",
}
NAMED_SCALINGS = {
    "GlorotUniform": (1, "fan_avg", "uniform"), "GlorotNormal": (1, "fan_avg", "truncated_normal"),
    "HeNormal": (2, "fan_in", "truncated_normal"), "HeUniform": (2, "fan_in", "uniform"),
    "LecunNormal": (1, "fan_in", "truncated_normal"), "LecunUniform": (1, "fan_in", "uniform"),
}


def canonical(name):
    return CANONICAL.get(name.replace("_", "").lower())


def num(v, fallback):
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    return v if ok else fallback


def flatten(v):
    return [x for item in v for x in flatten(item)] if isinstance(v, list) else [float(v)]


def initializer_from_config(value):
    """A Keras/TF.js initializer as serialised in a model config: ("keras", class name, config), or None."""
    if isinstance(value, str):
        return ("keras", canonical(value) or value, {})
    if isinstance(value, dict):
        cls = value.get("class_name", value.get("className"))
        if not isinstance(cls, str):
            return None
        config = value.get("config")
        return ("keras", canonical(cls) or cls, dict(config) if isinstance(config, dict) else {})
    return None


def count(shape):
    return int(np.prod(shape, dtype=np.int64))


def initializer_problem(spec, shape):
    if spec[0] != "keras":
        return None
    cls, c = canonical(spec[1]), spec[2]
    if cls is None:
        return "unknown"
    if cls == "Identity" and len(shape) != 2:
        return "not 2-D"
    if cls == "Constant" and isinstance(c.get("value"), list) and len(flatten(c["value"])) != count(shape):
        return "size"
    if cls == "UnitForgetBias":
        inner = initializer_from_config(c.get("bias_initializer"))
        if inner is not None and inner[0] == "keras" and canonical(inner[1]) == "UnitForgetBias":
            return "nested"
        if inner is not None:
            return initializer_problem(inner, shape)
    return None


def compute_fans(shape):
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


def variance_scaling(scale, mode, distribution, shape, rng, out):
    fan_in, fan_out = compute_fans(shape)
    mode = mode.replace("_", "").lower()
    n = fan_out if mode == "fanout" else (fan_in + fan_out) / 2 if mode == "fanavg" else fan_in
    scale = scale / max(1, n)
    dist = distribution.replace("_", "").lower()
    if dist == "uniform":
        out[:] = (rng.uniforms(len(out)) * 2 - 1) * math.sqrt(3 * scale)
    elif dist == "untruncatednormal":
        out[:] = rng.normals(len(out)) * math.sqrt(scale)
    else:
        out[:] = rng.truncated_normals(len(out)) * (math.sqrt(scale) / 0.87962566103423978)


def orthogonal(shape, gain, rng, out):
    if len(shape) < 2:
        out[:] = rng.normals(len(out)) * gain
        return
    cols = shape[-1]
    rows = len(out) // cols
    m, n = max(rows, cols), min(rows, cols)
    drawn = rng.normals(m * n).reshape(m, n)
    q = [drawn[:, j].copy() for j in range(n)]
    # Modified Gram-Schmidt with Graft's order of operations: sums accumulate in order (cumsum), no fused ops.
    for j in range(n):
        v = q[j]
        for k in range(j):
            dot = np.cumsum(q[k] * v)[-1] + 0.0
            v -= dot * q[k]
        norm = math.sqrt(np.cumsum(v * v)[-1]) or 1.0
        v /= norm
    matrix = np.stack(q, axis=1)
    out[:] = ((matrix if rows >= cols else matrix.T) * gain).ravel()


def initializer_values(spec, shape, seed):
    """The initializer's float64 values for "shape", drawn with Graft's generator seeded with "seed"."""
    out = np.zeros(count(shape), dtype=np.float64)
    if spec[0] != "keras" or initializer_problem(spec, shape) is not None:
        return out
    cls, c = canonical(spec[1]), spec[2]
    rng = Rng(seed)
    if cls == "Ones":
        out[:] = 1
    elif cls == "Constant":
        if isinstance(c.get("value"), list):
            out[:] = flatten(c["value"])
        else:
            out[:] = num(c.get("value"), 0)
    elif cls == "RandomNormal":
        mean, std = num(c.get("mean"), 0), num(c.get("stddev"), 0.05)
        out[:] = mean + rng.normals(len(out)) * std
    elif cls == "RandomUniform":
        lo, hi = num(c.get("minval"), -0.05), num(c.get("maxval"), 0.05)
        out[:] = lo + rng.uniforms(len(out)) * (hi - lo)
    elif cls == "TruncatedNormal":
        mean, std = num(c.get("mean"), 0), num(c.get("stddev"), 0.05)
        out[:] = mean + rng.truncated_normals(len(out)) * std
    elif cls == "VarianceScaling":
        mode = c.get("mode") if isinstance(c.get("mode"), str) else "fan_in"
        dist = c.get("distribution") if isinstance(c.get("distribution"), str) else "truncated_normal"
        variance_scaling(num(c.get("scale"), 1), mode, dist, shape, rng, out)
    elif cls == "Orthogonal":
        orthogonal(shape, num(c.get("gain"), 1), rng, out)
    elif cls == "Identity":
        r, k = shape
        for i in range(min(r, k)):
            out[i * k + i] = num(c.get("gain"), 1)
    elif cls == "UnitForgetBias":
        units = num(c.get("units"), len(out) / 4)
        units = int(units)
        inner = initializer_from_config(c.get("bias_initializer")) or ("zeros",)
        out[:units] = initializer_values(inner, [units], seed)
        out[units:units * 2] = 1
        out[units * 2:] = initializer_values(inner, [units * 2], (seed ^ 0x5BD1E995) & M32)
    elif cls in NAMED_SCALINGS:
        variance_scaling(*NAMED_SCALINGS[cls], shape, rng, out)
    return out


def values_for(spec, dtype, shape, seed):
    """Integer and bool variables take only exact initializers; anything random gives zeros there."""
    floating = dtype.startswith(("float", "bfloat", "complex"))
    exact = spec[0] != "keras" or canonical(spec[1]) in ("Zeros", "Ones", "Constant", "Identity")
    if not floating and not exact:
        return np.zeros(count(shape), dtype=np.float64)
    return initializer_values(spec, shape, seed)


def encode_values(values, dtype, shape):
    """A default value into its dtype as Graft's encodeValues: floats through float32 first, integers truncated
    and wrapped, bool = value is truthy."""
    x = np.asarray(values, dtype=np.float64).reshape(shape)
    if dtype in ("float32", "float64", "complex64", "complex128"):
        return x.astype(np_dtype(dtype))
    if dtype in FLOAT_BITS:
        return to_float(x.astype(np.float32).astype(np.float64), dtype)
    if dtype == "bool":
        return (x != 0) & ~np.isnan(x)
    if dtype in INT_RANGE:
        t = np.where(np.isfinite(x), np.trunc(x), 0.0)
        if dtype == "uint64":
            t = np.maximum(t, 0)
        return np.array([int(v) % 2**64 for v in t.ravel()], dtype=np.uint64).reshape(shape).view(np_dtype(dtype)) if dtype.endswith("64") \
            else t.astype(np.int64).astype(np_dtype(dtype))
    if np_dtype(dtype).itemsize == 1 and not x.any():
        return np.zeros(shape, dtype=np_dtype(dtype))
    fail("cannot write a default value for dtype %s" % dtype)
`;
