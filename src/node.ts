/**
 * lstm-parity-harness: the harness that needs Node. The NumPy bridge (one long-lived Python worker),
 * the golden corpus on disk with its checksums, the live campaign behind `lstm-parity verify`
 * (streamed, on several workers) and the merge of its shards,
 * the explorer, the accuracy check against a high-precision truth, and the HTML reports.
 * Everything browser-safe is exported from `lstm-parity` itself. Implementations under test that
 * need Node (a command speaking the JSON-lines protocol, a module on disk, the peer adapters) are
 * here too.
 *
 * @module lstm-parity-harness
 */
export { NumpyOracle, NumpyWorkerError, type NumpyWorkerErrorKind, type OracleOptions } from './oracle/numpy-oracle.js';
export type { LineWorkerErrorKind } from './process/line-worker.js';
export type { ErrorBeside } from './campaign/judging.js';
export type { WorkerInfo } from './oracle/protocol.js';
export { probePython, pythonCommand, MIN_NUMPY, type PythonProbe } from './oracle/python.js';
export { GoldenCorpusError, loadGoldenFile, readManifest, sha256 } from './golden/files.js';
export {
  verify,
  verifyEnvironment,
  type CellStats,
  type ErrorLocation,
  type Finding,
  type ReportData,
  type VerifyOptions,
  type VerifyResult,
} from './campaign/verify.js';
export { CHECK_NAMES, type CaseReview, type CheckFailure, type CheckName, type CheckStats } from './campaign/case-checks.js';
export { ENTRY_POINTS, type EntryPoint } from './campaign/entry-points.js';
export {
  RESULT_FORMAT,
  reportDataOf,
  type CampaignInfo,
  type CaseSource,
  type CellResult,
  type ReportParts,
  type UlpHistogram,
  type VerifyEnvironment,
  type WorstCase,
} from './campaign/result.js';
export { liveCaseCount, plannedCases, type CampaignPlan, type PlannedCase } from './campaign/plan.js';
export type { CampaignCase, CaseFamily } from './campaign/random-case.js';
export type { CaseValue } from './numeric/seeded-random.js';
export { judgeLiveCase, type JudgedCase } from './campaign/judge-case.js';
export { mergeShards, MergeError, readShard, type Shard } from './campaign/merge.js';
export { explore, type CategoryFinding, type ExampleVector, type ExploreOptions, type ExploreResult } from './explore/explore.js';
export type { CategoryId } from './explore/categories.js';
export { closerSide, measureAccuracy, type AccuracyResult, type Closer, type ErrorSummary, type KeyAccuracy, type MeasureAccuracyOptions } from './accuracy/accuracy.js';
export { verifyReportHtml, type VerifyReportInput } from './report/verify-section.js';
export { exploreReportHtml } from './report/explore-section.js';
export {
  CommandImplementationError,
  openCommandImplementation,
  type CommandImplementation,
  type CommandImplementationOptions,
  type Hello,
} from './implementations/command.js';
export { splitCommandLine, CommandLineError } from './implementations/command-line.js';
export { loadModuleImplementation, ImplementationModuleError } from './implementations/module.js';
export { builtinNames, findBuiltin, PeerUnavailableError, type BuiltinImplementation, type BuiltinOptions } from './implementations/registry.js';
export { tfjsImplementation } from './implementations/tfjs.js';
export { openPythonPeer, peerPython } from './implementations/python-peers.js';
export { DEFAULT_DIAGNOSIS_BUDGET, type DiagnosedFinding, type DiagnosisBudget } from './campaign/diagnose-findings.js';
export type { DiagnosisRecord } from './diagnosis/record.js';
export type { Contrast, Feature } from './diagnosis/contrast.js';
export { FEATURES } from './diagnosis/contrast.js';
export type { Diagnosis, JudgedForm, Floor } from './diagnosis/diagnose.js';
export type { Change } from './diagnosis/seed-variant.js';
export type { Localization, Term } from './diagnosis/localize.js';
export type { Mistake, CaseShape } from './diagnosis/mistake.js';
export type { ShrinkStop } from './diagnosis/shrink.js';
