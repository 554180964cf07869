"""Both seed cells in arbitrary precision (mpmath): the truth that the port and NumPy are judged by.

Same semantics as lstm_reference.py (initial states of length u_i.shape[1], type 2 reading
c_{t-1} and returning tanh(o_t * c_t)), but every operation is carried out with `dps` decimal
digits, and only the final values are rounded to float64. Inputs are the float64 values exactly
(an mpf holds any double without rounding). mpmath follows IEEE conventions for the special
values the cells meet: exp(+inf) = inf, 1/inf = 0, tanh(+-inf) = +-1, inf * 0 and inf - inf are
NaN, and NaN propagates.

Unlike float64, mpmath never overflows: sigmoid(-720) is e^-720 (a float64 subnormal), where
NumPy's 1/(1+exp(720)) gives 0 with an overflow warning. Those are real errors of the seed's
formula, and the accuracy report shows them.
"""

import math

import mpmath

TYPE1_KEYS = ('Output', 'Output_gate_activations', 'input_gate_activations',
              'forget_gate_activations', 'cell_input_activations', 'cell_state_vectors')
TYPE2_KEYS = ('Output', 'input_gate_activations', 'output_gate_activations',
              'forget_gate_activations', 'cell_state_vectors')


def _mp(x):
    return mpmath.mpf(float(x))


def _sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _dot(matrix, vector):
    if any(mpmath.isnan(v) or mpmath.isinf(v) for v in vector) or any(
            mpmath.isnan(w) or mpmath.isinf(w) for row in matrix for w in row):
        # fdot's exact summation has no IEEE rules for infinities; sum products one by one.
        return [sum((w * v for w, v in zip(row, vector)), mpmath.mpf(0)) for row in matrix]
    return [mpmath.fdot(row, vector) for row in matrix]


def _affine(W, gate, x, state):
    wx = _dot(W['w_' + gate], x)
    us = _dot(W['u_' + gate], state)
    return [a + b + c for a, b, c in zip(wx, us, W['b_' + gate])]


def _to_float(value):
    if mpmath.isnan(value):
        return math.nan
    return float(value)


def _convert(S, W):
    return ([[_mp(v) for v in row] for row in S],
            {key: ([[_mp(v) for v in row] for row in value] if key[0] != 'b' else [_mp(v) for v in value])
             for key, value in W.items()})


def lstm_type_1(S, W, dps=60):
    """S: T x X and W: the seed's dictionary, as nested lists of floats. Returns float64 lists."""
    with mpmath.workdps(dps):
        S, W = _convert(S, W)
        H = len(W['u_i'][0])
        h = [mpmath.mpf(0)] * H
        c = [mpmath.mpf(0)] * H
        trace = {key: [] for key in TYPE1_KEYS}
        for x in S:
            f = [_sigmoid(z) for z in _affine(W, 'g', x, h)]
            i = [_sigmoid(z) for z in _affine(W, 'i', x, h)]
            o = [_sigmoid(z) for z in _affine(W, 'o', x, h)]
            cand = [mpmath.tanh(z) for z in _affine(W, 'c', x, h)]
            c = [fj * cj + ij * gj for fj, cj, ij, gj in zip(f, c, i, cand)]
            h = [oj * mpmath.tanh(cj) for oj, cj in zip(o, c)]
            for key, value in zip(TYPE1_KEYS, (h, o, i, f, cand, c)):
                trace[key].append([_to_float(v) for v in value])
        return trace


def lstm_type_2(S, W, dps=60):
    """S: T x X and W: the seed's dictionary, as nested lists of floats. Returns float64 lists."""
    with mpmath.workdps(dps):
        S, W = _convert(S, W)
        H = len(W['u_i'][0])
        c = [mpmath.mpf(0)] * H
        trace = {key: [] for key in TYPE2_KEYS}
        for x in S:
            f = [_sigmoid(z) for z in _affine(W, 'g', x, c)]
            o = [_sigmoid(z) for z in _affine(W, 'o', x, c)]
            i = [_sigmoid(z) for z in _affine(W, 'i', x, c)]
            cand = [mpmath.tanh(a + b) for a, b in zip(_dot(W['w_cell'], x), W['b_cell'])]
            c = [fj * cj + ij * gj for fj, cj, ij, gj in zip(f, c, i, cand)]
            h = [mpmath.tanh(oj * cj) for oj, cj in zip(o, c)]
            for key, value in zip(TYPE2_KEYS, (h, i, o, f, c)):
                trace[key].append([_to_float(v) for v in value])
        return trace


CELLS = {'type1': lstm_type_1, 'type2': lstm_type_2}
