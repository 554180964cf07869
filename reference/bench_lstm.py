"""Timings for npm run bench, measured inside the worker so they exclude the transfer.

Implementations of a forward pass over B sequences of T steps (each timed call runs all B):

* ``seed``: the seed's own functions (original_lstm.py when its path is given, else
  lstm_reference, which performs the same NumPy calls in the same order), one sequence at a time.
* ``fused``: NumPy with the four gates' matrices stacked (4H x X input, 4H x H or 3H x H
  recurrent), the input projection of every step in one matrix product, and the batch as rows of
  one matrix; it keeps the seed's association ((W x) + (U s)) + b and records only h_t.
* ``torch64`` / ``torch32``: PyTorch's nn.LSTM (type 1 only: a standard LSTM) in float64 or
  float32, under inference_mode, on the threads PyTorch is given (set by ``threads``).
"""

import importlib.util
import time

import numpy as np

import lstm_reference


def _seed_cells(path):
    if not path:
        return lstm_reference.CELLS, "lstm_reference (the seed's NumPy calls, op for op)"
    spec = importlib.util.spec_from_file_location('original_lstm', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {'type1': module.LSTM_type_1, 'type2': module.LSTM_type_2}, 'original_lstm.py'


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _fused(cell, S, W):
    """S: B x T x X. Returns a function computing every h_t (B x T x H)."""
    H = W['u_i'].shape[0]
    last = 'c' if cell == 'type1' else 'cell'
    w_in = np.ascontiguousarray(np.vstack([W['w_i'], W['w_g'], W['w_o'], W['w_' + last]]).T)
    gates = ['i', 'g', 'o', 'c'] if cell == 'type1' else ['i', 'g', 'o']
    u_t = np.ascontiguousarray(np.vstack([W['u_' + k] for k in gates]).T)
    b = np.concatenate([W['b_i'], W['b_g'], W['b_o'], W['b_' + last]])
    B, T, _ = S.shape

    def run():
        xw = S @ w_in  # B x T x 4H, every step's W x at once
        h = np.zeros((B, H))
        c = np.zeros((B, H))
        out = np.empty((B, T, H))
        for t in range(T):
            if cell == 'type1':
                z = xw[:, t] + h @ u_t
                z += b
                s = _sigmoid(z[:, :3 * H])
                c = s[:, H:2 * H] * c + s[:, :H] * np.tanh(z[:, 3 * H:])
                h = s[:, 2 * H:] * np.tanh(c)
            else:
                z = xw[:, t, :3 * H] + c @ u_t
                z += b[:3 * H]
                s = _sigmoid(z)
                c = s[:, H:2 * H] * c + s[:, :H] * np.tanh(xw[:, t, 3 * H:] + b[3 * H:])
                h = np.tanh(s[:, 2 * H:] * c)
            out[:, t] = h
        return out

    return run


def _torch(S, W, dtype_name, threads):
    import torch
    torch.set_num_threads(threads)
    dtype = torch.float64 if dtype_name == 'float64' else torch.float32
    H = W['u_i'].shape[0]
    X = W['w_i'].shape[1]
    lstm = torch.nn.LSTM(X, H, dtype=dtype)
    with torch.no_grad():
        # PyTorch's gate order is i, f, g (candidate), o; its two biases add, so one is zero.
        lstm.weight_ih_l0.copy_(torch.from_numpy(np.vstack([W['w_i'], W['w_g'], W['w_c'], W['w_o']])))
        lstm.weight_hh_l0.copy_(torch.from_numpy(np.vstack([W['u_i'], W['u_g'], W['u_c'], W['u_o']])))
        lstm.bias_ih_l0.copy_(torch.from_numpy(np.concatenate([W['b_i'], W['b_g'], W['b_c'], W['b_o']])))
        lstm.bias_hh_l0.zero_()
    x = torch.from_numpy(np.ascontiguousarray(S.transpose(1, 0, 2))).to(dtype)  # T x B x X

    def run():
        with torch.inference_mode():
            return lstm(x)

    return run, torch.__version__


def bench(case, S, W):
    impl = case['impl']
    cell = case['cell']
    info = {'impl': impl}
    if impl == 'seed':
        cells, info['source'] = _seed_cells(case.get('seed_path'))
        function = cells[cell]
        run = lambda: [function(sequence, W) for sequence in S]  # noqa: E731
    elif impl == 'fused':
        run = _fused(cell, S, W)
    elif impl in ('torch64', 'torch32'):
        if cell != 'type1':
            raise ValueError('nn.LSTM is a type 1 cell only')
        run, info['torch'] = _torch(S, W, 'float64' if impl == 'torch64' else 'float32', int(case.get('threads', 1)))
    else:
        raise ValueError(f'impl: expected seed, fused, torch64 or torch32, got {impl!r}')
    run()
    samples = []
    start = time.perf_counter()
    while len(samples) < int(case['min_samples']) or time.perf_counter() - start < float(case['min_time']):
        t0 = time.perf_counter()
        run()
        samples.append(time.perf_counter() - t0)
    info['samples'] = samples
    return info
