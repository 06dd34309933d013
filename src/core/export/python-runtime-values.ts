/**
 * The generated script's arithmetic, written to give Graft's bytes: casts round once (numbers.ts), mean fills
 * and resizes repeat TF.js' CPU kernels operation by operation (arithmetic.ts: float32 division, sums in order
 * in float64, matMul in blocks of 48 added to a float32 result).
 * Python source held as text (String.raw: backslashes stay as written).
 */

export const PY_NUMBERS = String.raw`# ---- numbers, as Graft computes them (src/core/engine/numbers.ts) ----

INT_RANGE = {
    "int8": (-2**7, 2**7 - 1), "int16": (-2**15, 2**15 - 1), "int32": (-2**31, 2**31 - 1), "int64": (-2**63, 2**63 - 1),
    "uint8": (0, 2**8 - 1), "uint16": (0, 2**16 - 1), "uint32": (0, 2**32 - 1), "uint64": (0, 2**64 - 1),
}
FLOAT_BITS = {"float16": (10, 5), "bfloat16": (7, 8)}


def dtype_name(x):
    return "string" if x.dtype == object else str(x.dtype)


def float_bits(x, mant, exp):
    """float64 values rounded once, to nearest even, into a float with "mant" and "exp" bits: the bit patterns."""
    bias = (1 << (exp - 1)) - 1
    exp_mask = (1 << exp) - 1
    sign = np.where(np.signbit(x), 1 << (mant + exp), 0).astype(np.int64)
    a = np.abs(x)
    finite = np.isfinite(a)
    safe = np.where(finite & (a > 0), a, 1.0)
    e = np.frexp(safe)[1].astype(np.int64) - 1
    r = np.rint((np.ldexp(safe, -e) - 1) * 2.0**mant).astype(np.int64)
    carry = r == 2**mant
    r = np.where(carry, 0, r)
    e = e + carry
    normal = np.where(e + bias >= exp_mask, exp_mask << mant, ((e + bias) << mant) | r)
    small = a < 2.0 ** (1 - bias)
    sub = np.rint(np.where(small, a, 0) * 2.0 ** (mant + bias - 1)).astype(np.int64)
    bits = sign | np.where(small, sub, normal)
    bits = np.where(np.isinf(a), sign | (exp_mask << mant), bits)
    bits = np.where(np.isnan(x), (exp_mask << mant) | (1 << (mant - 1)), bits)
    return bits.astype(np.uint16)


def to_float(x64, dtype):
    """float64 values into a float dtype, rounded once to nearest even (no double rounding through float32)."""
    if dtype in FLOAT_BITS:
        return float_bits(x64, *FLOAT_BITS[dtype]).view(np_dtype(dtype))
    return x64.astype(np_dtype(dtype))


def to_int(x64, dtype, integers):
    """float64 values into an integer dtype: truncated or rounded half to even, saturated, NaN -> 0."""
    lo, hi = INT_RANGE[dtype]
    x = np.trunc(x64) if integers == "trunc" else np.rint(x64)
    x = np.where(np.isnan(x), 0.0, x)
    top = x >= float(hi)  # float(2**63 - 1) is 2**63: the top of a 64-bit range is set apart, not cast
    x = np.clip(np.where(top, 0.0, x), float(lo), None)
    target = np_dtype(dtype)
    return np.where(top, target.type(hi), x.astype(target)).astype(target)


def decode(x):
    """Values as float64 (exact for every float width; 64-bit integers round)."""
    return np.asarray(x).astype(np.float64)


def encode_all(x64, dtype):
    """Graft's encodeAll: floats rounded once, integers rounded half to even and saturated, bool = x != 0."""
    if dtype == "bool":
        return (x64 != 0) & ~np.isnan(x64)
    if dtype in INT_RANGE:
        return to_int(x64, dtype, "round")
    return to_float(x64, dtype)


def cast(x, dtype):
    """Graft's cast: floats round once to nearest even; floats to integers truncate and saturate (NaN -> 0);
    integers to integers wrap; anything to bool is x != 0."""
    x = np.asarray(x)
    source = dtype_name(x)
    if source == dtype:
        return x
    if (source in INT_RANGE or source == "bool") and dtype in INT_RANGE:
        return x.astype(np_dtype(dtype))
    if source in INT_RANGE and dtype == "bool":
        return x != 0
    x64 = decode(x)
    if dtype == "bool":
        return (x64 != 0) & ~np.isnan(x64)
    if dtype in INT_RANGE:
        return to_int(x64, dtype, "trunc")
    return to_float(x64, dtype)


def pad_wrap(x, axis, before, after):
    """Entry p of the result is entry (p - before) mod n of x along axis (NumPy's pad mode 'wrap')."""
    n = x.shape[axis]
    return np.take(x, (np.arange(n + before + after) - before) % n, axis=axis)


def pad_with(x, axis, before, fill):
    """x placed at "before" along axis inside "fill" (the padded value's shape)."""
    out = np.array(fill, dtype=x.dtype, copy=True)
    index = [slice(None)] * x.ndim
    index[axis] = slice(before, before + x.shape[axis])
    out[tuple(index)] = x
    return out
`;

