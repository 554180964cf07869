/**
 * What `verify` answers, as `--json` prints it and `merge` reads it back. The shape is made to
 * merge: within `live` stats every count sums and every `max*` keeps the largest with its `*At`
 * location (ties go to the lower `order`); `golden` is the same in every shard; findings
 * concatenate and sort by `order`; the report's histograms sum and its worst cases are re-ranked.
 * A field added later merges by the same rules if it follows them (./merge.ts), so per-cell
 * counts and findings others add are carried through without changes to merge.
 */
import type { CellType } from '../cells/schema.js';
import type { Dtype } from '../judge/tolerance.js';
import type { JudgedElement, VerdictKind } from '../judge/verdict.js';
import type { CheckName, CheckStats } from './case-checks.js';
import type { ErrorBeside } from './judging.js';
import type { DiagnosisRecord } from '../diagnosis/record.js';
import type { Contrast } from '../diagnosis/contrast.js';

/** Names this document for `merge`; bumped when the shape changes incompatibly. */
export const RESULT_FORMAT = 'lstm-parity verify result 1';

/** Findings kept in memory and in the output per cell and verdict; the rest are counted. */
export const FINDINGS_PER_KIND = 500;

/** Worst cases kept for the report's plots. */
export const WORST_KEPT = 5;

/** Where a largest error was found: the case, and the element in it. */
export interface ErrorLocation {
  /** The case's name (a golden path or a live case's name). */
  case: string;
  /** The case's place in the whole campaign (./plan.ts). */
  order: number;
  /** The seed key, */
  key: string;
  /** step */
  step: number;
  /** and unit of the element. */
  unit: number;
}

/** "CASE KEY step T unit J", or '' where no element was located. */
export function describeLocation(where: ErrorLocation | undefined): string {
  return where === undefined ? '' : `${where.case} ${where.key} step ${where.step} unit ${where.unit}`;
}

/** Counts and largest errors over one cell's golden or live cases. */
export interface CellStats {
  /** Cases judged. */
  cases: number;
  /** Cases that agree with NumPy within tolerance. */
  agree: number;
  /** Cases that differ within NumPy's own noise: reported, not failed. */
  illConditioned: number;
  /** Cases with a reference platform quirk (from NumPy's comparison or another check): reported, not failed. */
  quirks: number;
  /** Port bugs. */
  failures: number;
  /** Largest absolute error and ULP distance among cases that agree. */
  maxAbs: number;
  /** Where maxAbs was found (the earliest case on a tie). */
  maxAbsAt?: ErrorLocation;
  /** The largest ULP distance among cases that agree. */
  maxUlps: number;
  /** Where maxUlps was found (the earliest case on a tie). */
  maxUlpsAt?: ErrorLocation;
  /** Per check (./case-checks.ts): the cases it ran on, failed, or could not run on. */
  checks: Record<string, CheckStats>;
  /** A float32 implementation only: its distance from the float64 seed, reported, not judged. */
  float64?: ErrorBeside;
  /** Failing and passing cases, and per input feature how many of each have it (../diagnosis/contrast.ts). */
  contrast?: Contrast;
}

/** One cell's part of a verify result. */
export interface CellResult {
  /** Golden and live cases together. */
  cases: number;
  /** Port bugs and cases the implementation failed on, golden and live. */
  failures: number;
  /** The golden corpus's cases of this cell. */
  golden: CellStats;
  /** The live campaign's cases (and chaotic probe) of this cell. */
  live: CellStats;
  /** Golden and live checks together (the sum of golden.checks and live.checks). */
  checks: Record<string, CheckStats>;
}

/** Where a judged case came from: the golden corpus, the live campaign, or the chaotic probe. */
export type CaseSource = 'golden' | 'live' | 'probe';

/** A case that did not simply agree, named by the check that caught it: a port bug, an ill-conditioned case or a quirk. */
export interface Finding {
  /** The case's cell. */
  cell: CellType;
  /** The case's name. */
  case: string;
  /** The case's place in the whole campaign (./plan.ts). */
  order: number;
  /** Golden, live or probe. */
  source: CaseSource;
  /** What it means; only 'port-bug' fails the run. */
  verdict: Exclude<VerdictKind, 'agrees'>;
  /** The check that found it (./case-checks.ts): 'numpy', 'entry-point:batch', 'fact:gate-saturation', ... */
  check: CheckName;
  /** One line of evidence, e.g. the verdict's worst element or the broken fact. */
  description: string;
  /** NumPy's largest spread on the case, when its noise floor was measured. */
  spread?: number;
  /** The element furthest beyond tolerance plus noise (NumPy's comparison only). */
  worst?: JudgedElement;
}

