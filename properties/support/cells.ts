/** Running generated cases through the cells' public API, and reading traces by seed key. */
import { runCase } from '../../src/cells/run-case.js';
import type { CellType, ValidationOptions } from '../../src/cells/schema.js';
import { seedFields, type LstmTrace } from '../../src/cells/trace.js';
import type { CellCase } from '../arbitraries/cell-case.js';

export const CELL_LABEL: Record<CellType, string> = { type1: 'type 1', type2: 'type 2' };

export function run(c: Pick<CellCase, 'cell' | 'S' | 'W'>, options: ValidationOptions = {}): LstmTrace {
  return runCase(c.cell, { S: c.S, W: c.W }, options);
}

/** Every per-step array of a trace, by the seed's key. */
export function fieldsOf(trace: LstmTrace): Record<string, Float64Array> {
  return Object.fromEntries(seedFields(trace));
}

/** The gates of a trace by seed key, with their block in the packed order (i 0, f 1, o 2). */
export function gatesOf(trace: LstmTrace): { key: string; block: number; values: Float64Array }[] {
  const outputKey = trace.cell === 'type1' ? 'Output_gate_activations' : 'output_gate_activations';
  return [
    { key: 'input_gate_activations', block: 0, values: trace.inputGate },
    { key: 'forget_gate_activations', block: 1, values: trace.forgetGate },
    { key: outputKey, block: 2, values: trace.outputGate },
  ];
}

/** The same case with other weights, for recomputations that go through the cell itself. */
export function withWeights<C extends CellCase>(c: C, changes: Partial<Record<string, number[] | number[][]>>): C {
  return { ...c, W: { ...c.W, ...changes } } as C;
}

export const zeros = (n: number): number[] => new Array<number>(n).fill(0);
export const zeroRows = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => zeros(cols));
