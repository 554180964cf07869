/**
 * lstm-parity: the two cells, their prepared weights, streams, batches and threads, the activations
 * they compute with, the input errors and the types they take and return. Everything here runs in a
 * browser as well as in Node: nothing imports a Node built-in or does anything at import.
 *
 * Judging, file formats and the Node harness (the NumPy bridge, `lstm-parity verify`, reports) are
 * the package `lstm-parity-harness`; docs/api-surface.md says where each name lives and why.
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
export { LstmStream, type StepVectors } from './cells/driver.js';
export { prepareWeights, isPreparedWeights, type Backend, type PrepareOptions, type PreparedWeights } from './cells/prepared.js';
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
export { VERSION } from './version.js';
