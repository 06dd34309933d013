/**
 * V8's log, sin and cos (fdlibm 5.3 as in V8's src/base/ieee754.cc) for the generated script's normal draws,
 * vectorised with NumPy: the C library's versions differ from V8's in the last bit for a few percent of arguments;
 * these matched V8 (Node 20) on all of 1M random and 400k edge arguments.
 * Python source held as text (String.raw: backslashes stay as written).
 */

export const PY_LIBM = String.raw`# ---- log, sin and cos as V8 computes them for Graft's generator (fdlibm 5.3, as in V8's src/base/ieee754.cc) ----
# NumPy's and the C library's versions differ from V8's in the last bit for a few percent of arguments.

def high_word(x):
    return (x.view(np.uint64) >> np.uint64(32)).astype(np.int64)


def with_high_word(x, hi):
    bits = (x.view(np.uint64) & np.uint64(0xFFFFFFFF)) | (hi.astype(np.uint64) << np.uint64(32))
    return bits.view(np.float64)


def v8_log(x):
    """fdlibm's __ieee754_log for positive normal x (u in (0, 1) here)."""
    ln2_hi, ln2_lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
    lg1, lg2, lg3, lg4 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01
    lg5, lg6, lg7 = 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01
    x = np.array(x, dtype=np.float64)
    hx = high_word(x)
    k = (hx >> 20) - 1023
    hx = hx & 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    x = with_high_word(x, hx | (i ^ 0x3FF00000))
    k = k + (i >> 20)
    f = x - 1.0
    dk = k.astype(np.float64)
    tiny = ((0x000FFFFF & (2 + hx)) < 3)
    r_tiny = f * f * (0.5 - 0.33333333333333333 * f)
    tiny_result = np.where(f == 0, np.where(k == 0, 0.0, dk * ln2_hi + dk * ln2_lo),
                           np.where(k == 0, f - r_tiny, dk * ln2_hi - ((r_tiny - dk * ln2_lo) - f)))
    s = f / (2.0 + f)
    z = s * s
    i = hx - 0x6147A
    w = z * z
    j = 0x6B851 - hx
    t1 = w * (lg2 + w * (lg4 + w * lg6))
    t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
    i = i | j
    r = t2 + t1
    hfsq = 0.5 * f * f
    big = np.where(k == 0, f - (hfsq - s * (hfsq + r)), dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f))
    small = np.where(k == 0, f - s * (f - r), dk * ln2_hi - ((s * (f - r) - dk * ln2_lo) - f))
    return np.where(tiny, tiny_result, np.where(i > 0, big, small))


def kernel_sin(x, y):
    s1, s2, s3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04
    s4, s5, s6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
    z = x * x
    v = z * x
    r = s2 + z * (s3 + z * (s4 + z * (s5 + z * s6)))
    out = x - ((z * (0.5 * y - v * r) - y) - v * s1)
    return np.where((high_word(x) & 0x7FFFFFFF) < 0x3E400000, x, out)


def kernel_cos(x, y):
    c1, c2, c3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05
    c4, c5, c6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11
    ix = high_word(x) & 0x7FFFFFFF
    z = x * x
    r = z * (c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * c6)))))
    near = 1.0 - (0.5 * z - (z * r - x * y))
    qx = np.where(ix > 0x3FE90000, 0.28125, with_high_word(np.zeros_like(x), np.maximum(ix - 0x00200000, 0)))
    far = (1.0 - qx) - ((0.5 * z - qx) - (z * r - x * y))
    return np.where(ix < 0x3E400000, 1.0, np.where(ix < 0x3FD33333, near, far))


def rem_pio2(x):
    """fdlibm's __ieee754_rem_pio2 for 0 <= x < 2**19 * pi/2: n and x - n*pi/2 as y0 + y1."""
    pio2_1, pio2_1t = 1.57079632673412561417e+00, 6.07710050650619224932e-11
    pio2_2, pio2_2t = 6.07710050630396597660e-11, 2.02226624879595063154e-21
    pio2_3, pio2_3t = 2.02226624871116645580e-21, 8.47842766036889956997e-32
    ix = high_word(x) & 0x7FFFFFFF
    # |x| < 3pi/4: n = 1, with pi/2 in 33+53 bits (33+33+53 right at pi/2).
    z = x - pio2_1
    at_half_pi = ix == 0x3FF921FB
    z2 = z - pio2_2
    a0 = np.where(at_half_pi, z2 - pio2_2t, z - pio2_1t)
    a1 = np.where(at_half_pi, (z2 - a0) - pio2_2t, (z - a0) - pio2_1t)
    # Medium size: up to three rounds of subtracting n * pi/2 in pieces.
    n = np.floor(x * 6.36619772367581382433e-01 + 0.5)
    r = x - n * pio2_1
    w = n * pio2_1t
    y0 = r - w
    j = ix >> 20
    second = (j - ((high_word(y0) >> 20) & 0x7FF)) > 16
    t = r
    w2 = n * pio2_2
    r2 = t - w2
    w2 = n * pio2_2t - ((t - r2) - w2)
    y0_2 = r2 - w2
    third = second & ((j - ((high_word(y0_2) >> 20) & 0x7FF)) > 49)
    t = r2
    w3 = n * pio2_3
    r3 = t - w3
    w3 = n * pio2_3t - ((t - r3) - w3)
    y0_3 = r3 - w3
    r = np.where(third, r3, np.where(second, r2, r))
    w = np.where(third, w3, np.where(second, w2, w))
    y0 = np.where(third, y0_3, np.where(second, y0_2, y0))
    y1 = (r - y0) - w
    small = ix < 0x4002D97C
    n = np.where(small, 1, n.astype(np.int64))
    return n, np.where(small, a0, y0), np.where(small, a1, y1)


def v8_sin_cos(x):
    """fdlibm's sin and cos for 0 <= x < 2**19 * pi/2 (here 2*pi*v with v in [0, 1))."""
    x = np.array(x, dtype=np.float64)
    quarter = (high_word(x) & 0x7FFFFFFF) <= 0x3FE921FB
    n, y0, y1 = rem_pio2(x)
    y0 = np.where(quarter, x, y0)
    y1 = np.where(quarter, 0.0, y1)
    n = np.where(quarter, 0, n) & 3
    ks, kc = kernel_sin(y0, y1), kernel_cos(y0, y1)
    # In the first octant fdlibm calls __kernel_sin(x, 0, 0): x + v*(S1 + z*r), not the iy = 1 form.
    s1 = -1.66666666666666324348e-01
    z = y0 * y0
    r = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)))
    ks0 = np.where((high_word(y0) & 0x7FFFFFFF) < 0x3E400000, y0, y0 + (z * y0) * (s1 + z * r))
    ks = np.where(quarter, ks0, ks)
    sin = np.select([n == 0, n == 1, n == 2], [ks, kc, -ks], -kc)
    cos = np.select([n == 0, n == 1, n == 2], [kc, -ks, -kc], ks)
    return sin, cos
`;
