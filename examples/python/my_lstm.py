#!/usr/bin/env python3
"""A worked example: an LSTM written the way one usually writes it in NumPy, checked by lstm-parity.

    npx lstm-parity verify --impl-command 'python3 examples/python/my_lstm.py'
    npx lstm-parity verify --impl-command 'python3 examples/python/my_lstm.py --dtype float32'

Unlike the seed, it stacks the four gates' weights into one (4H x X) and one (4H x H) matrix and
computes every pre-activation of a step with two matrix products, ((W x) + (U s)) + b as the
seed associates it. The products sum in another order than the seed's np.dot per gate, so the
results differ from NumPy's in the last bits: lstm-parity judges them within its tolerance
policy. With --dtype float32 it computes in float32 (inputs and weights rounded to float32) and
says so in its hello, so it is judged against the seed's computation run in float32.
"""

import argparse
import pathlib
import sys

import numpy as np

# lstm_protocol.py ships with lstm-parity in reference/: copy it beside your own code.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / 'reference'))
from lstm_protocol import serve  # noqa: E402

KEYS = {
    'type1': ('Output', 'Output_gate_activations', 'input_gate_activations',
              'forget_gate_activations', 'cell_input_activations', 'cell_state_vectors'),
    'type2': ('Output', 'input_gate_activations', 'output_gate_activations',
              'forget_gate_activations', 'cell_state_vectors'),
}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm(cell, S, W, dtype=np.float64):
    """Both cells of the seed: type 1 reads h_{t-1} in its gates, type 2 reads c_{t-1}."""
    H = len(W['u_i'])
    X = len(W['w_i'][0])
    S = np.asarray(S, dtype=dtype).reshape(-1, X)
    # Gate blocks: input i, forget f (the seed's g), output o, candidate c.
    last = 'c' if cell == 'type1' else 'cell'
    w = np.vstack([np.asarray(W[key], dtype=dtype) for key in ('w_i', 'w_g', 'w_o', 'w_' + last)])
    b = np.concatenate([np.asarray(W[key], dtype=dtype) for key in ('b_i', 'b_g', 'b_o', 'b_' + last)])
    u = np.vstack([np.asarray(W[key], dtype=dtype) for key in (('u_i', 'u_g', 'u_o', 'u_c') if cell == 'type1' else ('u_i', 'u_g', 'u_o'))])
    h = np.zeros(H, dtype=dtype)
    c = np.zeros(H, dtype=dtype)
    trace = {key: [] for key in KEYS[cell]}
    for x in S:
        if cell == 'type1':
            z = w @ x + u @ h + b
            i, f, o = sigmoid(z[:H]), sigmoid(z[H:2 * H]), sigmoid(z[2 * H:3 * H])
            candidate = np.tanh(z[3 * H:])
            c = f * c + i * candidate
            h = o * np.tanh(c)
            values = (h, o, i, f, candidate, c)
        else:
            z = w[:3 * H] @ x + u @ c + b[:3 * H]
            i, f, o = sigmoid(z[:H]), sigmoid(z[H:2 * H]), sigmoid(z[2 * H:])
            c = f * c + i * np.tanh(w[3 * H:] @ x + b[3 * H:])
            h = np.tanh(o * c)
            values = (h, i, o, f, c)
        for key, value in zip(KEYS[cell], values):
            trace[key].append(value)
    return trace


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dtype', choices=['float64', 'float32'], default='float64')
    dtype = parser.parse_args().dtype
    with np.errstate(all='ignore'):  # overflow to inf and NaN are answers here, not errors
        serve(lambda cell, S, W: lstm(cell, S, W, np.dtype(dtype).type),
              {'name': f'my_lstm.py (NumPy, stacked gates, {dtype})', 'dtype': dtype,
               'cells': ['type1', 'type2'], 'version': f'NumPy {np.__version__}'})


if __name__ == '__main__':
    main()
