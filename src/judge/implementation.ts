/**
 * An implementation under test: anything that claims to compute the seed's cells. The golden
 * corpus, the live campaign, the explorer and the accuracy check all take one, so this package's
 * own cells are judged through the same door as a port in another language or a framework's LSTM.
 *
 * An implementation returns the seed's output keys it can produce (at least `Output`), each as T
 * rows of H numbers, or as one flat row-major Float64Array of T x H values. `runImplementation`
 * checks the reply before anything judges it, and names the implementation and the case in every
 * complaint, so a wrong shape is never mistaken for a wrong number.
 */
import type { CellType } from '../cells/schema.js';
import { SEED_KEYS } from '../cells/trace.js';
import type { FlatCase, FlatOutputs } from './flat-case.js';

/** The precision an implementation computes in; a float32 one is judged against float32 NumPy. */
export type Dtype = 'float64' | 'float32';

/** A case as an implementation receives it: the seed's S (T x X) and weight dictionary. */
export interface CaseInput {
  S: number[][];
  W: Record<string, number[][] | number[]>;
}

/** Per seed key: T rows of H numbers, or one flat row-major array of T x H numbers. */
export type ImplementationOutputs = Record<string, ArrayLike<ArrayLike<number>> | Float64Array | Float32Array>;

/**
 * Any LSTM to judge against NumPy: this package's cells ({@link lstmParityImplementation}), a
 * subprocess, a model in another framework. Called through {@link runImplementation}, which
 * checks every reply and names the implementation and the case in each error.
 */
export interface Implementation {
  /** Named in every verdict and error line, e.g. "lstm-parity (wasm)" or "python3 my_lstm.py". */
  readonly name: string;
  /** Shown in reports and the scoreboard. */
  readonly version?: string;
  /** The cells it implements. */
  readonly cells: readonly CellType[];
  /** The precision it computes in; float32 implementations are judged with a float32 tolerance. */
  readonly dtype: Dtype;
  /** Runs one case; may be asynchronous (a subprocess, a worker, a GPU). */
  run(cell: CellType, S: number[][], W: CaseInput['W']): ImplementationOutputs | Promise<ImplementationOutputs>;
  /** Ends what the implementation started (processes, workers); called once by whoever opened it. */
  close?(): void | Promise<void>;
}

/** A reply that breaks the interface: a missing Output, a wrong shape, a key the cell lacks. */
export class ImplementationError extends Error {
  override readonly name = 'ImplementationError';
}

/** The seed keys a cell's outputs may hold, in the seed's order. */
export function seedKeysOf(cell: CellType): readonly string[] {
  return Object.keys(SEED_KEYS[cell]);
}

function flatOutput(value: unknown, key: string, steps: number, hidden: number): Float64Array {
  if (value instanceof Float64Array || value instanceof Float32Array) {
    if (value.length !== steps * hidden) throw new Error(`${key}: expected ${steps} x ${hidden} = ${steps * hidden} values, got ${value.length}`);
    return Float64Array.from(value);
  }
  if (!Array.isArray(value)) throw new Error(`${key}: expected ${steps} rows of ${hidden} numbers, got ${value === null ? 'null' : typeof value}`);
  if (value.length !== steps) throw new Error(`${key}: expected ${steps} rows of ${hidden} numbers (T x H), got ${value.length} rows`);
  const out = new Float64Array(steps * hidden);
  for (let t = 0; t < steps; t++) {
    const row: unknown = value[t];
    if (!Array.isArray(row) && !(row instanceof Float64Array) && !(row instanceof Float32Array)) {
      throw new Error(`${key}[${t}]: expected a row of ${hidden} numbers, got ${row === null ? 'null' : typeof row}`);
    }
    if (row.length !== hidden) throw new Error(`${key}[${t}]: expected ${hidden} numbers (H), got ${row.length}`);
    for (let j = 0; j < hidden; j++) {
      const x: unknown = row[j];
      if (typeof x !== 'number') throw new Error(`${key}[${t}][${j}]: expected a number, got ${x === null ? 'null' : typeof x}`);
      out[t * hidden + j] = x;
    }
  }
  return out;
}

/** The case's S and W as the nested arrays an implementation receives. */
export function caseInput(c: FlatCase): CaseInput {
  const rows = (values: Float64Array, cols: number) => Array.from({ length: values.length / cols }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
  const W: CaseInput['W'] = {};
  for (const [key, values] of Object.entries(c.W)) {
    // b_* are vectors of H; u_* are H x H; w_* (w_cell too) are H x X.
    W[key] = key.startsWith('b_') ? Array.from(values) : rows(values, key.startsWith('u_') ? c.hidden : c.inputs);
  }
  return { S: rows(c.S, c.inputs), W };
}

/**
 * Runs one case through an implementation and returns its outputs flat, by seed key, after
 * checking them: `Output` present, only keys of this cell, T x H numbers each. A reply that
 * breaks the interface throws an ImplementationError naming the implementation and the case.
 */
export async function runImplementation(impl: Implementation, c: FlatCase, name: string, input: CaseInput = caseInput(c)): Promise<FlatOutputs> {
  const fail = (what: string) => new ImplementationError(`${impl.name}: ${name}: ${what}`);
  if (!impl.cells.includes(c.cell)) throw fail(`does not implement ${c.cell} (it implements ${impl.cells.join(', ') || 'no cell'})`);
  let reply: unknown;
  try {
    reply = await impl.run(c.cell, input.S, input.W);
  } catch (error) {
    if (error instanceof ImplementationError) throw error;
    throw fail(`failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw fail(`expected an object of outputs by seed key, got ${Array.isArray(reply) ? 'an array' : reply === null ? 'null' : typeof reply}`);
  const allowed = seedKeysOf(c.cell);
  const outputs: FlatOutputs = {};
  for (const [key, value] of Object.entries(reply)) {
    if (!allowed.includes(key)) throw fail(`unknown output key ${JSON.stringify(key)}; ${c.cell} has ${allowed.join(', ')}`);
    try {
      outputs[key] = flatOutput(value, key, c.steps, c.hidden);
    } catch (error) {
      throw fail((error as Error).message);
    }
  }
  if (!('Output' in outputs)) throw fail('missing Output (every implementation must return at least Output)');
  // The seed's key order, whatever order the reply used.
  return Object.fromEntries(allowed.filter((key) => key in outputs).map((key) => [key, outputs[key]]));
}
