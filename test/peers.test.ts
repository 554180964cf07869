/**
 * The peer adapters, judged where their libraries are here and refused with the reason where not.
 * TensorFlow.js is a devDependency, so it always runs; PyTorch, ONNX, JAX/Flax, Keras and ONNX
 * Runtime run under $LSTM_PARITY_PEER_PYTHON (.ci/run provides a venv), and each says, once and by
 * name, when it was skipped and why.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { peerPython } from '../src/implementations/python-peers.js';
import { findBuiltin, PeerUnavailableError } from '../src/implementations/registry.js';
import type { Implementation } from '../src/judge/implementation.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { fakePython, scratch } from './helpers/faults.js';
import { ROOT } from './helpers/cli.js';
import { runMain } from './helpers/in-process.js';
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
  'keras-float64-jax-activations': { dtype: 'float64', version: /^keras 3\.\d+\.\d+, jax 0\./ },
  'keras-float32': { dtype: 'float32', version: /^keras 3\.\d+\.\d+, jax 0\./ },
} as const;

/** Peers that fail in their own precision, and why (each has a test of its own below). */
const FAILING = ['keras-float64', 'onnxruntime-float32'] as const;

const opened = new Map<string, Implementation | string>();
if (numpy.ok) for (const name of [...Object.keys(EXPECTED), ...FAILING]) opened.set(name, await openPeer(name));
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
      // A library that imports but cannot run the precision asked is refused in its own words, with no install hint.
      process.env.LSTM_PARITY_PEER_PYTHON = fakePython(tmp.dir, 'python-with-ort', 'echo \'unsupported: onnxruntime 1.30.0 (CPUExecutionProvider) cannot run an LSTM in float64: "LSTM operator does not support double yet"\' >&2; exit 3');
      const unsupported = await findBuiltin('onnxruntime-float64')!.open({}).catch((e: unknown) => e);
      expect(unsupported).toBeInstanceOf(PeerUnavailableError);
      expect((unsupported as Error).message).toBe('onnxruntime-float64: onnxruntime 1.30.0 (CPUExecutionProvider) cannot run an LSTM in float64: "LSTM operator does not support double yet"');
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

describeWithNumpy('the Flax finding (docs/findings/flax-subnormals.md)', () => {
  const available = typeof opened.get('flax-float64') === 'object';
  if (!available) console.warn(`SKIPPED the Flax finding: ${String(opened.get('flax-float64'))}`);

  it.skipIf(!available)('should replay: its saved case is a port bug, explained by denormals-are-zero, and its plain-JAX script prints the numbers the page shows', async () => {
    const page = readFileSync(join(ROOT, 'docs/findings/flax-subnormals.md'), 'utf8');
    const replay = await runMain(['verify', '--case', 'docs/findings/flax-float64-subnormal-weight.shrunk.json', '--impl', 'flax-float64']);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('reproduced by: subnormal inputs and weights read as zero (denormals-are-zero) (on the original case and the controls too)');
    const script = execFileSync(peerPython(), [join(ROOT, 'docs/findings/flax_subnormal_weight.py')], { encoding: 'utf8' });
    for (const line of script.split('\n').filter((l) => /^(cell state|x \* w alone):/.test(l))) expect(page).toContain(line);
    // NumPy's number is the one the case file records (written by the reference); Flax's is the flushed 0.
    const recorded = JSON.parse(readFileSync(join(ROOT, 'docs/findings/flax-float64-subnormal-weight.shrunk.json'), 'utf8')) as { expected: { cell_state_vectors: number[][] } };
    expect(script).toContain(`\ncell state:   flax 0.0   numpy ${String(recorded.expected.cell_state_vectors[0][0])}\n`);
  });
});

