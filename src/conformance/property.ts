/**
 * What a conformance property is: a fact about one cell, the seed keys it reads, when it does not
 * apply to an implementation (and why), and either a fast-check property or a plain check. The
 * suites (./properties/*.ts) build them; ./register.ts registers them with vitest and ./check.ts
 * runs them without it, so the same bodies judge this package's cells and anyone else's.
 */
import type fc from 'fast-check';
import type { CellType } from '../cells/schema.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';
import type { Subject } from './subject.js';

/** The suites a conformance run can register, by name (`ConformanceOptions.suites`). */
export const SUITES = ['gates', 'bounds', 'zero-weights', 'trace', 'symmetry', 'robustness', 'differential', 'golden'] as const;
/** One of {@link SUITES}. */
export type SuiteName = (typeof SUITES)[number];

/** What the properties run against: the subject, and NumPy when it is there. */
export interface ConformanceContext {
  subject: Subject;
  /** The NumPy worker, for the differential and float32 golden checks; started before they run. */
  oracle?: NumpyOracle;
  /** Why NumPy is unavailable, when it is: the properties that need it are then skipped. */
  numpyProblem?: string;
  /** The golden corpus. */
  goldenDir: string;
}

interface PropertyBase {
  suite: SuiteName;
  cell: CellType;
  /** States the fact, e.g. "type 1: |h_t| <= 1 for every step and unit". */
  title: string;
  /** Seed keys the property reads besides Output. */
  needs: readonly string[];
  /** Why the property does not apply to this subject, or undefined when it does. */
  notFor?(context: ConformanceContext): string | undefined;
}

/** A property checked by fast-check over generated cases: it shrinks and prints its seed on failure. */
export interface FastCheckProperty extends PropertyBase {
  kind: 'property';
  // The arbitraries' value types differ per property; fast-check checks each on its own.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  /** Builds the fast-check property for a subject, with its NumPy worker when there is one. */
  make(context: ConformanceContext): fc.IAsyncProperty<any>;
}

/** A fixed check (the golden corpus, say): it runs once. */
export interface PlainCheck extends PropertyBase {
  kind: 'check';
  /** Throws, with every problem on its own line, when the fact does not hold. */
  run(context: ConformanceContext): Promise<void>;
}

/** One entry of the conformance catalogue: a fast-check property or a plain check. */
export type ConformanceProperty = FastCheckProperty | PlainCheck;

export const CELL_LABEL: Record<CellType, string> = { type1: 'type 1', type2: 'type 2' };

/** The gates' seed keys of a cell, with their block in the packed order (i 0, f 1, o 2). */
export function gateKeys(cell: CellType): { key: string; block: 0 | 1 | 2 }[] {
  return [
    { key: 'input_gate_activations', block: 0 },
    { key: 'forget_gate_activations', block: 1 },
    { key: cell === 'type1' ? 'Output_gate_activations' : 'output_gate_activations', block: 2 },
  ];
}

/** Why a property that reads `needs` cannot run, when the subject does not return them all. */
export function missingKeys(context: ConformanceContext, cell: CellType, needs: readonly string[]): string | undefined {
  const have = context.subject.keys(cell);
  const missing = needs.filter((key) => !have.includes(key));
  return missing.length === 0 ? undefined : `needs ${missing.join(', ')}, which ${context.subject.impl.name} does not return for ${cell} (it returns ${have.join(', ')})`;
}

/** Why a property that needs NumPy cannot run: NumPy is known to be missing. */
export function needsNumpy(context: ConformanceContext): string | undefined {
  return context.numpyProblem === undefined ? undefined : `needs Python with NumPy: ${context.numpyProblem}`;
}

/** The seed's S and W with some weight keys replaced. */
export function withWeights(value: { S: number[][]; W: object }, changes: Record<string, number[] | number[][]>): { S: number[][]; W: Record<string, number[] | number[][]> } {
  return { S: value.S, W: { ...(value.W as Record<string, number[] | number[][]>), ...changes } };
}

export const zeros = (n: number): number[] => new Array<number>(n).fill(0);
export const zeroRows = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => zeros(cols));