export const PY_MEAN = String.raw`# ---- mean fills, as TF.js computes them on its CPU backend (src/core/engine/arithmetic.ts) ----

def to_f32(x):
    return decode(x).astype(np.float32)


def mean_along(x, axis):
    """The mean along axis (kept, length 1), as TF.js' CPU backend computes it: each value / n in float32, summed
    in order in float64, rounded to float32, then into x's dtype."""
    n = x.shape[axis]
    shares = (to_f32(x) / np.float32(n)).astype(np.float64)
    total = np.take(np.cumsum(shares, axis=axis), [n - 1], axis=axis) + 0.0
    return encode_all(total.astype(np.float32).astype(np.float64), dtype_name(x))


def pad_mean(x, axis, before, after):
    n = x.shape[axis]
    grown = np.concatenate([x, mean_along(x, axis)], axis=axis)
    index = [n if p < before or p >= before + n else p - before for p in range(n + before + after)]
    return np.take(grown, index, axis=axis)
`;

export const PY_RESIZE = String.raw`# ---- resize, as tf.image.resize (half-pixel centres) through TF.js' CPU matMul (src/core/engine/arithmetic.ts) ----

def f32(v):
    return float(np.float32(v))


def keys_coeffs(offset):
    def c(i):
        x = f32(i / 1024)
        near = f32(((-0.5 + 2) * x - (-0.5 + 3)) * x * x + 1)
        x += 1
        far = f32(((-0.5 * x - 5 * -0.5) * x + 8 * -0.5) * x - 4 * -0.5)
        return near, far
    n0, f0 = c(offset)
    n1, f1 = c(1024 - offset)
    return [f0, n0, n1, f1]


def interpolation_matrix(n_in, n_out, method):
    """The [n_out, n_in] float32 matrix that resizes one axis as tf.image.resize does (half-pixel centres)."""
    w = np.zeros((n_out, n_in), np.float32)
    scale = f32(n_in / n_out)
    for o in range(n_out):
        at = f32(f32(o + 0.5) * scale - 0.5)
        floor = math.floor(at)
        if method == "bilinear":
            lerp = at - floor
            lo, hi = max(floor, 0), min(math.ceil(at), n_in - 1)
            w[o, lo] = f32(float(w[o, lo]) + (1 - lerp))
            w[o, hi] = f32(float(w[o, hi]) + lerp)
        else:
            coeffs = keys_coeffs(math.floor((at - floor) * 1024 + 0.5))
            taps, total = [], 0.0
            for k in range(4):
                i = floor - 1 + k
                if 0 <= i < n_in:
                    taps.append((i, coeffs[k]))
                    total += coeffs[k]
            norm = 1 / total if abs(total) >= 1e-35 else 1
            for i, c in taps:
                w[o, i] = f32(float(w[o, i]) + c * norm)
    return w


def interpolate_axis(x, w):
    """y[o, t, r] = sum_s w[t, s] x[o, s, r] in TF.js' CPU matMul order: float64 sums over blocks of 48, each
    added to the float32 result."""
    outer, s, r = x.shape
    xd, wd = x.astype(np.float64), w.astype(np.float64)
    out = np.zeros((outer, w.shape[0], r), np.float32)
    for k0 in range(0, s, 48):
        acc = np.zeros(out.shape, np.float64)
        for k in range(k0, min(k0 + 48, s)):
            acc += wd[None, :, k, None] * xd[:, None, k, :]
        out = (out.astype(np.float64) + acc).astype(np.float32)
    return out


def resize(x, shape, method):
    """Each changed axis resized in turn, in float32, as Graft does; the result in x's dtype."""
    dtype = dtype_name(x)
    y = to_f32(x)
    for axis in range(len(shape)):
        if y.shape[axis] == shape[axis]:
            continue
        outer = int(np.prod(y.shape[:axis], dtype=np.int64))
        inner = int(np.prod(y.shape[axis + 1:], dtype=np.int64))
        w = interpolation_matrix(y.shape[axis], shape[axis], method)
        out = interpolate_axis(y.reshape(outer, y.shape[axis], inner), w)
        y = out.reshape(y.shape[:axis] + (shape[axis],) + y.shape[axis + 1:])
    return encode_all(y.astype(np.float64), dtype)
`;
