/**
 * ONNX Runtime's LSTM kernel through onnxruntime-node (its CPU execution provider, one thread),
 * the same model as the Python peer reference/peers/onnxruntime_lstm.py (./onnx-model.ts), type 1
 * only, float32. The mapping (ONNX's gate order is i, o, f, c, with f the seed's g):
 *
 *   W = rows of w_i, w_o, w_g, w_c   (1 x 4H x X)      R = rows of u_i, u_o, u_g, u_c   (1 x 4H x H)
 *   B = b_i, b_o, b_g, b_c, then 4H zeros (the recurrence biases; ONNX adds the two halves)
 *
 * `Output` is Y of one LSTM node over the sequence, `cell_state_vectors` every step's c from a Scan
 * of one-step LSTM nodes. The cases of one shape run up to 64 per session run (`runBatch`).
 *
 * onnxruntime-node is not a dependency of this package (it is 290 MB installed, and its install
 * script downloads CUDA binaries from outside the npm registry unless ONNXRUNTIME_NODE_INSTALL=skip):
 * it is loaded when present, from the directory `LSTM_PARITY_JS_PEERS` names (a prefix that
 * `npm install --prefix DIR onnxruntime-node` filled), else from wherever Node resolves it beside
 * this package. Missing, opening the adapter throws PeerUnavailableError with the one line that
 * installs it.
 *
 * float64: ONNX Runtime's CPU LSTM has none; `onnxruntime-node-float64` runs one small case at open
 * and is refused with ONNX Runtime's own message when that fails (as the Python peer is).
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CellType } from '../cells/schema.js';
import type { CaseInput, Implementation, ImplementationOutputs } from '../judge/implementation.js';
import { lstmModel, ONNX_BATCH, ONNX_DOUBLE, ONNX_FLOAT, onnxFeeds, runOnnxBatch } from './onnx-model.js';
import { PeerUnavailableError } from './peer-unavailable.js';

/** The environment variable naming an npm prefix that holds onnxruntime-node (and other JavaScript peers). */
export const JS_PEERS_ENV = 'LSTM_PARITY_JS_PEERS';

/** The version the project installs and documents (the Python peer's onnxruntime is the same release). */
export const ONNXRUNTIME_NODE_VERSION = '1.30.0';

/** The one line that installs onnxruntime-node where the adapter finds it. */
export const ONNXRUNTIME_NODE_INSTALL = `ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix ~/.cache/lstm-parity/js-peers onnxruntime-node@${ONNXRUNTIME_NODE_VERSION}, then set ${JS_PEERS_ENV}=~/.cache/lstm-parity/js-peers`;

/** The most cases one session run takes. */

/** What this adapter uses of onnxruntime-node's API. */
interface Tensor {
  readonly data: ArrayLike<number>;
}
interface Session {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release?(): Promise<void>;
}
interface OrtModule {
  env: { versions?: Record<string, string> };
  Tensor: new (type: 'float32' | 'float64', data: Float32Array | Float64Array, dims: readonly number[]) => Tensor;
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<Session> };
}

/** The module once loaded, by where it was looked for. */
const loaded = new Map<string, Promise<OrtModule>>();

/** Loads onnxruntime-node from the LSTM_PARITY_JS_PEERS prefix, else as Node resolves it from here. */
async function loadOrt(dir: string | undefined): Promise<OrtModule> {
  const where = dir === undefined ? '' : ` in ${JS_PEERS_ENV}=${dir}`;
  try {
    const specifier = dir === undefined ? 'onnxruntime-node' : pathToFileURL(createRequire(join(resolve(dir), 'package.json')).resolve('onnxruntime-node')).href;
    const module = (await import(specifier)) as OrtModule & { default?: OrtModule };
    return module.InferenceSession === undefined && module.default !== undefined ? module.default : module;
  } catch (error) {
    throw new PeerUnavailableError(`onnxruntime-node is not installed${where} (${(error as Error).message.split('\n')[0]}); install it: ${ONNXRUNTIME_NODE_INSTALL}`);
  }
}

