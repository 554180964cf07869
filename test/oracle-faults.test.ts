/**
 * Every fault of the NumPy worker, caused for real: stand-in Pythons for start-up failures, and
 * the real worker misbehaving on cue (test/fixtures/fault-shim) for the rest. Each test checks
 * the outcome (a clear error, or a transparent restart with correct results), that every case
 * got a result or was counted as not evaluated, that the fault really fired, and that no Python
 * process of its own is left in the process table.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCase, CASE_TABLE } from '../src/golden/case-table.js';
import { NumpyOracle, NumpyWorkerError, type OracleOptions } from '../src/oracle/numpy-oracle.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import type { FlatCase, ReferenceResult } from '../src/oracle/protocol.js';
import { MIN_NUMPY, probePython, versionAtLeast } from '../src/oracle/python.js';
import { ROOT } from './helpers/cli.js';
import { fakePython, faultEnv, firings, FIXTURES, isRunning, processesMatching, pythonsRunning, scratch, taggedPython, type Fault, type FaultPlan } from './helpers/faults.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('faults');
afterAll(() => tmp.remove());

describe('finding Python and NumPy', () => {
  it('should say Python was not found, where the name came from, and what to install', async () => {
    const before = process.env.LSTM_PARITY_PYTHON;
    process.env.LSTM_PARITY_PYTHON = '/nonexistent/bin/python3';
    try {
      const error = await NumpyOracle.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NumpyWorkerError);
      expect((error as NumpyWorkerError).kind).toBe('unavailable');
      expect((error as Error).message).toBe(
        `Python not found: /nonexistent/bin/python3 (from LSTM_PARITY_PYTHON) is not on this machine; install Python 3 with NumPy >= ${MIN_NUMPY} (e.g. apt-get install python3-numpy) or set LSTM_PARITY_PYTHON`,
      );
    } finally {
      if (before === undefined) delete process.env.LSTM_PARITY_PYTHON;
      else process.env.LSTM_PARITY_PYTHON = before;
    }
  });

  it('should say so when the Python named cannot be executed', async () => {
    const path = join(tmp.dir, 'not-executable');
    fakePython(tmp.dir, 'not-executable', 'exit 0');
    await execa('chmod', ['0644', path]);
    await expect(NumpyOracle.start({ python: path })).rejects.toThrowError(`Python not found: ${path} cannot be executed (permission denied)`);
  });

  it('should say so when the executable named is not Python', async () => {
    const silent = fakePython(tmp.dir, 'silent', 'exit 0');
    await expect(NumpyOracle.start({ python: silent })).rejects.toThrowError(`${silent} does not run as Python 3 (exit code 0): it printed nothing`);
    const chatty = fakePython(tmp.dir, 'chatty', 'echo "usage: chatty [options]" >&2; exit 64');
    await expect(NumpyOracle.start({ python: chatty })).rejects.toThrowError(`${chatty} does not run as Python 3 (exit code 64): usage: chatty [options]`);
  });

  it('should compare versions numerically, part by part', () => {
    expect(versionAtLeast('1.24.2', '1.24')).toBe(true);
    expect(versionAtLeast('1.24', '1.24')).toBe(true);
    expect(versionAtLeast('2.0.0rc1', '1.24')).toBe(true);
    expect(versionAtLeast('1.100.0', '1.24')).toBe(true);
    expect(versionAtLeast('1.23.99', '1.24')).toBe(false);
    expect(versionAtLeast('1.3', '1.24')).toBe(false);
    expect(versionAtLeast('0.99', '1.24')).toBe(false);
  });

  it('should refuse to start with options it cannot use, before starting any process', async () => {
    await expect(NumpyOracle.start({ maxBatch: 0 })).rejects.toThrowError('OracleOptions.maxBatch: expected an integer >= 1, got 0');
    await expect(NumpyOracle.start({ maxBatch: 2.5 })).rejects.toThrowError('OracleOptions.maxBatch: expected an integer >= 1, got 2.5');
    await expect(NumpyOracle.start({ timeoutMs: -1 })).rejects.toThrowError('OracleOptions.timeoutMs: expected a number of milliseconds > 0, got -1');
    await expect(NumpyOracle.start({ startTimeoutMs: NaN })).rejects.toThrowError('OracleOptions.startTimeoutMs: expected a number of milliseconds > 0, got NaN');
    await expect(NumpyOracle.start({ python: '' })).rejects.toThrowError('OracleOptions.python: expected a non-empty string, got ""');
  });
});

/** Six small cases of both cells, some raising NumPy warnings. */
const CASES: FlatCase[] = ['seed-shape', 'one-step', 'scalar-unit', 'saturated-gates', 'forget-bias-overflow', 'zero-weights'].map((name, k) => {
  const row = CASE_TABLE.find((r) => r.name === name && r.cell === (k % 2 === 0 ? 'type1' : 'type2'))!;
  return toFlatCase(row.cell, buildCase(row), { allowNonFinite: row.allowNonFinite });
});

