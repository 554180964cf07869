"""Keras 3's LSTM in float64 (any backend but TensorFlow) computes its 'tanh' in float32.

One unit, one step, input 0, every weight zero but the candidate's bias, 1. The cell state is
sigmoid(0) * tanh(1) = 0.5 * 0.76159415595576... Keras's ops.tanh casts a float64 tensor to
keras.backend.result_type(float64, float), which is float32 off TensorFlow.
"""
import os

os.environ['KERAS_BACKEND'] = 'jax'  # the numpy backend prints the same first line
import jax

jax.config.update('jax_enable_x64', True)
import jax.numpy as jnp
import keras
import numpy as np

x = np.zeros((1, 1, 1))  # batch, steps, features
bias = np.array([0.0, 0.0, 1.0, 0.0])  # Keras's gates i, f, c (candidate), o
for label, activation in (("'tanh' (the default)", 'tanh'), ('jnp.tanh', jnp.tanh)):
    lstm = keras.layers.LSTM(1, dtype='float64', activation=activation, return_state=True)
    lstm.build(x.shape)
    lstm.set_weights([np.zeros((1, 4)), np.zeros((1, 4)), bias])
    _, _, c = lstm(x)
    print(f'cell state, activation {label}: keras {float(c[0, 0])!r}   numpy {float(0.5 * np.tanh(1.0))!r}')
print(f'keras {keras.__version__} ({keras.backend.backend()}), jax {jax.__version__}, numpy {np.__version__}')
print(f'keras.ops.tanh(float64) is {keras.ops.tanh(jnp.ones(1, jnp.float64)).dtype}; '
      f'keras.backend.result_type("float64", float) is {keras.backend.result_type("float64", float)}')
