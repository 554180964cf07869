/**
 * The main job: do the TypeScript cells agree with NumPy, how closely, and where not?
 *
 * 1. The golden corpus: every committed file through its cell, judged against its recorded noise
 *    floor (no Python needed).
 * 2. A live differential campaign: random cases (./random-case.ts: well-conditioned ones, long
 *    ones past the chunking of input projections, the explorer's edge cases) through both the
 *    cell and the NumPy worker, plus the chaotic probe. A case that does not agree has its noise
 *    floor measured and gets a verdict (../judge/verdict.ts).
 *
 * Every case, golden or live, also goes through the checks of ./case-checks.ts: signed zeros,
 * every entry point of this package's cells, and the exact facts that need no reference.
 *
 * Everything not 'agrees' becomes a finding, named by the check that caught it. Port bugs are
 * failures; ill-conditioned cases and reference platform quirks are reported with their evidence
 * but do not fail the run.
 */
import type { CellType } from '../cells/schema.js';
import { lstmParityImplementation } from '../implementations/lstm-parity.js';
import { goldenPasses, judgeGoldenFile } from '../judge/golden.js';
import { ImplementationError, runImplementation, type Implementation } from '../judge/implementation.js';
import { type GoldenFile } from '../golden/format.js';
import { loadGoldenFile, readManifest } from '../golden/files.js';
import { FLOAT64_TOLERANCE } from '../judge/tolerance.js';
import { ulpDistance } from '../numeric/ulp.js';
import { NumpyWorkerError, type NumpyOracle } from '../oracle/numpy-oracle.js';
import { toFlatCase } from '../judge/flat-case.js';
import type { FlatCase, FlatOutputs, ReferenceResult } from '../judge/flat-case.js';
import { probePython } from '../oracle/python.js';
import { measureNoiseFloors } from '../judge/noise-floor.js';
import { campaignCase, chaoticProbe, type CampaignCase } from './random-case.js';
import { CheckTally, reviewCases, type CaseReview, type CheckName, type CheckStats } from './case-checks.js';
import { describeVerdict, judge, type JudgedElement, type Verdict, type VerdictKind } from '../judge/verdict.js';

export interface VerifyOptions {
  /** Live cases per cell (before sharding). */
  casesPerCell: number;
  seed: number;
  /** 1-based shard index and shard count: shard i takes the cases whose index is i - 1 mod n. */
  shard: { index: number; count: number };
  cells: readonly CellType[];
  goldenDir: string;
  /** Include the chaotic probe (in shard 1 only). */
  probes: boolean;
  /** What is judged; this package's cells when not given. */
  implementation?: Implementation;
  /** Started by the caller, or undefined when NumPy is unavailable. */
  oracle?: NumpyOracle;
  onProgress?: (done: number, total: number) => void;
}

export interface Location {
  case: string;
  key: string;
  step: number;
  unit: number;
}

export interface CellStats {
  cases: number;
  agree: number;
  illConditioned: number;
  quirks: number;
  /** Port bugs. */
  failures: number;
  /** Largest absolute error and ULP distance among cases that agree. */
  maxAbs: number;
  maxAbsAt?: Location;
  maxUlps: number;
  maxUlpsAt?: Location;
}

export interface Finding {
  cell: CellType;
  case: string;
  source: 'golden' | 'live' | 'probe';
  verdict: Exclude<VerdictKind, 'agrees'>;
  /** The check that found it (./case-checks.ts): 'numpy', 'entry-point:batch', 'fact:gate-saturation', ... */
  check: CheckName;
  description: string;
  spread?: number;
  worst?: JudgedElement;
}

/** Extra data for the HTML report: distributions and the worst cases, not needed for the verdict. */
export interface ReportData {
  /** Per cell and key: counts of elements by ULP distance, bucket 0 = 0 ULP, bucket b = [2^(b-1), 2^b). */
  ulpHistogram: Record<string, Record<string, number[]>>;
  /** The cases with the largest errors: per step, the largest absolute error over keys and units. */
  errorBySteps: { case: string; verdict: VerdictKind; error: number[]; spread?: number[] }[];
  /** The case with the largest error: NumPy's Output and the port's absolute error, T x H. */
  worstCase?: { case: string; key: string; steps: number; hidden: number; expected: number[][]; error: number[][] };
}

