#!/usr/bin/env python3
"""PyTorch's nn.LSTM as an implementation under test, behind lstm-parity's command protocol.

    python3 torch_lstm.py float64|float32

Type 1 only: nn.LSTM is a standard LSTM. The mapping (PyTorch's gate order is i, f, g, o, with f
the forget gate, the seed's g, and g the candidate, the seed's c):

    weight_ih_l0 = rows of w_i, w_g, w_c, w_o   (4H x X)
    weight_hh_l0 = rows of u_i, u_g, u_c, u_o   (4H x H)
    bias_ih_l0   = b_i, b_g, b_c, b_o            bias_hh_l0 = 0 (PyTorch adds the two biases)

`Output` is h_t from one call on the whole sequence, as nn.LSTM is used. The cell state exists
only at the last step of that call, so `cell_state_vectors` comes from a second pass that calls
the same module one step at a time, carrying (h, c): PyTorch computes the input projection of
all steps in one product when given the whole sequence, so that pass differs from the first in
the last bits (it is still nn.LSTM's arithmetic, judged on its own). One thread, inference mode.

If PyTorch cannot be imported, prints "unavailable: <reason>" on stderr and exits with code 3.
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from lstm_protocol import serve  # noqa: E402

DTYPE = sys.argv[1] if len(sys.argv) > 1 else 'float64'
if DTYPE not in ('float64', 'float32'):
    print(f'usage: torch_lstm.py float64|float32 (got {DTYPE!r})', file=sys.stderr)
    sys.exit(2)

try:
    import numpy as np
    import torch
except Exception as error:  # noqa: BLE001 - any import failure means the peer is not here
    print(f'unavailable: {type(error).__name__}: {error}', file=sys.stderr)
    sys.exit(3)

torch.set_num_threads(1)
KIND = torch.float64 if DTYPE == 'float64' else torch.float32


def tensor(rows):
    return torch.from_numpy(np.asarray(rows, dtype=np.float64)).to(KIND)


def run(cell, S, W):
    if cell != 'type1':
        raise ValueError('nn.LSTM is a type 1 cell only')
    H = len(W['u_i'])
    X = len(W['w_i'][0])
    T = len(S)
    if T == 0:
        return {'Output': [], 'cell_state_vectors': []}
    lstm = torch.nn.LSTM(X, H, dtype=KIND)
    with torch.inference_mode():
        lstm.weight_ih_l0.copy_(tensor(W['w_i'] + W['w_g'] + W['w_c'] + W['w_o']))
        lstm.weight_hh_l0.copy_(tensor(W['u_i'] + W['u_g'] + W['u_c'] + W['u_o']))
        lstm.bias_ih_l0.copy_(tensor(W['b_i'] + W['b_g'] + W['b_c'] + W['b_o']))
        lstm.bias_hh_l0.zero_()
        x = tensor(S).reshape(T, 1, X)
        output, _ = lstm(x)
        h = torch.zeros(1, 1, H, dtype=KIND)
        c = torch.zeros(1, 1, H, dtype=KIND)
        states = []
        for t in range(T):
            _, (h, c) = lstm(x[t:t + 1], (h, c))
            states.append(c[0, 0].double().numpy())
        return {'Output': output[:, 0].double().numpy(), 'cell_state_vectors': np.stack(states)}


serve(run, {'name': f'torch-{DTYPE}', 'version': f'torch {torch.__version__}', 'dtype': DTYPE,
            'cells': ['type1'], 'keys': ['Output', 'cell_state_vectors']})
