/**
 * lstm-parity: the cells, their inputs and outputs, and the judging of given arrays. Everything
 * exported here runs in a browser as well as in Node: nothing below imports a Node built-in or
 * does anything at import. The Node harness (the NumPy bridge, the golden corpus on disk,
 * campaigns, reports) is `lstm-parity/node`.
 *
 * @module lstm-parity
 */
export {
  lstmType1,
  lstmType1Batch,
  createLstmType1,
  forwardType1,
  LstmType1Stream,
  type LstmType1Options,
  type LstmType1BatchOptions,
  type LstmType1Step,
  type Type1WeightsInput,
} from './cells/lstm-type1.js';
export {
  lstmType2,
  lstmType2Batch,
  createLstmType2,
  forwardType2,
  LstmType2Stream,
  type LstmType2Options,
  type LstmType2BatchOptions,
  type LstmType2Step,
  type Type2WeightsInput,
} from './cells/lstm-type2.js';
export { LstmStream, SPLIT_MIN_ROWS, type StepVectors } from './cells/driver.js';
export { prepareWeights, isPreparedWeights, AUTO_WASM_MIN_WEIGHTS, type Backend, type PrepareOptions, type PreparedWeights } from './cells/prepared.js';
export { wasmSimdAvailable } from './cells/wasm-dots.js';
export { threads, threadsAvailable, type Threads } from './cells/threads.js';
export { exp } from './cells/math/exp.js';
export { sigmoid } from './cells/math/sigmoid.js';
export { tanh } from './cells/math/tanh.js';
export { runCase } from './cells/run-case.js';
export {
  CELL_TYPES,
  WEIGHT_KEYS,
  LstmInputError,
  caseSchema,
  validateCase,
  type CaseShape,
  type CellType,
  type Issue,
  type Matrix,
  type Type1Weights,
  type Type2Weights,
  type ValidationOptions,
  type Vector,
  type WeightsFor,
} from './cells/schema.js';
export {
  SEED_KEYS,
  seedFields,
  stepOf,
  toSeedOutput,
  type LstmTrace,
  type LstmType1Trace,
  type LstmType2Trace,
  type LstmOutputTrace,
  type LstmState,
  type SeedOutput,
  type TraceMode,
} from './cells/trace.js';
export { packSequence, packType1, packType2, type PackedWeights } from './cells/weights.js';
export { CaseFileError, parseCaseJson } from './format/case-file.js';
export { caseProblemLine, overflowingLiteral } from './format/case-problems.js';
export { encodeDouble, reviveDouble, reviveDoubles } from './format/doubles.js';
export { formatSeedOutput } from './format/output.js';
export { stringifyDoubles } from './format/json-writer.js';
export { nextAfter, nextAfter32, ulpDistance, ulpDistance32, ulpOf } from './numeric/ulp.js';
export { FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, agreement, allowedError, makeTolerance, toleranceFor, ulpsFor, ulpsMeaningful, type Agreement, type Dtype, type Tolerance } from './judge/tolerance.js';
export {
  compareKey,
  compareTraces,
  formatComparison,
  where,
  type Comparison,
  type ElementDiff,
  type KeyComparison,
  type TraceArrays,
} from './judge/compare.js';
export { NOISE_FACTOR, describeVerdict, judge, type JudgedElement, type Verdict, type VerdictKind } from './judge/verdict.js';
export { DEFAULT_COPIES, measureNoiseFloors, perturbedCopies, type NoiseFloor } from './judge/noise-floor.js';
export { toFlatCase, type FlatCase, type FlatOutputs, type Reference, type ReferenceResult } from './judge/flat-case.js';
export {
  ImplementationError,
  caseInput,
  implementationProblems,
  isFatal,
  runImplementation,
  seedKeysOf,
  type CaseInput,
  type Implementation,
  type ImplementationOutputs,
} from './judge/implementation.js';
export { expectedArrays, goldenPasses, judgeGoldenFile, judgeGoldenFileLive, toleranceOf, type GoldenJudgement } from './judge/golden.js';
export { GOLDEN_SCHEMA_VERSION, GoldenFileError, formatGoldenFile, parseGoldenFile, parseManifest, type GoldenFile, type GoldenManifest } from './golden/format.js';
export {
  CELLS_TANH,
  PACKAGE_CELLS,
  cellsCapabilityOf,
  cellsImplementation,
  lstmParityImplementation,
  traceImplementation,
  type CellFunctions,
  type CellsCapability,
  type CellsImplementationOptions,
  type LstmParityImplementationOptions,
  type TraceRunner,
} from './implementations/lstm-parity.js';
export {
  FACT_NAMES,
  candidateReadout,
  checkExactFacts,
  describeViolation,
  prefixOf,
  preactivationBounds,
  type Activation,
  type CaseForms,
  type FactInputs,
  type FactName,
  type FactReport,
  type FactViolation,
  type Preactivation,
} from './judge/exact-facts.js';
export { describeConsistentZero, describeNumpyDeparture, describeSignedZeroMismatch, signedZeros, type SignedZeroMismatch, type SignedZeroReport } from './judge/signed-zeros.js';
export { exactReference, type ExactReferenceOptions } from './judge/exact-reference.js';
export { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM, TANH_ONE_FROM_NUMPY } from './numeric/saturation.js';
export { VERSION } from './version.js';
