export {
  lstmType1,
  lstmType1Batch,
  createLstmType1,
  forwardType1,
  LstmType1Stream,
  type LstmType1Options,
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
  type LstmType2Step,
  type Type2WeightsInput,
} from './cells/lstm-type2.js';
export { LstmStream, type StepVectors } from './cells/driver.js';
export { prepareWeights, isPreparedWeights, AUTO_WASM_MIN_WEIGHTS, type Backend, type PrepareOptions, type PreparedWeights } from './cells/prepared.js';
export { wasmSimdAvailable } from './cells/wasm-dots.js';
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
export { encodeDouble, reviveDouble } from './format/doubles.js';
export { formatSeedOutput } from './format/output.js';
export { stringifyDoubles } from './format/json-writer.js';
export { ulpDistance, ulpOf } from './numeric/ulp.js';
export { FLOAT64_TOLERANCE, agreement, allowedError, makeTolerance, type Agreement, type Tolerance } from './numeric/tolerance.js';
export {
  compareKey,
  compareTraces,
  formatComparison,
  type Comparison,
  type ElementDiff,
  type KeyComparison,
  type TraceArrays,
} from './numeric/compare.js';
export { NumpyOracle, NumpyWorkerError, type NumpyWorkerErrorKind, type OracleOptions } from './oracle/numpy-oracle.js';
export { toOracleCase } from './oracle/oracle-case.js';
export type { OracleCase, OracleResult, WorkerInfo } from './oracle/protocol.js';
export { probePython, pythonCommand, MIN_NUMPY, type PythonProbe } from './oracle/python.js';
export { GoldenFileError, loadGoldenFile, parseGoldenFile, readManifest, type GoldenFile, type GoldenManifest } from './golden/format.js';
export { goldenPasses, judgeGoldenFile, type CellRunner, type GoldenJudgement } from './golden/compare.js';
