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

import type { Dtype } from './tolerance.js';

export type { Dtype };

/** A case as an implementation receives it: the seed's S (T x X) and weight dictionary. */
export interface CaseInput {
  S: number[][];
  W: Record<string, number[][] | number[]>;
}

/** Per seed key: T rows of H numbers, or one flat row-major array of T x H numbers. */
export type ImplementationOutputs = Record<string, ArrayLike<ArrayLike<number>> | Float64Array | Float32Array>;

/**
 * Any LSTM to judge against NumPy: this package's cells (`lstmParityImplementation`), a
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
  /**
   * The seed keys it returns (at least `Output`; per cell, those the cell has), when it says so in
   * advance: every reply must then hold exactly these. Without it, whatever a reply holds is
   * checked as it comes, and the conformance suite asks one small case to learn the keys.
   */
  readonly keys?: readonly string[];
  /**
   * Claims this package's arithmetic: the seed's formulas in float64, left to right, with
   * lstm-parity's exp, σ and tanh (as a faithful port of these cells would). verify and the
   * conformance suite then hold the bit-for-bit facts of it too (c_t and h_t recomputed, causality,
   * σ's saturation constants); without the claim they are listed as not checked.
   */
  readonly exactArithmetic?: boolean;
  /**
   * How many times its process crashed (died, was killed, broke the protocol) and was started
   * again, for an implementation that runs in one (a command): verify fails a run in which it
   * crashed, even when every case was answered after a restart.
   */
  readonly restarts?: number;
  /** Why, for the first restarts: what happened to the process each replaced. */
  readonly restartCauses?: readonly string[];
  /** Runs one case; may be asynchronous (a subprocess, a worker, a GPU). */
  run(cell: CellType, S: number[][], W: CaseInput['W']): ImplementationOutputs | Promise<ImplementationOutputs>;
  /**
   * The most cases {@link Implementation.runBatch} takes at once (>= 2), when it takes batches:
   * a campaign then sends the cases of a chunk in batches of one cell, grouped by shape.
   */
  readonly batch?: number;
  /**
   * Runs several cases of one cell (grouped by shape, in that order), up to `batch` of them, and
   * returns one result per case, in order: its outputs, or the Error it failed with. For a JIT
   * framework, one compiled program for many cases. The verdicts never depend on the grouping.
   */
  runBatch?(cell: CellType, cases: readonly CaseInput[]): readonly (ImplementationOutputs | Error)[] | Promise<readonly (ImplementationOutputs | Error)[]>;
  /** Ends what the implementation started (processes, workers); called once by whoever opened it. */
  close?(): void | Promise<void>;
}

/**
 * A reply that breaks the interface (a missing Output, a wrong shape, a key the cell lacks), or
 * an implementation that failed on a case. `fatal` when it can answer no later case either (its
 * process is gone for good): a campaign then stops and counts the cases it could not judge.
 */
export class ImplementationError extends Error {
  override readonly name = 'ImplementationError';

