/**
 * The main job: do the TypeScript cells agree with NumPy, how closely, and where not?
 *
 * 1. The golden corpus: every committed file through its cell, judged against its recorded noise
 *    floor (no Python needed). A damaged corpus (a changed, missing or unlisted file) stops the run
 *    before anything is judged.
 * 2. A live differential campaign: random cases (./random-case.ts: well-conditioned ones, long
 *    ones past the chunking of input projections, the explorer's edge cases), drawn as the
 *    campaign reaches them (./plan.ts), through both the implementation and NumPy on any number of
 *    workers (./live-campaign.ts), plus the chaotic probe. A case that does not agree has its noise
 *    floor measured and gets a verdict (../judge/verdict.ts).
 *
 * Every case, golden or live, also goes through the checks of ./case-checks.ts: signed zeros,
 * every entry point of this package's cells, and the exact facts that need no reference.
 *
 * Everything not 'agrees' becomes a finding, named by the check that caught it. Port bugs are
 * failures; ill-conditioned cases and reference platform quirks are reported with their evidence
 * but do not fail the run. Memory stays
 * bounded whatever the number of cases (./tally.ts); the result merges with other shards'
 * (./merge.ts).
 *
 * Any implementation can be judged (../judge/implementation.ts), in its precision (./judging.ts):
 * a float32 one meets NumPy in float32, the golden corpus included (its files record float64
 * answers, so it is judged live, and skipped without NumPy). A case the implementation fails on
 * is counted as a failure; when it fails for good, nothing more is asked of it and every case not
 * judged is counted in `implementationFailed`. One whose process crashed and was restarted is
 * counted in `implementationRestarts` and fails the run, whatever it answered after.
 */
import { lstmParityImplementation } from '../implementations/lstm-parity.js';
import type { CellType } from '../cells/schema.js';
import { expectedArrays, goldenPasses, judgeGoldenFile, judgeGoldenFileLive, type GoldenJudgement } from '../judge/golden.js';
import { ImplementationError, type Implementation } from '../judge/implementation.js';
import { toFlatCase } from '../judge/flat-case.js';
import type { Verdict } from '../judge/verdict.js';
import { checkCorpus, loadGoldenFile } from '../golden/files.js';
import type { GoldenFile } from '../golden/format.js';
import { NumpyWorkerError, type NumpyOracle } from '../oracle/numpy-oracle.js';
import { probePython } from '../oracle/python.js';
import { VERSION } from '../version.js';
import { reviewCases } from './case-checks.js';
import { failedRun, pick, type CaseOutcome } from './judge-case.js';
import { describeJudging, judgingFor, type Judging } from './judging.js';
import { nextTurn, runLiveCampaign } from './live-campaign.js';
import { liveCaseCount, plannedCases, type CampaignPlan } from './plan.js';
import { addChecks, FINDINGS_PER_KIND, reportDataOf, RESTART_CAUSES_KEPT, RESULT_FORMAT, type ReportData, type VerifyEnvironment, type VerifyResult } from './result.js';
import { Tally } from './tally.js';
import { diagnoseFindings, type DiagnosedFinding, type DiagnosisBudget } from './diagnose-findings.js';
import { recordOf } from '../diagnosis/record.js';
import { caseFeatures } from '../diagnosis/contrast.js';

export type { CellStats, ErrorLocation, Finding, ReportData, VerifyResult } from './result.js';

/**
 * What {@link verify} runs: the campaign plan (cells, cases per cell, seed, shard, probes), where
 * the golden corpus is, what to judge, and the NumPy workers for the live campaign.
 */
export interface VerifyOptions extends CampaignPlan {
  /** The golden corpus's directory, holding MANIFEST.json (the package's `golden/`). */
  goldenDir: string;
  /** What is judged; this package's cells when not given. */
  implementation?: Implementation;
  /** NumPy workers for the live campaign, started by the caller; none when NumPy is unavailable. */
  oracles?: readonly NumpyOracle[];
  /** One worker: the same as `oracles: [oracle]`. */
  oracle?: NumpyOracle;
  /** Why NumPy is unavailable, when no worker is given; probed when not said. */
  numpyProblem?: string;
  /** Findings listed per cell and verdict; the rest are counted (default FINDINGS_PER_KIND). */
  findingsPerKind?: number;
  /** Cases a worker takes at a time (default CHUNK_CASES); the results do not depend on it. */
  chunkCases?: number;
  /**
   * Called with cases done (golden files read, then live cases judged) out of the total, once
   * with 0 before the first.
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Diagnose the port bugs found (shrink, localize, explain: ../diagnosis/), within this budget;
   * none when not given.
   */
  diagnosis?: DiagnosisBudget;
  /** Called as each port bug's diagnosis starts. */
  onDiagnosis?: (name: string, k: number, total: number) => void;
}

