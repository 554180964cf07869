#!/usr/bin/env python3
"""Keras 3's LSTM on its JAX backend as an implementation under test, behind lstm-parity's
command protocol.

    python3 keras_lstm.py float64|float32 [--activations keras|jax] [--batch N]

Type 1 only: Keras's LSTM is a standard LSTM. `keras.layers.LSTMCell` run by
`keras.layers.RNN`, which is what `keras.layers.LSTM` runs on a CPU (its fused kernel,
`backend.lstm`, is taken only on a GPU with cuDNN; elsewhere the layer falls back to the RNN loop
over this cell). The cell, not the layer, because the layer returns the cell state of the last
step only: a subclass of LSTMCell emits h and c at every step, computed by LSTMCell's own `call`
(checked against `keras.layers.LSTM` while writing this adapter: bit for bit on 8 shapes in
float64; in float32 one of the 8 had an element 1 ULP apart). The mapping, with
Keras's gate order i, f (forget, the seed's g), c (candidate, the seed's c), o:

    kernel           (X x 4H) = columns w_i.T, w_g.T, w_c.T, w_o.T
    recurrent_kernel (H x 4H) = columns u_i.T, u_g.T, u_c.T, u_o.T
    bias             (4H)     = b_i, b_g, b_c, b_o          (implementation 2: ((x K) + (h R)) + b)

The JAX backend (KERAS_BACKEND=jax, set here before Keras is imported): TensorFlow, Keras's
default backend, is not installed here, and JAX is (for the Flax adapter); its numpy backend is
for inference only and runs no compiled program. float64 needs `jax_enable_x64`, set here, and a
float64 dtype policy for the cell.

Activations. Keras 3.15 computes `'tanh'` in float32 for a float64 tensor on its jax and numpy
backends (measured; its torch backend keeps float64): `keras.backend.result_type` maps float64 to
float32 on every backend but TensorFlow ("to be aligned with JAX's default behavior"), and
`ops.tanh` casts its input to that type (on the numpy backend `ops.sigmoid` and `ops.exp` too).
So `--activations keras` (the default: the layer as constructed) gives the 'tanh' and 'sigmoid'
Keras picks, and `--activations jax` passes JAX's own `jnp.tanh` and `jax.nn.sigmoid` as the
cell's activation and recurrent_activation, which compute in float64. In float32 the two are the
same arithmetic.

Keras retraces a layer's loop on every eager call (about half a second per call here), and verify's
live cases come in thousands of shapes. So, as in flax_lstm.py, the cases of a request are grouped
into buckets, H and X rounded up to a multiple of 8 and T to a power of two, and each bucket is one
jitted `vmap` of the RNN's `stateless_call` (over one case: see CALL below): the padded features
read zero weights, the padded units have zero weights and are held at zero after every step (so a
NaN or an infinity in them cannot reach the real units through a zero weight), the padded steps
come after the last real one. Cases of different shapes in one bucket get the same bits alone or
together. Requests carry up to 64 cases (the protocol's batch extension, which saves round trips
and nothing more here; `--batch 1` asks for one case per request, as without it).

If Keras or JAX cannot be imported, prints "unavailable: <reason>" on stderr and exits with code 3.
"""

import argparse
import os
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from lstm_protocol import one_case, run_type1_grouped, serve  # noqa: E402

parser = argparse.ArgumentParser(prog='keras_lstm.py')
parser.add_argument('dtype', nargs='?', default='float64', choices=('float64', 'float32'))
parser.add_argument('--activations', default='keras', choices=('keras', 'jax'))
parser.add_argument('--batch', type=int, default=64)
ARGS = parser.parse_args()
DTYPE = ARGS.dtype
BATCH = ARGS.batch
if BATCH < 1:
    parser.error(f'--batch must be at least 1 (got {BATCH})')

try:
    os.environ['KERAS_BACKEND'] = 'jax'
    import numpy as np
    import jax

    jax.config.update('jax_enable_x64', DTYPE == 'float64')
    jax.config.update('jax_platforms', 'cpu')
    import jax.numpy as jnp
    import keras
except Exception as error:  # noqa: BLE001 - any import failure means the peer is not here
    print(f'unavailable: {type(error).__name__}: {error}', file=sys.stderr)
    sys.exit(3)

if keras.backend.backend() != 'jax':
    print(f'unavailable: Keras runs on the {keras.backend.backend()} backend, not jax', file=sys.stderr)
    sys.exit(3)

NP_KIND = np.float64 if DTYPE == 'float64' else np.float32
# Cases per call of a bucket's program. Every number of cases stacked into one call is a program
# of its own to compile, and compiling is most of the time: measured on verify's first 500 type 1
# cases, stacking up to 8 (zero cases filling the rest) took 37 s cold against 13 s one case per
# call, and was no faster warm. So one case per call, and a request's cases share the programs.
CALL = 1
ACTIVATIONS = ({'activation': 'tanh', 'recurrent_activation': 'sigmoid'} if ARGS.activations == 'keras'
               else {'activation': jnp.tanh, 'recurrent_activation': jax.nn.sigmoid})
SEED_GATES = ('i', 'g', 'c', 'o')  # the seed's gates in Keras's order i, f, c, o


