/**
 * Ports that fuse multiply-adds are correct ports: verify passes them, the golden corpus
 * included, while a port that flushes subnormals to zero fails, and none of its faults is
 * excused as NumPy's quirk or as noise. The ports are written as a C port would be
 * (./helpers/ports.ts), with an exact emulation of IEEE 754's fma, checked here first.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../src/campaign/verify.js';
import { readSettings } from '../src/conformance/runner.js';
import { correctlyRoundedSum } from '../src/numeric/exact-sum.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { runImplementation } from '../src/judge/implementation.js';
import { measureNoiseFloors } from '../src/judge/noise-floor.js';
import { FLOAT64_TOLERANCE } from '../src/judge/tolerance.js';
import { describeVerdict, judge } from '../src/judge/verdict.js';
import { ROOT } from './helpers/cli.js';
import { describeWithNumpy } from './helpers/numpy.js';
import { fma, seedPort } from './helpers/ports.js';

describe('the fma of the ports', () => {
  it('should round a · b + c once, as the exact sum rounded to nearest does', () => {
    const { seed, numRuns } = readSettings(20000);
    const double = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -4, max: 4, noNaN: true }));
    // c near -a · b, where one rounding and two differ most.
    const triple = fc.oneof(
      fc.tuple(double, double, double),
      fc.tuple(double, double, fc.integer({ min: -4, max: 4 })).map(([a, b, k]) => [a, b, -(a * b) * (1 + k * 2 ** -52)] as const),
    );
    fc.assert(
      fc.property(triple, ([a, b, c]) => Object.is(fma(a, b, c), correctlyRoundedSum([a, c], [b, 1], 2)) || (Number.isNaN(fma(a, b, c)) && Number.isNaN(a * b + c))),
      { seed, numRuns },
    );
    // The case where fusing changes a zero's sign: -2.5e-324 rounds to -0 alone, and stays -0 fused.
    expect(Object.is(fma(0.5, -5e-324, 0), -0)).toBe(true);
    expect(Object.is(0.5 * -5e-324 + 0, 0)).toBe(true);
  });
});

describeWithNumpy('verify on ports that fuse or flush', () => {
  let oracles: NumpyOracle[];
  beforeAll(async () => {
    oracles = await Promise.all([NumpyOracle.start(), NumpyOracle.start()]);
  });
  afterAll(async () => {
    await Promise.all(oracles.map((oracle) => oracle.close()));
  });
  const run = (name: string, options: Parameters<typeof seedPort>[1]) =>
    verify({ seed: 1, shard: { index: 1, count: 1 }, probes: false, goldenDir: join(ROOT, 'golden'), cells: ['type1', 'type2'], casesPerCell: 1000, implementation: seedPort(name, options), oracles });

  it('should pass ports that fuse every multiply-add, or only the cell state\'s, with no quirk of NumPy\'s needed', async () => {
    for (const fuse of ['all', 'cell-state', 'none'] as const) {
      const { result } = await run(`fuse ${fuse}`, { fuse });
      expect(result.ok, `fuse ${fuse}: ${result.findings.map((f) => `${f.case} ${f.description}`).join('\n')}`).toBe(true);
      expect(result.findings.filter((f) => f.verdict !== 'ill-conditioned')).toEqual([]);
      expect(result.cells.type1.golden.cases + result.cells.type2.golden.cases).toBe(26);
    }
    // Three campaigns of 2000 cases and the corpus: about 40 s on a quiet machine, past a minute
    // on a loaded one.
  }, 240_000);

  it('should call the fused port\'s -inf where products overflow with both signs the order\'s choice, not a port bug (conformance seed -1211335116)', async () => {
    const zeros = (rows: number, cols: number) => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
    const W: Record<string, number[][] | number[]> = {};
    for (const gate of ['i', 'g', 'o', 'c']) Object.assign(W, { [`w_${gate}`]: zeros(2, 6), [`u_${gate}`]: zeros(2, 2), [`b_${gate}`]: [0, 0] });
    (W.w_g as number[][])[1] = [0, 0, 0, 0, 48, -452];
    const value = { S: [[0, 0, 0, 0, -1e308, -1e308]], W };
    const flat = toFlatCase('type1', value);
    const [numpy] = await oracles[0].evaluate([flat]);
    if (!numpy.ok) throw new Error(numpy.error);
    const [floor] = await measureNoiseFloors(oracles[0], [flat], [numpy.outputs], { seed: 1 });
    const verdictOf = async (fuse: 'all' | 'none') => {
      const actual = await runImplementation(seedPort(`fuse ${fuse}`, { fuse }), flat, 'the overflow case');
      return judge(flat, actual, numpy.outputs, FLOAT64_TOLERANCE, floor);
    };
    // NumPy's σ is 1 (w_g·x = +4.04e310 exactly); the fused chain meets 48 · -1e308 first and
    // keeps -∞, σ 0; the seed's order gives -∞ + ∞ = NaN. None is a port bug.
    expect(numpy.outputs.forget_gate_activations[1]).toBe(1);
    const fused = await verdictOf('all');
    expect(fused.kind, describeVerdict(fused)).toBe('ill-conditioned');
    expect(fused.orderDecided?.sums).toEqual([{ step: 0, unit: 1, gate: 'g', positive: [-452, -1e308], negative: [48, -1e308] }]);
    const rounded = await verdictOf('none');
    expect(rounded.kind, describeVerdict(rounded)).toBe('ill-conditioned');
  });

  it('should fail a port that flushes subnormals, and excuse none of its differences', async () => {
    const { result } = await run('flush to zero', { fuse: 'none', flush: true });
    expect(result.ok).toBe(false);
    for (const cell of ['type1', 'type2']) {
      const live = result.cells[cell].live;
      expect(live.failures, cell).toBeGreaterThan(10);
      expect([live.quirks, live.illConditioned], `${cell}: no quirk or noise verdict for its own faults`).toEqual([0, 0]);
    }
    // NaN where exact arithmetic and NumPy give a number is among them, called a port bug.
    expect(result.findings.some((f) => f.verdict === 'port-bug' && f.check === 'numpy' && /port NaN, NumPy -?[\d.]/.test(f.description))).toBe(true);
  }, 240_000);
});
