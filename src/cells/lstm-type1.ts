/**
 * LSTM type 1 (the seed's architecture 1): a standard LSTM with a forget gate.
 *
 *   i_t = σ(W_i x_t + U_i h_{t-1} + b_i)        input gate
 *   f_t = σ(W_g x_t + U_g h_{t-1} + b_g)        forget gate (the seed's g)
 *   o_t = σ(W_o x_t + U_o h_{t-1} + b_o)        output gate
 *   ĉ_t = tanh(W_c x_t + U_c h_{t-1} + b_c)     cell input
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ ĉ_t
 *   h_t = o_t ⊙ tanh(c_t)
 *
 * with h_0 = c_0 = 0 and σ(z) = 1 / (1 + exp(-z)), the seed's formula: it saturates to exactly
 * 1 for z >= 36.7368... and to exactly 0 (exp overflowing to Infinity) for z <= -709.78...
 * Every pre-activation keeps the seed's association ((W x) + (U h)) + b. exp, σ and tanh are the
 * package's own (math/), correctly rounded far more often than V8's or NumPy's; the step itself
 * is in steps.ts and, for the WebAssembly backend, wasm/dots.wat.
 *
 * Three ways to run it, all with the same bits: a sequence (`lstmType1`), B sequences in
 * lockstep (`lstmType1Batch`), one input at a time (`createLstmType1`). W may be the seed's
 * dictionary (validated and packed on every call) or `prepareWeights('type1', W)`.
 */
import { LstmStream, runBatch, runSequence, type StepVectors } from './driver.js';
import { reusedResult, reusedResults } from './reuse.js';
import { isPreparedWeights, preparedFor, preparePacked, type PrepareOptions, type PreparedWeights } from './prepared.js';
import { LstmInputError, validateCase, validateInputVector, validateSequence, type Matrix, type Type1Weights, type ValidationOptions, type Vector } from './schema.js';
import type { LstmOutputTrace, LstmType1Trace, TraceMode } from './trace.js';
import { packType1, type PackedWeights } from './weights.js';

/**
 * Options of {@link lstmType1} and {@link lstmType1Batch}: how much of the trace to return, plus
 * {@link PrepareOptions} for weights given as the seed's dictionary (ignored for prepared weights,
 * which carry the choices made when they were prepared).
 */
export interface LstmType1Options extends PrepareOptions {
  /** 'full' (default): every seed vector. 'output': only h_t for every step and the final state. */
  trace?: TraceMode;
  /**
   * A result of an earlier call with the same trace mode, T and H, to overwrite and return
   * instead of allocating a new one: a loop of calls of one shape then allocates nothing (measured
   * here: a small call 1.5x faster, a full trace 2-3.4x from small to medium sizes, little at
   * large and nothing at tiny sizes; docs/performance.md). Refused with an
   * {@link lstm-parity!LstmInputError} when its shape differs, or when S reads memory it holds.
   */
  into?: LstmType1Trace | LstmOutputTrace<'type1'>;
}

/** Options of {@link lstmType1Batch}: those of {@link lstmType1}, with one result to reuse per sequence. */
export interface LstmType1BatchOptions extends Omit<LstmType1Options, 'into'> {
  /** One earlier result per sequence (distinct, none sharing memory with another or with S), overwritten and returned. */
  into?: readonly (LstmType1Trace | LstmOutputTrace<'type1'>)[];
}

/**
 * Type 1 weights as the cells accept them: the seed's dictionary, validated and packed on every
 * call, or {@link prepareWeights}`('type1', W)`, done once.
 */
export type Type1WeightsInput = Type1Weights | PreparedWeights<'type1'>;

/**
 * Prepared weights for W, validating W unless it was prepared already; S is not looked at.
 * `reused`: the weights serve many calls (a stream's steps), so any size takes WebAssembly.
 */
function weightsOf(W: Type1WeightsInput, options: PrepareOptions, reused: boolean): PreparedWeights<'type1'> {
  if (isPreparedWeights(W)) return preparedFor('type1', W);
  const shape = validateCase('type1', { S: [], W }, options);
  return preparePacked('type1', packType1(W, shape), options, reused);
}

