#!/usr/bin/env python3
"""ONNX Runtime's LSTM kernel (CPUExecutionProvider) as an implementation under test, behind
lstm-parity's command protocol.

    python3 onnxruntime_lstm.py float32|float64 [--batch N]

Type 1 only: the ONNX LSTM op is a standard LSTM (peepholes P left out). The mapping is
onnx_lstm.py's (ONNX's gate order is i, o, f, c, with f the forget gate, the seed's g):

    W = rows of w_i, w_o, w_g, w_c   (1 x 4H x X)      R = rows of u_i, u_o, u_g, u_c   (1 x 4H x H)
    B = b_i, b_o, b_g, b_c, then 4H zeros (the recurrence biases; ONNX adds the two halves)

`Output` is Y of one LSTM node over the whole sequence, as the op is used. Its Y_c is the cell
state of the last step only, so `cell_state_vectors` comes from a `Scan` over the steps in the same
graph whose body is the same LSTM op on one step, with (h, c) carried: ORT projects all steps'
inputs in one product when given the whole sequence, so the two passes may differ in the last bits
(each is ORT's arithmetic, judged on its own). A request's cases of one shape run in one graph,
one such pair of nodes per case (a session per case count and X, H, built once; T is dynamic):
one `run` for up to 64 cases (the protocol's batch extension; `--batch 1` asks for one case per
request). One intra-op thread.

float64: ORT's CPU LSTM kernel has none. The session builds, and its first run fails with
"LSTM operator does not support double yet"; this script tries that once at start and, when it
fails, prints "unsupported: <ORT's message>" on stderr and exits with code 3, so that
`--impl onnxruntime-float64` is refused with ORT's own words (and works as soon as a release
implements it).

If onnxruntime or onnx cannot be imported, prints "unavailable: <reason>" on stderr and exits
with code 3.
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from lstm_protocol import one_case, run_type1_grouped, serve  # noqa: E402

DTYPE = sys.argv[1] if len(sys.argv) > 1 else 'float32'
BATCH = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--batch' else 64
if DTYPE not in ('float64', 'float32') or BATCH < 1:
    print(f'usage: onnxruntime_lstm.py float32|float64 [--batch N] (got {" ".join(sys.argv[1:])!r})', file=sys.stderr)
    sys.exit(2)

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper
except Exception as error:  # noqa: BLE001 - any import failure means the peer is not here
    print(f'unavailable: {type(error).__name__}: {error}', file=sys.stderr)
    sys.exit(3)

ort.set_default_logger_severity(4)  # errors reach the reply; ORT's own log would repeat them on stderr
ELEM = TensorProto.DOUBLE if DTYPE == 'float64' else TensorProto.FLOAT
NP_KIND = np.float64 if DTYPE == 'float64' else np.float32
OPSET = 17


def graph_for(B, X, H):
    """B cases of X inputs and H units: per case, Y over the sequence and every step's c."""
    nodes, inputs, outputs = [], [], []
    info = helper.make_tensor_value_info
    zeros = helper.make_tensor('zeros', ELEM, [1, 1, H], [0.0] * H)
    for k in range(B):
        x, w, r, b = f'X{k}', f'W{k}', f'R{k}', f'B{k}'
        inputs += [info(x, ELEM, ['T', 1, X]), info(w, ELEM, [1, 4 * H, X]), info(r, ELEM, [1, 4 * H, H]), info(b, ELEM, [1, 8 * H])]
        nodes.append(helper.make_node('LSTM', [x, w, r, b], [f'Y{k}'], hidden_size=H))
        # Scan body: one step of the same op, its W, R and B read from the outer graph.
        body = helper.make_graph(
            [helper.make_node('Unsqueeze', ['x', 'axis0'], ['x3']),
             helper.make_node('LSTM', ['x3', w, r, b, '', 'h', 'c'], ['', 'h_next', 'c_next'], hidden_size=H),
             helper.make_node('Identity', ['c_next'], ['c_step'])],
            f'step{k}',
            [info('h', ELEM, [1, 1, H]), info('c', ELEM, [1, 1, H]), info('x', ELEM, [1, X])],
            [info('h_next', ELEM, [1, 1, H]), info('c_next', ELEM, [1, 1, H]), info('c_step', ELEM, [1, 1, H])],
            initializer=[helper.make_tensor('axis0', TensorProto.INT64, [1], [0])])
        nodes.append(helper.make_node('Scan', ['zeros', 'zeros', x], [f'h{k}', f'c{k}', f'C{k}'], body=body, num_scan_inputs=1))
        outputs += [info(f'Y{k}', ELEM, None), info(f'C{k}', ELEM, None)]
    graph = helper.make_graph(nodes, 'lstm', inputs, outputs, initializer=[zeros])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)])
    model.ir_version = 8
    return model


