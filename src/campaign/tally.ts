/**
 * Counting judged cases, in campaign order, in bounded memory: per cell and source the verdict
 * counts, each check's counts and the largest errors with where they are; the findings, at most
 * FINDINGS_PER_KIND per cell and verdict (the first in campaign order; the rest counted); ULP
 * histograms; and the WORST_KEPT cases with the largest errors, for the report. Whatever `--cases` is, this holds a
 * few thousand findings and five cases' arrays. A float32 implementation's distance from float64
 * NumPy is gathered beside its verdicts.
 */
import type { CellType } from '../cells/schema.js';
import { ulpDistance } from '../numeric/ulp.js';
import { describeVerdict } from '../judge/verdict.js';
import { countChecks, emptyChecks } from './case-checks.js';
import type { CaseOutcome, FailedRun, JudgedCase } from './judge-case.js';
import { addBeside, emptyBeside } from './judging.js';
import { addToContrast, emptyContrast } from '../diagnosis/contrast.js';
import {
  beats,
  emptyStats,
  rankWorst,
  WORST_KEPT,
  type CellStats,
  type Finding,
  type ReportParts,
  type WorstCase,
} from './result.js';

const HISTOGRAM_BUCKETS = 65;

/** Six significant digits: the heatmap shows colours, and the JSON stays a fraction of the size. */
const digits6 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

type Kept = JudgedCase & { maxError: number };

export class Tally {
  private readonly stats = new Map<string, CellStats>();
  readonly findings: Finding[] = [];
  findingsOmitted = 0;
  private readonly findingsByKind = new Map<string, number>();
  private readonly histogram: ReportParts['ulpHistogram'] = { golden: {}, live: {} };
  private worst: Kept[] = [];

  constructor(private readonly findingsPerKind: number) {}

  statsFor(cell: CellType, source: 'golden' | 'live'): CellStats {
    const key = `${cell}:${source}`;
    let stats = this.stats.get(key);
    if (stats === undefined) {
      stats = { ...emptyStats(), checks: emptyChecks() };
      this.stats.set(key, stats);
    }
    return stats;
  }

  /** Keeps a finding unless FINDINGS_PER_KIND of its cell and verdict are kept already. */
  private keepFinding(finding: Finding): void {
    const kind = `${finding.cell}:${finding.verdict}`;
    const kept = this.findingsByKind.get(kind) ?? 0;
    if (kept < this.findingsPerKind) {
      this.findingsByKind.set(kind, kept + 1);
      this.findings.push(finding);
    } else {
      this.findingsOmitted++;
    }
  }

  /** Cases counted so far, judged or failed, golden and live. */
  casesCounted(): number {
    let n = 0;
    for (const stats of this.stats.values()) n += stats.cases;
    return n;
  }

  add(outcome: CaseOutcome): void {
    if ('runError' in outcome) {
      this.addRunFailure(outcome);
      return;
    }
    const judged = outcome;
    const { verdict, cell, name, order, review, source } = judged;
    const stats = this.statsFor(cell, source === 'golden' ? 'golden' : 'live');
    stats.cases++;
    countChecks(stats.checks, review, verdict.kind === 'port-bug');
    // A case fails when any check fails; it is counted once, under its NumPy verdict otherwise.
    const failed = verdict.kind === 'port-bug' || review.failures.length > 0;
    if (failed) stats.failures++;
    if (judged.features !== undefined) addToContrast((stats.contrast ??= emptyContrast()), judged.features, failed);
    for (const f of review.failures) this.keepFinding({ cell, case: name, order, source, verdict: 'port-bug', check: f.check, description: `PORT BUG: ${f.description}` });
    for (const q of review.quirks) this.keepFinding({ cell, case: name, order, source, verdict: 'platform-quirk', check: q.check, description: q.description });
    const c = verdict.comparison;
    if (verdict.kind === 'agrees') {
      if (!failed && review.quirks.length > 0) stats.quirks++;
      else if (!failed) stats.agree++;
      if (c.worstAbs !== undefined && beats(c.maxAbs, order, stats.maxAbs, stats.maxAbsAt)) {
        stats.maxAbs = c.maxAbs;
        stats.maxAbsAt = { case: name, order, key: c.worstAbs.key, step: c.worstAbs.step, unit: c.worstAbs.unit };
      }
      if (c.worstUlps !== undefined && beats(c.maxUlps, order, stats.maxUlps, stats.maxUlpsAt)) {
        stats.maxUlps = c.maxUlps;
        stats.maxUlpsAt = { case: name, order, key: c.worstUlps.key, step: c.worstUlps.step, unit: c.worstUlps.unit };
      }
    } else {
      if (verdict.kind === 'ill-conditioned' && !failed) stats.illConditioned++;
      if (verdict.kind === 'platform-quirk' && !failed) stats.quirks++;
      this.keepFinding({ cell, case: name, order, source, verdict: verdict.kind, check: 'numpy', description: describeVerdict(verdict), spread: verdict.spread, worst: verdict.worst });
    }
    // The chaotic probe parts from float64 by design: its distance would say nothing.
    if (judged.float64 !== undefined && source !== 'probe') addBeside((stats.float64 ??= emptyBeside()), judged.actual, judged.float64);
    this.addHistogram(judged);
    this.keepIfWorst(judged);
  }