class StatesCell(keras.layers.LSTMCell):
    """LSTMCell whose output is h and c side by side, with the padded units held at zero."""

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.output_size = 2 * units

    def build(self, input_shape):
        super().build(input_shape)
        self.keep = self.add_weight(shape=(self.units,), initializer='ones', trainable=False, name='keep')

    def call(self, inputs, states, training=False):
        h, (_, c) = super().call(inputs, states, training=training)
        keep = self.keep > 0
        h = keras.ops.where(keep, h, 0)
        c = keras.ops.where(keep, c, 0)
        return keras.ops.concatenate([h, c], axis=-1), [h, c]


def round_up(n, k):
    return max(k, -(-n // k) * k)


def power_of_two(n):
    return 1 << max(0, (n - 1).bit_length())


_compiled = {}


def program(H, X):
    """One jitted vmap over cases of the RNN's stateless call, for padded widths H and X."""
    key = (H, X)
    if key not in _compiled:
        # Zero initializers: the values are replaced by each case's, and the default ones (an
        # orthogonal recurrent kernel) cost seconds of eager JAX per new width.
        zeros = {'kernel_initializer': 'zeros', 'recurrent_initializer': 'zeros', 'bias_initializer': 'zeros', 'unit_forget_bias': False}
        rnn = keras.layers.RNN(StatesCell(H, dtype=DTYPE, **ACTIVATIONS, **zeros), return_sequences=True, dtype=DTYPE)
        rnn.build((None, None, X))
        names = [v.path.rsplit('/', 1)[-1] for v in rnn.trainable_variables]
        fixed = [jnp.asarray(v.value) for v in rnn.non_trainable_variables]
        keep_at = [k for k, v in enumerate(rnn.non_trainable_variables) if v.path.endswith('/keep')][0]

        def one(kernels, keep, xs):
            trainable = [kernels[name] for name in names]
            non_trainable = [keep if k == keep_at else value for k, value in enumerate(fixed)]
            ys, _ = rnn.stateless_call(trainable, non_trainable, xs[None])
            return ys[0]

        _compiled[key] = jax.jit(jax.vmap(one))
    return _compiled[key]


def padded_params(W, H, X, Hp, Xp):
    kernel = np.zeros((Xp, 4 * Hp), NP_KIND)
    recurrent = np.zeros((Hp, 4 * Hp), NP_KIND)
    bias = np.zeros((4 * Hp,), NP_KIND)
    for k, gate in enumerate(SEED_GATES):
        kernel[:X, k * Hp:k * Hp + H] = np.asarray(W['w_' + gate], dtype=np.float64).T
        recurrent[:H, k * Hp:k * Hp + H] = np.asarray(W['u_' + gate], dtype=np.float64).T
        bias[k * Hp:k * Hp + H] = np.asarray(W['b_' + gate], dtype=np.float64)
    return {'kernel': kernel, 'recurrent_kernel': recurrent, 'bias': bias}


def shape(S, W):
    return len(S), len(W['u_i']), len(W['w_i'][0])


def bucket(T, H, X):
    return power_of_two(T), round_up(H, 8), round_up(X, 8)


def run_bucket(cases, Tp, Hp, Xp):
    """Cases of one bucket (their shapes may differ) through one compiled program: (h, c) per case."""
    B = 1 if len(cases) == 1 else CALL
    stacked, xs, keep = [], np.zeros((B, Tp, Xp), NP_KIND), np.zeros((B, Hp), NP_KIND)
    for k, (S, W) in enumerate(cases):
        T, H, X = shape(S, W)
        stacked.append(padded_params(W, H, X, Hp, Xp))
        xs[k, :T, :X] = np.asarray(S, dtype=np.float64).reshape(T, X)
        keep[k, :H] = 1
    stacked += [{key: np.zeros_like(value) for key, value in stacked[0].items()}] * (B - len(cases))
    kernels = {key: jnp.asarray(np.stack([p[key] for p in stacked])) for key in stacked[0]}
    ys = np.asarray(program(Hp, Xp)(kernels, jnp.asarray(keep), jnp.asarray(xs)), dtype=np.float64)
    results = []
    for k, (S, W) in enumerate(cases):
        T, H, _ = shape(S, W)
        results.append({'Output': ys[k, :T, :H], 'cell_state_vectors': ys[k, :T, Hp:Hp + H]})
    return results


def run_batch(cell, cases):
    """Every case of one request: grouped by bucket, each group in calls of one compiled program."""
    return run_type1_grouped(cell, cases, "Keras's LSTM is a type 1 cell only", CALL, run_bucket, group_of=bucket)


run = one_case(run_batch)


NAME = f'keras-{DTYPE}' + ('-jax-activations' if ARGS.activations == 'jax' and DTYPE == 'float64' else '')
HELLO = {'name': NAME, 'version': f'keras {keras.__version__}, jax {jax.__version__}', 'dtype': DTYPE,
         'cells': ['type1'], 'keys': ['Output', 'cell_state_vectors']}
serve(run, {**HELLO, 'batch': BATCH} if BATCH > 1 else HELLO, run_batch=run_batch)