  constructor(
    message: string,
    readonly fatal = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An error an implementation may throw from `run` to say that no later case can run either. */
export function isFatal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
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
  const fail = (what: string, fatal = false, cause?: unknown) => new ImplementationError(`${impl.name}: ${name}: ${what}`, fatal, { cause });
  if (!impl.cells.includes(c.cell)) throw fail(`does not implement ${c.cell} (it implements ${impl.cells.join(', ') || 'no cell'})`);
  let reply: unknown;
  try {
    reply = await impl.run(c.cell, input.S, input.W);
  } catch (error) {
    throw fail(`failed: ${error instanceof Error ? error.message : String(error)}`, isFatal(error), error);
  }
  return checkedReply(impl, c, name, reply);
}

/** A case for {@link runImplementations}: the case, its name in errors, and its nested form. */
export interface NamedCase {
  c: FlatCase;
  name: string;
  input: CaseInput;
}

const shapeKey = ({ c }: NamedCase) => `${c.steps} ${c.inputs} ${c.hidden}`;

/**
 * Runs cases through an implementation: per case in order, its checked outputs or the
 * ImplementationError it failed with. An implementation that takes batches
 * ({@link Implementation.runBatch}) gets them by cell, grouped by shape, `batch` at a time; any
 * other gets one case at a time. When it fails for good, nothing more is asked of it: `fatal` says
 * why, and the cases not run are left undefined.
 */
export async function runImplementations(impl: Implementation, cases: readonly NamedCase[]): Promise<{ results: (FlatOutputs | ImplementationError | undefined)[]; fatal?: ImplementationError }> {
  const results: (FlatOutputs | ImplementationError | undefined)[] = new Array(cases.length).fill(undefined);
  const one = async (k: number): Promise<ImplementationError | undefined> => {
    try {
      results[k] = await runImplementation(impl, cases[k].c, cases[k].name, cases[k].input);
    } catch (error) {
      if (!(error instanceof ImplementationError)) throw error;
      if (error.fatal) return error;
      results[k] = error;
    }
    return undefined;
  };
  const size = impl.batch;
  if (impl.runBatch === undefined || size === undefined || size < 2) {
    for (let k = 0; k < cases.length; k++) {
      const fatal = await one(k);
      if (fatal !== undefined) return { results, fatal };
    }
    return { results };
  }
  const order = cases.map((_, k) => k).filter((k) => impl.cells.includes(cases[k].c.cell));
  // A case of a cell it lacks fails at once ("does not implement"), never for good.
  for (let k = 0; k < cases.length; k++) if (!impl.cells.includes(cases[k].c.cell)) await one(k);
  // Sorting is stable, so cases of one cell and shape keep their order.
  order.sort((a, b) => cases[a].c.cell.localeCompare(cases[b].c.cell) || shapeKey(cases[a]).localeCompare(shapeKey(cases[b])));
  for (let start = 0; start < order.length; ) {
    const cell = cases[order[start]].c.cell;
    let end = start;
    while (end < order.length && end - start < size && cases[order[end]].c.cell === cell) end++;
    const members = order.slice(start, end);
    start = end;
    let replies: readonly unknown[];
    try {
      replies = await impl.runBatch(cell, members.map((k) => cases[k].input));
    } catch (error) {
      const failure = new ImplementationError(`${impl.name}: a batch of ${members.length} ${cell} cases failed: ${error instanceof Error ? error.message : String(error)}`, isFatal(error), { cause: error });
      if (failure.fatal) return { results, fatal: failure };
      for (const k of members) results[k] = failure;
      continue;
    }
    if (!Array.isArray(replies) || replies.length !== members.length) {
      const got = Array.isArray(replies) ? `${replies.length} results` : 'no list of results';
      return { results, fatal: new ImplementationError(`${impl.name}: a batch of ${members.length} ${cell} cases came back with ${got}`, true) };
    }
    members.forEach((k, j) => {
      const reply = replies[j];
      if (reply instanceof Error) {
        results[k] = new ImplementationError(`${impl.name}: ${cases[k].name}: failed: ${reply.message}`, false, { cause: reply });
        return;
      }
      try {
        results[k] = checkedReply(impl, cases[k].c, cases[k].name, reply);
      } catch (error) {
        results[k] = error as ImplementationError;
      }
    });
  }
  return { results };
}

/** A reply checked against the interface: `Output` present, only keys of this cell, T x H numbers each. */
function checkedReply(impl: Implementation, c: FlatCase, name: string, reply: unknown): FlatOutputs {
  const fail = (what: string) => new ImplementationError(`${impl.name}: ${name}: ${what}`);
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
  if (impl.keys !== undefined) {
    const declared = impl.keys.filter((key) => allowed.includes(key));
    const missing = declared.filter((key) => !(key in outputs));
    const extra = Object.keys(outputs).filter((key) => !declared.includes(key));
    if (missing.length > 0 || extra.length > 0) {
      const said = [missing.length > 0 && `lacks ${missing.join(', ')}`, extra.length > 0 && `has ${extra.join(', ')} besides`].filter(Boolean).join(' and ');
      throw fail(`the reply ${said} the keys it declared (${declared.join(', ')})`);
    }
  }
  // The seed's key order, whatever order the reply used.
  return Object.fromEntries(allowed.filter((key) => key in outputs).map((key) => [key, outputs[key]]));
}

const DTYPES: readonly Dtype[] = ['float64', 'float32'];

/**
 * What is wrong with a value offered as an implementation (a module's default export, say), one
 * line per problem; empty when it has the interface. Names `source` in every line.
 */
export function implementationProblems(value: unknown, source: string): string[] {
  if (typeof value !== 'object' || value === null) return [`${source}: expected an implementation {name, cells, dtype, run}, got ${value === null ? 'null' : typeof value}`];
  const impl = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof impl.name !== 'string' || impl.name === '') problems.push(`${source}: name: expected a non-empty string, got ${JSON.stringify(impl.name) ?? 'undefined'}`);
  const cellNames: readonly string[] = ['type1', 'type2'];
  if (!Array.isArray(impl.cells) || impl.cells.length === 0 || !impl.cells.every((cell) => cellNames.includes(cell as string))) {
    problems.push(`${source}: cells: expected a non-empty list of "type1", "type2", got ${JSON.stringify(impl.cells) ?? 'undefined'}`);
  }
  if (!DTYPES.includes(impl.dtype as Dtype)) problems.push(`${source}: dtype: expected "float64" or "float32", got ${JSON.stringify(impl.dtype) ?? 'undefined'}`);
  if (typeof impl.run !== 'function') problems.push(`${source}: run: expected a function run(cell, S, W), got ${typeof impl.run}`);
  if (impl.version !== undefined && typeof impl.version !== 'string') problems.push(`${source}: version: expected a string, got ${typeof impl.version}`);
  if (impl.close !== undefined && typeof impl.close !== 'function') problems.push(`${source}: close: expected a function, got ${typeof impl.close}`);
  if (impl.batch !== undefined && !(Number.isSafeInteger(impl.batch) && (impl.batch as number) >= 2)) problems.push(`${source}: batch: expected an integer >= 2 (the most cases runBatch takes), got ${JSON.stringify(impl.batch)}`);
  if (impl.runBatch !== undefined && typeof impl.runBatch !== 'function') problems.push(`${source}: runBatch: expected a function runBatch(cell, cases), got ${typeof impl.runBatch}`);
  if ((impl.batch === undefined) !== (impl.runBatch === undefined) && problems.length === 0) problems.push(`${source}: batch and runBatch go together: give both or neither`);
  if (impl.keys !== undefined) {
    const known = new Set([...seedKeysOf('type1'), ...seedKeysOf('type2')]);
    if (!Array.isArray(impl.keys) || !impl.keys.includes('Output') || !impl.keys.every((key) => known.has(key as string))) {
      problems.push(`${source}: keys: expected a list of seed keys that includes "Output", got ${JSON.stringify(impl.keys)}`);
    }
  }
  return problems;
}
