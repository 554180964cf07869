/**
 * `lstm-parity verify`: the main job. Exit 0 when everything agrees, 1 when anything does not or
 * the live campaign could not run where it must, 2 for bad usage, 3 for a damaged golden corpus,
 * 130 when interrupted (Ctrl-C), 143 when terminated (SIGTERM).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHUNK_CASES } from '../campaign/live-campaign.js';
import { liveCaseCount, type CampaignPlan } from '../campaign/plan.js';
import { MAX_CASES_PER_CELL } from '../campaign/random-case.js';
import { verify, verifyEnvironment } from '../campaign/verify.js';
import type { CellType } from '../cells/schema.js';
import { checkCorpus } from '../golden/files.js';
import type { GoldenManifest } from '../golden/format.js';
import { stringifyDoubles } from '../format/json-writer.js';
import type { Implementation } from '../judge/implementation.js';
import { NumpyOracle, NumpyWorkerError } from '../oracle/numpy-oracle.js';
import { packageRoot } from '../package-root.js';
import { verifyReportHtml } from '../report/verify-section.js';
import { integerOption, parseShard, withNegativeValues } from './args.js';
import { cellsToCheck, checkDeclaredDtype, IMPL_OPTIONS, IMPL_USAGE, openImplementation, parseImplChoice } from './impl-options.js';
import { lifecycle } from './lifecycle.js';
import { createProgress } from './progress.js';
import { checkReportPath, writeReport } from './report-file.js';
import { parseCell } from './run.js';
import { CommandError, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, UsageError } from './usage-error.js';
import { printOut, printRaw } from './terminal.js';
import { checkSaveDir, implArguments, replayCommand, saveDiagnoses } from './diagnosis-output.js';
import { DEFAULT_DIAGNOSIS_BUDGET, type DiagnosisBudget } from '../campaign/diagnose-findings.js';
import { verifyCaseFiles } from './verify-cases.js';
import { formatCampaignLine, formatEnvironmentLine, formatImplementationLine, formatVerifyBody } from './verify-table.js';

/** A few minutes on a 2-core machine with every check, NumPy workers included. */
export const DEFAULT_CASES = 20000;
export const MAX_JOBS = 64;

export const VERIFY_USAGE = `usage: lstm-parity verify [--cases N] [--seed N] [--shard i/n] [--jobs N] [--cell type1|type2] [--require-numpy] [--json] [--report FILE.html] [--golden DIR]
                         [--shrink-time S] [--shrink-cases N] [--save-failures DIR] [--case FILE ...]
                         [--impl NAME|FILE | --impl-command CMD [--impl-dtype D]] [--backend B]

Checks that an implementation (by default the TypeScript cells) agrees with NumPy: the golden
corpus (no Python needed), then a live differential campaign against the NumPy reference, judged
against each case's noise floor. A float32 implementation is judged against the seed run in
float32, by the float32 policy.
  --cases N         live cases per cell (default ${DEFAULT_CASES}, a few minutes on 2 cores); drawn as the
                    campaign goes, so memory does not grow with N
  --seed N          campaign seed (default 1); the same seed draws the same cases
  --shard i/n       run only shard i of n (disjoint cases), for splitting a campaign over machines;
                    lstm-parity merge combines the shards' --json outputs
  --jobs N          NumPy workers in parallel (default: the number of cores, here ${availableParallelism()}); the
                    results do not depend on N. The implementation is one for all workers: a
                    command is one process, asked one case at a time
  --cell C          only this cell (default both)
  --require-numpy   fail (exit 1) when the live campaign cannot run, instead of judging the golden
                    corpus alone: for CI
  --json            one JSON document on stdout instead of the table (what merge reads)
  --report FILE     also write an HTML report to FILE: one self-contained page (no network) with the
                    table, the findings and plots of the errors; stdout is unchanged
  --golden DIR      the golden corpus to judge (default: the package's golden/)
  --shrink-time S   seconds for shrinking the port bugs found, all together (default ${DEFAULT_DIAGNOSIS_BUDGET.seconds});
                    each diagnosed port bug is shrunk to a small case that fails the same check,
                    located (first element, the seed's terms there) and explained by the catalogue
                    of porting mistakes that reproduce it; 0 diagnoses without shrinking
  --shrink-cases N  port-bug cases diagnosed at most, one per cell and check first (default ${DEFAULT_DIAGNOSIS_BUDGET.cases}; 0: none)
  --save-failures DIR
                    write each diagnosed case, shrunk and original, into DIR (made if missing) as a
                    golden-format file with NumPy's answer, the implementation's and the verdict
  --case FILE       judge just this file (repeatable): a golden file or one --save-failures wrote
                    (against its recorded answer, no Python needed), a case file from
                    lstm-parity case (against NumPy), or {"S", "W"} with --cell; every check and
                    the diagnosis; no golden corpus and no live campaign
${IMPL_USAGE}
Exit 0 when everything agrees (ill-conditioned cases and platform quirks are reported, not
failed), 1 when a port bug is found, the implementation failed on a case, it or the NumPy worker
failed for good mid-campaign (the cases not judged are counted) or NumPy is required but
unavailable, 2 for bad usage (an implementation that cannot be opened included), 3 when the
golden corpus is damaged, 130 when interrupted (Ctrl-C), 143 when terminated (SIGTERM).`;

