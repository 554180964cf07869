/**
 * `lstm-parity verify` driven in-process: its usage errors; a run where no Python is found, which
 * judges the golden corpus alone and says why the live campaign was skipped, once; the runs that
 * must not fall back to that: --require-numpy, and a LSTM_PARITY_PYTHON that does not work; and an
 * implementation that throws on a case, which is a port bug, not a crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { runCase } from '../src/cells/run-case.js';
import { parseShard } from '../src/cli/args.js';
import { verifyCommand } from '../src/cli/verify.js';
import { traceImplementation } from '../src/implementations/lstm-parity.js';
import { ROOT } from './helpers/cli.js';
import { UsageError } from '../src/cli/usage-error.js';
import { runMain, withEnv } from './helpers/in-process.js';

describe('verify usage', () => {
  it.each([
    [['--cases=-1'], '--cases: expected an integer >= 0, got "-1"'],
    [['--cases', '-1'], '--cases: expected an integer >= 0, got "-1"'],
    [['--cases', '4294967296'], '--cases: 4294967296 is too large; at most 4294967295 (the campaign draws at most 2^32 - 1 distinct cases per cell)'],
    [['--jobs', '65'], '--jobs: 65 is too large; at most 64'],
    [['--shard', '1/99999999999999999999'], '--shard: 1/99999999999999999999 is too large; n is at most 9007199254740991'],
    [['--cases', '1e3'], '--cases: expected an integer >= 0, got "1e3"'],
    [['--seed', 'x'], '--seed: expected an integer >= 0, got "x"'],
    [['--shard', '0/2'], '--shard: expected i/n with 1 <= i <= n, got "0/2"'],
    [['--shard', '2'], '--shard: expected i/n with 1 <= i <= n, got "2"'],
    [['--cell', 'type9'], '--cell: expected type1 or type2, got "type9"'],
  ])('should refuse %j with one line', async (args, message) => {
    const error = await verifyCommand(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it('should read shards as i/n', () => {
    expect(parseShard(undefined)).toEqual({ index: 1, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });
});

describe('verify without NumPy', () => {
  const nowhere = mkdtempSync(join(tmpdir(), 'lstm-parity-no-python-'));
  afterAll(() => rmSync(nowhere, { recursive: true, force: true }));
  // No LSTM_PARITY_PYTHON, and a PATH on which there is no python3.
  const noPython = { LSTM_PARITY_PYTHON: undefined, PATH: nowhere };
  const reason = 'Python not found: python3 is not on this machine; install Python 3 with NumPy >= 1.24 (e.g. apt-get install python3-numpy) or set LSTM_PARITY_PYTHON';

  it('should judge the golden corpus alone when no Python is found, saying why once', async () => {
    const text = await withEnv(noPython, () => runMain(['verify', '--cell', 'type2']));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split(reason)).toHaveLength(2);
    expect(text.stdout).toMatch(new RegExp(`^campaign: seed 1, shard 1/1, 20000 cases per cell\nenvironment: Node v\\d+\\S*; NumPy unavailable: ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; live campaign SKIPPED\n\n`));
    expect(text.stdout).toMatch(/\ntype2 +golden +13 +13 +0 +0 +0 /);
    expect(text.stdout).not.toMatch(/\ntype2 +live/);
    expect(text.stdout).toMatch(/\nverify: OK: 13 cases, the TypeScript cells agree with NumPy \(golden corpus only: the live campaign was skipped\)\n$/);
    const json = await withEnv(noPython, () => runMain(['verify', '--cell', 'type1', '--json']));
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.environment).toMatchObject({ numpyAvailable: false, problem: reason });
    expect(result.liveSkipped).toBe('NumPy is unavailable');
  });

  it('should fail with one line when NumPy is required, or when LSTM_PARITY_PYTHON names a Python that does not work', async () => {
    // What the campaign is comes first, before the workers start; then the one line that says why not.
    const campaignLine = 'campaign: seed 1, shard 1/1, 20000 cases per cell\n';
    const required = await withEnv(noPython, () => runMain(['verify', '--cell', 'type2', '--require-numpy']));
    expect(required).toEqual({ code: 1, stdout: campaignLine, stderr: `lstm-parity: verify --require-numpy: the live campaign cannot run: ${reason}\n` });
    const configured = await withEnv({ LSTM_PARITY_PYTHON: '/nonexistent/python-for-verify' }, () => runMain(['verify', '--cell', 'type2']));
    expect(configured).toEqual({
      code: 1,
      stdout: campaignLine,
      stderr:
        'lstm-parity: Python not found: /nonexistent/python-for-verify (from LSTM_PARITY_PYTHON) is not on this machine; install Python 3 with NumPy >= 1.24 (e.g. apt-get install python3-numpy) or set LSTM_PARITY_PYTHON; LSTM_PARITY_PYTHON is set, so verify does not fall back to the golden corpus alone (unset it to allow that)\n',
    });
  });
});

describe('verify of an implementation that fails to run a case', () => {
  it('should count it as a port bug caught by the run check, name the case, and go on', async () => {
    const impl = traceImplementation('throws on NaN', (cell, S, W) => {
      if (S.some((row) => row.some(Number.isNaN))) throw new Error('NaN is not supported');
      return runCase(cell, { S, W }, { allowNonFinite: true });
    });
    const { result } = await verify({ casesPerCell: 0, seed: 1, shard: { index: 1, count: 1 }, cells: ['type2'], goldenDir: join(ROOT, 'golden'), probes: false, implementation: impl });
    expect(result.ok).toBe(false);
    expect(result.cells.type2).toMatchObject({ cases: 13, failures: 1, checks: { run: { cases: 13, failures: 1 } } });
    expect(result.findings).toEqual([
      expect.objectContaining({ case: 'golden/type2/nan-input', check: 'run', verdict: 'port-bug', description: 'PORT BUG: the implementation failed on the case: throws on NaN: golden/type2/nan-input: failed: NaN is not supported' }),
    ]);
  });
});