  private addRunFailure({ cell, name, order, source, runError, features }: FailedRun): void {
    const stats = this.statsFor(cell, source === 'golden' ? 'golden' : 'live');
    stats.cases++;
    stats.failures++;
    if (features !== undefined) addToContrast((stats.contrast ??= emptyContrast()), features, true);
    countChecks(stats.checks, undefined, false);
    this.keepFinding({ cell, case: name, order, source, verdict: 'port-bug', check: 'run', description: `PORT BUG: the implementation failed on the case: ${runError}` });
  }

  private addHistogram({ cell, actual, expected, verdict, source }: JudgedCase): void {
    if (verdict.kind === 'port-bug') return;
    const byKey = ((source === 'golden' ? this.histogram.golden : this.histogram.live)[cell] ??= {});
    for (const [key, exp] of Object.entries(expected)) {
      const counts = (byKey[key] ??= new Array<number>(HISTOGRAM_BUCKETS).fill(0));
      const act = actual[key];
      for (let k = 0; k < exp.length; k++) {
        const d = ulpDistance(act[k], exp[k]);
        if (!Number.isFinite(d)) continue;
        counts[d === 0 ? 0 : Math.min(HISTOGRAM_BUCKETS - 1, Math.floor(Math.log2(d)) + 1)]++;
      }
    }
  }

  private keepIfWorst(judged: JudgedCase): void {
    const maxError = judged.verdict.kind === 'agrees' ? judged.verdict.comparison.maxAbs : (judged.verdict.worst?.abs ?? 0);
    if (!Number.isFinite(maxError) || maxError === 0) return;
    const candidate = { ...judged, maxError };
    if (this.worst.length >= WORST_KEPT && rankWorst(candidate, this.worst[this.worst.length - 1]) >= 0) return;
    this.worst.push(candidate);
    this.worst.sort(rankWorst);
    this.worst.length = Math.min(this.worst.length, WORST_KEPT);
  }

  /** The report's data; the first worst case carries its heatmap. */
  reportParts(): ReportParts {
    const worst = this.worst.map((w, rank): WorstCase => {
      const steps = Object.values(w.expected)[0].length / w.hidden;
      const error = new Array<number>(steps).fill(0);
      const spread = w.stepSpread === undefined ? undefined : new Array<number>(steps).fill(0);
      for (const [key, exp] of Object.entries(w.expected)) {
        const act = w.actual[key];
        for (let k = 0; k < exp.length; k++) {
          const d = Math.abs(act[k] - exp[k]);
          const t = Math.floor(k / w.hidden);
          if (d > error[t]) error[t] = d;
        }
        if (spread !== undefined) {
          const s = w.stepSpread![key];
          for (let t = 0; t < steps; t++) spread[t] = Math.max(spread[t], s[t]);
        }
      }
      const entry: WorstCase = { case: w.name, order: w.order, verdict: w.verdict.kind, maxError: w.maxError, error, spread };
      if (rank === 0) {
        const key = 'Output';
        const exp = w.expected[key];
        const act = w.actual[key];
        const rows = (f: (k: number) => number) =>
          Array.from({ length: steps }, (_, t) => Array.from({ length: w.hidden }, (_, j) => digits6(f(t * w.hidden + j))));
        entry.heatmap = { key, steps, hidden: w.hidden, expected: rows((k) => exp[k]), error: rows((k) => Math.abs(act[k] - exp[k])) };
      }
      return entry;
    });
    return { ulpHistogram: this.histogram, worst };
  }
}
