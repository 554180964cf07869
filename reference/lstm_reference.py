"""The two LSTM cells of the seed notebook, as the project's NumPy reference.

Each function performs the seed's NumPy operations in the seed's order, so its outputs and the
warnings it raises are those of the seed, bit for bit (test_lstm_reference.py proves it):

* ``np.dot`` for every matrix-vector product, then ``(W x + U s) + b`` left to right;
* sigmoid as ``1 / (1 + np.exp(-z))`` and ``np.tanh``;
* type 1 evaluates the gates in the order g, i, o, then the candidate; type 2 in the order g, o, i.

``dtype=np.float32`` runs the same operations in float32 (the states start as float32 zeros; S
and W must be float32 arrays already): the reference a float32 implementation is judged against.
The default, float64, is the seed's computation unchanged.

``jitter=rng`` (a NumPy Generator) moves every activation's result, each sigmoid and tanh
element, one ULP of its dtype up or down by the generator's coin, keeping it within the
function's range: the rounding a faithful port of these activations may differ by. The noise
floor runs it on perturbed copies (src/judge/noise-floor.ts), so a difference that one ULP in a
gate can explain is never called a port bug. Without it the computation is the seed's.

Quirks kept on purpose: the initial states take their length from ``u_i.shape[1]``; T = 0 gives
empty lists; type 2 reads ``c_{t-1}`` in its gates and returns ``h_t = tanh(o_t * c_t)``. The
key names (type 1's capital ``Output_gate_activations``) are the seed's.
"""

import numpy as np

TYPE1_KEYS = ('Output', 'Output_gate_activations', 'input_gate_activations',
              'forget_gate_activations', 'cell_input_activations', 'cell_state_vectors')
TYPE2_KEYS = ('Output', 'input_gate_activations', 'output_gate_activations',
              'forget_gate_activations', 'cell_state_vectors')


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _nudged(values, rng, low, high):
    """Each element one ULP up or down (rng's coin), the other way where that would leave [low, high]."""
    toward = np.where(rng.random(values.shape) < 0.5, np.inf, -np.inf).astype(values.dtype)
    moved = np.nextafter(values, toward)
    return np.where((moved < low) | (moved > high), np.nextafter(values, -toward), moved)


def _activations(jitter):
    """sigmoid and tanh as the seed computes them, or with jitter's one-ULP moves on their results."""
    if jitter is None:
        return sigmoid, np.tanh
    return (lambda z: _nudged(sigmoid(z), jitter, 0, 1)), (lambda z: _nudged(np.tanh(z), jitter, -1, 1))


def _affine(W, gate, x, state):
    """(w_gate . x + u_gate . state) + b_gate, with the seed's association."""
    return np.dot(W['w_' + gate], x) + np.dot(W['u_' + gate], state) + W['b_' + gate]


def lstm_type_1(S, W, dtype=np.float64, jitter=None):
    """Standard LSTM with a forget gate (g); gates read h_{t-1}."""
    if S.ndim != 2:
        raise ValueError(f'S must be 2-D (T x X), got {S.ndim}-D')
    sigmoid, tanh = _activations(jitter)
    width = W['u_i'].shape[1]
    h = np.zeros([width], dtype)
    c = np.zeros([width], dtype)
    trace = {key: [] for key in TYPE1_KEYS}
    for x in S:
        f = sigmoid(_affine(W, 'g', x, h))
        i = sigmoid(_affine(W, 'i', x, h))
        o = sigmoid(_affine(W, 'o', x, h))
        cand = tanh(_affine(W, 'c', x, h))
        c = f * c + i * cand
        h = o * tanh(c)
        for key, value in zip(TYPE1_KEYS, (h, o, i, f, cand, c)):
            trace[key].append(value)
    return trace


def lstm_type_2(S, W, dtype=np.float64, jitter=None):
    """Peephole-style LSTM: gates read c_{t-1}; the candidate has no recurrent term."""
    if S.ndim != 2:
        raise ValueError(f'S must be 2-D (T x X), got {S.ndim}-D')
    sigmoid, tanh = _activations(jitter)
    c = np.zeros([W['u_i'].shape[1]], dtype)
    trace = {key: [] for key in TYPE2_KEYS}
    for x in S:
        f = sigmoid(_affine(W, 'g', x, c))
        o = sigmoid(_affine(W, 'o', x, c))
        i = sigmoid(_affine(W, 'i', x, c))
        c = f * c + i * tanh(np.dot(W['w_cell'], x) + W['b_cell'])
        h = tanh(o * c)
        for key, value in zip(TYPE2_KEYS, (h, i, o, f, c)):
            trace[key].append(value)
    return trace


CELLS = {'type1': lstm_type_1, 'type2': lstm_type_2}
KEYS = {'type1': TYPE1_KEYS, 'type2': TYPE2_KEYS}
