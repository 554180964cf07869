/**
 * LSTM type 2 (the seed's architecture 2): peephole-style gates that read the previous cell
 * state instead of the previous output, and a candidate with no recurrent term.
 *
 *   f_t = σ(W_g x_t + U_g c_{t-1} + b_g)        forget gate (the seed's g)
 *   o_t = σ(W_o x_t + U_o c_{t-1} + b_o)        output gate
 *   i_t = σ(W_i x_t + U_i c_{t-1} + b_i)        input gate
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ tanh(W_cell x_t + b_cell)
 *   h_t = tanh(o_t ⊙ c_t)                       (sic: tanh of the product, as in the seed)
 *
 * with c_0 = 0 and σ(z) = 1 / (1 + exp(-z)). Since every gate lies in [0, 1], |c_t| <= t.
 * Every gate pre-activation keeps the seed's association ((W x) + (U c)) + b. exp, σ and tanh are
 * the package's own (math/); the step itself is in steps.ts and, for the WebAssembly backend,
 * wasm/dots.wat.
 *
 * Three ways to run it, all with the same bits: a sequence (`lstmType2`), B sequences in
 * lockstep (`lstmType2Batch`), one input at a time (`createLstmType2`). W may be the seed's
 * dictionary (validated and packed on every call) or `prepareWeights('type2', W)`.
 */
import { LstmStream, runBatch, runSequence, type StepVectors } from './driver.js';
import { reusedResult, reusedResults } from './reuse.js';
import { isPreparedWeights, preparedFor, preparePacked, type PrepareOptions, type PreparedWeights } from './prepared.js';
import { LstmInputError, validateCase, validateInputVector, validateSequence, type Matrix, type Type2Weights, type ValidationOptions, type Vector } from './schema.js';
import type { LstmOutputTrace, LstmType2Trace, TraceMode } from './trace.js';
import { packType2, type PackedWeights } from './weights.js';

/**
 * Options of {@link lstmType2} and {@link lstmType2Batch}: how much of the trace to return, plus
 * {@link PrepareOptions} for weights given as the seed's dictionary (ignored for prepared weights,
 * which carry the choices made when they were prepared).
 */
export interface LstmType2Options extends PrepareOptions {
  /** 'full' (default): every seed vector. 'output': only h_t for every step and the final state. */
  trace?: TraceMode;
  /**
   * A result of an earlier call with the same trace mode, T and H, to overwrite and return
   * instead of allocating a new one: a loop of calls of one shape then allocates nothing (measured
   * here: a small call 1.5x faster, a full trace 2-3.4x from small to medium sizes, little at
   * large and nothing at tiny sizes; docs/performance.md). Refused with an
   * {@link lstm-parity!LstmInputError} when its shape differs, or when S reads memory it holds.
   */
  into?: LstmType2Trace | LstmOutputTrace<'type2'>;
}

/** Options of {@link lstmType2Batch}: those of {@link lstmType2}, with one result to reuse per sequence. */
export interface LstmType2BatchOptions extends Omit<LstmType2Options, 'into'> {
  /** One earlier result per sequence (distinct, none sharing memory with another or with S), overwritten and returned. */
  into?: readonly (LstmType2Trace | LstmOutputTrace<'type2'>)[];
}

/**
 * Type 2 weights as the cells accept them: the seed's dictionary, validated and packed on every
 * call, or {@link prepareWeights}`('type2', W)`, done once.
 */
export type Type2WeightsInput = Type2Weights | PreparedWeights<'type2'>;

/**
 * Prepared weights for W, validating W unless it was prepared already; S is not looked at.
 * `reused`: the weights serve many calls (a stream's steps), so any size takes WebAssembly.
 */
function weightsOf(W: Type2WeightsInput, options: PrepareOptions, reused: boolean): PreparedWeights<'type2'> {
  if (isPreparedWeights(W)) return preparedFor('type2', W);
  const shape = validateCase('type2', { S: [], W }, options);
  return preparePacked('type2', packType2(W, shape), options, reused);
}

