/**
 * The peer adapters, judged where their libraries are here and refused with the reason where not.
 * TensorFlow.js is a devDependency, so it always runs; PyTorch, ONNX and JAX/Flax run under
 * $LSTM_PARITY_PEER_PYTHON (.ci/run provides a venv), and each says, once and by name, when it
 * was skipped and why.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { findBuiltin, PeerUnavailableError } from '../src/implementations/registry.js';
import type { Implementation } from '../src/judge/implementation.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { fakePython, scratch } from './helpers/faults.js';
import { ROOT } from './helpers/cli.js';
import { describeWithNumpy, numpy } from './helpers/numpy.js';

const tmp = scratch('peers');
afterAll(() => tmp.remove());

/** Opens a built-in peer, or says why it cannot be opened here. */
async function openPeer(name: string): Promise<Implementation | string> {
  try {
    return await findBuiltin(name)!.open({});
  } catch (error) {
    if (error instanceof PeerUnavailableError) return error.message;
    throw error;
  }
}

const EXPECTED = {
  'tfjs-cpu': { dtype: 'float32', version: /^tfjs-core 4\./ },
  'tfjs-wasm': { dtype: 'float32', version: /tfjs-backend-wasm 4\./ },
  'torch-float64': { dtype: 'float64', version: /^torch \d/ },
  'torch-float32': { dtype: 'float32', version: /^torch \d/ },
  'onnx-reference': { dtype: 'float64', version: /^onnx 1\./ },
  'flax-float64': { dtype: 'float64', version: /^flax 0\.\d+\.\d+, jax 0\./ },
  'flax-float32': { dtype: 'float32', version: /^flax 0\.\d+\.\d+, jax 0\./ },
} as const;

const opened = new Map<string, Implementation | string>();
if (numpy.ok) for (const name of Object.keys(EXPECTED)) opened.set(name, await openPeer(name));
afterAll(async () => {
  for (const impl of opened.values()) if (typeof impl !== 'string') await impl.close?.();
});

describeWithNumpy('peers', () => {
  let oracle: NumpyOracle;
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
  });
  afterAll(async () => {
    await oracle.close();
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    const impl = opened.get(name);
    if (typeof impl === 'string') console.warn(`SKIPPED peer ${name}: ${impl}`);
    it.skipIf(typeof impl !== 'object')(`${name}: should say what it is, and agree with NumPy in its precision on the golden corpus and a live campaign`, async () => {
      const peer = impl as Implementation;
      expect(peer).toMatchObject({ name, dtype: expected.dtype, cells: ['type1'], keys: ['Output', 'cell_state_vectors'] });
      expect(peer.version).toMatch(expected.version);
      const { result } = await verify({ casesPerCell: 30, seed: 3, shard: { index: 1, count: 1 }, cells: ['type1'], goldenDir: join(ROOT, 'golden'), probes: true, implementation: peer, oracle });
      expect(result.ok, JSON.stringify(result.findings.filter((f) => f.verdict === 'port-bug'))).toBe(true);
      expect(result.cells.type1.cases).toBe(13 + 31);
      expect(result.campaign.judging).toMatch(new RegExp(`^judged as ${expected.dtype} `));
    });
  }
});

describe('a Python peer whose library is missing', () => {
  it('should be refused with the reason and how to install it, not fail', async () => {
    const before = process.env.LSTM_PARITY_PEER_PYTHON;
    const python = fakePython(tmp.dir, 'python-without-torch', "echo \"unavailable: ModuleNotFoundError: No module named 'torch'\" >&2; exit 3");
    process.env.LSTM_PARITY_PEER_PYTHON = python;
    try {
      const error = await findBuiltin('torch-float32')!.open({}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerUnavailableError);
      expect((error as Error).message).toBe(
        `torch-float32: ${python} (LSTM_PARITY_PEER_PYTHON) cannot import torch: ModuleNotFoundError: No module named 'torch'; install it for that Python: pip install torch (or Debian: apt-get install python3-torch)`,
      );
      process.env.LSTM_PARITY_PEER_PYTHON = join(tmp.dir, 'no-such-python');
      const missing = await findBuiltin('onnx-reference')!.open({}).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(PeerUnavailableError);
      expect((missing as Error).message).toMatch(/^onnx-reference: .*no-such-python .* could not be started: .*no-such-python was not found \(is it installed and on PATH\?\); install it for that Python: pip install "onnx>=1.13"/);
    } finally {
      if (before === undefined) delete process.env.LSTM_PARITY_PEER_PYTHON;
      else process.env.LSTM_PARITY_PEER_PYTHON = before;
    }
  });
});
