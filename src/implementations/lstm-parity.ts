/**
 * This package's own cells as an implementation under test: what `verify`, `explore` and the
 * conformance suite judge when no other implementation is named.
 */
import { lstmType1 } from '../cells/lstm-type1.js';
import { lstmType2 } from '../cells/lstm-type2.js';
import type { Backend } from '../cells/prepared.js';
import { CELL_TYPES, type CellType, type Type1Weights, type Type2Weights } from '../cells/schema.js';
import { seedFields, type LstmTrace } from '../cells/trace.js';
import type { CaseInput, Implementation, ImplementationOutputs } from '../judge/implementation.js';
import { VERSION } from '../version.js';

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
    run: (cell, S, W): ImplementationOutputs => Object.fromEntries(seedFields(run(cell, S, W))),
  };
}

/** This package's cells. The harness has validated every case first, non-finite values included. */
export function lstmParityImplementation(options: LstmParityImplementationOptions = {}): Implementation {
  const backend = options.backend ?? 'auto';
  const run: TraceRunner = (cell, S, W) =>
    cell === 'type1'
      ? lstmType1(S, W as unknown as Type1Weights, { allowNonFinite: true, backend })
      : lstmType2(S, W as unknown as Type2Weights, { allowNonFinite: true, backend });
  return traceImplementation(backend === 'auto' ? 'lstm-parity' : `lstm-parity (${backend})`, run, VERSION);
}
