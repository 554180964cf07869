#!/usr/bin/env python3
"""ONNX's reference evaluator (onnx.reference) running one LSTM node, behind lstm-parity's
command protocol, in float64.

    python3 onnx_lstm.py

Type 1 only: the ONNX LSTM op is a standard LSTM (its peepholes P, left at zero here, weigh c
element-wise, unlike the seed's type 2). The mapping (ONNX's gate order is i, o, f, c, with f the
forget gate, the seed's g):

    W = rows of w_i, w_o, w_g, w_c   (1 x 4H x X)      R = rows of u_i, u_o, u_g, u_c   (1 x 4H x H)
    B = b_i, b_o, b_g, b_c, then 4H zeros (the recurrence biases; ONNX adds the two halves)

The node runs one step per evaluation, with initial_h and initial_c carried, so that every step's
cell state is seen: `Output` is Y and `cell_state_vectors` Y_c of each step. The evaluator loops
over the steps in NumPy either way, so a whole-sequence run gives the same bits. Its gates also
add P * c_{t-1} with P = 0, which is NaN where c is infinite: a difference the judge will see.

If onnx (>= 1.13, which added onnx.reference) cannot be imported, prints "unavailable: <reason>"
on stderr and exits with code 3.
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from lstm_protocol import serve  # noqa: E402

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator
except Exception as error:  # noqa: BLE001 - any import failure means the peer is not here
    print(f'unavailable: {type(error).__name__}: {error}', file=sys.stderr)
    sys.exit(3)

_models = {}


def evaluator(X, H):
    """One LSTM node of hidden size H on inputs of X features, built once per shape."""
    key = (X, H)
    if key not in _models:
        names = ['X', 'W', 'R', 'B', '', 'initial_h', 'initial_c']
        node = helper.make_node('LSTM', names, ['Y', 'Y_h', 'Y_c'], hidden_size=H)
        double = TensorProto.DOUBLE
        inputs = [helper.make_tensor_value_info('X', double, [None, 1, X]),
                  helper.make_tensor_value_info('W', double, [1, 4 * H, X]),
                  helper.make_tensor_value_info('R', double, [1, 4 * H, H]),
                  helper.make_tensor_value_info('B', double, [1, 8 * H]),
                  helper.make_tensor_value_info('initial_h', double, [1, 1, H]),
                  helper.make_tensor_value_info('initial_c', double, [1, 1, H])]
        outputs = [helper.make_tensor_value_info(name, double, None) for name in ('Y', 'Y_h', 'Y_c')]
        graph = helper.make_graph([node], 'lstm', inputs, outputs)
        _models[key] = ReferenceEvaluator(helper.make_model(graph))
    return _models[key]


def run(cell, S, W):
    if cell != 'type1':
        raise ValueError('the ONNX LSTM op is a type 1 cell only')
    H = len(W['u_i'])
    X = len(W['w_i'][0])
    if len(S) == 0:
        return {'Output': [], 'cell_state_vectors': []}
    rows = lambda keys: np.asarray(sum((W[key] for key in keys), []), dtype=np.float64)  # noqa: E731
    feeds = {
        'W': rows(('w_i', 'w_o', 'w_g', 'w_c')).reshape(1, 4 * H, X),
        'R': rows(('u_i', 'u_o', 'u_g', 'u_c')).reshape(1, 4 * H, H),
        'B': np.concatenate([np.asarray(W[key], dtype=np.float64) for key in ('b_i', 'b_o', 'b_g', 'b_c')] + [np.zeros(4 * H)]).reshape(1, 8 * H),
        'initial_h': np.zeros((1, 1, H)),
        'initial_c': np.zeros((1, 1, H)),
    }
    model = evaluator(X, H)
    outputs, states = [], []
    for x in np.asarray(S, dtype=np.float64):
        _, h, c = model.run(None, {**feeds, 'X': x.reshape(1, 1, X)})
        outputs.append(h[0, 0])
        states.append(c[0, 0])
        feeds['initial_h'], feeds['initial_c'] = h, c
    return {'Output': np.stack(outputs), 'cell_state_vectors': np.stack(states)}


with np.errstate(all='ignore'):
    serve(run, {'name': 'onnx-reference', 'version': f'onnx {onnx.__version__}', 'dtype': 'float64',
                'cells': ['type1'], 'keys': ['Output', 'cell_state_vectors']})