/**
 * Runs type 2 over a whole sequence S (T x X) from c_0 = 0 and returns every per-step vector
 * (or, with `trace: 'output'`, only h_t and the final state).
 *
 * @param S - T input vectors of X numbers each; T = 0 gives empty arrays.
 * @param W - the seed's type 2 dictionary, or {@link prepareWeights}`('type2', W)`.
 * @throws {@link lstm-parity!LstmInputError} naming the first key path that is wrong.
 *
 * @example
 * ```ts
 * import { lstmType2 } from 'lstm-parity';
 *
 * // H = 2 hidden units, X = 1 input: type 2's candidate has w_cell and b_cell but no U.
 * const W = {
 *   w_i: [[0.5], [-0.3]], u_i: [[0.1, 0.2], [0.0, -0.1]], b_i: [0, 0.1],
 *   w_g: [[0.4], [0.2]], u_g: [[-0.2, 0.1], [0.3, 0.0]], b_g: [1, 1],
 *   w_o: [[-0.1], [0.6]], u_o: [[0.2, 0.2], [-0.1, 0.1]], b_o: [0, 0],
 *   w_cell: [[0.7], [-0.5]], b_cell: [0, 0],
 * };
 * const trace = lstmType2([[1], [0.5], [-1]], W);
 * trace.cellState; // c_t: Float64Array of T x H = 6 numbers, step-major
 * ```
 */
export function lstmType2(S: Matrix, W: Type2WeightsInput, options?: LstmType2Options & { trace?: 'full' }): LstmType2Trace;
/** The same with `trace: 'output'`: h_t for every step and the final state, no gates (the example above). */
export function lstmType2(S: Matrix, W: Type2WeightsInput, options: LstmType2Options & { trace: 'output' }): LstmOutputTrace<'type2'>;
/** The same with the trace mode known only at run time. */
export function lstmType2(S: Matrix, W: Type2WeightsInput, options?: LstmType2Options): LstmType2Trace | LstmOutputTrace<'type2'>;
export function lstmType2(S: Matrix, W: Type2WeightsInput, options: LstmType2Options = {}): LstmType2Trace | LstmOutputTrace<'type2'> {
  options ??= {}; // plain JavaScript callers may pass null
  let p: PreparedWeights<'type2'>;
  let steps: number;
  if (isPreparedWeights(W)) {
    p = preparedFor('type2', W);
    steps = validateSequence(S, p.inputs, options);
  } else {
    const shape = validateCase('type2', { S, W }, options);
    p = preparePacked('type2', packType2(W, shape), options);
    steps = shape.steps;
  }
  const mode = options.trace ?? 'full';
  const into = reusedResult(options.into, 'type2', mode, steps, p.hidden, S);
  return runSequence('type2', p, S, steps, mode, into) as LstmType2Trace | LstmOutputTrace<'type2'>;
}

/** The forward pass on packed weights and a packed T x X sequence, already validated. */
export function forwardType2(weights: PackedWeights, x: Float64Array, steps: number): LstmType2Trace {
  const p = isPreparedWeights(weights) ? preparedFor('type2', weights) : preparePacked('type2', weights);
  return runSequence('type2', p, x, steps, 'full') as LstmType2Trace;
}

/**
 * Runs B sequences of equal length T in one call (S[b] is T x X) and returns one result per
 * sequence, each with the same bits as `lstmType2(S[b], W, options)`.
 *
 * @throws {@link lstm-parity!LstmInputError} for bad weights, or a sequence whose length differs from S[0]'s.
 *
 * @example
 * ```ts
 * import { lstmType2Batch } from 'lstm-parity';
 *
 * // H = 2 hidden units, X = 1 input: type 2's candidate has w_cell and b_cell but no U.
 * const W = {
 *   w_i: [[0.5], [-0.3]], u_i: [[0.1, 0.2], [0.0, -0.1]], b_i: [0, 0.1],
 *   w_g: [[0.4], [0.2]], u_g: [[-0.2, 0.1], [0.3, 0.0]], b_g: [1, 1],
 *   w_o: [[-0.1], [0.6]], u_o: [[0.2, 0.2], [-0.1, 0.1]], b_o: [0, 0],
 *   w_cell: [[0.7], [-0.5]], b_cell: [0, 0],
 * };
 * const [, second] = lstmType2Batch([[[1], [0.5]], [[-1], [2]]], W);
 * second.output; // the same bits as lstmType2([[-1], [2]], W).output
 * ```
 */