export interface VerifyResult {
  ok: boolean;
  environment: {
    node: string;
    numpyAvailable: boolean;
    python?: string;
    numpy?: string;
    blas?: string;
    problem?: string;
  };
  seed: number;
  shard: string;
  /** Per cell; `checks` says, per check, how many cases it ran on, failed, or could not run on. */
  cells: Record<string, { cases: number; failures: number; golden: CellStats; live: CellStats; checks: Record<string, CheckStats> }>;
  liveSkipped?: string;
  /**
   * Set when the NumPy worker failed for good mid-campaign (see NumpyOracle): the cases judged
   * before it are in `cells`, and these were not judged. An incomplete run is not ok.
   */
  liveIncomplete?: { reason: string; notJudged: number; planned: number };
  findings: Finding[];
}

const HISTOGRAM_BUCKETS = 65;
const WORST_KEPT = 5;

function emptyStats(): CellStats {
  return { cases: 0, agree: 0, illConditioned: 0, quirks: 0, failures: 0, maxAbs: 0, maxUlps: 0 };
}

interface Judged {
  name: string;
  cell: CellType;
  source: Finding['source'];
  verdict: Verdict;
  actual: Record<string, Float64Array>;
  expected: Record<string, Float64Array>;
  hidden: number;
  stepSpread?: Record<string, ArrayLike<number>>;
  review: CaseReview;
}

class Tally {
  readonly stats = new Map<string, CellStats>();
  readonly findings: Finding[] = [];
  readonly checks = new CheckTally();
  readonly histogram: ReportData['ulpHistogram'] = {};
  private worst: (Judged & { maxError: number })[] = [];

  statsFor(cell: CellType, source: 'golden' | 'live'): CellStats {
    const key = `${cell}:${source}`;
    let stats = this.stats.get(key);
    if (stats === undefined) {
      stats = emptyStats();
      this.stats.set(key, stats);
    }
    return stats;
  }

  add(judged: Judged): void {
    const { verdict, cell, name, review, source } = judged;
    const stats = this.statsFor(cell, source === 'golden' ? 'golden' : 'live');
    stats.cases++;
    this.checks.add(cell, review, verdict.kind === 'port-bug');
    // A case fails when any check fails; it is counted once, under its NumPy verdict otherwise.
    const failed = verdict.kind === 'port-bug' || review.failures.length > 0;
    if (failed) stats.failures++;
    for (const f of review.failures) this.findings.push({ cell, case: name, source, verdict: 'port-bug', check: f.check, description: `PORT BUG: ${f.description}` });
    for (const q of review.quirks) this.findings.push({ cell, case: name, source, verdict: 'platform-quirk', check: q.check, description: q.description });
    const c = verdict.comparison;
    if (verdict.kind === 'agrees') {
      if (!failed && review.quirks.length > 0) stats.quirks++;
      else if (!failed) stats.agree++;
      if (c.worstAbs !== undefined && c.maxAbs > stats.maxAbs) {
        stats.maxAbs = c.maxAbs;
        stats.maxAbsAt = { case: name, key: c.worstAbs.key, step: c.worstAbs.step, unit: c.worstAbs.unit };
      }
      if (c.worstUlps !== undefined && c.maxUlps > stats.maxUlps) {
        stats.maxUlps = c.maxUlps;
        stats.maxUlpsAt = { case: name, key: c.worstUlps.key, step: c.worstUlps.step, unit: c.worstUlps.unit };
      }
    } else {
      if (verdict.kind === 'ill-conditioned' && !failed) stats.illConditioned++;
      if (verdict.kind === 'platform-quirk' && !failed) stats.quirks++;
      this.findings.push({ cell, case: name, source, verdict: verdict.kind, check: 'numpy', description: describeVerdict(verdict), spread: verdict.spread, worst: verdict.worst });
    }
    this.addHistogram(judged);
    this.keepIfWorst(judged);
  }

  /** A case the implementation failed to run: a port bug, with nothing to compare. */
  addRunFailure(cell: CellType, source: Finding['source'], name: string, error: ImplementationError): void {
    const stats = this.statsFor(cell, source === 'golden' ? 'golden' : 'live');
    stats.cases++;
    stats.failures++;
    this.checks.add(cell, undefined, false);
    this.findings.push({ cell, case: name, source, verdict: 'port-bug', check: 'run', description: `PORT BUG: the implementation failed on the case: ${error.message}` });
  }