describeWithNumpy('Keras in float64 as constructed (docs/verify-your-implementation.md, Keras)', () => {
  const impl = opened.get('keras-float64');
  if (typeof impl === 'string') console.warn(`SKIPPED peer keras-float64: ${impl}`);

  it.skipIf(typeof impl !== 'object')("keras-float64: should fail the float64 policy, its 'tanh' explained as computed in float32", async () => {
    expect(impl).toMatchObject({ name: 'keras-float64', dtype: 'float64', cells: ['type1'] });
    const replay = await runMain(['verify', '--case', 'golden/type1/one-step.json', '--impl', 'keras-float64']);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/FAIL golden\/type1\/one-step.json \[numpy\]: PORT BUG: .* error [0-9.]+e-9/);
    expect(replay.stdout).toContain('reproduced by: σ and tanh computed in float32');
  });

  it.skipIf(typeof impl !== 'object')('should replay docs/findings/keras-float64-tanh.md: its case fails, and its Keras script prints the lines the page shows', async () => {
    const page = readFileSync(join(ROOT, 'docs/findings/keras-float64-tanh.md'), 'utf8');
    const replay = await runMain(['verify', '--case', 'docs/findings/keras-float64-tanh-in-float32.shrunk.json', '--impl', 'keras-float64']);
    expect(replay.code).toBe(1);
    const script = execFileSync(peerPython(), [join(ROOT, 'docs/findings/keras_float64_tanh.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = script.split('\n').filter((l) => /^cell state, activation/.test(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(page).toContain(line);
  });
});

describeWithNumpy('ONNX Runtime (docs/verify-your-implementation.md, ONNX Runtime)', () => {
  const impl = opened.get('onnxruntime-float32');
  let oracle: NumpyOracle;
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
  });
  afterAll(async () => {
    await oracle.close();
  });
  if (typeof impl === 'string') console.warn(`SKIPPED peer onnxruntime-float32: ${impl}`);

  it.skipIf(typeof impl !== 'object')('onnxruntime-float32: should say what it is, agree with NumPy in float32 on finite cases, and fail where a NaN input comes out finite', async () => {
    expect(impl).toMatchObject({ name: 'onnxruntime-float32', dtype: 'float32', cells: ['type1'], keys: ['Output', 'cell_state_vectors'], batch: 64 });
    expect((impl as Implementation).version).toMatch(/^onnxruntime 1\.\d+\.\d+, onnx 1\./);
    const { result } = await verify({ casesPerCell: 30, seed: 3, shard: { index: 1, count: 1 }, cells: ['type1'], goldenDir: join(ROOT, 'golden'), probes: true, implementation: impl as Implementation, oracle });
    expect(result.cells.type1.cases).toBe(13 + 31);
    expect(result.campaign.judging).toMatch(/^judged as float32 /);
    // Its only port bugs are NaN where NumPy has NaN and ORT a number (docs/findings/onnxruntime-nan.md).
    const bugs = result.findings.filter((f) => f.verdict === 'port-bug');
    expect(bugs.length).toBeGreaterThan(0);
    for (const f of bugs) expect(f.check === 'fact:nan-propagation' || /port -?[0-9][^,]*, NumPy NaN/.test(f.description), `${f.case} [${f.check}]: ${f.description}`).toBe(true);
    expect(result.cells.type1.golden.agree + result.cells.type1.live.agree).toBeGreaterThan(30);
    const nan = await runMain(['verify', '--case', 'golden/type1/nan-input.json', '--impl', 'onnxruntime-float32']);
    expect(nan.code).toBe(1);
    expect(nan.stdout).toMatch(/FAIL golden\/type1\/nan-input.json \[[^\]]+\]: PORT BUG: .*port -?[0-9.e-]+, NumPy NaN/);
  });

  it.skipIf(typeof impl !== 'object')('should replay docs/findings/onnxruntime-nan.md: its case fails, and its ORT script prints the lines the page shows', async () => {
    const page = readFileSync(join(ROOT, 'docs/findings/onnxruntime-nan.md'), 'utf8');
    const replay = await runMain(['verify', '--case', 'docs/findings/onnxruntime-float32-nan-input.shrunk.json', '--impl', 'onnxruntime-float32']);
    expect(replay.code).toBe(1);
    const script = execFileSync(peerPython(), [join(ROOT, 'docs/findings/onnxruntime_nan.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = script.split('\n').filter((l) => /^B (given|absent):/.test(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(page).toContain(line);
  });

  it('onnxruntime-float64: should be refused with ONNX Runtime\'s own message, or run if a release has a float64 LSTM', async () => {
    const opened64 = await openPeer('onnxruntime-float64');
    if (typeof opened64 === 'string') {
      if (/cannot import onnxruntime|could not be started/.test(opened64)) return console.warn(`SKIPPED peer onnxruntime-float64: ${opened64}`);
      expect(opened64).toMatch(/^onnxruntime-float64: onnxruntime 1\.\d+\.\d+ \(CPUExecutionProvider\) cannot run an LSTM in float64: ".*double.*"$/);
    } else {
      expect(opened64).toMatchObject({ name: 'onnxruntime-float64', dtype: 'float64' });
      await opened64.close?.();
    }
  });
});