export function lstmType2Batch(S: readonly Matrix[], W: Type2WeightsInput, options?: LstmType2BatchOptions & { trace?: 'full' }): LstmType2Trace[];
/** The same with `trace: 'output'`: h_t for every step and the final state, no gates (the example above). */
export function lstmType2Batch(S: readonly Matrix[], W: Type2WeightsInput, options: LstmType2BatchOptions & { trace: 'output' }): LstmOutputTrace<'type2'>[];
/** The same with the trace mode known only at run time. */
export function lstmType2Batch(S: readonly Matrix[], W: Type2WeightsInput, options?: LstmType2BatchOptions): (LstmType2Trace | LstmOutputTrace<'type2'>)[];
export function lstmType2Batch(S: readonly Matrix[], W: Type2WeightsInput, options: LstmType2BatchOptions = {}): (LstmType2Trace | LstmOutputTrace<'type2'>)[] {
  options ??= {}; // plain JavaScript callers may pass null
  const p = weightsOf(W, options, false);
  S.forEach((sequence, k) => {
    const steps = validateSequence(sequence, p.inputs, options, ['S', k]);
    if (steps !== S[0].length) {
      throw new LstmInputError([{ path: `S[${k}]`, message: `expected ${S[0].length} steps like S[0] (a batch has equal T), got ${steps}` }]);
    }
  });
  const steps = S.length === 0 ? 0 : S[0].length;
  const mode = options.trace ?? 'full';
  const into = reusedResults(options.into, 'type2', mode, steps, p.hidden, S);
  return runBatch('type2', p, S, steps, mode, into) as (LstmType2Trace | LstmOutputTrace<'type2'>)[];
}

/** The vectors of one streamed type 2 step (reused: copy what you keep). */
export type LstmType2Step = StepVectors;

/** Type 2 one input at a time; `step` gives the same bits as the sequence it continues. */
export class LstmType2Stream extends LstmStream {
  readonly cell = 'type2';

  constructor(
    weights: PreparedWeights<'type2'>,
    private readonly options: ValidationOptions,
  ) {
    super('type2', weights);
  }

  /** Advances one step on x_t (X numbers) and returns h_t, c_t and the gates. */
  step(x: Vector): LstmType2Step {
    validateInputVector(x, this.inputs, this.options);
    return this.advance(x);
  }
}

/**
 * A type 2 stream starting from c_0 = 0 (and h_0 = 0): one input at a time, with the same bits
 * as the sequence the steps make. `threads` in `options` is ignored.
 *
 * @throws {@link lstm-parity!LstmInputError} for bad weights; each `step` throws it for a bad input vector.
 *
 * @example
 * ```ts
 * import { createLstmType2, prepareWeights } from 'lstm-parity';
 *
 * // H = 2 hidden units, X = 1 input: type 2's candidate has w_cell and b_cell but no U.
 * const W = {
 *   w_i: [[0.5], [-0.3]], u_i: [[0.1, 0.2], [0.0, -0.1]], b_i: [0, 0.1],
 *   w_g: [[0.4], [0.2]], u_g: [[-0.2, 0.1], [0.3, 0.0]], b_g: [1, 1],
 *   w_o: [[-0.1], [0.6]], u_o: [[0.2, 0.2], [-0.1, 0.1]], b_o: [0, 0],
 *   w_cell: [[0.7], [-0.5]], b_cell: [0, 0],
 * };
 * const prepared = prepareWeights('type2', W);
 * const a = createLstmType2(prepared); // two streams on one set of weights,
 * const b = createLstmType2(prepared); // each with its own state
 * a.step([1]);
 * b.step([-1]);
 * a.state.h; // h_1 of stream a
 * ```
 */
export function createLstmType2(W: Type2WeightsInput, options: PrepareOptions = {}): LstmType2Stream {
  options ??= {}; // plain JavaScript callers may pass null
  // A stream steps one input at a time: threads, which split batches, would only idle.
  return new LstmType2Stream(weightsOf(W, { ...options, threads: undefined }, true), options);
}
