/**
 * `verify --case FILE...`: only the files given, each through the implementation, every check and
 * the diagnosis (../campaign/case-files.ts), with verify's exit codes. A file that is not a case
 * is refused before anything runs; a golden-format file (the corpus's, or one `--save-failures`
 * wrote) needs no Python; any other case needs NumPy, and says so when it is missing.
 */
import { diagnoseFindings, type DiagnosisBudget } from '../campaign/diagnose-findings.js';
import { judgeCaseFile, type CaseFile, type JudgedFile } from '../campaign/case-files.js';
import { judgingFor } from '../campaign/judging.js';
import { Tally } from '../campaign/tally.js';
import { recordOf } from '../diagnosis/record.js';
import type { CellType } from '../cells/schema.js';
import { parseCaseJson } from '../format/case-file.js';
import { stringifyDoubles } from '../format/json-writer.js';
import { parseGoldenFile, GoldenFileError } from '../golden/format.js';
import { expectedArrays, recordedFloor } from '../judge/golden.js';
import type { Implementation } from '../judge/implementation.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import { NumpyOracle, NumpyWorkerError } from '../oracle/numpy-oracle.js';
import type { CheckName } from '../campaign/case-checks.js';
import { readCaseInput } from './case-input.js';
import { diagnosisLines, replayCommand, saveDiagnoses } from './diagnosis-output.js';
import { lifecycle } from './lifecycle.js';
import { readTextInput } from './read-input.js';
import { printOut, printRaw } from './terminal.js';
import { createProgress } from './progress.js';
import { CommandError, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, UsageError } from './usage-error.js';
import { formatImplementationLine } from './verify-table.js';

export interface CaseFilesRequest {
  files: readonly string[];
  cell: CellType | undefined;
  implementation: Implementation;
  json: boolean;
  requireNumpy: boolean;
  diagnosis: DiagnosisBudget;
  saveDir: string | undefined;
  implArguments: string;
}

/** The document `verify --case --json` prints. */
export const CASES_RESULT_FORMAT = 'lstm-parity case verdicts 1';

