/**
 * The live campaign as a stream: cases drawn only as they are reached, counted without drawing,
 * findings kept in bounded memory, and results that do not depend on the number of NumPy workers
 * or on how cases are chunked.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveCaseCount, liveOrder, plannedCases, type CampaignPlan } from '../src/campaign/plan.js';
import { campaignCase, chaoticProbe } from '../src/campaign/random-case.js';
import { Tally } from '../src/campaign/tally.js';
import { verify, type VerifyOptions } from '../src/campaign/verify.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { describeVerdict } from '../src/judge/verdict.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { reportDataOf } from '../src/campaign/result.js';
import { verifyReportHtml } from '../src/report/verify-section.js';
import { ROOT } from './helpers/cli.js';
import { swappedGates } from './helpers/implementations.js';
import { describeWithNumpy } from './helpers/numpy.js';
import type { JudgedCase } from '../src/campaign/judge-case.js';

const plan = (overrides: Partial<CampaignPlan> = {}): CampaignPlan => ({ cells: ['type1', 'type2'], casesPerCell: 10, seed: 3, shard: { index: 1, count: 1 }, probes: true, ...overrides });

describe('the campaign plan', () => {
  it('should count a shard without drawing it, exactly as many as it draws', () => {
    for (const casesPerCell of [0, 1, 7, 10]) {
      for (const count of [1, 2, 3, 11]) {
        for (let index = 1; index <= count; index++) {
          const p = plan({ casesPerCell, shard: { index, count } });
          expect(liveCaseCount(p), `${casesPerCell} cases, shard ${index}/${count}`).toBe([...plannedCases(p)].length);
        }
      }
    }
  });

  it('should draw lazily: a campaign of 2^32 - 1 cases per cell starts at once', () => {
    const huge = plan({ casesPerCell: 2 ** 32 - 1, shard: { index: 2, count: 200 } });
    expect(liveCaseCount(huge)).toBe(2 * Math.ceil((2 ** 32 - 2) / 200));
    const cases = plannedCases(huge, 26);
    const first = [cases.next().value, cases.next().value];
    expect(first.map((c) => c?.name)).toEqual(['type1/live-3-1', 'type1/live-3-201']);
    expect(first.map((c) => c?.order)).toEqual([26 + 2, 26 + 202]);
  });

  it('should number every case by its place in the unsharded campaign, golden files first', () => {
    const p = plan({ casesPerCell: 5 });
    const orders = [...plannedCases(p, 26)].map((c) => c.order);
    expect(orders).toEqual(Array.from({ length: 12 }, (_, k) => 26 + k));
    const shard = [...plannedCases({ ...p, shard: { index: 2, count: 2 } }, 26)];
    expect(shard.map((c) => c.name)).toEqual(['type1/live-3-1', 'type1/live-3-3', 'type2/live-3-1', 'type2/live-3-3']);
    expect(shard.map((c) => c.order)).toEqual([liveOrder(p, 26, 'type1', 1), liveOrder(p, 26, 'type1', 3), liveOrder(p, 26, 'type2', 1), liveOrder(p, 26, 'type2', 3)]);
  });

  it('should draw a case into flat arrays that are the validated case, exactly', () => {
    // Indices 4, 5, 6 and 7: well-scaled, seed-style, long and edge.
    for (const c of [campaignCase('type1', 9, 4), campaignCase('type2', 9, 5), campaignCase('type1', 9, 6), campaignCase('type2', 9, 7), chaoticProbe('type2')]) {
      expect(c.flat).toEqual(toFlatCase(c.cell, c.value, { allowNonFinite: c.allowNonFinite }));
    }
  });
});

/** A judged case that disagrees, as the tally sees it. */
function portBug(order: number, cell: 'type1' | 'type2' = 'type1'): JudgedCase {
  const comparison = { ok: false, elements: 1, mismatches: 1, maxAbs: 1, maxUlps: 1, tolerance: { rtol: 0, atol: 0 }, keys: [] };
  return {
    name: `${cell}/live-1-${order}`,
    cell,
    source: 'live',
    order,
    verdict: { kind: 'port-bug', comparison },
    actual: { Output: Float64Array.of(1) },
    expected: { Output: Float64Array.of(0) },
    hidden: 1,
    review: { ran: [], notChecked: [], failures: [], quirks: [] },
  };
}