/**
 * Runs type 1 over a whole sequence S (T x X) from h_0 = c_0 = 0 and returns every per-step
 * vector (or, with `trace: 'output'`, only h_t and the final state).
 *
 * @param S - T input vectors of X numbers each; T = 0 gives empty arrays.
 * @param W - the seed's weight dictionary, or {@link prepareWeights}`('type1', W)`.
 * @throws {@link lstm-parity!LstmInputError} naming the first key path that is wrong (a missing or unknown
 *   key, a wrong shape, a non-finite number without `allowNonFinite`).
 *
 * @example
 * ```ts
 * import { lstmType1, toSeedOutput } from 'lstm-parity';
 *
 * // H = 2 hidden units, X = 1 input; the seed's dictionary: w_* are H x X, u_* H x H, b_* H.
 * const W = {
 *   w_i: [[0.5], [-0.3]], u_i: [[0.1, 0.2], [0.0, -0.1]], b_i: [0, 0.1],
 *   w_g: [[0.4], [0.2]], u_g: [[-0.2, 0.1], [0.3, 0.0]], b_g: [1, 1],
 *   w_o: [[-0.1], [0.6]], u_o: [[0.2, 0.2], [-0.1, 0.1]], b_o: [0, 0],
 *   w_c: [[0.7], [-0.5]], u_c: [[0.1, -0.3], [0.2, 0.1]], b_c: [0, 0],
 * };
 * const S = [[1], [0.5], [-1]]; // T = 3 steps
 * const trace = lstmType1(S, W);
 * trace.output; // h_t: Float64Array of T x H = 6 numbers, step-major
 * toSeedOutput(trace).cell_state_vectors; // the seed's nested arrays, 3 rows of 2
 * const { finalState } = lstmType1(S, W, { trace: 'output' }); // h_T and c_T only
 * ```
 */
export function lstmType1(S: Matrix, W: Type1WeightsInput, options?: LstmType1Options & { trace?: 'full' }): LstmType1Trace;
/** The same with `trace: 'output'`: h_t for every step and the final state, no gates (the example above). */
export function lstmType1(S: Matrix, W: Type1WeightsInput, options: LstmType1Options & { trace: 'output' }): LstmOutputTrace<'type1'>;
/** The same with the trace mode known only at run time. */
export function lstmType1(S: Matrix, W: Type1WeightsInput, options?: LstmType1Options): LstmType1Trace | LstmOutputTrace<'type1'>;
export function lstmType1(S: Matrix, W: Type1WeightsInput, options: LstmType1Options = {}): LstmType1Trace | LstmOutputTrace<'type1'> {
  options ??= {}; // plain JavaScript callers may pass null
  let p: PreparedWeights<'type1'>;
  let steps: number;
  if (isPreparedWeights(W)) {
    p = preparedFor('type1', W);
    steps = validateSequence(S, p.inputs, options);
  } else {
    const shape = validateCase('type1', { S, W }, options);
    p = preparePacked('type1', packType1(W, shape), options);
    steps = shape.steps;
  }
  const mode = options.trace ?? 'full';
  const into = reusedResult(options.into, 'type1', mode, steps, p.hidden, S);
  return runSequence('type1', p, S, steps, mode, into) as LstmType1Trace | LstmOutputTrace<'type1'>;
}

/** The forward pass on packed weights and a packed T x X sequence, already validated. */
export function forwardType1(weights: PackedWeights, x: Float64Array, steps: number): LstmType1Trace {
  const p = isPreparedWeights(weights) ? preparedFor('type1', weights) : preparePacked('type1', weights);
  return runSequence('type1', p, x, steps, 'full') as LstmType1Trace;
}

/**
 * Runs B sequences of equal length T in one call (S[b] is T x X) and returns one result per
 * sequence, each with the same bits as `lstmType1(S[b], W, options)`. Cheaper than B calls: the
 * products of a step run over the whole batch, and prepared weights may split it over threads.
 *
 * @throws {@link lstm-parity!LstmInputError} for bad weights, or a sequence whose length differs from S[0]'s.
 *
 * @example
 * ```ts
 * import { lstmType1Batch, prepareWeights, threads } from 'lstm-parity';
 *
 * // H = 2 hidden units, X = 1 input; the seed's dictionary: w_* are H x X, u_* H x H, b_* H.
 * const W = {
 *   w_i: [[0.5], [-0.3]], u_i: [[0.1, 0.2], [0.0, -0.1]], b_i: [0, 0.1],
 *   w_g: [[0.4], [0.2]], u_g: [[-0.2, 0.1], [0.3, 0.0]], b_g: [1, 1],
 *   w_o: [[-0.1], [0.6]], u_o: [[0.2, 0.2], [-0.1, 0.1]], b_o: [0, 0],
 *   w_c: [[0.7], [-0.5]], u_c: [[0.1, -0.3], [0.2, 0.1]], b_c: [0, 0],
 * };
 * const prepared = prepareWeights('type1', W, { threads: threads(2) });
 * const batch = [[[1], [0.5]], [[-1], [2]], [[0], [0]]]; // B = 3 sequences of T = 2
 * const results = lstmType1Batch(batch, prepared, { trace: 'output' });
 * results[1].output; // the same bits as lstmType1(batch[1], W, { trace: 'output' }).output
 * ```
 */
