/** Deliberately broken copies of the cells, as implementations under test, for the checkers to catch. */
import { runCase } from '../../src/cells/run-case.js';
import type { CellType } from '../../src/cells/schema.js';
import type { LstmTrace } from '../../src/cells/trace.js';
import { traceImplementation } from '../../src/implementations/lstm-parity.js';
import type { Implementation } from '../../src/judge/implementation.js';

type CaseValue = { S: number[][]; W: Record<string, unknown> };

/**
 * The cells with `change` applied to each case's trace, or to the case before it runs. They claim
 * this package's arithmetic (a slip in a faithful port), so the bit-for-bit facts judge them too.
 */
export function brokenCells(name: string, run: (cell: CellType, value: CaseValue, cells: (cell: CellType, value: unknown) => LstmTrace) => LstmTrace): Implementation {
  const cells = (cell: CellType, value: unknown) => runCase(cell, value, { allowNonFinite: true });
  return { ...traceImplementation(name, (cell, S, W) => run(cell, { S, W }, cells)), exactArithmetic: true };
}

/** Type 1 with its forget and input gates swapped: a plausible porting slip. */
export const swappedGates = brokenCells('swapped gates', (cell, { S, W }, cells) =>
  cell !== 'type1' ? cells(cell, { S, W }) : cells(cell, { S, W: { ...W, w_i: W.w_g, u_i: W.u_g, b_i: W.b_g, w_g: W.w_i, u_g: W.u_i, b_g: W.b_i } }),
);
