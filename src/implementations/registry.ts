/**
 * The implementations selected by name (`--impl NAME`): this package's cells and adapters for
 * peers in other libraries. Each says what it needs; `open` throws a PeerUnavailableError with
 * the reason when that is missing (a Python package that does not import, say), so a scoreboard
 * can skip it and say why instead of failing.
 */
import type { Backend } from '../cells/prepared.js';
import type { Implementation } from '../judge/implementation.js';
import { lstmParityImplementation } from './lstm-parity.js';
import { onnxruntimeNodeImplementation } from './onnxruntime-node.js';
import { onnxruntimeWebImplementation } from './onnxruntime-web.js';
import { PeerUnavailableError } from './peer-unavailable.js';
import { openPythonPeer } from './python-peers.js';
import { tfjsImplementation } from './tfjs.js';

export { PeerUnavailableError };

/** Options a built-in implementation is opened with. */
export interface BuiltinOptions {
  /** Where this package's cells run their products (lstm-parity only). */
  backend?: 'auto' | Backend;
}

/** An implementation selected by name (`--impl torch-float64`, ...): what it is and how to open it. */
export interface BuiltinImplementation {
  name: string;
  /** One line for --help and the scoreboard: what it is and how it is mapped. */
  description: string;
  /** Starts it; rejects with PeerUnavailableError when its library does not load here. */
  open(options: BuiltinOptions): Promise<Implementation>;
}