export function lstmType1Batch(S: readonly Matrix[], W: Type1WeightsInput, options?: LstmType1BatchOptions & { trace?: 'full' }): LstmType1Trace[];
/** The same with `trace: 'output'`: h_t for every step and the final state, no gates (the example above). */
export function lstmType1Batch(S: readonly Matrix[], W: Type1WeightsInput, options: LstmType1BatchOptions & { trace: 'output' }): LstmOutputTrace<'type1'>[];
/** The same with the trace mode known only at run time. */
export function lstmType1Batch(S: readonly Matrix[], W: Type1WeightsInput, options?: LstmType1BatchOptions): (LstmType1Trace | LstmOutputTrace<'type1'>)[];
export function lstmType1Batch(S: readonly Matrix[], W: Type1WeightsInput, options: LstmType1BatchOptions = {}): (LstmType1Trace | LstmOutputTrace<'type1'>)[] {
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
  const into = reusedResults(options.into, 'type1', mode, steps, p.hidden, S);
  return runBatch('type1', p, S, steps, mode, into) as (LstmType1Trace | LstmOutputTrace<'type1'>)[];
}

/** The vectors of one streamed type 1 step (reused: copy what you keep). */
export interface LstmType1Step extends StepVectors {
  /** The candidate ĉ_t. */
  readonly cellInput: Float64Array;
}

/** Type 1 one input at a time; `step` gives the same bits as the sequence it continues. */
export class LstmType1Stream extends LstmStream {
  readonly cell = 'type1';

  constructor(
    weights: PreparedWeights<'type1'>,
    private readonly options: ValidationOptions,
  ) {
    super('type1', weights);
  }

  /** Advances one step on x_t (X numbers) and returns h_t, c_t and the gates. */
  step(x: Vector): LstmType1Step {
    validateInputVector(x, this.inputs, this.options);
    return this.advance(x) as LstmType1Step;
  }
}

/**
 * A type 1 stream starting from h_0 = c_0 = 0: one input at a time, as inputs arrive, with the
 * same bits as the sequence the steps make.
 *
 * @param W - the seed's dictionary (validated and packed once, here) or prepared weights.
 * @param options - how W is validated and where the products run; `threads` is ignored, since a
 *   stream has only one input to work on at a time.
 * @throws {@link lstm-parity!LstmInputError} for bad weights; each `step` throws it for a bad input vector.
 *
 * @example
 * ```ts
 * import { createLstmType1 } from 'lstm-parity';
 *
 * // H = 2 hidden units, X = 1 input; the seed's dictionary: w_* are H x X, u_* H x H, b_* H.
 * const W = {
 *   w_i: [[0.5], [-0.3]], u_i: [[0.1, 0.2], [0.0, -0.1]], b_i: [0, 0.1],
 *   w_g: [[0.4], [0.2]], u_g: [[-0.2, 0.1], [0.3, 0.0]], b_g: [1, 1],
 *   w_o: [[-0.1], [0.6]], u_o: [[0.2, 0.2], [-0.1, 0.1]], b_o: [0, 0],
 *   w_c: [[0.7], [-0.5]], u_c: [[0.1, -0.3], [0.2, 0.1]], b_c: [0, 0],
 * };
 * const stream = createLstmType1(W);
 * for (const x of [[1], [0.5], [-1]]) {
 *   const { output } = stream.step(x); // h_t; the arrays are reused by the next step
 *   console.log(Array.from(output));
 * }
 * stream.reset(); // back to h = c = 0
 * ```
 */
export function createLstmType1(W: Type1WeightsInput, options: PrepareOptions = {}): LstmType1Stream {
  options ??= {}; // plain JavaScript callers may pass null
  // A stream steps one input at a time: threads, which split batches, would only idle.
  return new LstmType1Stream(weightsOf(W, { ...options, threads: undefined }, true), options);
}
