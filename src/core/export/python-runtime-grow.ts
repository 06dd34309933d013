/**
 * The script's growth steps, as engine/grow.ts computes them: copies are takes, division and noise happen in
 * float64 and round once into the dtype (encode_all). Python source held as text.
 */

export const PY_GROW = String.raw`# ---- function-preserving growth, as Graft computes it (src/core/engine/grow.ts) ----

def axis_shape(ndim, axis, n):
    shape = [1] * ndim
    shape[axis] = n
    return shape


def net2wider(x, axis, mapping, noise, name):
    """Entry j along axis copies entry mapping[j]; with noise, new positions get noise * N(0, 1) added."""
    y = np.take(x, np.asarray(mapping, dtype=np.int64), axis=axis)
    if not noise:
        return y
    new = np.broadcast_to((np.arange(len(mapping)) >= x.shape[axis]).reshape(axis_shape(y.ndim, axis, len(mapping))), y.shape)
    v = decode(y)
    v[new] = v[new] + noise * Rng(derive_seed(SEED, name + "#net2wider-noise")).normals(int(new.sum()))
    return encode_all(v, dtype_name(x))


def divide_replicated(x, axis, mapping):
    """Entry j along axis copies entry mapping[j], divided by how often mapping names it."""
    m = np.asarray(mapping, dtype=np.int64)
    counts = np.bincount(m, minlength=x.shape[axis])[m].astype(np.float64)
    return encode_all(decode(np.take(x, m, axis=axis)) / counts.reshape(axis_shape(x.ndim, axis, len(m))), dtype_name(x))


def identity(shape, dtype):
    """[n, n] identity, or a kernel [k.., c, c] that is one at the centre tap of each channel."""
    x = np.zeros(shape, dtype=np.float64)
    c = np.arange(shape[-1])
    x[tuple((k - 1) // 2 for k in shape[:-2]) + (c, c)] = 1
    return encode_all(x, dtype)


def constant(shape, dtype, value):
    return encode_all(np.full(shape, value, dtype=np.float64), dtype)
`;