describeWithNumpy('NumPy worker faults', () => {
  /** What a healthy worker answers for CASES: every faulty run must end with exactly this. */
  let expected: ReferenceResult[];
  const opened: NumpyOracle[] = [];
  let folder = 0;

  beforeAll(async () => {
    const healthy = await NumpyOracle.start();
    expected = await healthy.evaluate(CASES);
    await healthy.close();
    expect(expected.every((result) => result.ok)).toBe(true);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((oracle) => oracle.close()));
  });

  afterAll(async () => {
    // Nothing started from this file's scratch folder may outlive it.
    expect(await processesMatching(tmp.dir)).toEqual([]);
  });

  /** Starts an oracle whose worker misbehaves as planned; `python` is its process-table tag. */
  async function faulty(fault: Fault, plan: FaultPlan = {}, options: OracleOptions = {}) {
    const dir = join(tmp.dir, `fault-${++folder}`);
    const python = taggedPython(tmp.dir, fault);
    const reasons: string[] = [];
    const oracle = await NumpyOracle.start({ python, env: faultEnv(dir, fault, plan), onRestart: (reason) => reasons.push(reason), ...options });
    opened.push(oracle);
    return { oracle, python, dir, reasons, fired: () => firings(dir) };
  }

  /** No case lost: the error's results and its not-evaluated count add up to every case. */
  async function failure(promise: Promise<unknown>, cases = CASES.length): Promise<NumpyWorkerError> {
    const error = await promise.then(
      () => expect.fail('expected the evaluation to fail'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NumpyWorkerError);
    const workerError = error as NumpyWorkerError;
    expect(workerError.results.length + workerError.notEvaluated).toBe(cases);
    expect(workerError.message).toContain(`; ${workerError.notEvaluated} of ${cases} cases were not evaluated`);
    expect(workerError.results).toEqual(expected.slice(0, workerError.results.length));
    return workerError;
  }

  it('should say NumPy is not importable when it is not, by the Python named', async () => {
    // -S -E: the real interpreter without site-packages or PYTHONPATH, where NumPy lives.
    const python = fakePython(tmp.dir, 'python-without-numpy', 'exec "$REAL" -S -E "$@"');
    const error = (await NumpyOracle.start({ python }).catch((e: unknown) => e)) as NumpyWorkerError;
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(
      new RegExp(`^NumPy is not importable by ${python} \\(Python 3\\.\\d+\\.\\d+\\): ModuleNotFoundError: No module named 'numpy'; install it with: ${python} -m pip install numpy$`),
    );
  });

  it(`should refuse a NumPy older than ${MIN_NUMPY}, and accept exactly ${MIN_NUMPY}`, async () => {
    // The real NumPy, reporting the version the wrapper asks for (test/fixtures/numpy-version).
    const pretend = (version: string) =>
      fakePython(tmp.dir, `python-numpy-${version}`, `PYTHONPATH='${join(FIXTURES, 'numpy-version')}' LSTM_PARITY_NUMPY_VERSION='${version}' exec "$REAL" "$@"`);
    const old = pretend('1.23.5');
    await expect(NumpyOracle.start({ python: old })).rejects.toThrowError(
      `NumPy 1.23.5 at ${old} is too old (need >= ${MIN_NUMPY}); upgrade it with: ${old} -m pip install -U numpy`,
    );
    const oldest = await probePython(pretend(`${MIN_NUMPY}.0`));
    expect(oldest).toMatchObject({ ok: true, numpyVersion: `${MIN_NUMPY}.0` });
  });

  it('should give up on a worker that never finishes starting, and leave no process', async () => {
    // The probe runs the real Python; the worker is a process that never answers hello.
    const python = fakePython(tmp.dir, 'python-stuck-at-start', 'case "$1" in -c) exec "$REAL" "$@";; esac\nexec sleep 607');
    const error = (await NumpyOracle.start({ python, startTimeoutMs: 1000 }).catch((e: unknown) => e)) as NumpyWorkerError;
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('NumPy worker gave no reply within 1000 ms and was killed');
    expect(await processesMatching('sleep 607')).toEqual([]);
  });

  it('should restart a worker killed by SIGKILL mid-batch and re-send, with every result correct', async () => {
    const { oracle, python, reasons, fired } = await faulty('kill-mid-batch', { at: 2 }, { maxBatch: 2 });
    const first = oracle.pid!;
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(fired()).toBe(1);
    expect(oracle.restarts).toBe(1);
    expect(reasons).toEqual(['NumPy worker was killed by SIGKILL']);
    expect(oracle.pid).not.toBe(first);
    expect(await isRunning(first)).toBe(false);
    await oracle.close();
    expect(await pythonsRunning(python)).toEqual([]);
  });

  it('should restart a worker that another process kills while it is busy', async () => {
    const { oracle, reasons, fired } = await faulty('hang');
    const busy = oracle.pid!;
    const answer = oracle.evaluate(CASES);
    await vi.waitFor(() => expect(fired()).toBe(1), { timeout: 10_000 });
    process.kill(busy, 'SIGKILL');
    await expect(answer).resolves.toEqual(expected);
    expect(reasons).toEqual(['NumPy worker was killed by SIGKILL']);
    expect(await isRunning(busy)).toBe(false);
  });

  it('should fail with the not-evaluated count when the re-sent request kills the worker again, then recover', async () => {
    const { oracle, reasons, fired } = await faulty('exit-mid-batch', { times: 2 });
    const error = await failure(oracle.evaluate(CASES));
    expect(error.kind).toBe('crashed');
    const exit = 'NumPy worker exited with code 3; its last stderr line: fatal: simulated crash in the middle of a batch';
    expect(error.message).toBe(`the NumPy worker failed twice on one request (first: ${exit}; then, after a restart: ${exit}); 6 of 6 cases were not evaluated`);
    expect(error.stderr).toContain('fatal: simulated crash');
    expect(fired()).toBe(2);
    // The fault is spent: the next request gets a fresh worker and correct answers.
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(oracle.restarts).toBe(2);
    expect(reasons).toEqual([exit, exit]);
  });

  it('should time out a hung worker, keep the results already in, and answer the next request on a fresh worker', async () => {
    // Healthy requests of two small cases take milliseconds; the hung one would never end.
    const { oracle, fired } = await faulty('hang', { at: 2 }, { maxBatch: 2, timeoutMs: 2000 });
    const hung = oracle.pid!;
    const error = await failure(oracle.evaluate(CASES));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('NumPy worker gave no reply within 2000 ms and was killed; 4 of 6 cases were not evaluated');
    expect(error.results).toHaveLength(2);
    expect(fired()).toBe(1);
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(oracle.restarts).toBe(1);
    expect(await isRunning(hung)).toBe(false);
  });

  it.each<[Fault, RegExp]>([
    ['garbage', /^NumPy worker printed something that is not a valid reply: "Segmentation fault\? no: this line is not JSON"$/],
    ['truncate', /^NumPy worker printed something that is not a valid reply: "\{\\"ok\\":true,\\"results\\":\[.*\.\.\."$/],
    ['truncate-and-die', /^NumPy worker printed something that is not a valid reply: "\{\\"ok\\":true,\\"results\\":\[.*\.\.\."$/],
    ['unreadable-request', /^NumPy worker could not read the request: bad request: JSONDecodeError: /],
  ])('should restart a worker whose stdout goes wrong (%s) and re-send transparently', async (fault, reason) => {
    const { oracle, python, reasons, fired } = await faulty(fault);
    const garbled = oracle.pid!;
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(fired()).toBe(1);
    expect(oracle.restarts).toBe(1);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(reason);
    // The garbled worker may still have been alive: it must have been killed, not abandoned.
    await vi.waitFor(async () => expect(await isRunning(garbled)).toBe(false), { timeout: 10_000 });
    expect(await pythonsRunning(python)).toHaveLength(1);
  });

  it('should fail with the garbage line quoted when a worker garbles the re-sent request too', async () => {
    const { oracle, fired } = await faulty('garbage', { times: 2 });
    const error = await failure(oracle.evaluate(CASES));
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/after a restart: NumPy worker printed something that is not a valid reply: "Segmentation fault\? no: this line is not JSON"\); 6 of 6 cases/);
    expect(fired()).toBe(2);
  });

  it('should ignore replies for ids it never asked about and still answer the request', async () => {
    const { oracle, fired } = await faulty('unknown-id');
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(fired()).toBe(1);
    expect(oracle.restarts).toBe(0);
  });

  it('should take a flood of noise on stderr, JSON-looking lines included, as harmless', async () => {
    const { oracle, fired } = await faulty('stderr-noise');
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(fired()).toBe(1);
    expect(oracle.restarts).toBe(0);
  });

  it('should replace a worker that stopped reading its input (EPIPE) instead of waiting for a reply', async () => {
    // A generous timeout: without the EPIPE handling the second request would wait it out and fail.
    const { oracle, reasons, fired } = await faulty('stop-reading', {}, { timeoutMs: 60_000 });
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(fired()).toBe(1);
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    expect(oracle.restarts).toBe(1);
    expect(reasons).toEqual(['NumPy worker stopped reading requests (writing to it failed with EPIPE) and was killed']);
  });

  it.each<[Fault, string]>([
    ['wrong-count', 'NumPy worker answered 1 results for 2 cases'],
    ['short-output', 'NumPy worker sent a malformed result: reply output Output: expected 8 values (T x H), got 7'],
    ['refuse', 'NumPy worker refused the request: simulated refusal'],
  ])('should fail, keeping the results already in, when a reply does not account for its cases (%s)', async (fault, message) => {
    const { oracle, fired } = await faulty(fault, { at: 2 }, { maxBatch: 2 });
    const error = await failure(oracle.evaluate(CASES));
    expect(error.kind).toBe('protocol');
    expect(error.message).toBe(`${message}; 4 of 6 cases were not evaluated`);
    expect(error.results).toHaveLength(2);
    expect(fired()).toBe(1);
  });

  it('should end a request in flight when closed, counting its cases as not evaluated, and leave no process', async () => {
    const { oracle, python, fired } = await faulty('hang');
    const answer = oracle.evaluate(CASES);
    await vi.waitFor(() => expect(fired()).toBe(1), { timeout: 10_000 });
    const closing = [oracle.close(), oracle.close()];
    const error = await failure(answer);
    expect(error.kind).toBe('closed');
    expect(error.message).toBe('the NumPy oracle was closed while a request was in flight; 6 of 6 cases were not evaluated');
    await Promise.all(closing);
    expect(await pythonsRunning(python)).toEqual([]);
    const after = await failure(oracle.evaluate(CASES));
    expect(after.message).toBe('the NumPy oracle is closed; 6 of 6 cases were not evaluated');
  });

  it('should say the worker cannot be restarted when its Python has gone since start-up', async () => {
    const python = taggedPython(tmp.dir, 'vanishing');
    const oracle = await NumpyOracle.start({ python });
    opened.push(oracle);
    rmSync(python);
    process.kill(oracle.pid!, 'SIGKILL');
    const error = await failure(oracle.evaluate(CASES));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toMatch(new RegExp(`NumPy worker could not be started: ${python} is no longer there; 6 of 6 cases were not evaluated$`));
  });

  it('should reject a non-array of cases with a TypeError, and keep defaults for options passed as undefined', async () => {
    // An undefined timeoutMs once replaced the 120 s default, and every request timed out at once.
    const oracle = await NumpyOracle.start({ timeoutMs: undefined, startTimeoutMs: undefined, maxBatch: undefined });
    await expect(oracle.evaluate(CASES)).resolves.toEqual(expected);
    opened.push(oracle);
    await expect(oracle.evaluate(null as never)).rejects.toThrowError('evaluate: expected an array of cases, got null');
    await expect(oracle.evaluate('cases' as never)).rejects.toThrowError('evaluate: expected an array of cases, got string');
  });

  it('should not leave a busy worker behind when the process that started it is killed', async () => {
    // Another Node process starts a worker that hangs mid-batch, and is then SIGKILLed: it gets no
    // chance to clean up, so only the worker's parent-death signal (worker.py) can end it.
    const dir = join(tmp.dir, 'orphan');
    const python = taggedPython(tmp.dir, 'orphan');
    const script = `
      import { NumpyOracle } from './dist/src/oracle/numpy-oracle.js';
      import { toFlatCase } from './dist/src/judge/flat-case.js';
      import { buildCase, CASE_TABLE } from './dist/src/golden/case-table.js';
      const [python, env] = process.argv.slice(1);
      const oracle = await NumpyOracle.start({ python, env: JSON.parse(env) });
      await oracle.evaluate(CASE_TABLE.slice(0, 2).map((row) => toFlatCase(row.cell, buildCase(row))));`;
    const parent = execa('node', ['--input-type=module', '-e', script, python, JSON.stringify(faultEnv(dir, 'hang'))], { cwd: ROOT, reject: false });
    try {
      await vi.waitFor(() => expect(firings(dir)).toBe(1), { timeout: 20_000 });
      expect(await pythonsRunning(python)).toHaveLength(1);
      parent.kill('SIGKILL');
      expect((await parent).signal).toBe('SIGKILL');
      await vi.waitFor(async () => expect(await pythonsRunning(python)).toEqual([]), { timeout: 10_000 });
    } finally {
      parent.kill('SIGKILL');
      for (const line of await pythonsRunning(python)) process.kill(Number.parseInt(line, 10), 'SIGKILL');
    }
  });
});
