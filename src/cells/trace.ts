/**
 * What a forward pass returns, and how it maps onto the seed's output dictionaries.
 *
 * Every per-step quantity is one row-major T x H Float64Array: step t, unit j is at `t * H + j`.
 * The arrays of one result are views of one ArrayBuffer (one allocation), which small results
 * (up to 4 KiB) share with other results, so code that hands on `.buffer` must take `byteOffset`
 * and `byteLength` with it, and copy with `slice()` before transferring it.
 * The seed's key names are kept exactly, including type 1's capital `Output_gate_activations`
 * beside type 2's `output_gate_activations`.
 */

export interface TraceBase {
  /** T, the number of steps. */
  readonly steps: number;
  /** H, the number of hidden units. */
  readonly hidden: number;
  /** h_t for every step. */
  readonly output: Float64Array;
  /** o_t for every step. */
  readonly outputGate: Float64Array;
  /** i_t for every step. */
  readonly inputGate: Float64Array;
  /** f_t (the seed's g) for every step. */
  readonly forgetGate: Float64Array;
  /** c_t for every step. */
  readonly cellState: Float64Array;
}

/**
 * Everything a type 1 run computed, step by step: the seed's six arrays as T x H row-major
 * Float64Arrays ({@link toSeedOutput} gives the seed's dictionary of nested arrays).
 */
export interface LstmType1Trace extends TraceBase {
  /** Which cell produced it. */
  readonly cell: 'type1';
  /** The candidate tanh(W_c x_t + U_c h_{t-1} + b_c) for every step. */
  readonly cellInput: Float64Array;
}

/**
 * Everything a type 2 run computed, step by step: the seed's five arrays as T x H row-major
 * Float64Arrays. The candidate is not among them: the seed does not return it.
 */
export interface LstmType2Trace extends TraceBase {
  /** Which cell produced it. */
  readonly cell: 'type2';
}

/** A full trace of either cell; `cell` tells them apart. */
export type LstmTrace = LstmType1Trace | LstmType2Trace;

/** Seed dictionary key -> trace field, in the order the seed builds its dictionary. */
export const SEED_KEYS = {
  type1: {
    Output: 'output',
    Output_gate_activations: 'outputGate',
    input_gate_activations: 'inputGate',
    forget_gate_activations: 'forgetGate',
    cell_input_activations: 'cellInput',
    cell_state_vectors: 'cellState',
  },
  type2: {
    Output: 'output',
    input_gate_activations: 'inputGate',
    output_gate_activations: 'outputGate',
    forget_gate_activations: 'forgetGate',
    cell_state_vectors: 'cellState',
  },
} as const;

export type SeedKey<C extends LstmTrace['cell']> = keyof (typeof SEED_KEYS)[C];

/** The seed's dictionary: each key holds T vectors of H numbers (empty lists when T = 0). */
export type SeedOutput = Record<string, number[][]>;

/** Step t of a T x H trace array, as a view (no copy). */
export function stepOf(values: Float64Array, hidden: number, t: number): Float64Array {
  return values.subarray(t * hidden, (t + 1) * hidden);
}

/** The trace field behind each seed key of a cell. */
export function seedFields(trace: LstmTrace): [key: string, values: Float64Array][] {
  const keys: Record<string, string> = SEED_KEYS[trace.cell];
  const fields = trace as unknown as Record<string, Float64Array>;
  return Object.entries(keys).map(([key, field]) => [key, fields[field]]);
}

/** Converts a trace to the seed's output dictionary, with exactly the seed's key names. */
export function toSeedOutput(trace: LstmTrace): SeedOutput {
  const out: SeedOutput = {};
  for (const [key, values] of seedFields(trace)) {
    const rows: number[][] = [];
    for (let t = 0; t < trace.steps; t++) rows.push(Array.from(stepOf(values, trace.hidden, t)));
    out[key] = rows;
  }
  return out;
}

/** What a forward pass records: every seed vector ('full', the default) or only h ('output'). */
export type TraceMode = 'full' | 'output';

/** The recurrent state after a step: h_t and c_t, H values each. */
export interface LstmState {
  readonly h: Float64Array;
  readonly c: Float64Array;
}

/**
 * The result of `trace: 'output'`: h_t for every step and the final state, and nothing else,
 * so its memory is the T x H outputs plus O(H). `finalState` is h_T and c_T (zeros when T = 0).
 */
export interface LstmOutputTrace<C extends LstmTrace['cell'] = LstmTrace['cell']> {
  readonly cell: C;
  readonly steps: number;
  readonly hidden: number;
  readonly output: Float64Array;
  readonly finalState: LstmState;
}
