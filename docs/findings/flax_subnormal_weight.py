"""Flax's LSTMCell on CPU reads a float64 subnormal weight as zero; NumPy does not.

One unit, one input, one step: x = -1.7976931348623157e308 and a candidate-gate input weight of
-1e-310 (a subnormal), every other weight and bias zero. The candidate's pre-activation is
x * w = 0.01797693...; XLA's CPU backend runs with denormals-are-zero, so JAX computes it as 0.
"""
import jax

jax.config.update('jax_enable_x64', True)
import jax.numpy as jnp
import numpy as np
from flax import linen as nn

x, w = -1.7976931348623157e308, -1e-310
cell = nn.LSTMCell(features=1, param_dtype=jnp.float64, dtype=jnp.float64)
zero = {'kernel': jnp.zeros((1, 1))}
params = {g: zero for g in ('ii', 'if', 'io')} | {'ig': {'kernel': jnp.full((1, 1), w)}}
params |= {g: {**zero, 'bias': jnp.zeros(1)} for g in ('hi', 'hf', 'hg', 'ho')}
(c, h), _ = cell.apply({'params': params}, (jnp.zeros(1), jnp.zeros(1)), jnp.full(1, x))

sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
c_numpy = sigmoid(0.0) * np.tanh(np.float64(x) * np.float64(w))  # i * candidate, f * c_prev = 0
print(f'jax {jax.__version__}, flax {__import__("flax").__version__}, numpy {np.__version__}')
print(f'cell state:   flax {float(c[0])!r}   numpy {float(c_numpy)!r}')
print(f'x * w alone:  jax  {float(jnp.float64(x) * jnp.float64(w))!r}   numpy {float(np.float64(x) * np.float64(w))!r}')