describe('the tally', () => {
  it('should keep the first findings of each cell and verdict and count the rest', () => {
    const tally = new Tally(3);
    for (let order = 0; order < 10; order++) tally.add(portBug(order));
    tally.add(portBug(10, 'type2'));
    expect(tally.findings.map((f) => f.case)).toEqual(['type1/live-1-0', 'type1/live-1-1', 'type1/live-1-2', 'type2/live-1-10']);
    expect(tally.findingsOmitted).toBe(7);
    expect(tally.statsFor('type1', 'live').failures).toBe(10);
    expect(tally.findings[0].description).toBe(describeVerdict(portBug(0).verdict));
  });

  it('should keep the five worst cases, ties to the earlier case, and the heatmap of the worst only', () => {
    const tally = new Tally(0);
    const agreeing = (order: number, maxAbs: number): JudgedCase => ({
      ...portBug(order),
      verdict: { kind: 'agrees', comparison: { ok: true, elements: 1, mismatches: 0, maxAbs, maxUlps: 1, tolerance: { rtol: 1, atol: 1 }, keys: [] } },
      expected: { Output: Float64Array.of(0) },
      actual: { Output: Float64Array.of(maxAbs) },
    });
    for (const [order, error] of [[0, 1e-15], [1, 3e-15], [2, 3e-15], [3, 2e-15], [4, 1e-16], [5, 5e-15], [6, 3e-15], [7, 0]] as const) tally.add(agreeing(order, error));
    const { worst } = tally.reportParts();
    expect(worst.map((w) => [w.order, w.maxError])).toEqual([[5, 5e-15], [1, 3e-15], [2, 3e-15], [6, 3e-15], [3, 2e-15]]);
    expect(worst.map((w) => w.heatmap !== undefined)).toEqual([true, false, false, false, false]);
  });
});

describeWithNumpy('a campaign on several NumPy workers', () => {
  const oracles: NumpyOracle[] = [];
  beforeAll(async () => {
    oracles.push(...(await Promise.all([NumpyOracle.start({ maxBatch: 5 }), NumpyOracle.start({ maxBatch: 3 }), NumpyOracle.start()])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(oracles.map((oracle) => oracle.close()));
  });

  const options = (workers: NumpyOracle[], chunkCases: number): VerifyOptions => ({
    ...plan({ casesPerCell: 30, seed: 21 }),
    goldenDir: join(ROOT, 'golden'),
    implementation: swappedGates,
    oracles: workers,
    chunkCases,
    // The 10 golden type 1 files that the swapped gates fail, and then 5 live cases.
    findingsPerKind: 15,
  });

  it('should give the same verdicts, counts, findings and report on 1, 2 or 3 workers, in chunks of any size', async () => {
    const runs = [
      await verify(options(oracles.slice(0, 1), 128)),
      await verify(options(oracles.slice(0, 2), 7)),
      await verify(options(oracles, 3)),
    ];
    expect(runs.map((r) => r.result.environment.jobs)).toEqual([1, 2, 3]);
    const [one, ...others] = runs;
    // Broken type 1 cells: many findings, so order and the cap both matter.
    expect(one.result.cells.type1.live.failures).toBeGreaterThan(20);
    expect(one.result.findingsOmitted).toBeGreaterThan(0);
    const page = (r: (typeof runs)[number]) => verifyReportHtml(r).replace(/; \d NumPy workers?/, '');
    for (const other of others) {
      expect({ ...other.result, environment: undefined }).toEqual({ ...one.result, environment: undefined });
      expect(other.report).toEqual(one.report);
      expect(page(other)).toBe(page(one));
    }
    expect(reportDataOf(one.result.report)).toEqual(one.report);
  });
});