/** What verify says about the machine, from the first worker's hello (or why there is none). */
export function verifyEnvironment(oracles: readonly NumpyOracle[], problem?: string): VerifyEnvironment {
  const first = oracles[0];
  if (first === undefined) return { node: process.version, numpyAvailable: false, problem: problem ?? 'no NumPy worker was started' };
  const { info } = first;
  const blas = [info.blas.name, info.blas.version, info.blas.corename && `core ${info.blas.corename}`].filter(Boolean).join(' ');
  return { node: process.version, numpyAvailable: true, python: info.python, numpy: info.numpy, blas, jobs: oracles.length };
}

/**
 * A golden file through the implementation and every check, or a FailedRun when it failed on the
 * case; a failure for good is thrown. A float32 implementation meets float32 NumPy live (the files
 * record float64 answers), and a file is then judged as a live case (the verdict a file was kept
 * for is a float64 finding); the recorded float64 answers give the error beside.
 */
export async function judgeGolden(file: GoldenFile, impl: Implementation, order: number, judging: Judging, name = `golden/${file.cell}/${file.name}`): Promise<CaseOutcome> {
  const c = { name, cell: file.cell, index: order, order };
  const float32 = judging.dtype === 'float32';
  let judged: GoldenJudgement;
  try {
    judged = float32 ? await judgeGoldenFileLive(file, impl, judging.reference!, judging.tolerance) : await judgeGoldenFile(file, impl);
  } catch (error) {
    if (!(error instanceof ImplementationError) || error.fatal) throw error;
    return failedRun({ ...c, flat: toFlatCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite }) }, 'golden', error);
  }
  // A golden file fails unless it agrees or gets exactly the verdict it was kept for: a case that
  // used to agree and now is merely "ill-conditioned" means the port moved. A saved finding
  // (verify --save-failures) is judged as the live case it was.
  const verdict: Verdict = float32 || file.finding !== undefined || goldenPasses(file, judged.verdict) ? judged.verdict : { ...judged.verdict, kind: 'port-bug' };
  const flat = toFlatCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  const agreed = judged.verdict.kind === 'agrees' && !float32 ? expectedArrays(file) : undefined;
  const [review] = await reviewCases(impl, [{ name: c.name, index: order, flat, input: file.case, actual: judged.actual, agreed }]);
  const measured = Object.keys(judged.stepSpread).length > 0;
  const float64 = float32 ? pick(expectedArrays(file), judged.actual) : undefined;
  return { name: c.name, cell: file.cell, source: 'golden', order, ...judged, stepSpread: float32 && !measured ? undefined : judged.stepSpread, verdict, review, float64, features: caseFeatures(flat) };
}

async function unavailableBecause(options: VerifyOptions): Promise<string> {
  if (options.numpyProblem !== undefined) return options.numpyProblem;
  const probe = await probePython();
  return probe.ok ? 'no NumPy worker was started' : probe.reason;
}

/** The message of a worker failure without evaluate's own count, which is relative to one request. */
function failureReason(failure: NumpyWorkerError): string {
  return failure.cause instanceof NumpyWorkerError ? failure.cause.message : failure.message;
}

/**
 * Runs verify's job: the golden corpus, then the live campaign on the given workers (skipped,
 * and said so in `liveSkipped`, when there are none), every case through every check. Does not
 * start or close workers: the caller owns them.
 *
 * @returns the result (`verify --json`'s document; `result.ok` is the verdict) and the HTML
 *   report's data.
 * @throws {@link GoldenCorpusError} when the corpus is damaged (a changed, missing or unlisted
 *   file): nothing is judged then.
 *
 * @example
 * ```ts
 * import { NumpyOracle, verify } from 'lstm-parity-harness';
 *
 * const oracle = await NumpyOracle.start();
 * try {
 *   const { result } = await verify({
 *     goldenDir: 'golden',
 *     cells: ['type1', 'type2'],
 *     casesPerCell: 200,
 *     seed: 1,
 *     shard: { index: 1, count: 1 },
 *     probes: true,
 *     oracle,
 *   });
 *   console.log(result.ok, result.findings.length);
 * } finally {
 *   await oracle.close();
 * }
 * ```
 */