const OPTIONS = {
  cases: { type: 'string' },
  seed: { type: 'string' },
  shard: { type: 'string' },
  jobs: { type: 'string' },
  cell: { type: 'string' },
  'require-numpy': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  report: { type: 'string' },
  golden: { type: 'string' },
  'shrink-time': { type: 'string' },
  'shrink-cases': { type: 'string' },
  'save-failures': { type: 'string' },
  case: { type: 'string', multiple: true },
  ...IMPL_OPTIONS,
} as const;

/**
 * Starts `count` NumPy workers side by side. If NumPy is unavailable, says why instead (and stops
 * any that started); any other failure to start is thrown.
 */
async function startOracles(count: number): Promise<{ oracles: NumpyOracle[]; problem?: string }> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => NumpyOracle.start()));
  const oracles = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure === undefined) return { oracles };
  await Promise.all(oracles.map((oracle) => oracle.close(0)));
  const error: unknown = failure.reason;
  if (error instanceof NumpyWorkerError && error.kind === 'unavailable') return { oracles: [], problem: error.message };
  throw error;
}

/** What verify was asked to do, read and checked before anything is started. */
interface VerifyRequest {
  plan: Omit<CampaignPlan, 'cells'>;
  jobs: number;
  reportPath: string | undefined;
  goldenDir: string;
  manifest: GoldenManifest;
  json: boolean;
  requireNumpy: boolean;
  /** How much time and how many port bugs the diagnosis may take. */
  diagnosis: DiagnosisBudget;
  /** Where --save-failures writes the diagnosed cases. */
  saveDir: string | undefined;
  /** The implementation options, for the replay commands. */
  implArguments: string;
}

/**
 * Reads the options, opens the implementation (a command is started here, and closed however the
 * run ends, Ctrl-C included) and runs the campaign on it.
 */
export async function verifyCommand(argv: string[], implementation?: Implementation): Promise<number> {
  const { values } = parseArgs({ args: withNegativeValues(argv, OPTIONS), options: OPTIONS, strict: true, allowPositionals: false });
  const asked = values.cell === undefined ? undefined : parseCell(values.cell);
  const choice = parseImplChoice(values);
  const goldenDir = values.golden ?? join(packageRoot(), 'golden');
  const request: VerifyRequest = {
    plan: {
      casesPerCell: integerOption('cases', values.cases, DEFAULT_CASES, { max: MAX_CASES_PER_CELL, why: 'the campaign draws at most 2^32 - 1 distinct cases per cell' }),
      seed: integerOption('seed', values.seed, 1, { max: 2 ** 32 - 1, why: 'campaign seeds are 32-bit' }),
      shard: parseShard(values.shard),
      probes: true,
    },
    jobs: integerOption('jobs', values.jobs, availableParallelism(), { min: 1, max: MAX_JOBS }),
    reportPath: checkReportPath(values.report),
    goldenDir,
    // A damaged corpus is told before the implementation or any worker starts.
    manifest: checkCorpus(goldenDir).manifest,
    json: values.json,
    requireNumpy: values['require-numpy'],
    diagnosis: {
      seconds: integerOption('shrink-time', values['shrink-time'], DEFAULT_DIAGNOSIS_BUDGET.seconds, { min: 0, max: 86_400 }),
      cases: integerOption('shrink-cases', values['shrink-cases'], DEFAULT_DIAGNOSIS_BUDGET.cases, { min: 0, max: 1000 }),
    },
    saveDir: checkSaveDir(values['save-failures']),
    implArguments: implArguments(choice),
  };
  if (values.case !== undefined && (values.cases !== undefined || values.shard !== undefined || values.seed !== undefined)) {
    throw new UsageError('--case: judges the files given, alone; --cases, --seed and --shard are for the campaign');
  }
  // A command can take seconds to start (its hello is waited for): Ctrl-C then says so.
  lifecycle.describeInterrupt(() => 'stopped before the first case, while the implementation was starting; no verdict');
  const impl = implementation ?? (await openImplementation(choice, { cells: asked === undefined ? undefined : [asked] }));
  const unregister = implementation === undefined ? lifecycle.onCleanup(async () => impl.close?.()) : () => undefined;
  try {
    checkDeclaredDtype(choice, impl);
    if (values.case !== undefined) return await verifyCaseFiles({ files: values.case, cell: asked, implementation: impl, ...request });
    return await runVerify(request, cellsToCheck(impl, asked), impl);
  } finally {
    lifecycle.describeInterrupt(undefined);
    unregister();
    if (implementation === undefined) await impl.close?.();
  }
}

