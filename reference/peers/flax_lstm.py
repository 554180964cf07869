#!/usr/bin/env python3
"""JAX/Flax's LSTMCell as an implementation under test, behind lstm-parity's command protocol.

    python3 flax_lstm.py float64|float32 [--batch N]

Type 1 only: Flax's cell is a standard LSTM. `flax.linen.LSTMCell` rather than
`flax.nnx.LSTMCell`: the linen cell is what published Flax models (and `nn.RNN`) are built on,
and both compute the same gates. Its parameters are one Dense layer per gate and input (kernels
X x H and H x H, `x @ kernel`); the mapping, with Flax's f the seed's forget gate g and Flax's g
the candidate, the seed's c:

    ii, if, ig, io kernels = w_i.T, w_g.T, w_c.T, w_o.T        (no bias)
    hi, hf, hg, ho kernels = u_i.T, u_g.T, u_c.T, u_o.T        biases = b_i, b_g, b_c, b_o

Each gate is σ((x ii) + (h hi + b)), another association than the seed's ((W x) + (U h)) + b.
float64 needs `jax_enable_x64`, set here. `Output` and `cell_state_vectors` are the carry's h and
c after every step, from one `jax.lax.scan` over the sequence.

A JIT framework compiles one program per shape, and verify's live cases come in thousands of
shapes. So the cases of a request are grouped into buckets, H and X rounded up to a multiple of 8
and T and the batch to a power of two, and each bucket is one compiled `vmap` over cases: the
padded features read zero weights, the padded units have zero weights and are held at zero after
every step (so a NaN or an infinity in them cannot reach the real units through a zero weight),
the padded steps come after the last real one. The real units compute what Flax computes for them
(a zero term more or less in a sum can turn a -0 into +0, which the signed-zero check judges).
Requests carry up to 64 cases (the protocol's batch extension; `--batch 1` asks for one case per
request, as without it).

If JAX or Flax cannot be imported, prints "unavailable: <reason>" on stderr and exits with code 3.
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from lstm_protocol import one_case, run_type1_grouped, serve  # noqa: E402

DTYPE = sys.argv[1] if len(sys.argv) > 1 else 'float64'
BATCH = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == '--batch' else 64
if DTYPE not in ('float64', 'float32') or BATCH < 1:
    print(f'usage: flax_lstm.py float64|float32 [--batch N] (got {" ".join(sys.argv[1:])!r})', file=sys.stderr)
    sys.exit(2)

try:
    import numpy as np
    import jax

    jax.config.update('jax_enable_x64', DTYPE == 'float64')
    jax.config.update('jax_platforms', 'cpu')
    import jax.numpy as jnp
    import flax
    from flax import linen as nn
except Exception as error:  # noqa: BLE001 - any import failure means the peer is not here
    print(f'unavailable: {type(error).__name__}: {error}', file=sys.stderr)
    sys.exit(3)

KIND = jnp.float64 if DTYPE == 'float64' else jnp.float32
NP_KIND = np.float64 if DTYPE == 'float64' else np.float32
GATES = (('i', 'i'), ('f', 'g'), ('g', 'c'), ('o', 'o'))  # Flax's gate, the seed's


def round_up(n, k):
    return max(k, -(-n // k) * k)


def power_of_two(n):
    return 1 << max(0, (n - 1).bit_length())


_compiled = {}


def program(H, X):
    """One jitted vmap over cases of a scan over steps, for padded widths H and X."""
    key = (H, X)
    if key not in _compiled:
        cell = nn.LSTMCell(features=H, param_dtype=KIND, dtype=KIND)

        def one(params, mask, xs):
            def step(carry, x):
                carry, _ = cell.apply({'params': params}, carry, x)
                c, h = carry
                carry = (jnp.where(mask, c, 0), jnp.where(mask, h, 0))
                return carry, carry

            zeros = jnp.zeros((H,), KIND)
            _, (cs, hs) = jax.lax.scan(step, (zeros, zeros), xs)
            return hs, cs

        _compiled[key] = jax.jit(jax.vmap(one))
    return _compiled[key]


def padded_params(W, H, X, Hp, Xp):
    params = {}
    for flax_gate, seed_gate in GATES:
        w = np.zeros((Xp, Hp), NP_KIND)
        w[:X, :H] = np.asarray(W['w_' + seed_gate], dtype=np.float64).T
        u = np.zeros((Hp, Hp), NP_KIND)
        u[:H, :H] = np.asarray(W['u_' + seed_gate], dtype=np.float64).T
        b = np.zeros((Hp,), NP_KIND)
        b[:H] = np.asarray(W['b_' + seed_gate], dtype=np.float64)
        params['i' + flax_gate] = {'kernel': w}
        params['h' + flax_gate] = {'kernel': u, 'bias': b}
    return params


def run_bucket(cases, T, H, X):
    """Cases of one shape (T, X, H) through one compiled program; returns (h, c) per case."""
    Hp, Xp, Tp = round_up(H, 8), round_up(X, 8), power_of_two(T)
    B = power_of_two(len(cases))
    stacked = [padded_params(W, H, X, Hp, Xp) for _, W in cases]
    stacked += [padded_params({key: np.zeros_like(np.asarray(v, dtype=np.float64)) for key, v in cases[0][1].items()}, H, X, Hp, Xp)] * (B - len(cases))
    params = jax.tree_util.tree_map(lambda *leaves: jnp.asarray(np.stack(leaves)), *stacked)
    xs = np.zeros((B, Tp, Xp), NP_KIND)
    for k, (S, _) in enumerate(cases):
        xs[k, :T, :X] = np.asarray(S, dtype=np.float64).reshape(T, X)
    mask = np.zeros((B, Hp), bool)
    mask[:, :H] = True
    hs, cs = program(Hp, Xp)(params, jnp.asarray(mask), jnp.asarray(xs))
    hs = np.asarray(hs, dtype=np.float64)
    cs = np.asarray(cs, dtype=np.float64)
    return [{'Output': hs[k, :T, :H], 'cell_state_vectors': cs[k, :T, :H]} for k in range(len(cases))]


def run_batch(cell, cases):
    """Every case of one request: grouped by shape, each group in chunks of one compiled program."""
    return run_type1_grouped(cell, cases, "Flax's LSTMCell is a type 1 cell only", BATCH, run_bucket)


run = one_case(run_batch)


HELLO = {'name': f'flax-{DTYPE}', 'version': f'flax {flax.__version__}, jax {jax.__version__}', 'dtype': DTYPE,
         'cells': ['type1'], 'keys': ['Output', 'cell_state_vectors']}
serve(run, {**HELLO, 'batch': BATCH} if BATCH > 1 else HELLO, run_batch=run_batch)