export async function verify(options: VerifyOptions): Promise<{ result: VerifyResult; report: ReportData; diagnosed: DiagnosedFinding[] }> {
  const impl = options.implementation ?? lstmParityImplementation();
  // An implementation may be judged more than once (the scoreboard): only this run's restarts count.
  const implRestartsBefore = { count: impl.restarts ?? 0, causes: impl.restartCauses?.length ?? 0 };
  const findingsPerKind = options.findingsPerKind ?? FINDINGS_PER_KIND;
  const tally = new Tally(findingsPerKind);
  const oracles = options.oracles ?? (options.oracle === undefined ? [] : [options.oracle]);
  const environment = verifyEnvironment(oracles, oracles.length > 0 ? undefined : await unavailableBecause(options));
  const judging = judgingFor(impl, oracles[0]);

  const { manifest, sha256: manifestSha256 } = checkCorpus(options.goldenDir);
  const goldenPaths = Object.keys(manifest.files).sort();
  const planned = oracles.length === 0 ? 0 : liveCaseCount(options);
  // Progress counts every golden file read; those of other cells are hash-checked, not judged.
  const total = goldenPaths.length + planned;
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, total);
  };
  progress(0);

  const goldenSkipped =
    judging.dtype === 'float32' && judging.reference === undefined
      ? `the golden files record float64 answers, and a float32 implementation is judged against NumPy in float32, which is unavailable: ${environment.problem ?? 'no NumPy worker was started'}`
      : undefined;
  const inCells = (cell: CellType) => options.cells.includes(cell);
  // Cases the run means to judge, for counting those an implementation that failed for good left.
  const toJudge = (goldenSkipped === undefined ? goldenPaths.filter((path) => options.cells.some((cell) => path.startsWith(`${cell}/`))).length : 0) + planned;
  let implementationFailed: VerifyResult['implementationFailed'];
  const failedForGood = (error: ImplementationError) => {
    implementationFailed = { reason: error.message, notJudged: toJudge - tally.casesCounted(), planned: toJudge };
  };

  for (const [order, path] of goldenPaths.entries()) {
    const file = loadGoldenFile(options.goldenDir, path, manifest);
    if (goldenSkipped === undefined && implementationFailed === undefined && inCells(file.cell)) {
      try {
        tally.add(await judgeGolden(file, impl, order, judging));
      } catch (error) {
        if (!(error instanceof ImplementationError)) throw error;
        failedForGood(error);
      }
    }
    progress(1);
    // A long golden file takes a while to judge: let signals and replies through between files.
    await nextTurn();
  }

  let liveIncomplete: VerifyResult['liveIncomplete'];
  const restartsBefore = oracles.map((oracle) => oracle.restartCauses.length);
  const countBefore = oracles.reduce((n, oracle) => n + oracle.restarts, 0);
  if (oracles.length > 0 && implementationFailed === undefined) {
    let judged = 0;
    const { failure, implementationFailure } = await runLiveCampaign({
      cases: plannedCases(options, goldenPaths.length),
      oracles,
      implementation: impl,
      seed: options.seed,
      chunkCases: options.chunkCases,
      onJudged: (chunk) => {
        for (const j of chunk) tally.add(j);
        judged += chunk.length;
        progress(chunk.length);
      },
    });
    if (failure !== undefined) liveIncomplete = { reason: failureReason(failure), notJudged: planned - judged, planned };
    if (implementationFailure !== undefined) failedForGood(implementationFailure);
  }
  const restartCauses = oracles.flatMap((oracle, k) => oracle.restartCauses.slice(restartsBefore[k]));

  let diagnosed: DiagnosedFinding[] = [];
  let notDiagnosed = 0;
  if (options.diagnosis !== undefined && options.diagnosis.cases > 0 && implementationFailed === undefined) {
    ({ diagnosed, notDiagnosed } = await diagnoseFindings({
      findings: tally.findings,
      budget: options.diagnosis,
      implementation: impl,
      reference: judging.reference,
      tolerance: judging.tolerance,
      goldenDir: options.goldenDir,
      manifest,
      onCase: options.onDiagnosis,
    }));
  }

  const cells: VerifyResult['cells'] = {};
  for (const cell of options.cells) {
    const golden = tally.statsFor(cell, 'golden');
    const live = tally.statsFor(cell, 'live');
    cells[cell] = { cases: golden.cases + live.cases, failures: golden.failures + live.failures, golden, live, checks: addChecks(golden.checks, live.checks) };
  }
  const implementationRestarts = {
    count: (impl.restarts ?? 0) - implRestartsBefore.count,
    causes: (impl.restartCauses ?? []).slice(implRestartsBefore.causes, implRestartsBefore.causes + RESTART_CAUSES_KEPT),
  };
  const ok = Object.values(cells).every((cell) => cell.failures === 0) && liveIncomplete === undefined && implementationFailed === undefined && implementationRestarts.count === 0;
  const result: VerifyResult = {
    format: RESULT_FORMAT,
    lstmParity: VERSION,
    ok,
    environment,
    campaign: {
      seed: options.seed,
      casesPerCell: options.casesPerCell,
      cells: [...options.cells],
      shard: { ...options.shard },
      probes: options.probes,
      golden: { manifestSha256, files: goldenPaths.length },
      implementation: { name: impl.name, version: impl.version, dtype: impl.dtype, cells: [...impl.cells], keys: impl.keys === undefined ? undefined : [...impl.keys], batch: impl.batch },
      judging: describeJudging(judging),
      findingsPerKind,
    },
    cells,
    goldenSkipped,
    liveSkipped: oracles.length === 0 ? 'NumPy is unavailable' : undefined,
    liveIncomplete,
    implementationFailed,
    workerRestarts: { count: oracles.reduce((n, oracle) => n + oracle.restarts, 0) - countBefore, causes: restartCauses.slice(0, RESTART_CAUSES_KEPT) },
    implementationRestarts,
    findings: tally.findings,
    findingsOmitted: tally.findingsOmitted,
    diagnoses: options.diagnosis === undefined ? undefined : { records: diagnosed.map(({ diagnosis }) => recordOf(diagnosis)), notDiagnosed },
    report: tally.reportParts(),
  };
  return { result, report: reportDataOf(result.report), diagnosed };
}