_sessions = {}


def session(B, X, H):
    key = (B, X, H)
    if key not in _sessions:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        _sessions[key] = ort.InferenceSession(graph_for(B, X, H).SerializeToString(), options, providers=['CPUExecutionProvider'])
    return _sessions[key]


def rows(W, keys):
    return np.concatenate([np.asarray(W[key], dtype=np.float64) for key in keys])


def feeds_for(k, S, W, T, X, H):
    return {
        f'X{k}': np.asarray(S, dtype=np.float64).reshape(T, 1, X).astype(NP_KIND),
        f'W{k}': rows(W, ('w_i', 'w_o', 'w_g', 'w_c')).reshape(1, 4 * H, X).astype(NP_KIND),
        f'R{k}': rows(W, ('u_i', 'u_o', 'u_g', 'u_c')).reshape(1, 4 * H, H).astype(NP_KIND),
        f'B{k}': np.concatenate([rows(W, ('b_i', 'b_o', 'b_g', 'b_c')), np.zeros(4 * H)]).reshape(1, 8 * H).astype(NP_KIND),
    }


def run_group(cases, T, H, X):
    """Cases of one shape (T, X, H) in one run of one session; returns (h, c) per case."""
    feeds = {}
    for k, (S, W) in enumerate(cases):
        feeds.update(feeds_for(k, S, W, T, X, H))
    outputs = session(len(cases), X, H).run(None, feeds)
    results = []
    for k in range(len(cases)):
        y, c = outputs[2 * k], outputs[2 * k + 1]
        results.append({'Output': np.asarray(y, dtype=np.float64).reshape(T, H), 'cell_state_vectors': np.asarray(c, dtype=np.float64).reshape(T, H)})
    return results


def run_batch(cell, cases):
    """Every case of one request: grouped by shape, each group in chunks of one session run."""
    return run_type1_grouped(cell, cases, 'the ONNX LSTM op is a type 1 cell only', BATCH, run_group)


run = one_case(run_batch)


# Imported (test/fixtures/onnx_model_bytes.py reads graph_for), it serves nothing.
if __name__ == '__main__':
    try:
        run_group([([[0.0]], {key: [[0.0]] if key[0] != 'b' else [0.0] for key in ('w_i', 'w_g', 'w_c', 'w_o', 'u_i', 'u_g', 'u_c', 'u_o', 'b_i', 'b_g', 'b_c', 'b_o')})], 1, 1, 1)
    except Exception as error:  # noqa: BLE001 - the runtime cannot run this precision at all
        said = str(error).split('Status Message: ')[-1].strip().replace('\n', ' ')
        print(f'unsupported: onnxruntime {ort.__version__} (CPUExecutionProvider) cannot run an LSTM in {DTYPE}: "{said}"', file=sys.stderr)
        sys.exit(3)

    HELLO = {'name': f'onnxruntime-{DTYPE}', 'version': f'onnxruntime {ort.__version__}, onnx {onnx.__version__}', 'dtype': DTYPE,
             'cells': ['type1'], 'keys': ['Output', 'cell_state_vectors']}
    serve(run, {**HELLO, 'batch': BATCH} if BATCH > 1 else HELLO, run_batch=run_batch)
