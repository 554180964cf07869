"""The truth for the activation accuracy table (scripts/activation-accuracy.ts): exp, tanh and
σ(x) = 1/(1 + exp(-x)) in mpmath, and how far each given implementation, and NumPy's own, is from
it.

  python3 activation_truth.py FILE     FILE: little-endian float64, n arguments then, for each
                                       of k implementations, n results (k from the header line
                                       on stdin: JSON {"function", "n", "impls": [names]})

Prints one JSON line: for each implementation and NumPy, the largest distance in ULPs to the
correctly rounded truth (whole ULPs, as the accuracy table counts them), the largest error in
fractional ULPs of the truth, and how many results are correctly rounded (NaN meeting NaN counts
as correct). The truth is evaluated with 120 bits and, where that lies within 2^-100 of a rounding
boundary, again with 400 bits.
"""

import json
import math
import sys

import mpmath
import numpy as np

FUNCTIONS = {
    'exp': mpmath.exp,
    'tanh': mpmath.tanh,
    'sigmoid': lambda x: 1 / (1 + mpmath.exp(-x)),
}


def numpy_of(name, x):
    with np.errstate(over='ignore'):
        if name == 'exp':
            return np.exp(x)
        if name == 'tanh':
            return np.tanh(x)
        return 1 / (1 + np.exp(-x))


def ulp_of(v):
    """Spacing of doubles at the double v (for the truth rounded), subnormals included."""
    a = abs(v)
    if a == 0 or a < 2.0 ** -1022:
        return 2.0 ** -1074
    if math.isinf(a):
        return math.inf
    return 2.0 ** (math.frexp(a)[1] - 53)


def ordered(a):
    bits = a.view(np.int64)
    return np.where(bits < 0, -(bits & 0x7fffffffffffffff), bits)


def truth(f, x):
    """Correctly rounded f(x), and (f(x) - rounded) / ulp as a float (0 where not finite)."""
    with mpmath.workprec(120):
        v = f(mpmath.mpf(x))
        rounded = float(v)
        if not math.isfinite(rounded):
            return rounded, 0.0
        step = ulp_of(rounded)
        residual = (v - mpmath.mpf(rounded)) / step
        # Within 2^-100 (relative) of a midpoint between doubles: settle it with 400 bits.
        if abs(abs(residual) - mpmath.mpf(0.5)) * step < mpmath.mpf(2) ** -100 * abs(v):
            with mpmath.workprec(400):
                v = f(mpmath.mpf(x))
                rounded = float(v)
                residual = (v - mpmath.mpf(rounded)) / step
        return rounded, float(residual)


def main():
    header = json.loads(sys.stdin.readline())
    name, n, impls = header['function'], header['n'], header['impls']
    data = np.fromfile(sys.argv[1], dtype='<f8')
    x = data[:n]
    results = {impl: data[n * (k + 1):n * (k + 2)] for k, impl in enumerate(impls)}
    results['numpy'] = numpy_of(name, x)
    f = FUNCTIONS[name]
    rounded = np.empty(n)
    residual = np.empty(n)
    for i in range(n):
        rounded[i], residual[i] = truth(f, float(x[i]))
    finite = np.isfinite(rounded)
    steps = np.array([ulp_of(r) for r in rounded[finite]])
    out = {}
    for impl, y in results.items():
        same = (y == rounded) | (np.isnan(y) & np.isnan(rounded))
        both = finite & np.isfinite(y)
        distance = np.abs(ordered(y[both]) - ordered(rounded[both]))
        # (y - truth) / ulp = (y - rounded) / ulp - residual; y - rounded is exact for nearby doubles.
        with np.errstate(over='ignore', invalid='ignore'):
            fractional = np.abs((y[finite] - rounded[finite]) / steps - residual[finite])
        out[impl] = {
            'maxUlps': int(distance.max()) if distance.size else 0,
            'maxFractionalUlps': float(np.nanmax(fractional)) if fractional.size else 0.0,
            'correctlyRounded': int(np.sum(same)),
            'nonFiniteMismatches': int(np.sum(~(finite & np.isfinite(y)) & ~same)),
        }
    print(json.dumps({'function': name, 'n': n, 'numpy': np.__version__, 'mpmath': mpmath.__version__, 'results': out}))


if __name__ == '__main__':
    main()