/**
 * ONNX Runtime's LSTM through onnxruntime-node, in float32 or (refused while ORT has no kernel for
 * it) float64.
 * @throws PeerUnavailableError when onnxruntime-node is not installed, or cannot run this precision.
 */
export async function onnxruntimeNodeImplementation(dtype: 'float32' | 'float64'): Promise<Implementation> {
  const dir = process.env[JS_PEERS_ENV] || undefined;
  const key = dir ?? '';
  if (!loaded.has(key)) loaded.set(key, loadOrt(dir));
  let ort: OrtModule;
  try {
    ort = await loaded.get(key)!;
  } catch (error) {
    loaded.delete(key);
    throw error;
  }
  const name = `onnxruntime-node-${dtype}`;
  const Typed = dtype === 'float64' ? Float64Array : Float32Array;
  const sessions = new Map<string, Promise<Session>>();
  const session = (cases: number, X: number, H: number): Promise<Session> => {
    const key = `${cases} ${X} ${H}`;
    let s = sessions.get(key);
    if (s === undefined) {
      s = ort.InferenceSession.create(lstmModel(cases, X, H, dtype === 'float64' ? ONNX_DOUBLE : ONNX_FLOAT), {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        // Errors reach the reply; ORT's own log would repeat them on stderr.
        logSeverityLevel: 4,
      });
      sessions.set(key, s);
      s.catch(() => sessions.delete(key));
    }
    return s;
  };
  const tensor = (values: readonly number[], dims: readonly number[]) => new ort.Tensor(dtype, Typed.from(values), dims);

  /** Cases of one shape (T steps, X inputs, H units) in one session run: (h, c) per case. */
  const runGroup = async (cases: readonly CaseInput[], T: number, X: number, H: number): Promise<ImplementationOutputs[]> => {
    const feeds = Object.fromEntries(Object.entries(onnxFeeds(cases, T, X, H)).map(([name, [values, dims]]) => [name, tensor(values, dims)]));
    const out = await (await session(cases.length, X, H)).run(feeds);
    return cases.map((_, k) => ({ Output: Float64Array.from(out[`Y${k}`].data), cell_state_vectors: Float64Array.from(out[`C${k}`].data) }));
  };

  const runBatch = (cell: CellType, cases: readonly CaseInput[]) => runOnnxBatch(cell, cases, runGroup, (error) => (error instanceof Error ? error : new Error(String(error))));

  if (dtype === 'float64') {
    // The session builds; ORT's CPU LSTM refuses double at the first run, in its own words.
    const zero = { S: [[0]], W: Object.fromEntries(['w_i', 'w_g', 'w_c', 'w_o', 'u_i', 'u_g', 'u_c', 'u_o', 'b_i', 'b_g', 'b_c', 'b_o'].map((key) => [key, key.startsWith('b_') ? [0] : [[0]]])) };
    const [result] = await runBatch('type1', [zero]);
    if (result instanceof Error) {
      const said = result.message.split('Status Message: ').pop()!.trim().replace(/\s+/g, ' ');
      throw new PeerUnavailableError(`${name}: onnxruntime-node ${ort.env.versions?.node ?? ''} (cpu) cannot run an LSTM in float64: "${said}"`);
    }
  }

  return {
    name,
    version: `onnxruntime-node ${ort.env.versions?.node ?? 'unknown'}`,
    cells: ['type1'],
    dtype,
    keys: ['Output', 'cell_state_vectors'],
    batch: ONNX_BATCH,
    runBatch,
    async run(cell, S, W) {
      const [result] = await runBatch(cell, [{ S, W }]);
      if (result instanceof Error) throw result;
      return result;
    },
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map((s) => s.then((x) => x.release?.()).catch(() => undefined)));
    },
  };
}