/** ULP histograms per cell and key: bucket 0 = 0 ULP, bucket b = [2^(b-1), 2^b). */
export type UlpHistogram = Record<string, Record<string, number[]>>;

/** One of the cases with the largest errors, as the report plots it. */
export interface WorstCase {
  case: string;
  order: number;
  verdict: VerdictKind;
  /** The largest absolute error of the case: what the worst cases are ranked by. */
  maxError: number;
  /** Per step, the largest absolute error over keys and units. */
  error: number[];
  /** Per step, NumPy's own spread, where it was measured. */
  spread?: number[];
  /** The first of the worst cases only: its Output and the port's error, T x H, to 6 digits. */
  heatmap?: { key: string; steps: number; hidden: number; expected: number[][]; error: number[][] };
}

/** The report's data in a form that merges: golden and live histograms apart, so golden counts once. */
export interface ReportParts {
  ulpHistogram: { golden: UlpHistogram; live: UlpHistogram };
  worst: WorstCase[];
}

/** What was run: enough to replay the campaign, and what `merge` requires shards to share. */
export interface CampaignInfo {
  /** The campaign seed. */
  seed: number;
  /** Live cases per cell, before sharding. */
  casesPerCell: number;
  /** The cells judged. */
  cells: CellType[];
  /** Which shard of how many this result is (1 of 1 unsharded). */
  shard: { index: number; count: number };
  /** Whether the chaotic probes ran. */
  probes: boolean;
  /** The sha256 of golden/MANIFEST.json and how many files it lists. */
  golden: { manifestSha256: string; files: number };
  implementation: {
    name: string;
    version?: string;
    dtype: Dtype;
    cells: readonly CellType[];
    keys?: readonly string[];
    /** The most cases it takes in one request, when it takes batches. */
    batch?: number;
  };
  /** What the implementation was judged against, and by which policy (./judging.ts). */
  judging: string;
  findingsPerKind: number;
}

/** The machine a verify result comes from: NumPy's differences depend on it (BLAS above all). */
export interface VerifyEnvironment {
  /** Node's version. */
  node: string;
  /** Whether a NumPy worker ran; without one only the golden corpus was judged. */
  numpyAvailable: boolean;
  /** Python's version, from the first worker. */
  python?: string;
  /** NumPy's version. */
  numpy?: string;
  /** The BLAS NumPy uses: name, version and core, as NumPy reports them. */
  blas?: string;
  /** NumPy workers the live campaign ran on. */
  jobs?: number;
  /** Why NumPy is unavailable, when it is. */
  problem?: string;
}

/** What verify answers, as `verify --json` prints it and `merge` reads it back (the module says how it merges). */
export interface VerifyResult {
  /** Always {@link RESULT_FORMAT}; `merge` refuses anything else. */
  format: typeof RESULT_FORMAT;
  /** This package's version. */
  lstmParity: string;
  /**
   * No port bug in any cell (a failed run counts as one), no live campaign cut short, and an
   * implementation that never crashed.
   */
  ok: boolean;
  /** The machine the result comes from. */
  environment: VerifyEnvironment;
  /** What was run. */
  campaign: CampaignInfo;
  /** Set by `merge`: how many shards this result combines. */
  merged?: { shards: number };
  /** Per cell judged. */
  cells: Record<string, CellResult>;
  /** Set when the golden corpus could not be judged (a float32 implementation without NumPy). */
  goldenSkipped?: string;
  liveSkipped?: string;
  /**
   * Set when the NumPy worker failed for good mid-campaign (see NumpyOracle): the cases judged
   * before it are in `cells`, and these were not judged. An incomplete run is not ok.
   */
  liveIncomplete?: { reason: string; notJudged: number; planned: number };
  /**
   * Set when the implementation failed for good (its process gone, a timeout): the cases judged
   * before are in `cells`; these, golden and live, were not judged. An incomplete run is not ok.
   */
  implementationFailed?: { reason: string; notJudged: number; planned: number };
  /** NumPy workers replaced after dying, misbehaving or hanging, with the first causes: the environment's faults, which do not fail the run. */
  workerRestarts: { count: number; causes: string[] };
  /**
   * The implementation's process restarted after a crash (a command: it died, was killed or broke
   * the protocol), with the first causes. Each case in flight was sent again to a fresh process
   * and judged on its answer, but an implementation that crashes is not OK: any restart fails the
   * run. Absent from results of earlier versions, where it was not counted.
   */
  implementationRestarts?: { count: number; causes: string[] };
  /** Every case that did not simply agree, ordered by `order`, up to `findingsPerKind` per cell and verdict. */
  findings: Finding[];
  /** Findings over FINDINGS_PER_KIND per cell and verdict: counted in `cells`, not listed. */
  findingsOmitted: number;
  /**
   * The port bugs diagnosed (shrunk, localized, explained: ../diagnosis/), in campaign order, and
   * how many port-bug cases were not (past `--shrink-cases`); absent when diagnosis was not asked.
   */
  diagnoses?: { records: DiagnosisRecord[]; notDiagnosed: number };
  /** The HTML report's data in mergeable form; {@link reportDataOf} turns it into {@link ReportData}. */
  report: ReportParts;
}