async function readCaseFile(path: string, cell: CellType | undefined): Promise<CaseFile> {
  if (path === '-') throw new UsageError('--case: give files, not stdin: a finding names its file');
  const text = await readTextInput(path);
  const parsed = parseCaseJson(text, path);
  if (typeof parsed === 'object' && parsed !== null && 'schema' in parsed) {
    try {
      const golden = parseGoldenFile(text, path);
      if (cell !== undefined && cell !== golden.cell) throw new UsageError(`--cell ${cell} does not match the golden file's cell ${golden.cell}`);
      return { path, golden };
    } catch (error) {
      if (error instanceof GoldenFileError) throw new UsageError(error.message);
      throw error;
    }
  }
  try {
    const input = await readCaseInput(path, cell, false);
    return { path, cell: input.cell, value: input.value as CaseValue, allowNonFinite: input.allowNonFinite };
  } catch (error) {
    // The case's own problems name its key path; the file is named here.
    if (error instanceof UsageError && !error.message.includes(path)) throw new UsageError(`--case ${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

export async function verifyCaseFiles(request: CaseFilesRequest): Promise<number> {
  const { implementation: impl } = request;
  const files: CaseFile[] = [];
  for (const path of request.files) files.push(await readCaseFile(path, request.cell));
  for (const file of files) {
    const cell = 'golden' in file ? file.golden.cell : file.cell;
    if (!impl.cells.includes(cell)) throw new UsageError(`--case ${file.path}: a ${cell} case, and ${impl.name} implements ${impl.cells.join(', ')} only`);
  }
  const needsNumpy = request.requireNumpy || impl.dtype === 'float32' || files.some((f) => !('golden' in f));
  let oracle: NumpyOracle | undefined;
  let problem: string | undefined;
  try {
    oracle = await NumpyOracle.start();
  } catch (error) {
    if (!(error instanceof NumpyWorkerError) || error.kind !== 'unavailable') throw error;
    problem = error.message;
    if (needsNumpy) throw new CommandError(`--case: ${files.find((f) => !('golden' in f))?.path ?? 'these cases'} need NumPy to be judged: ${problem}`);
  }
  const unregister = lifecycle.onCleanup(async () => oracle?.close(0));
  let judgedSoFar = 0;
  lifecycle.describeInterrupt(() => `stopped after ${judgedSoFar} of ${files.length} cases; no verdict`);
  try {
    if (!request.json) printOut(formatImplementationLine(impl));
    const judging = judgingFor(impl, oracle);
    const diagnosing = createProgress('diagnosing port bugs', !request.json);
    const tally = new Tally(1000);
    const judged = new Map<string, JudgedFile>();
    for (const [order, file] of files.entries()) {
      const one = await judgeCaseFile(file, impl, order, judging);
      tally.add(one.outcome);
      judged.set(file.path, one);
      judgedSoFar++;
    }
    const byPath = new Map(files.map((f) => [f.path, f]));
    const findings = tally.findings;
    const { diagnosed, notDiagnosed } = await diagnoseFindings({
      findings,
      budget: request.diagnosis,
      implementation: impl,
      reference: judging.reference,
      tolerance: judging.tolerance,
      onCase: (_, k, total) => diagnosing.update(k, total),
      requestOf: (finding) => {
        const file = byPath.get(finding.case)!;
        const check = finding.check as CheckName;
        // What the port answered is passed on: a port that answered once may not answer again.
        const { outcome, numpy } = judged.get(file.path)!;
        const actual = 'actual' in outcome ? outcome.actual : undefined;
        if (!('golden' in file)) return { name: file.path, cell: file.cell, check, value: file.value, allowNonFinite: file.allowNonFinite, recorded: numpy, actual };
        const recorded = impl.dtype === 'float32' ? undefined : { outputs: expectedArrays(file.golden), floor: recordedFloor(file.golden), warnings: file.golden.numpyWarnings };
        return { name: file.path, cell: file.golden.cell, check, value: file.golden.case as CaseValue, allowNonFinite: file.golden.allowNonFinite, recorded, actual: recorded === undefined ? undefined : actual };
      },
    });
    diagnosing.done();
    if (lifecycle.ending) return EXIT_INTERRUPTED;
    const records = diagnosed.map(({ diagnosis }) => recordOf(diagnosis));
    if (request.saveDir !== undefined) await saveDiagnoses(diagnosed, records, request.saveDir, impl, judging.reference, impl.dtype);
    const failing = new Set(findings.filter((f) => f.verdict === 'port-bug').map((f) => f.case));
    const restarts = impl.restarts ?? 0;
    const ok = failing.size === 0 && restarts === 0;
    if (request.json) {
      const cases = files.map((f) => ({ file: f.path, cell: 'golden' in f ? f.golden.cell : f.cell, ok: !failing.has(f.path), findings: findings.filter((x) => x.case === f.path) }));
      printRaw(stringifyDoubles({ format: CASES_RESULT_FORMAT, ok, implementation: { name: impl.name, version: impl.version, dtype: impl.dtype }, cases, diagnoses: { records, notDiagnosed }, implementationRestarts: restarts }));
    } else {
      const lines: string[] = [];
      for (const f of files) {
        const mine = findings.filter((x) => x.case === f.path);
        if (mine.length === 0) lines.push(`ok   ${f.path}`);
        for (const x of mine) lines.push(`${x.verdict === 'port-bug' ? 'FAIL' : 'note'} ${x.case} [${x.check}]: ${x.description}`);
      }
      lines.push(...diagnosisLines({ records, notDiagnosed }, (record) => replayCommand(record, request.implArguments)));
      if (restarts > 0) lines.push(`verify: FAILED: ${impl.name} crashed and was restarted ${restarts} time${restarts === 1 ? '' : 's'}`);
      lines.push(ok ? `verify: OK: ${files.length} case${files.length === 1 ? '' : 's'}, ${impl.name} agrees with NumPy` : `verify: FAILED: ${failing.size} of ${files.length} cases are port bugs`);
      printOut(lines);
    }
    return ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    lifecycle.describeInterrupt(undefined);
    unregister();
    await oracle?.close();
  }
}