  private addHistogram({ cell, actual, expected, verdict }: Judged): void {
    if (verdict.kind === 'port-bug') return;
    const byKey = (this.histogram[cell] ??= {});
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

  private keepIfWorst(judged: Judged): void {
    const maxError = judged.verdict.kind === 'agrees' ? judged.verdict.comparison.maxAbs : (judged.verdict.worst?.abs ?? 0);
    if (!Number.isFinite(maxError) || maxError === 0) return;
    if (this.worst.length >= WORST_KEPT && maxError <= this.worst[this.worst.length - 1].maxError) return;
    this.worst.push({ ...judged, maxError });
    this.worst.sort((a, b) => b.maxError - a.maxError);
    this.worst.length = Math.min(this.worst.length, WORST_KEPT);
  }

  reportData(): ReportData {
    const errorBySteps = this.worst.map((w) => {
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
      return { case: w.name, verdict: w.verdict.kind, error, spread };
    });
    const top = this.worst[0];
    let worstCase: ReportData['worstCase'];
    if (top !== undefined) {
      const key = 'Output';
      const exp = top.expected[key];
      const act = top.actual[key];
      const steps = exp.length / top.hidden;
      const rows = (f: (k: number) => number) =>
        Array.from({ length: steps }, (_, t) => Array.from({ length: top.hidden }, (_, j) => f(t * top.hidden + j)));
      worstCase = { case: top.name, key, steps, hidden: top.hidden, expected: rows((k) => exp[k]), error: rows((k) => Math.abs(act[k] - exp[k])) };
    }
    return { ulpHistogram: this.histogram, errorBySteps, worstCase };
  }
}

async function judgeGolden(file: GoldenFile, index: number, impl: Implementation, tally: Tally): Promise<void> {
  const name = `golden/${file.cell}/${file.name}`;
  let judged: Awaited<ReturnType<typeof judgeGoldenFile>>;
  try {
    judged = await judgeGoldenFile(file, impl);
  } catch (error) {
    if (!(error instanceof ImplementationError)) throw error;
    tally.addRunFailure(file.cell, 'golden', name, error);
    return;
  }
  // A golden file fails unless it agrees or gets exactly the verdict it was kept for: a case that
  // used to agree and now is merely "ill-conditioned" means the port moved.
  const verdict: Verdict = goldenPasses(file, judged.verdict) ? judged.verdict : { ...judged.verdict, kind: 'port-bug' };
  const flat = toFlatCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  const agreed = judged.verdict.kind === 'agrees' ? judged.expected : undefined;
  const [review] = await reviewCases(impl, [{ name, index, flat, input: file.case, actual: judged.actual, agreed }]);
  tally.add({ name, cell: file.cell, source: 'golden', ...judged, verdict, review });
}

/** NumPy's outputs for the keys the implementation returned. */
function pick(outputs: Record<string, Float64Array>, actual: Record<string, Float64Array>): Record<string, Float64Array> {
  return Object.fromEntries(Object.keys(actual).map((key) => [key, outputs[key]]));
}

/** The live cases of this shard, in a deterministic order: per cell, probe first, then by index. */
export function plannedCases(options: Pick<VerifyOptions, 'cells' | 'casesPerCell' | 'seed' | 'shard' | 'probes'>): CampaignCase[] {
  const cases: CampaignCase[] = [];
  for (const cell of options.cells) {
    if (options.probes && options.shard.index === 1) cases.push(chaoticProbe(cell));
    for (let index = options.shard.index - 1; index < options.casesPerCell; index += options.shard.count) {
      cases.push(campaignCase(cell, options.seed, index));
    }
  }
  return cases;
}

const CHUNK = 256;

export async function verify(options: VerifyOptions): Promise<{ result: VerifyResult; report: ReportData }> {
  const impl = options.implementation ?? lstmParityImplementation();
  const tally = new Tally();
  const environment: VerifyResult['environment'] = { node: process.version, numpyAvailable: false };
  const probe = await probePython();
  if (probe.ok) Object.assign(environment, { python: probe.pythonVersion, numpy: probe.numpyVersion });
  else environment.problem = probe.reason;

  const manifest = readManifest(options.goldenDir);
  const goldenPaths = Object.keys(manifest.files).sort();
  const planned = options.oracle === undefined ? [] : plannedCases(options);
  const total = goldenPaths.length + planned.length;
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, total);
  };

  for (const [index, path] of goldenPaths.entries()) {
    const file = loadGoldenFile(options.goldenDir, path, manifest);
    if (options.cells.includes(file.cell)) await judgeGolden(file, index, impl, tally);
    progress(1);
  }

  let liveSkipped: string | undefined;
  let liveIncomplete: VerifyResult['liveIncomplete'];
  const oracle = options.oracle;
  if (oracle === undefined) {
    liveSkipped = `NumPy is unavailable: ${environment.problem ?? 'no oracle'}`;
  } else {
    environment.numpyAvailable = true;
    environment.blas = [oracle.info.blas.name, oracle.info.blas.version, oracle.info.blas.corename && `core ${oracle.info.blas.corename}`].filter(Boolean).join(' ');
    for (let start = 0; start < planned.length; start += CHUNK) {
      const chunk = planned.slice(start, start + CHUNK);
      const { failure, notJudged } = await runChunk(oracle, chunk, impl, tally, options.seed);
      progress(chunk.length);
      if (failure !== undefined) {
        // The message without evaluate's own count, which is relative to the chunk.
        const reason = failure.cause instanceof NumpyWorkerError ? failure.cause.message : failure.message;
        liveIncomplete = { reason, notJudged: notJudged + planned.length - start - chunk.length, planned: planned.length };
        break;
      }
    }
  }

  const cells: VerifyResult['cells'] = {};
  for (const cell of options.cells) {
    const golden = tally.statsFor(cell, 'golden');
    const live = tally.statsFor(cell, 'live');
    cells[cell] = { cases: golden.cases + live.cases, failures: golden.failures + live.failures, golden, live, checks: tally.checks.summary(cell) };
  }
  const ok = Object.values(cells).every((cell) => cell.failures === 0) && liveIncomplete === undefined;
  const result: VerifyResult = {
    ok,
    environment,
    seed: options.seed,
    shard: `${options.shard.index}/${options.shard.count}`,
    cells,
    liveSkipped,
    liveIncomplete,
    findings: tally.findings,
  };
  return { result, report: tally.reportData() };
}