/** Extra data for the HTML report: distributions and the worst cases, not needed for the verdict. */
export interface ReportData {
  /** Per cell and key: counts of elements by ULP distance, golden and live together. */
  ulpHistogram: UlpHistogram;
  /** The cases with the largest errors: per step, the largest absolute error over keys and units. */
  errorBySteps: { case: string; verdict: VerdictKind; error: number[]; spread?: number[] }[];
  /** The case with the largest error: NumPy's Output and the port's absolute error, T x H. */
  worstCase?: { case: string; key: string; steps: number; hidden: number; expected: number[][]; error: number[][] };
}

/** Restart causes listed; the count covers every restart. */
export const RESTART_CAUSES_KEPT = 10;

/** Empty stats, with the locations' places reserved so that every result lists its fields in one order. */
export function emptyStats(): CellStats {
  return { cases: 0, agree: 0, illConditioned: 0, quirks: 0, failures: 0, maxAbs: 0, maxAbsAt: undefined, maxUlps: 0, maxUlpsAt: undefined, checks: {} };
}

/** Two sources' checks together: counts sum, reasons are the distinct ones of both. */
export function addChecks(a: Record<string, CheckStats>, b: Record<string, CheckStats>): Record<string, CheckStats> {
  const out: Record<string, CheckStats> = structuredClone(a);
  for (const [check, stats] of Object.entries(b)) {
    const into = (out[check] ??= { cases: 0, failures: 0, notChecked: 0 });
    into.cases += stats.cases;
    into.failures += stats.failures;
    into.notChecked += stats.notChecked;
    if (stats.reasons !== undefined) into.reasons = [...new Set([...(into.reasons ?? []), ...stats.reasons])];
  }
  return out;
}

/** Whether (value, order) beats the current maximum: larger, or as large and earlier in the campaign. */
export function beats(value: number, order: number, current: number, currentAt: { order: number } | undefined): boolean {
  return value > current || (value === current && currentAt !== undefined && order < currentAt.order);
}

/** Worst cases in rank order: larger error first, then earlier in the campaign. */
export function rankWorst(a: Pick<WorstCase, 'maxError' | 'order'>, b: Pick<WorstCase, 'maxError' | 'order'>): number {
  return b.maxError - a.maxError || a.order - b.order;
}

function sumHistograms(parts: readonly UlpHistogram[]): UlpHistogram {
  const out: UlpHistogram = {};
  for (const part of parts) {
    for (const [cell, byKey] of Object.entries(part)) {
      const cellOut = (out[cell] ??= {});
      for (const [key, counts] of Object.entries(byKey)) {
        const sum = (cellOut[key] ??= new Array<number>(counts.length).fill(0));
        counts.forEach((n, b) => (sum[b] += n));
      }
    }
  }
  return out;
}

export function addHistograms(a: UlpHistogram, b: UlpHistogram): UlpHistogram {
  return sumHistograms([a, b]);
}

/** The report's view of the parts: one histogram per cell, the worst cases' curves, the heatmap. */
export function reportDataOf(parts: ReportParts): ReportData {
  const top = parts.worst[0];
  return {
    ulpHistogram: sumHistograms([parts.ulpHistogram.golden, parts.ulpHistogram.live]),
    errorBySteps: parts.worst.map((w) => ({ case: w.case, verdict: w.verdict, error: w.error, spread: w.spread })),
    worstCase: top?.heatmap === undefined ? undefined : { case: top.case, ...top.heatmap },
  };
}
