/**
 * Every entry point of this package's cells against the sequence API, bit for bit (NaN meets NaN,
 * -0 is not +0), on verify's own cases. The sequence API on raw weights is what verify judges
 * against NumPy; the other ways in share its kernels and must give its bits exactly, so any
 * difference is a port bug in the entry point named. No Python is involved.
 *
 *   wasm             the sequence API on weights prepared for WebAssembly SIMD
 *   scalar           the sequence API on raw weights with plain JavaScript forced
 *   prepared-output  prepareWeights, then trace 'output': h_t for every step and the final state
 *   batch            the case's S in a batch of two sequences of equal T on its weights, at
 *                    position 0 or 1; its neighbour is the S of the case before it with the same
 *                    cell, X and T, or where there is none, its own S reversed in time and negated
 *                    (a neighbour equal to S would hide a batch that mixes them up)
 *   stream           createLstmType*, a throwaway step and reset(), then `step` per input
 *   into             the sequence API, or a batch, writing into the result of an earlier call of
 *                    the same shape (`options.into`) made on the neighbour's S: every array the
 *                    call returns must be rewritten, the final state included
 *   threads          prepareWeights with `threads(2)` (WebAssembly), then the sequence API and a
 *                    batch of 2: from SPLIT_MIN_ROWS recurrent rows the sequence's products are
 *                    split by rows between the threads, and a batch by sequences. Starting
 *                    threads costs tens of milliseconds, so this runs where the row split
 *                    engages (H >= 96 for type 1, 128 for type 2: verify's wide cases) and on one
 *                    case in THREADS_EVERY besides (the split by sequences); the threads are
 *                    ended at once
 *
 * Which backend, weights (raw or prepared), trace mode and batch position the last three use
 * cycles with the case index (bits 0 to 3), so a campaign drives every combination. Raw weights go
 * with JavaScript only and prepared ones are shared within a case: each WebAssembly workspace is
 * an instance with its own memory, the costliest thing here (the sequence API on raw weights with
 * 'auto', which verify judges, takes WebAssembly from 1024 weights).
 */
import type { CellType, Matrix, Type1Weights, Type2Weights } from '../cells/schema.js';
import { SEED_KEYS, type LstmOutputTrace, type LstmTrace } from '../cells/trace.js';
import type { Backend, PreparedWeights } from '../cells/prepared.js';
import { SPLIT_MIN_ROWS } from '../cells/driver.js';
import type { FlatCase, FlatOutputs } from '../judge/flat-case.js';
import type { CaseInput } from '../judge/implementation.js';
import type { CellFunctions } from '../implementations/lstm-parity.js';

/** Every {@link EntryPoint}, in the order verify checks and reports them. */
export const ENTRY_POINTS = ['wasm', 'scalar', 'prepared-output', 'batch', 'stream', 'into', 'threads'] as const;

/**
 * A way into the cells that verify checks against the sequence API, bit for bit: each backend,
 * prepared weights with trace 'output', batches, streams.
 */
export type EntryPoint = (typeof ENTRY_POINTS)[number];

export interface EntryPointCase {
  name: string;
  /** Chooses backend, weights, trace mode and batch position (see the header). */
  index: number;
  flat: FlatCase;
  input: CaseInput;
  /** What the sequence API returned for this case, by seed key. */
  sequence: FlatOutputs;
}

export interface EntryPointFailure {
  entryPoint: EntryPoint;
  /** How it was driven, e.g. "a batch of 2 (this case at position 1) on prepared weights (wasm), trace 'output'". */
  how: string;
  /** What differs, e.g. "Output step 3 unit 1: 0.25, the sequence API 0.5", or what it threw. */
  detail: string;
}

export interface EntryPointReport {
  checked: EntryPoint[];
  notChecked: { entryPoint: EntryPoint; reason: string }[];
  failures: EntryPointFailure[];
}

const BATCH_SIZE = 2;
/** The threads entry point runs on one case in this many below the row split's threshold. */
export const THREADS_EVERY = 2048;
const show = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

type Weights = Type1Weights | Type2Weights | PreparedWeights;
type RunOptions = { allowNonFinite: true; backend?: Backend; trace?: 'full' | 'output'; into?: unknown };

// `into` is a result of the same cell, which the call checks; the casts only join the two cells' types.
function sequenceOf(cells: CellFunctions, cell: CellType, S: Matrix, W: Weights, options: RunOptions): LstmTrace | LstmOutputTrace {
  return cell === 'type1' ? cells.lstmType1(S, W as Type1Weights, options as Parameters<typeof cells.lstmType1>[2]) : cells.lstmType2(S, W as Type2Weights, options as Parameters<typeof cells.lstmType2>[2]);
}

