/**
 * lstm-parity-harness/judge: judging given arrays, in a browser as in Node. Tolerances and ULP
 * distances, comparisons, verdicts against NumPy's noise floor, the exact facts and signed zeros,
 * the `Implementation` interface every checker takes, and the golden files judged against one.
 *
 * @module lstm-parity-harness/judge
 */
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
export { firstOrderDecided, type OrderDecided, type OrderDecidedSum } from './judge/order-decided.js';
export { SIGMOID_ONE_FROM, SIGMOID_ZERO_UPTO, TANH_ONE_FROM, TANH_ONE_FROM_NUMPY } from './numeric/saturation.js';
