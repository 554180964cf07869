"""ONNX Runtime's CPU LSTM turns a NaN pre-activation into +3.4e38 when the node has a bias B.

One unit, one step, input NaN, every weight and bias zero: each gate's pre-activation is
NaN * 0 + 0 = NaN, so NumPy's cell state and output are NaN. ORT clips every pre-activation to
[-clip, clip] (clip defaults to FLT_MAX) with std::min(clip, x) then std::max(-clip, x), which
return clip for a NaN x: every gate reads +3.4e38, so c = 1 and h = tanh(1). Without B the clip
takes another path and the NaN propagates.
"""
import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper

f32 = TensorProto.FLOAT


def lstm(with_bias):
    names = ['X', 'W', 'R'] + (['B'] if with_bias else [])
    shapes = {'X': [1, 1, 1], 'W': [1, 4, 1], 'R': [1, 4, 1], 'B': [1, 8]}
    node = helper.make_node('LSTM', names, ['Y', '', 'Y_c'], hidden_size=1)
    graph = helper.make_graph([node], 'lstm', [helper.make_tensor_value_info(n, f32, shapes[n]) for n in names],
                              [helper.make_tensor_value_info(n, f32, None) for n in ('Y', 'Y_c')])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    session = ort.InferenceSession(model.SerializeToString(), providers=['CPUExecutionProvider'])
    feeds = {'X': np.full((1, 1, 1), np.nan, np.float32), 'W': np.zeros((1, 4, 1), np.float32), 'R': np.zeros((1, 4, 1), np.float32)}
    if with_bias:
        feeds['B'] = np.zeros((1, 8), np.float32)
    y, c = session.run(None, feeds)
    return float(y.ravel()[0]), float(c.ravel()[0])


z = np.float32(np.nan) * np.float32(0) + np.float32(0)
sigmoid = 1 / (1 + np.exp(-z))
c_numpy = sigmoid * 0 + sigmoid * np.tanh(z)
print(f'onnxruntime {ort.__version__}, numpy {np.__version__}')
for with_bias in (True, False):
    h, c = lstm(with_bias)
    print(f'B {"given" if with_bias else "absent"}:  ort h {h!r} c {c!r}   numpy h {float(sigmoid * np.tanh(c_numpy))!r} c {float(c_numpy)!r}')
