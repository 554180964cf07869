#!/usr/bin/env python3
"""A worked example: an LSTM written the way one usually writes it in NumPy, checked by lstm-parity.

    npx lstm-parity verify --impl-command 'python3 examples/python/my_lstm.py'
    npx lstm-parity verify --impl-command 'python3 examples/python/my_lstm.py --dtype float32'
    npx lstm-parity verify --impl-command 'python3 examples/python/my_lstm.py --batch 32'

Unlike the seed, it stacks the four gates' weights into one (4H x X) and one (4H x H) matrix and
computes every pre-activation of a step with two matrix products, ((W x) + (U s)) + b as the
seed associates it. The products sum in another order than the seed's np.dot per gate, so the
results differ from NumPy's in the last bits: lstm-parity judges them within its tolerance
policy. With --dtype float32 it computes in float32 (inputs and weights rounded to float32) and
says so in its hello, so it is judged against the seed's computation run in float32.

With --batch N it also takes batches (the protocol's batch extension): up to N cases in one
request, whose cases of one shape it runs together, one batched matrix product per gate block and
step, as a framework that compiles one program per shape would.
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


def lstm_batch(cell, cases, dtype=np.float64):
    """Cases of one cell, those of one shape computed together; one result per case, in order."""
    results = [None] * len(cases)
    by_shape = {}
    for k, (S, W) in enumerate(cases):
        shape = (len(S), len(W['w_i'][0]), len(W['u_i']))
        by_shape.setdefault(shape, []).append(k)
    for (T, X, H), members in by_shape.items():
        last = 'c' if cell == 'type1' else 'cell'
        stack = lambda keys: np.stack([np.vstack([np.asarray(cases[k][1][key], dtype=dtype) for key in keys]) for k in members])  # noqa: E731
        w = stack(('w_i', 'w_g', 'w_o', 'w_' + last))
        u = stack(('u_i', 'u_g', 'u_o', 'u_c') if cell == 'type1' else ('u_i', 'u_g', 'u_o'))
        b = np.stack([np.concatenate([np.asarray(cases[k][1][key], dtype=dtype) for key in ('b_i', 'b_g', 'b_o', 'b_' + last)]) for k in members])
        S = np.stack([np.asarray(cases[k][0], dtype=dtype).reshape(T, X) for k in members])
        h = np.zeros((len(members), H), dtype=dtype)
        c = np.zeros((len(members), H), dtype=dtype)
        traces = [{key: [] for key in KEYS[cell]} for _ in members]
        times = lambda m, v: (m @ v[:, :, None])[:, :, 0]  # noqa: E731  one matrix-vector product per case
        for t in range(T):
            x = S[:, t]
            if cell == 'type1':
                z = times(w, x) + times(u, h) + b
                i, f, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H]), sigmoid(z[:, 2 * H:3 * H])
                candidate = np.tanh(z[:, 3 * H:])
                c = f * c + i * candidate
                h = o * np.tanh(c)
                values = (h, o, i, f, candidate, c)
            else:
                z = times(w[:, :3 * H], x) + times(u, c) + b[:, :3 * H]
                i, f, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H]), sigmoid(z[:, 2 * H:])
                c = f * c + i * np.tanh(times(w[:, 3 * H:], x) + b[:, 3 * H:])
                h = np.tanh(o * c)
                values = (h, i, o, f, c)
            for j, trace in enumerate(traces):
                for key, value in zip(KEYS[cell], values):
                    trace[key].append(value[j])
        for j, k in enumerate(members):
            results[k] = traces[j]
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dtype', choices=['float64', 'float32'], default='float64')
    parser.add_argument('--batch', type=int, default=0, help='take up to N cases in one request (N >= 2)')
    args = parser.parse_args()
    dtype = np.dtype(args.dtype).type
    hello = {'name': f'my_lstm.py (NumPy, stacked gates, {args.dtype})', 'dtype': args.dtype,
             'cells': ['type1', 'type2'], 'version': f'NumPy {np.__version__}'}
    if args.batch >= 2:
        hello['batch'] = args.batch
    with np.errstate(all='ignore'):  # overflow to inf and NaN are answers here, not errors
        serve(lambda cell, S, W: lstm(cell, S, W, dtype), hello,
              lambda cell, cases: lstm_batch(cell, cases, dtype))


if __name__ == '__main__':
    main()
