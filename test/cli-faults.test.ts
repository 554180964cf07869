/**
 * `lstm-parity verify` (the real binary) when its NumPy worker fails: killed midway it restarts,
 * still judges every case and says so (table, --json, report); killed for good it judges what was
 * evaluated, counts what was not, and exits 1; unavailable it says why, once, and fails where it
 * must not fall back to the golden corpus. No Python process outlives the CLI run.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { verifyReportHtml } from '../src/report/verify-section.js';
import { cli, ROOT } from './helpers/cli.js';
import { fakePython, faultEnv, FIXTURES, firings, pythonsRunning, realPython, scratch, taggedPython } from './helpers/faults.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('cli-faults');
afterAll(() => tmp.remove());

/** 100 type 1 cases and the chaotic probe: two requests of 64 and 37 cases. */
const CAMPAIGN = ['verify', '--cell', 'type1', '--cases', '100', '--seed', '7'];

it('should fail with one line when LSTM_PARITY_PYTHON names a Python that is not there', async () => {
  const result = await cli(CAMPAIGN, { env: { LSTM_PARITY_PYTHON: '/nonexistent/bin/python3' } });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toBe('campaign: seed 7, shard 1/1, 100 cases per cell');
  expect(String(result.stderr)).toMatch(/^lstm-parity: Python not found: \/nonexistent\/bin\/python3 \(from LSTM_PARITY_PYTHON\) is not on this machine; .*; LSTM_PARITY_PYTHON is set, so verify does not fall back to the golden corpus alone \(unset it to allow that\)$/);
});

describeWithNumpy('lstm-parity verify with a failing NumPy worker', () => {
  let folder = 0;

  /** Runs the campaign with a worker that misbehaves as planned; returns the output and the tag. */
  async function campaign(plan: { at: number; times: number }, extra: string[] = []) {
    const dir = join(tmp.dir, `fault-${++folder}`);
    const python = taggedPython(tmp.dir, 'cli');
    const result = await cli([...CAMPAIGN, ...extra], { env: { LSTM_PARITY_PYTHON: python, ...faultEnv(dir, 'kill-mid-batch', plan) } });
    // The CLI has exited: nothing it started may still be running.
    expect(await pythonsRunning(python)).toEqual([]);
    return { result, fired: firings(dir), stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  it('should restart a worker killed midway, still judge every case, and say so in the table and in --json', async () => {
    const { result, fired, stdout } = await campaign({ at: 2, times: 1 });
    expect(fired).toBe(1);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    // Every live case judged: 100 agree and the chaotic probe is ill-conditioned, as without faults.
    expect(stdout).toMatch(/\ntype1 +live +101 +100 +1 +0 +0 /);
    expect(stdout).toContain(
      '\nNumPy worker restarts: 1 (NumPy worker was killed by SIGKILL); each time the request in flight was sent again to a fresh worker\nverify: OK: 114 cases, the TypeScript cells agree with NumPy',
    );
    const json = await campaign({ at: 2, times: 1 }, ['--json']);
    expect(json.fired).toBe(1);
    expect(JSON.parse(json.stdout).workerRestarts).toEqual({ count: 1, causes: ['NumPy worker was killed by SIGKILL'] });
  });

  it('should put the restarts in the result and the report of an in-process campaign too', async () => {
    const dir = join(tmp.dir, `fault-${++folder}`);
    const python = taggedPython(tmp.dir, 'in-process');
    const oracle = await NumpyOracle.start({ python, env: faultEnv(dir, 'kill-mid-batch', { at: 1, times: 1 }) });
    try {
      const data = await verify({ casesPerCell: 12, seed: 7, shard: { index: 1, count: 1 }, cells: ['type2'], goldenDir: join(ROOT, 'golden'), probes: false, oracle });
      expect(firings(dir)).toBe(1);
      expect(data.result.ok).toBe(true);
      expect(data.result.cells.type2.live.cases).toBe(12);
      expect(data.result.workerRestarts).toEqual({ count: 1, causes: ['NumPy worker was killed by SIGKILL'] });
      expect(verifyReportHtml(data)).toContain('NumPy worker restarts: 1 (NumPy worker was killed by SIGKILL); each time the request in flight was sent again to a fresh worker.');
    } finally {
      await oracle.close();
    }
    expect(await pythonsRunning(python)).toEqual([]);
  });

  it('should judge the golden corpus alone when python3 has a NumPy too old, and say to upgrade it, once', async () => {
    // python3 on PATH is the real one, its NumPy reporting 1.23.5 (test/fixtures/numpy-version).
    const bin = join(tmp.dir, 'old-numpy-bin');
    mkdirSync(bin);
    symlinkSync(realPython!, join(bin, 'python3'));
    const env = { PATH: `${bin}:${process.env.PATH}`, LSTM_PARITY_PYTHON: '', PYTHONPATH: join(FIXTURES, 'numpy-version'), LSTM_PARITY_NUMPY_VERSION: '1.23.5' };
    const result = await cli(['verify', '--cell', 'type1', '--cases', '5'], { env });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const stdout = String(result.stdout);
    const reason = 'NumPy 1.23.5 at python3 is too old (need >= 1.24); upgrade it with: python3 -m pip install -U numpy';
    expect(stdout.split(reason)).toHaveLength(2);
    expect(stdout).not.toMatch(/install NumPy/);
    expect(stdout).toMatch(/\nverify: OK: 13 cases, the TypeScript cells agree with NumPy \(golden corpus only: the live campaign was skipped\)$/);
    const required = await cli(['verify', '--cell', 'type1', '--cases', '5', '--require-numpy'], { env });
    expect(required.exitCode).toBe(1);
    expect(required.stderr).toBe(`lstm-parity: verify --require-numpy: the live campaign cannot run: ${reason}`);
  });

  it('should judge what was evaluated, count what was not and exit 1 when the worker dies for good', async () => {
    const { result, fired, stdout, stderr } = await campaign({ at: 2, times: 2 });
    expect(fired).toBe(2);
    expect(result.exitCode).toBe(1);
    expect(stderr).toBe('');
    // The first request (the probe and 63 cases) was answered; the 63 were judged, but the probe,
    // which needs more NumPy runs for its noise floor, could not be, nor the second request's 37.
    expect(stdout).toMatch(/\ntype1 +live +63 +63 +0 +0 +0 /);
    const killed = 'NumPy worker was killed by SIGKILL';
    expect(stdout.trimEnd().split('\n').pop()).toBe(
      `verify: INCOMPLETE: 38 of 101 live cases were not judged: the NumPy worker failed twice on one request (first: ${killed}; then, after a restart: ${killed})`,
    );
  });

  it('should print one line and exit 1 when the worker cannot start at all', async () => {
    // The probe passes, but the worker itself dies at start-up.
    const python = fakePython(tmp.dir, 'python-broken-worker', 'case "$1" in -c) exec "$REAL" "$@";; esac\necho "worker.py: cannot start here" >&2\nexit 7');
    const result = await cli(CAMPAIGN, { env: { LSTM_PARITY_PYTHON: python } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('campaign: seed 7, shard 1/1, 100 cases per cell');
    expect(result.stderr).toBe('lstm-parity: NumPy worker exited with code 7; its last stderr line: worker.py: cannot start here');
  });
});