/**
 * Judges one chunk of live cases. If the NumPy worker fails for good, the cases it evaluated
 * before failing are still judged and the failure is returned with how many were not.
 */
async function runChunk(
  oracle: NumpyOracle,
  chunk: readonly CampaignCase[],
  impl: Implementation,
  tally: Tally,
  seed: number,
): Promise<{ failure?: NumpyWorkerError; notJudged: number }> {
  const cases: FlatCase[] = chunk.map((c) => toFlatCase(c.cell, c.value, { allowNonFinite: c.allowNonFinite }));
  let failure: NumpyWorkerError | undefined;
  let results: readonly ReferenceResult[];
  try {
    results = await oracle.evaluate(cases);
  } catch (error) {
    if (!(error instanceof NumpyWorkerError)) throw error;
    failure = error;
    results = error.results;
  }
  const judged: Judged[] = [];
  const unsettled: number[] = [];
  const ran: number[] = [];
  for (const [k, result] of results.entries()) {
    const c = chunk[k];
    if (!result.ok) throw new Error(`${c.name}: NumPy could not evaluate it: ${result.error}`);
    const source = c.index < 0 ? 'probe' : 'live';
    let actual: FlatOutputs;
    try {
      actual = await runImplementation(impl, cases[k], c.name, c.value);
    } catch (error) {
      if (!(error instanceof ImplementationError)) throw error;
      tally.addRunFailure(c.cell, source, c.name, error);
      continue;
    }
    const expected = pick(result.outputs, actual);
    const verdict = judge(cases[k], actual, expected, FLOAT64_TOLERANCE);
    if (verdict.kind !== 'agrees') unsettled.push(judged.length);
    judged.push({ name: c.name, cell: c.cell, source, verdict, actual, expected, hidden: cases[k].hidden, review: { ran: [], notChecked: [], failures: [], quirks: [] } });
    ran.push(k);
  }
  const reviews = await reviewCases(
    impl,
    ran.map((k, n) => ({ name: chunk[k].name, index: chunk[k].index, flat: cases[k], input: chunk[k].value, actual: judged[n].actual, agreed: judged[n].verdict.kind === 'agrees' ? judged[n].expected : undefined })),
  );
  reviews.forEach((review, n) => (judged[n].review = review));
  // Only cases that disagree need their noise floor: a few extra NumPy runs each.
  let settled = unsettled.length === 0;
  if (!settled && failure === undefined) {
    try {
      const floors = await measureNoiseFloors(
        oracle,
        unsettled.map((j) => cases[ran[j]]),
        unsettled.map((j) => judged[j].expected),
        { seed },
      );
      unsettled.forEach((j, n) => {
        const k = ran[j];
        judged[j].verdict = judge(cases[k], judged[j].actual, judged[j].expected, FLOAT64_TOLERANCE, floors[n]);
        judged[j].stepSpread = floors[n].stepSpread;
      });
      settled = true;
    } catch (error) {
      if (!(error instanceof NumpyWorkerError)) throw error;
      failure = error;
    }
  }
  // A disagreement without its noise floor cannot be judged: it counts as not judged.
  const kept = settled ? judged : judged.filter((_, j) => !unsettled.includes(j));
  for (const j of kept) tally.add(j);
  // Cases the implementation failed to run were tallied as port bugs above: they were judged.
  const runFailures = results.length - judged.length;
  return { failure, notJudged: chunk.length - kept.length - runFailures };
}
