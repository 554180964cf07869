/**
 * This package's own cells as an implementation under test: what `verify`, `explore` and the
 * conformance suite judge when no other implementation is named.
 *
 * Beside the generic interface (one case in, outputs by seed key out), the object carries a
 * capability only this package's cells have: the cell functions themselves (batches, streams,
 * prepared weights, both backends) and the tanh they compute with. verify finds it with
 * `cellsCapabilityOf` and checks every entry point against the sequence API; `cellsImplementation`
 * builds the same thing over other cell functions, such as a deliberately broken copy in a test.
 */
import { createLstmType1, lstmType1, lstmType1Batch } from '../cells/lstm-type1.js';
import { createLstmType2, lstmType2, lstmType2Batch } from '../cells/lstm-type2.js';
import { prepareWeights, releaseThreads, type Backend } from '../cells/prepared.js';
import { threads, threadsAvailable } from '../cells/threads.js';
import { CELL_TYPES, type CellType, type Type1Weights, type Type2Weights } from '../cells/schema.js';
import { SEED_KEYS, seedFields, type LstmTrace } from '../cells/trace.js';
import { wasmSimdAvailable } from '../cells/wasm-dots.js';
import { tanh } from '../cells/math/tanh.js';
import type { Activation } from '../judge/exact-facts.js';
import type { CaseInput, Implementation, ImplementationOutputs } from '../judge/implementation.js';
import { VERSION } from '../version.js';

/** Options of {@link lstmParityImplementation}: which backend the judged cells use. */
export interface LstmParityImplementationOptions {
  /** Where the products run; 'auto' (the default) as the cells choose. Both give the same bits. */
  backend?: 'auto' | Backend;
}

/** Any function that runs a whole case through a cell and returns its trace. */
export type TraceRunner = (cell: CellType, S: number[][], W: CaseInput['W']) => LstmTrace;

/** Wraps a function that returns a trace, such as this package's cells, as an implementation. */
export function traceImplementation(name: string, run: TraceRunner, version?: string): Implementation {
  return {
    name,
    version,
    cells: CELL_TYPES,
    dtype: 'float64',
    keys: [...new Set(CELL_TYPES.flatMap((cell) => Object.keys(SEED_KEYS[cell])))],
    run: (cell, S, W): ImplementationOutputs => Object.fromEntries(seedFields(run(cell, S, W))),
  };
}

/** Every way into the cells: sequences, batches, streams, prepared weights, the backends. */
export interface CellFunctions {
  /** The type 1 sequence API, the one every other entry point is checked against; see {@link lstmType1}. */
  lstmType1: typeof lstmType1;
  /** Type 1 batches; see {@link lstmType1Batch}. */
  lstmType1Batch: typeof lstmType1Batch;
  /** Type 1 streams; see {@link createLstmType1}. */
  createLstmType1: typeof createLstmType1;
  /** The type 2 sequence API; see {@link lstmType2}. */
  lstmType2: typeof lstmType2;
  /** Type 2 batches; see {@link lstmType2Batch}. */
  lstmType2Batch: typeof lstmType2Batch;
  /** Type 2 streams; see {@link createLstmType2}. */
  createLstmType2: typeof createLstmType2;
  /** Prepared weights for both cells; see {@link prepareWeights}. */
  prepareWeights: typeof prepareWeights;
  /** Whether the WebAssembly backend can be checked here; see {@link wasmSimdAvailable}. */
  wasmSimdAvailable: typeof wasmSimdAvailable;
  /** Threads for prepared weights; see {@link threads}. */
  threads: typeof threads;
  /** Whether threads can run here; see {@link threadsAvailable}. */
  threadsAvailable: typeof threadsAvailable;
  /** Ends prepared weights' threads at once. */
  releaseThreads: typeof releaseThreads;
}

/** This package's cells, as loaded. */
export const PACKAGE_CELLS: CellFunctions = { lstmType1, lstmType1Batch, createLstmType1, lstmType2, lstmType2Batch, createLstmType2, prepareWeights, wasmSimdAvailable, threads, threadsAvailable, releaseThreads };

/** The tanh the cells compute h_t with: verify recomputes h_t with it, bit for bit. */
export const CELLS_TANH: Activation = { name: 'tanh', tanh };

/** What an implementation built from cell functions offers beyond the generic interface. */
export interface CellsCapability {
  /** The cell functions, for checking every entry point against the sequence API. */
  readonly cells: CellFunctions;
  /** The tanh they compute h_t with, for the output-recompute fact. */
  readonly tanh: Activation;
}

const CAPABILITY: unique symbol = Symbol('lstm-parity.cells');

/** The cell functions behind an implementation, when it is built from them (else undefined). */
export function cellsCapabilityOf(impl: Implementation): CellsCapability | undefined {
  return (impl as { [CAPABILITY]?: CellsCapability })[CAPABILITY];
}

/** Options of {@link cellsImplementation}: the backend, and how to name and recompute the cells. */
export interface CellsImplementationOptions extends LstmParityImplementationOptions {
  /** Named in every verdict; "lstm-parity" (with the backend when one is forced) by default. */
  name?: string;
  /** The tanh the cells compute with; {@link CELLS_TANH} by default. */
  tanh?: Activation;
}

/**
 * An implementation whose sequence API is `cells.lstmType1` / `cells.lstmType2` on the seed's
 * weight dictionary, carrying the cell functions for verify's entry-point checks. The harness has
 * validated every case first, non-finite values included.
 */
export function cellsImplementation(cells: CellFunctions, options: CellsImplementationOptions = {}): Implementation {
  const backend = options.backend ?? 'auto';
  const run: TraceRunner = (cell, S, W) =>
    cell === 'type1'
      ? cells.lstmType1(S, W as unknown as Type1Weights, { allowNonFinite: true, backend })
      : cells.lstmType2(S, W as unknown as Type2Weights, { allowNonFinite: true, backend });
  const name = options.name ?? (backend === 'auto' ? 'lstm-parity' : `lstm-parity (${backend})`);
  const capability: CellsCapability = { cells, tanh: options.tanh ?? CELLS_TANH };
  return Object.assign(traceImplementation(name, run, VERSION), { [CAPABILITY]: capability });
}

/**
 * This package's cells as an {@link Implementation}: what verify, explore and the golden tests
 * judge when no other implementation is named.
 *
 * @example
 * ```ts
 * import { judgeGoldenFile, lstmParityImplementation } from 'lstm-parity-harness/judge';
 * import { parseGoldenFile } from 'lstm-parity-harness/formats';
 *
 * const file = parseGoldenFile(await (await fetch('golden/type1/seed-shape.json')).text(), 'seed-shape.json');
 * const { verdict } = await judgeGoldenFile(file, lstmParityImplementation({ backend: 'scalar' }));
 * console.log(verdict.kind); // 'agrees'
 * ```
 */
export function lstmParityImplementation(options: LstmParityImplementationOptions = {}): Implementation {
  return cellsImplementation(PACKAGE_CELLS, options);
}