function batchOf(cells: CellFunctions, cell: CellType, S: Matrix[], W: Weights, options: RunOptions): (LstmTrace | LstmOutputTrace)[] {
  return cell === 'type1' ? cells.lstmType1Batch(S, W as Type1Weights, options as Parameters<typeof cells.lstmType1Batch>[2]) : cells.lstmType2Batch(S, W as Type2Weights, options as Parameters<typeof cells.lstmType2Batch>[2]);
}

/** The first element where `actual` differs from `expected` (rows from `step0`), described; undefined if none. */
function firstDifference(key: string, actual: ArrayLike<number>, expected: ArrayLike<number>, hidden: number, step0 = 0): string | undefined {
  if (actual.length !== expected.length) return `${key}: ${actual.length} values, the sequence API ${expected.length}`;
  for (let k = 0; k < expected.length; k++) {
    if (!Object.is(actual[k], expected[k])) {
      return `${key} step ${step0 + Math.floor(k / hidden)} unit ${k % hidden}: ${show(actual[k])}, the sequence API ${show(expected[k])}`;
    }
  }
  return undefined;
}

/** Compares a result with the sequence API's outputs: every seed key of a full trace, or h and the final state. */
function compareResult(result: LstmTrace | LstmOutputTrace, expected: FlatOutputs, c: FlatCase): string | undefined {
  const H = c.hidden;
  if ('finalState' in result) {
    const last = (key: string) => (c.steps === 0 ? new Float64Array(H) : expected[key].subarray((c.steps - 1) * H));
    return (
      firstDifference('Output', result.output, expected.Output, H) ??
      firstDifference('finalState.h', result.finalState.h, last('Output'), H, c.steps - 1) ??
      firstDifference('finalState.c', result.finalState.c, last('cell_state_vectors'), H, c.steps - 1)
    );
  }
  const fields = result as unknown as Record<string, Float64Array>;
  for (const [key, field] of Object.entries(SEED_KEYS[c.cell])) {
    if (!(key in expected)) continue;
    const difference = firstDifference(key, fields[field], expected[key], H);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

/** The case's S as rows (the entry points take the seed's nested arrays). */
const rowsOf = (c: EntryPointCase) => c.input.S;

/**
 * Drives each entry point on each case and compares with the case's sequence API outputs. Cases
 * are grouped by cell, X and T for the batches, so pass all the cases of a campaign chunk at once.
 */
export function checkEntryPoints(cells: CellFunctions, cases: readonly EntryPointCase[]): EntryPointReport[] {
  const groups = new Map<string, number[]>();
  cases.forEach((c, k) => {
    const shape = `${c.flat.cell} ${c.flat.inputs} ${c.flat.steps}`;
    const group = groups.get(shape);
    if (group === undefined) groups.set(shape, [k]);
    else group.push(k);
  });
  const simd = cells.wasmSimdAvailable();
  return cases.map((c, k) => {
    const group = groups.get(`${c.flat.cell} ${c.flat.inputs} ${c.flat.steps}`)!;
    const at = group.indexOf(k);
    const neighbour = group.length > 1 ? rowsOf(cases[group[(at + group.length - 1) % group.length]]) : [...c.input.S].reverse().map((row) => row.map((x) => -x));
    return checkCase(cells, c, neighbour, simd);
  });
}

function checkCase(cells: CellFunctions, c: EntryPointCase, neighbour: Matrix, simd: boolean): EntryPointReport {
  const report: EntryPointReport = { checked: [], notChecked: [], failures: [] };
  const { cell } = c.flat;
  const S = rowsOf(c);
  const raw = c.input.W as unknown as Type1Weights | Type2Weights;
  const bits = c.index >>> 0;
  const backend: Backend = !simd || (bits & 1) === 0 ? 'scalar' : 'wasm';
  const onPrepared = (bits & 2) !== 0;
  const batchTrace = (bits & 4) === 0 ? 'full' : 'output';

  const attempt = (entryPoint: EntryPoint, how: string, compare: () => string | undefined) => {
    report.checked.push(entryPoint);
    let detail: string | undefined;
    try {
      detail = compare();
    } catch (error) {
      detail = `threw: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    if (detail !== undefined) report.failures.push({ entryPoint, how, detail });
  };

  // One set of prepared weights per backend, shared by the entry points that take prepared
  // weights: each WebAssembly workspace is an instance with its own memory, costly to make.
  const prepared: Partial<Record<Backend, PreparedWeights>> = {};
  const prepare = (on: Backend) => (prepared[on] ??= cells.prepareWeights(cell, raw as never, { allowNonFinite: true, backend: on }));

  if (simd) {
    attempt('wasm', "prepareWeights with backend 'wasm', then the sequence API", () => compareResult(sequenceOf(cells, cell, S, prepare('wasm'), { allowNonFinite: true }), c.sequence, c.flat));
  } else {
    report.notChecked.push({ entryPoint: 'wasm', reason: 'this engine has no WebAssembly SIMD' });
  }
  attempt('scalar', "the sequence API on raw weights, backend 'scalar'", () =>
    compareResult(sequenceOf(cells, cell, S, raw, { allowNonFinite: true, backend: 'scalar' }), c.sequence, c.flat),
  );

  attempt('prepared-output', `prepareWeights (${backend}), then the sequence API with trace 'output'`, () =>
    compareResult(sequenceOf(cells, cell, S, prepare(backend), { allowNonFinite: true, trace: 'output' }), c.sequence, c.flat),
  );

  // Raw weights go with the JavaScript backend only: on raw weights 'wasm' would make an instance per call.
  const weights = onPrepared ? `prepared weights (${backend})` : "raw weights (backend 'scalar')";
  const W = () => (onPrepared ? prepare(backend) : raw);
  const options = onPrepared ? { allowNonFinite: true as const } : { allowNonFinite: true as const, backend: 'scalar' as const };

  const position = (bits >>> 3) % BATCH_SIZE;
  const batch = position === 0 ? [S, neighbour] : [neighbour, S];
  attempt('batch', `a batch of ${BATCH_SIZE} (this case at position ${position}) on ${weights}, trace '${batchTrace}'`, () =>
    compareResult(batchOf(cells, cell, batch, W(), { ...options, trace: batchTrace })[position], c.sequence, c.flat),
  );

  attempt('stream', `a stream on ${weights}: one step, reset(), then step per input`, () => {
    const stream = cell === 'type1' ? cells.createLstmType1(W() as Type1Weights, options) : cells.createLstmType2(W() as Type2Weights, options);
    const H = c.flat.hidden;
    if (S.length > 0) stream.step(S[S.length - 1]);
    stream.reset();
    for (let t = 0; t < S.length; t++) {
      const step = stream.step(S[t]) as unknown as Record<string, Float64Array>;
      for (const [key, field] of Object.entries(SEED_KEYS[cell])) {
        if (!(key in c.sequence)) continue;
        const difference = firstDifference(key, step[field], c.sequence[key].subarray(t * H, (t + 1) * H), H, t);
        if (difference !== undefined) return difference;
      }
    }
    return undefined;
  });

  const intoBatch = (bits & 32) !== 0;
  attempt('into', `${intoBatch ? `a batch of ${BATCH_SIZE} (this case at position ${position})` : 'the sequence API'} on ${weights}, trace '${batchTrace}', into the result of an earlier call on other inputs`, () => {
    const traced: RunOptions = { ...options, trace: batchTrace };
    if (!intoBatch) {
      const earlier = sequenceOf(cells, cell, neighbour, W(), traced);
      const result = sequenceOf(cells, cell, S, W(), { ...traced, into: earlier });
      return result === earlier ? compareResult(result, c.sequence, c.flat) : 'returned a new result instead of writing into the one given';
    }
    const earlier = batchOf(cells, cell, [batch[1], batch[0]], W(), traced);
    const results = batchOf(cells, cell, batch, W(), { ...traced, into: earlier });
    return results[position] === earlier[position] ? compareResult(results[position], c.sequence, c.flat) : 'returned new results instead of writing into those given';
  });

  const recurrentRows = (cell === 'type1' ? 4 : 3) * c.flat.hidden;
  if (!simd || !cells.threadsAvailable()) {
    report.notChecked.push({ entryPoint: 'threads', reason: simd ? 'threads cannot run here' : 'this engine has no WebAssembly SIMD' });
  } else if (recurrentRows < SPLIT_MIN_ROWS && bits % THREADS_EVERY !== 0) {
    report.notChecked.push({ entryPoint: 'threads', reason: `run where the row split engages (${SPLIT_MIN_ROWS} recurrent rows or more) and on one case in ${THREADS_EVERY} besides` });
  } else {
    attempt('threads', `prepareWeights with threads(2), then the sequence API${recurrentRows >= SPLIT_MIN_ROWS ? ' (its products split by rows)' : ''} and a batch of ${BATCH_SIZE} (this case at position ${position})`, () => {
      const threaded = cells.prepareWeights(cell, raw as never, { allowNonFinite: true, backend: 'wasm', threads: cells.threads(2) });
      try {
        return (
          compareResult(sequenceOf(cells, cell, S, threaded, { allowNonFinite: true }), c.sequence, c.flat) ??
          compareResult(batchOf(cells, cell, batch, threaded, { allowNonFinite: true })[position], c.sequence, c.flat)
        );
      } finally {
        cells.releaseThreads(threaded);
      }
    });
  }

  return report;
}

/** One line: the entry point, how it was driven, and the first difference. */
export function describeEntryPointFailure(failure: EntryPointFailure): string {
  return `${failure.entryPoint} differs from the sequence API: ${failure.how}: ${failure.detail}`;
}
