/**
 * `lstm-parity verify` driven in-process: its usage errors, a run where NumPy is unavailable,
 * which judges the golden corpus alone and says why the live campaign was skipped, and an
 * implementation that throws on a case, which is a port bug, not a crash.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { runCase } from '../src/cells/run-case.js';
import { parseShard, verifyCommand } from '../src/cli/verify.js';
import { traceImplementation } from '../src/implementations/lstm-parity.js';
import { ROOT } from './helpers/cli.js';
import { UsageError } from '../src/cli/usage-error.js';

describe('verify usage', () => {
  it.each([
    [['--cases=-1'], '--cases: expected an integer >= 0, got "-1"'],
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
  it('should judge the golden corpus alone and say why the live campaign was skipped', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const before = process.env.LSTM_PARITY_PYTHON;
    process.env.LSTM_PARITY_PYTHON = '/nonexistent/python-for-verify';
    try {
      expect(await verifyCommand(['--cell', 'type2'])).toBe(0);
      const text = out.join('');
      expect(text).toContain('live campaign SKIPPED: NumPy is unavailable: Python not found: /nonexistent/python-for-verify (from LSTM_PARITY_PYTHON)');
      expect(text).toMatch(/\ntype2 +golden +13 +13 +0 +0 +0 /);
      expect(text).not.toMatch(/\ntype2 +live/);
      expect(text).toMatch(/verify: OK: 13 cases, the TypeScript cells agree with NumPy \(golden corpus only: install NumPy for the live campaign\)\n$/);
      out.length = 0;
      expect(await verifyCommand(['--cell', 'type1', '--json'])).toBe(0);
      const json = JSON.parse(out.join(''));
      expect(json.environment).toMatchObject({ numpyAvailable: false, problem: expect.stringMatching(/^Python not found/) });
      expect(json.liveSkipped).toMatch(/^NumPy is unavailable/);
    } finally {
      spy.mockRestore();
      if (before === undefined) delete process.env.LSTM_PARITY_PYTHON;
      else process.env.LSTM_PARITY_PYTHON = before;
    }
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
