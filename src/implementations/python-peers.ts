/**
 * Peers in Python, each a script in reference/peers/ speaking the command protocol
 * (./command.ts): PyTorch's nn.LSTM in float64 and float32, ONNX's reference evaluator, JAX/Flax's
 * LSTMCell, Keras 3's LSTM layer and ONNX Runtime's LSTM kernel. Their mappings are in the
 * scripts' headers. They run under $LSTM_PARITY_PEER_PYTHON (default
 * python3), kept apart from the NumPy reference's Python so that a venv holding PyTorch does not
 * become the reference. A script whose library does not import exits at once saying why
 * ("unavailable: ..."); opening it then throws PeerUnavailableError with that reason and how to
 * install the library. A script whose library imports but cannot run at all in the precision asked
 * (ONNX Runtime's CPU LSTM in float64) says "unsupported: ..." instead, quoting the library, and is
 * refused with that line alone.
 */
import { join } from 'node:path';
import type { Implementation } from '../judge/implementation.js';
import { packageRoot } from '../package-root.js';
import { CommandImplementationError, openCommandImplementation } from './command.js';
import { PeerUnavailableError } from './peer-unavailable.js';

/** The Python that runs the PyTorch and ONNX peers: `LSTM_PARITY_PEER_PYTHON`, else `python3`. */
export function peerPython(): string {
  const configured = process.env.LSTM_PARITY_PEER_PYTHON;
  return configured === undefined || configured === '' ? 'python3' : configured;
}

const INSTALL = {
  torch: 'pip install torch (or Debian: apt-get install python3-torch)',
  onnx: 'pip install "onnx>=1.13" (Debian\'s python3-onnx 1.12 predates onnx.reference)',
  flax: 'pip install jax flax',
  keras: 'pip install keras jax (the adapter runs Keras on its JAX backend)',
  onnxruntime: 'pip install onnxruntime onnx',
} as const;

/** The Python library a peer needs, as its install hint names it. */
export type PeerLibrary = keyof typeof INSTALL;

/** Starts reference/peers/<script> under the peer Python; `library` names what it needs. */
export async function openPythonPeer(name: string, script: string, args: readonly string[], library: PeerLibrary): Promise<Implementation> {
  const python = peerPython();
  const source = process.env.LSTM_PARITY_PEER_PYTHON ? ' (LSTM_PARITY_PEER_PYTHON)' : '';
  try {
    // The scripts always say hello; importing PyTorch can take many seconds on a busy machine.
    return await openCommandImplementation({ command: [python, join(packageRoot(), 'reference', 'peers', script), ...args], name, helloWaitMs: 120_000 });
  } catch (error) {
    if (!(error instanceof CommandImplementationError) || error.kind !== 'unavailable') throw error;
    // A library that imports but cannot run this precision says so in its own words: no install hint helps.
    const unsupported = /(?:^|stderr line: )unsupported: (.*)$/m.exec(`${error.stderr}\n${error.message}`)?.[1];
    if (unsupported !== undefined) throw new PeerUnavailableError(`${name}: ${unsupported}`);
    const said = /unavailable: (.*)$/m.exec(`${error.stderr}\n${error.message}`)?.[1];
    const why = said !== undefined ? `${python}${source} cannot import ${library}: ${said}` : error.message;
    throw new PeerUnavailableError(`${name}: ${why}; install it for that Python: ${INSTALL[library]}`);
  }
}
