/**
 * ONNX Runtime through onnxruntime-node (`--impl onnxruntime-node-float32`), which is no dependency
 * of this package: it runs where onnxruntime-node is installed in $LSTM_PARITY_JS_PEERS, or in
 * ~/.cache/lstm-parity/js-peers when that variable is unset (what .ci/run installs), and each test
 * that needs it says once, by name, that it was skipped and why. Without it the adapter is refused
 * with the line that installs it. With it: it says what it is, fails where a NaN input comes out
 * finite and nowhere else, the diagnosis names the NaN clip, float64 is refused in ONNX Runtime's
 * own words, and, where the Python peer runs too, its model is the Python peer's byte for byte
 * (src/implementations/onnx-model.ts against reference/peers/onnxruntime_lstm.py's graph_for) and
 * both give the same answers bit for bit. onnxruntime-web's WebAssembly build in a headless
 * Chromium (`--impl onnxruntime-web-float32`, installed in the same prefix) fails the same way and,
 * where both run, gives onnxruntime-node's NaN and infinities, and its values within the float32
 * policy (its WebAssembly kernels are not the native ones, and differ in the last bits).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignCase } from '../src/campaign/random-case.js';
import { verify } from '../src/campaign/verify.js';
import { lstmModel, ONNX_DOUBLE, ONNX_FLOAT } from '../src/implementations/onnx-model.js';
import { JS_PEERS_ENV, onnxruntimeNodeImplementation } from '../src/implementations/onnxruntime-node.js';
import { peerPython } from '../src/implementations/python-peers.js';
import { findBuiltin, PeerUnavailableError } from '../src/implementations/registry.js';
import { runImplementation, type CaseInput, type Implementation } from '../src/judge/implementation.js';
import { allowedError, FLOAT32_TOLERANCE } from '../src/judge/tolerance.js';
import { ulpDistance32 } from '../src/numeric/ulp.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { ROOT } from './helpers/cli.js';
import { scratch } from './helpers/faults.js';
import { runMain, withEnv } from './helpers/in-process.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('onnxruntime-node');
const CACHE = join(homedir(), '.cache', 'lstm-parity', 'js-peers');
const configured = process.env[JS_PEERS_ENV];
const dir = configured || (existsSync(join(CACHE, 'node_modules', 'onnxruntime-node')) ? CACHE : undefined);
// Set for this file's adapters, and put back after: no other suite should find peers it was not given.
if (dir !== undefined) process.env[JS_PEERS_ENV] = dir;
afterAll(() => {
  if (configured === undefined) delete process.env[JS_PEERS_ENV];
  else process.env[JS_PEERS_ENV] = configured;
});

async function open(name: string): Promise<Implementation | string> {
  try {
    return await findBuiltin(name)!.open({});
  } catch (error) {
    if (error instanceof PeerUnavailableError) return error.message;
    throw error;
  }
}

const impl = await open('onnxruntime-node-float32');
if (typeof impl === 'string') console.warn(`SKIPPED peer onnxruntime-node-float32: ${impl}`);
const here = typeof impl === 'object';
afterAll(async () => {
  if (typeof impl === 'object') await impl.close?.();
  tmp.remove();
});

describe('onnxruntime-node, not installed', () => {
  it('should be refused in one line that says how to install it', async () => {
    const message = await withEnv({ [JS_PEERS_ENV]: tmp.dir }, () => onnxruntimeNodeImplementation('float32').then(
      () => 'opened',
      (error: unknown) => (error instanceof PeerUnavailableError ? error.message : `not a PeerUnavailableError: ${String(error)}`),
    ));
    expect(message).not.toContain('\n');
    expect(message).toMatch(new RegExp(`^onnxruntime-node is not installed in ${JS_PEERS_ENV}=${tmp.dir} \\(.*\\); install it: ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix ~/.cache/lstm-parity/js-peers onnxruntime-node@\\d+\\.\\d+\\.\\d+, then set ${JS_PEERS_ENV}=~/.cache/lstm-parity/js-peers$`));
    const cli = await withEnv({ [JS_PEERS_ENV]: tmp.dir }, () => runMain(['verify', '--impl', 'onnxruntime-node-float32', '--cases', '1']));
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('onnxruntime-node is not installed');
  });
});

describeWithNumpy('onnxruntime-node', () => {
  let oracle: NumpyOracle;
  beforeAll(async () => {
    oracle = await NumpyOracle.start();
  });
  afterAll(async () => {
    await oracle?.close();
  });

  it.skipIf(!here)('onnxruntime-node-float32: should say what it is, agree with NumPy in float32 on finite cases, and fail where a NaN input comes out finite', async () => {
    expect(impl).toMatchObject({ name: 'onnxruntime-node-float32', dtype: 'float32', cells: ['type1'], keys: ['Output', 'cell_state_vectors'], batch: 64 });
    expect((impl as Implementation).version).toMatch(/^onnxruntime-node 1\.\d+\.\d+$/);
    const { result } = await verify({ casesPerCell: 30, seed: 3, shard: { index: 1, count: 1 }, cells: ['type1'], goldenDir: join(ROOT, 'golden'), probes: true, implementation: impl as Implementation, oracle });
    expect(result.cells.type1.cases).toBe(13 + 31);
    const bugs = result.findings.filter((f) => f.verdict === 'port-bug');
    expect(bugs.length).toBeGreaterThan(0);
    for (const f of bugs) expect(f.check === 'fact:nan-propagation' || /port -?[0-9][^,]*, NumPy NaN/.test(f.description), `${f.case} [${f.check}]: ${f.description}`).toBe(true);
    expect(result.cells.type1.golden.agree + result.cells.type1.live.agree).toBeGreaterThan(30);
  });

  it.skipIf(!here)('should be diagnosed as reading a NaN pre-activation as the clip limit (docs/findings/onnxruntime-nan.md)', async () => {
    const replay = await runMain(['verify', '--case', 'golden/type1/nan-input.json', '--impl', 'onnxruntime-node-float32', '--shrink-time', '20']);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('reproduced by: a NaN pre-activation read as the clip limit (+3.4e38, as std::min(limit, NaN) gives) before σ and tanh (on the original case too)');
  });

  it.skipIf(!here)("onnxruntime-node-float64: should be refused with ONNX Runtime's own message", async () => {
    const refused = await open('onnxruntime-node-float64');
    expect(refused).toMatch(/^onnxruntime-node-float64: onnxruntime-node 1\.\d+\.\d+ \(cpu\) cannot run an LSTM in float64: ".*double.*"$/);
  });

  it.skipIf(!here)('should run the Python peer\'s model and give its answers bit for bit, one case at a time or in batches', async (context) => {
    const python = await open('onnxruntime-float32');
    if (typeof python === 'string') {
      console.warn(`SKIPPED comparing onnxruntime-node with the Python peer: ${python}`);
      return context.skip();
    }
    try {
      // The model, byte for byte the Python peer's once both spell their tensors alike.
      for (const [cases, X, H, type, dtype] of [[3, 2, 4, ONNX_FLOAT, 'float32'], [1, 5, 1, ONNX_DOUBLE, 'float64']] as const) {
        const model = join(tmp.dir, `lstm-${cases}-${X}-${H}.onnx`);
        writeFileSync(model, lstmModel(cases, X, H, type));
        expect(execFileSync(peerPython(), [join(ROOT, 'test/fixtures/onnx_model_bytes.py'), model, String(cases), String(X), String(H), dtype], { encoding: 'utf8' }).trim()).toBe('same');
      }
      const node = impl as Implementation;
      const cases = Array.from({ length: 80 }, (_, k) => campaignCase('type1', 1, k));
      const bits = (outputs: Record<string, Float64Array>) => JSON.stringify(Object.entries(outputs).map(([key, v]) => [key, Array.from(v, (x) => (Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x)))]));
      for (const c of cases) {
        const [a, b] = await Promise.all([runImplementation(node, c.flat, c.name, c.value as CaseInput), runImplementation(python, c.flat, c.name, c.value as CaseInput)]);
        expect(bits(a), c.name).toBe(bits(b));
      }
      // The same cases as one batch (grouped by shape inside) answer as one at a time.
      const batched = await node.runBatch!('type1', cases.map((c) => c.value as CaseInput));
      for (const [k, c] of cases.entries()) {
        const one = await runImplementation(node, c.flat, c.name, c.value as CaseInput);
        const reply = batched[k];
        expect(reply).not.toBeInstanceOf(Error);
        const flat = Object.fromEntries(Object.entries(reply as Record<string, ArrayLike<number>>).map(([key, v]) => [key, Float64Array.from(v)]));
        expect(bits(flat), c.name).toBe(bits(one));
      }
    } finally {
      await python.close?.();
    }
  });
});

describeWithNumpy('onnxruntime-web in headless Chromium', () => {
  let web: Implementation | string;
  let oracle: NumpyOracle;
  beforeAll(async () => {
    web = await open('onnxruntime-web-float32');
    if (typeof web === 'string') console.warn(`SKIPPED peer onnxruntime-web-float32: ${web}`);
    oracle = await NumpyOracle.start();
  }, 120_000);
  afterAll(async () => {
    if (typeof web === 'object') await web.close?.();
    await oracle?.close();
  });

  it('onnxruntime-web-float32: should say what it is, fail only where a NaN input comes out finite, and give onnxruntime-node\'s answers within the float32 policy', async (context) => {
    if (typeof web !== 'object') return context.skip();
    expect(web).toMatchObject({ name: 'onnxruntime-web-float32', dtype: 'float32', cells: ['type1'], keys: ['Output', 'cell_state_vectors'], batch: 64 });
    expect(web.version).toMatch(/^onnxruntime-web 1\.\d+\.\d+ \(wasm, one thread\), Chromium \d+/);
    const { result } = await verify({ casesPerCell: 30, seed: 3, shard: { index: 1, count: 1 }, cells: ['type1'], goldenDir: join(ROOT, 'golden'), probes: true, implementation: web, oracle });
    expect(result.cells.type1.cases).toBe(13 + 31);
    const bugs = result.findings.filter((f) => f.verdict === 'port-bug');
    expect(bugs.length).toBeGreaterThan(0);
    for (const f of bugs) expect(f.check === 'fact:nan-propagation' || /port -?[0-9][^,]*, NumPy NaN/.test(f.description), `${f.case} [${f.check}]: ${f.description}`).toBe(true);
    if (typeof impl !== 'object') return;
    // The WebAssembly build's kernels (MLAS on SIMD128) are not the native ones: the same model gives
    // the same NaN and infinities, and values within the float32 policy of each other.
    let differing = 0;
    let maxUlps = 0;
    let maxAbs = 0;
    for (let k = 0; k < 40; k++) {
      const c = campaignCase('type1', 1, k);
      const [a, b] = await Promise.all([runImplementation(web, c.flat, c.name, c.value as CaseInput), runImplementation(impl, c.flat, c.name, c.value as CaseInput)]);
      let same = true;
      for (const key of Object.keys(b)) {
        for (let j = 0; j < b[key].length; j++) {
          const [x, y] = [a[key][j], b[key][j]];
          if (Object.is(x, y)) continue;
          same = false;
          expect(Number.isFinite(x) && Number.isFinite(y), `${c.name} ${key}[${j}]: web ${x}, node ${y}`).toBe(true);
          expect(Math.abs(x - y), `${c.name} ${key}[${j}]: web ${x}, node ${y}`).toBeLessThanOrEqual(allowedError(y, FLOAT32_TOLERANCE));
          maxUlps = Math.max(maxUlps, ulpDistance32(x, y));
          maxAbs = Math.max(maxAbs, Math.abs(x - y));
        }
      }
      if (!same) differing += 1;
    }
    console.log(`onnxruntime-web against onnxruntime-node on 40 live cases: ${differing} differ, by at most ${maxAbs.toExponential(1)} (${maxUlps} float32 ULP)`);
  }, 300_000);

  it("onnxruntime-web-float64: should be refused with ONNX Runtime's own message", async (context) => {
    if (typeof web !== 'object') return context.skip();
    expect(await open('onnxruntime-web-float64')).toMatch(/^onnxruntime-web-float64: onnxruntime-web 1\.\d+\.\d+ \(wasm\) cannot run an LSTM in float64: ".*double.*"$/);
  }, 120_000);
});
