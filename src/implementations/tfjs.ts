/**
 * TensorFlow.js's `basicLSTMCell` as an implementation under test, on tfjs-backend-cpu or
 * tfjs-backend-wasm: float32 only, type 1 only (tfjs has no cell whose gates read c_{t-1}).
 *
 * The mapping. basicLSTMCell(forgetBias, kernel, bias, x, c, h) computes
 *   [i j f o] = [x h] · kernel + bias          kernel (X + H) x 4H, bias 4H
 *   c' = σ(i) tanh(j) + c σ(forgetBias + f),  h' = tanh(c') σ(o)
 * so with forgetBias 0 it is the seed's type 1 with the gate blocks in the order i, j, f, o:
 *   i = input gate (w_i, u_i, b_i), j = candidate (w_c, u_c, b_c), f = forget gate (the seed's
 *   g: w_g, u_g, b_g), o = output gate (w_o, u_o, b_o);
 *   kernel[k][b H + r] = w_b[r][k] for the X input rows, u_b[r][k - X] for the H recurrent rows.
 * Each step runs one batch row; `Output` is h_t and `cell_state_vectors` c_t. The products sum
 * [x h] in one dot product and add the bias after: ((W x + U h)) + b, not the seed's
 * ((W x) + (U h)) + b, which in float32 makes no difference the policy can see.
 *
 * The libraries are optional: without them, opening this adapter throws PeerUnavailableError.
 */
import type { Implementation, ImplementationOutputs } from '../judge/implementation.js';
import { PeerUnavailableError } from './peer-unavailable.js';

type Tf = typeof import('@tensorflow/tfjs-core');

let loaded: Promise<{ tf: Tf; wasmVersion: string }> | undefined;

async function loadTf(): Promise<{ tf: Tf; wasmVersion: string }> {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // One thread: results must not depend on how work is split.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // No banner suggesting tfjs-node on every run; PROD changes nothing else the cell computes.
    tf.env().set('PROD', true);
    return { tf, wasmVersion: wasm.version_wasm };
  } catch (error) {
    throw new PeerUnavailableError(
      `TensorFlow.js is not installed (${(error as Error).message.split('\n')[0]}); install @tensorflow/tfjs-core, @tensorflow/tfjs-backend-cpu and @tensorflow/tfjs-backend-wasm 4.x`,
    );
  }
}

const BLOCKS = [
  ['w_i', 'u_i', 'b_i'],
  ['w_c', 'u_c', 'b_c'],
  ['w_g', 'u_g', 'b_g'],
  ['w_o', 'u_o', 'b_o'],
] as const;

/**
 * TensorFlow.js `basicLSTMCell` as a float32 type 1 implementation, on its cpu or wasm backend.
 * @throws PeerUnavailableError when @tensorflow/tfjs-core (or the wasm backend) does not load.
 */
export async function tfjsImplementation(backend: 'cpu' | 'wasm'): Promise<Implementation> {
  loaded ??= loadTf();
  let tf: Tf;
  let wasmVersion: string;
  try {
    ({ tf, wasmVersion } = await loaded);
  } catch (error) {
    loaded = undefined;
    throw error;
  }
  const activate = async () => {
    if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new PeerUnavailableError(`tfjs-backend-${backend} could not be initialised`);
    await tf.ready();
  };
  await activate();
  const version = backend === 'wasm' ? `tfjs-core ${tf.version_core}, tfjs-backend-wasm ${wasmVersion}` : `tfjs-core ${tf.version_core}`;
  return {
    name: `tfjs-${backend}`,
    version,
    cells: ['type1'],
    dtype: 'float32',
    keys: ['Output', 'cell_state_vectors'],
    async run(_cell, S, W): Promise<ImplementationOutputs> {
      await activate();
      const H = (W.u_i as number[][]).length;
      const X = (W.w_i as number[][])[0].length;
      const kernel = new Float32Array((X + H) * 4 * H);
      const bias = new Float32Array(4 * H);
      BLOCKS.forEach(([wKey, uKey, bKey], block) => {
        const w = W[wKey] as number[][];
        const u = W[uKey] as number[][];
        const b = W[bKey] as number[];
        for (let r = 0; r < H; r++) {
          for (let k = 0; k < X; k++) kernel[k * 4 * H + block * H + r] = w[r][k];
          for (let k = 0; k < H; k++) kernel[(X + k) * 4 * H + block * H + r] = u[r][k];
          bias[block * H + r] = b[r];
        }
      });
      const k = tf.tensor2d(kernel, [X + H, 4 * H]);
      const b = tf.tensor1d(bias);
      const forgetBias = tf.scalar(0);
      let c = tf.zeros([1, H]) as import('@tensorflow/tfjs-core').Tensor2D;
      let h = tf.zeros([1, H]) as import('@tensorflow/tfjs-core').Tensor2D;
      const output: Float32Array[] = [];
      const state: Float32Array[] = [];
      try {
        for (const x of S) {
          const data = tf.tensor2d(x, [1, X]);
          const [c2, h2] = tf.basicLSTMCell(forgetBias, k, b, data, c, h);
          data.dispose();
          c.dispose();
          h.dispose();
          c = c2;
          h = h2;
          output.push(h.dataSync() as Float32Array);
          state.push(c.dataSync() as Float32Array);
        }
      } finally {
        tf.dispose([k, b, forgetBias, c, h]);
      }
      return { Output: output, cell_state_vectors: state };
    },
  };
}