const builtins: readonly BuiltinImplementation[] = [
  {
    name: 'lstm-parity',
    description: "this package's cells (float64, both cells, every seed key); --backend wasm|scalar|auto",
    open: async (options) => lstmParityImplementation({ backend: options.backend ?? 'auto' }),
  },
  {
    name: 'tfjs-cpu',
    description: 'TensorFlow.js basicLSTMCell on tfjs-backend-cpu (float32, type 1; forget bias 0; Output and cell state)',
    open: () => tfjsImplementation('cpu'),
  },
  {
    name: 'tfjs-wasm',
    description: 'TensorFlow.js basicLSTMCell on tfjs-backend-wasm, one thread (float32, type 1; forget bias 0; Output and cell state)',
    open: () => tfjsImplementation('wasm'),
  },
  {
    name: 'torch-float64',
    description: 'PyTorch nn.LSTM in float64 (type 1; weight_ih_l0 = w_i, w_g, w_c, w_o; bias_hh_l0 = 0; Output and cell state), under $LSTM_PARITY_PEER_PYTHON',
    open: () => openPythonPeer('torch-float64', 'torch_lstm.py', ['float64'], 'torch'),
  },
  {
    name: 'torch-float32',
    description: 'PyTorch nn.LSTM in float32 (same mapping as torch-float64)',
    open: () => openPythonPeer('torch-float32', 'torch_lstm.py', ['float32'], 'torch'),
  },
  {
    name: 'flax-float64',
    description: 'JAX/Flax linen.LSTMCell in float64 (jax_enable_x64; type 1; kernels = w.T, u.T, biases on the hidden kernels; Output and cell state; one compiled program per shape bucket), under $LSTM_PARITY_PEER_PYTHON',
    open: () => openPythonPeer('flax-float64', 'flax_lstm.py', ['float64'], 'flax'),
  },
  {
    name: 'flax-float32',
    description: 'JAX/Flax linen.LSTMCell in float32 (same mapping as flax-float64)',
    open: () => openPythonPeer('flax-float32', 'flax_lstm.py', ['float32'], 'flax'),
  },
  {
    name: 'keras-float64',
    description: "Keras 3 LSTMCell (what layers.LSTM runs on a CPU) on its JAX backend in float64, as constructed: its 'tanh' computes in float32 (Keras's result_type maps float64 to float32 on its jax and numpy backends) (type 1; kernel = w_i, w_g, w_c, w_o transposed; Output and cell state; one compiled program per shape bucket), under $LSTM_PARITY_PEER_PYTHON",
    open: () => openPythonPeer('keras-float64', 'keras_lstm.py', ['float64'], 'keras'),
  },
  {
    name: 'keras-float64-jax-activations',
    description: 'Keras 3 LSTMCell on JAX in float64 with jnp.tanh and jax.nn.sigmoid as its activations, which compute in float64 (same mapping as keras-float64)',
    open: () => openPythonPeer('keras-float64-jax-activations', 'keras_lstm.py', ['float64', '--activations', 'jax'], 'keras'),
  },
  {
    name: 'keras-float32',
    description: "Keras 3 LSTMCell on JAX in float32, default 'tanh' and 'sigmoid' (same mapping as keras-float64)",
    open: () => openPythonPeer('keras-float32', 'keras_lstm.py', ['float32'], 'keras'),
  },
  {
    name: 'onnx-reference',
    description: "ONNX's reference evaluator, one LSTM node in float64 (type 1; W = w_i, w_o, w_g, w_c; Output and cell state), under $LSTM_PARITY_PEER_PYTHON",
    open: () => openPythonPeer('onnx-reference', 'onnx_lstm.py', [], 'onnx'),
  },
  {
    name: 'onnxruntime-float32',
    description: "ONNX Runtime's LSTM kernel (CPUExecutionProvider, one thread) in float32 (type 1; W = w_i, w_o, w_g, w_c; Output from the whole sequence, cell state from a Scan of one-step LSTMs; batches of one session run per shape), under $LSTM_PARITY_PEER_PYTHON",
    open: () => openPythonPeer('onnxruntime-float32', 'onnxruntime_lstm.py', ['float32'], 'onnxruntime'),
  },
  {
    name: 'onnxruntime-float64',
    description: "ONNX Runtime's LSTM kernel in float64: refused with ONNX Runtime's own message while its CPU kernel has no float64 (\"LSTM operator does not support double yet\" in 1.30)",
    open: () => openPythonPeer('onnxruntime-float64', 'onnxruntime_lstm.py', ['float64'], 'onnxruntime'),
  },
  {
    name: 'onnxruntime-node-float32',
    description: "ONNX Runtime's LSTM kernel through onnxruntime-node (cpu, one thread) in float32, the model of onnxruntime-float32 (same mapping, batches of one session run per shape); onnxruntime-node is not a dependency: install it into $LSTM_PARITY_JS_PEERS (docs/verify-your-implementation.md)",
    open: () => onnxruntimeNodeImplementation('float32'),
  },
  {
    name: 'onnxruntime-node-float64',
    description: "ONNX Runtime's LSTM kernel through onnxruntime-node in float64: refused with ONNX Runtime's own message while its CPU kernel has no float64",
    open: () => onnxruntimeNodeImplementation('float64'),
  },
  {
    name: 'onnxruntime-web-float32',
    description: "ONNX Runtime's LSTM kernel through onnxruntime-web's WebAssembly build (one thread) in a headless Chromium (/usr/bin/chromium or $LSTM_PARITY_CHROMIUM, driven by playwright-core), float32, the model of onnxruntime-float32; onnxruntime-web is not a dependency: install it into $LSTM_PARITY_JS_PEERS",
    open: () => onnxruntimeWebImplementation('float32'),
  },
  {
    name: 'onnxruntime-web-float64',
    description: "ONNX Runtime's LSTM kernel through onnxruntime-web in float64: refused with ONNX Runtime's own message while its LSTM kernel has no float64",
    open: () => onnxruntimeWebImplementation('float64'),
  },
];

/** The names `--impl` accepts for the built-in implementations. */
export function builtinNames(): string[] {
  return builtins.map((b) => b.name);
}

/** The built-in implementation of that name, if there is one. */
export function findBuiltin(name: string): BuiltinImplementation | undefined {
  return builtins.find((b) => b.name === name);
}
