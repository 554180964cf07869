/**
 * `lstm-parity verify` (the real binary) when its NumPy worker fails: killed midway it restarts
 * and still judges every case; killed for good it judges what was evaluated, counts what was not,
 * and exits 1; unavailable it says why. No Python process outlives the CLI run.
 */
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { fakePython, faultEnv, firings, pythonsRunning, scratch, taggedPython } from './helpers/faults.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('cli-faults');
afterAll(() => tmp.remove());

/** 100 type 1 cases and the chaotic probe: two requests of 64 and 37 cases. */
const CAMPAIGN = ['verify', '--cell', 'type1', '--cases', '100', '--seed', '7'];

it('should say why the live campaign was skipped when Python is not there', async () => {
  const result = await cli(CAMPAIGN, { env: { LSTM_PARITY_PYTHON: '/nonexistent/bin/python3' } });
  expect(result.exitCode).toBe(0);
  expect(String(result.stdout)).toContain(
    'live campaign SKIPPED: NumPy is unavailable: Python not found: /nonexistent/bin/python3 (from LSTM_PARITY_PYTHON) is not on this machine',
  );
  expect(String(result.stdout)).toMatch(/verify: OK: 13 cases, .* \(golden corpus only: install NumPy for the live campaign\)$/);
});

describeWithNumpy('lstm-parity verify with a failing NumPy worker', () => {
  let folder = 0;

  /** Runs the campaign with a worker that misbehaves as planned; returns the output and the tag. */
  async function campaign(plan: { at: number; times: number }) {
    const dir = join(tmp.dir, `fault-${++folder}`);
    const python = taggedPython(tmp.dir, 'cli');
    const result = await cli(CAMPAIGN, { env: { LSTM_PARITY_PYTHON: python, ...faultEnv(dir, 'kill-mid-batch', plan) } });
    // The CLI has exited: nothing it started may still be running.
    expect(await pythonsRunning(python)).toEqual([]);
    return { result, fired: firings(dir), stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  it('should restart a worker killed midway and still judge every case', async () => {
    const { result, fired, stdout } = await campaign({ at: 2, times: 1 });
    expect(fired).toBe(1);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    // Every live case judged: 100 agree and the chaotic probe is ill-conditioned, as without faults.
    expect(stdout).toMatch(/\ntype1 +live +101 +100 +1 +0 +0 /);
    expect(stdout).toMatch(/verify: OK: 114 cases, the TypeScript cells agree with NumPy$/);
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
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('lstm-parity: NumPy worker exited with code 7; its last stderr line: worker.py: cannot start here');
  });
});
