/**
 * The streamed campaign on implementations this project did not write, in-process: a float32 one
 * is judged against NumPy in float32 (golden corpus included) with its distance from float64 beside;
 * a case it fails on is a port bug caught by the run check; one that fails for good is asked
 * nothing more, in the golden corpus or mid-campaign, and every case not judged is counted; and the
 * table says all of it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { terminalText } from '../src/cli/terminal.js';
import { formatVerify as formatLines } from '../src/cli/verify-table.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';
import { ImplementationError, type Implementation, type ImplementationOutputs } from '../src/judge/implementation.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { ROOT } from './helpers/cli.js';
import { describeWithNumpy } from './helpers/numpy.js';

const own = lstmParityImplementation({ backend: 'scalar' });
const plan = { seed: 3, shard: { index: 1, count: 1 }, probes: false, goldenDir: join(ROOT, 'golden') };

/** This package's cells with every output rounded to float32: a float32 implementation that computes in float64. */
const rounded: Implementation = {
  name: 'rounded to float32',
  cells: ['type1', 'type2'],
  dtype: 'float32',
  async run(cell, S, W) {
    const outputs = (await own.run(cell, S, W)) as Record<string, Float64Array>;
    return Object.fromEntries(Object.entries(outputs).map(([key, values]) => [key, Float32Array.from(values)])) as ImplementationOutputs;
  },
};

/** Fails every type 2 case, and for good from its `fatalAt`-th call on. */
function failing(fatalAt = Infinity): Implementation & { calls: number } {
  return {
    name: 'failing',
    cells: ['type1', 'type2'],
    dtype: 'float64',
    calls: 0,
    async run(cell, S, W) {
      this.calls++;
      if (this.calls >= fatalAt) throw new ImplementationError('failing: its process is gone', true);
      if (cell === 'type2') throw new Error('type 2 is not supported');
      return own.run(cell, S, W);
    },
  };
}

/** verify's text of a result, as printed. */
const formatVerify = (result: Parameters<typeof formatLines>[0]) => terminalText(formatLines(result));

describe('a float32 implementation without NumPy', () => {
  it('should skip the golden corpus, saying why, since its files record float64 answers', async () => {
    const { result } = await verify({ ...plan, casesPerCell: 0, cells: ['type1'], implementation: rounded, numpyProblem: 'Python not found' });
    expect(result.goldenSkipped).toBe('the golden files record float64 answers, and a float32 implementation is judged against NumPy in float32, which is unavailable: Python not found');
    expect(result.cells.type1.cases).toBe(0);
    const text = formatVerify(result);
    expect(text).toContain('\ngolden corpus SKIPPED: the golden files record float64 answers');
    expect(text).toMatch(/^campaign: .*\nimplementation: rounded to float32 \(float32; type1, type2; keys as returned\); judged as float32 against the seed in float32/);
  });
});

describeWithNumpy('the streamed campaign on another implementation', () => {
  let oracles: NumpyOracle[];
  beforeAll(async () => {
    oracles = await Promise.all([NumpyOracle.start(), NumpyOracle.start()]);
  });
  afterAll(async () => {
    await Promise.all(oracles.map((oracle) => oracle.close()));
  });

  it('should judge a float32 implementation against NumPy in float32, with its distance from float64 beside', async () => {
    const { result } = await verify({ ...plan, casesPerCell: 6, cells: ['type1'], implementation: rounded, oracles, chunkCases: 4 });
    expect(result.ok, formatVerify(result)).toBe(true);
    expect(result.campaign.judging).toMatch(/^judged as float32 against the seed in float32/);
    expect(result.cells.type1.golden.cases).toBe(13);
    expect(result.cells.type1.live.float64).toMatchObject({ cases: 6 });
    expect(result.cells.type1.golden.float64?.maxAbs).toBeGreaterThan(0);
    // Bit-for-bit facts are for this package's arithmetic; the bounds hold of anyone.
    expect(result.cells.type1.checks['fact:causality']).toMatchObject({ cases: 0, notChecked: 19 });
    expect(result.cells.type1.checks['fact:h-bounded']).toMatchObject({ cases: 19, failures: 0 });
    expect(formatVerify(result)).toMatch(/\ntype1 live: against the float64 seed \(reported, not judged\): max \|err\| \S+, \d+ float32 ULP over 6 cases/);
    expect(formatVerify(result)).toMatch(/\nverify: OK: 19 cases, rounded to float32 agrees with NumPy in float32\n$/);
  });

  it('should count a case the implementation fails on as a port bug caught by the run check, and go on', async () => {
    const { result } = await verify({ ...plan, casesPerCell: 5, cells: ['type1', 'type2'], implementation: failing(), oracles, chunkCases: 2 });
    expect(result.ok).toBe(false);
    expect(result.cells.type2).toMatchObject({ cases: 18, failures: 18 });
    expect(result.cells.type2.checks.run).toMatchObject({ cases: 18, failures: 18 });
    expect(result.cells.type1.failures).toBe(0);
    expect(result.findings.find((f) => f.case === 'type2/live-3-0')).toMatchObject({ verdict: 'port-bug', check: 'run', description: 'PORT BUG: the implementation failed on the case: failing: type2/live-3-0: failed: type 2 is not supported' });
  });

  it('should ask an implementation that failed for good nothing more, and count what was not judged', async () => {
    const late = failing(13 + 9);
    const { result } = await verify({ ...plan, casesPerCell: 40, cells: ['type1'], implementation: late, oracles, chunkCases: 4 });
    expect(result.ok).toBe(false);
    expect(result.implementationFailed).toEqual({ reason: expect.stringMatching(/^failing: type1\/live-3-\d+: failed: failing: its process is gone$/), notJudged: 53 - result.cells.type1.cases, planned: 53 });
    expect(result.cells.type1.cases).toBeGreaterThanOrEqual(21);
    // Each lane stops at its next case: at most one call per lane after the failure.
    expect(late.calls).toBeLessThanOrEqual(22 + 4);
    expect(formatVerify(result)).toMatch(/\nverify: INCOMPLETE: \d+ of 53 cases were not judged: the implementation failed for good: failing: /);
    const early = failing(5);
    const golden = await verify({ ...plan, casesPerCell: 40, cells: ['type1'], implementation: early, oracles });
    expect(golden.result.implementationFailed).toEqual({ reason: expect.stringMatching(/^failing: golden\/type1\/\S+: failed: failing: its process is gone$/), notJudged: 49, planned: 53 });
    expect(early.calls).toBe(5);
  });
});