async function runVerify(request: VerifyRequest, cells: CellType[], implementation: Implementation): Promise<number> {
  const { jobs, reportPath, goldenDir, manifest } = request;
  const plan: CampaignPlan = { ...request.plan, cells };
  const values = { json: request.json, 'require-numpy': request.requireNumpy };

  // Something to see at once: the workers can take seconds to start on a loaded machine.
  const progress = createProgress('verify', !values.json);
  // The port bugs' diagnosis, after the campaign: how many of them are done.
  const diagnosing = createProgress('diagnosing port bugs', !values.json);
  const live = liveCaseCount(plan);
  let judged = 0;
  let planned = Object.keys(manifest.files).length + live;
  progress.update(judged, planned);
  lifecycle.describeInterrupt(() => `stopped after ${judged} of ${planned} cases; no verdict`);
  if (!values.json) printOut([formatCampaignLine({ campaign: plan }), ...formatImplementationLine(implementation)]);
  // No more workers than there are chunks of cases to keep them busy.
  const wanted = Math.max(1, Math.min(jobs, Math.ceil(live / CHUNK_CASES)));
  let oracles: NumpyOracle[] = [];
  const closeAll = () => Promise.all(oracles.map((oracle) => oracle.close(0))).then(() => undefined);
  const unregister = lifecycle.onCleanup(async () => {
    progress.done();
    await closeAll();
  });
  try {
    const started = await startOracles(wanted);
    oracles = started.oracles;
    const problem = started.problem;
    if (problem !== undefined) {
      if (values['require-numpy']) throw new CommandError(`verify --require-numpy: the live campaign cannot run: ${problem}`);
      const configured = process.env.LSTM_PARITY_PYTHON;
      if (configured !== undefined && configured !== '') {
        throw new CommandError(`${problem}; LSTM_PARITY_PYTHON is set, so verify does not fall back to the golden corpus alone (unset it to allow that)`);
      }
    }
    const campaign = { ...plan, goldenDir, implementation, oracles, numpyProblem: problem };
    if (!values.json) printOut([formatEnvironmentLine({ environment: verifyEnvironment(oracles, problem), liveSkipped: problem })]);
    const { result, report, diagnosed } = await verify({
      ...campaign,
      onProgress: (done, total) => {
        judged = done;
        planned = total;
        progress.update(done, total);
      },
      diagnosis: request.diagnosis,
      onDiagnosis: (_, k, total) => {
        progress.done();
        diagnosing.update(k, total);
      },
    });
    progress.done();
    diagnosing.done();
    // Interrupted: the workers were killed under the campaign, and its result means nothing.
    if (lifecycle.ending) return EXIT_INTERRUPTED;
    if (request.saveDir !== undefined && result.diagnoses !== undefined) {
      await saveDiagnoses(diagnosed, result.diagnoses.records, request.saveDir, implementation, oracles[0]?.reference(implementation.dtype), implementation.dtype);
    }
    if (values.json) printRaw(stringifyDoubles(result));
    else printOut(formatVerifyBody(result, (record) => replayCommand(record, request.implArguments)));
    if (reportPath !== undefined) writeReport(reportPath, verifyReportHtml({ result, report }));
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    lifecycle.describeInterrupt(undefined);
    unregister();
    progress.done();
    await closeAll();
  }
}
