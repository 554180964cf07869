/**
 * The live campaign on several NumPy workers at once, with results that do not depend on how many.
 *
 * Cases are drawn from the plan a chunk at a time, as a lane is free to take one. Each worker
 * (one NumpyOracle) has two lanes, so that it computes one chunk while this process runs the
 * implementation on and judges the other; `jobs` workers make 2 x jobs lanes. A chunk goes
 * through NumPy, then the implementation, the checks of ./case-checks.ts and `judgeLiveCase`; the
 * few cases that do not agree get their noise floor from the same worker and are judged again
 * with it.
 *
 * Finished chunks wait in a reorder buffer and are handed over strictly in campaign order, so the
 * tally sees the same sequence with 1 worker or 8. The buffer is bounded: a lane does not take a
 * new chunk while AHEAD_PER_LANE x lanes chunks are taken and not yet handed over, so a slow chunk
 * (the chaotic probe, say) holds up at most that many.
 *
 * When a worker fails for good (NumpyOracle gave up on a request), no lane takes a new chunk, the
 * chunks in flight finish, and everything judged is handed over; the caller counts the rest as
 * not judged. A disagreeing case whose noise floor could not be measured is not judged either.
 *
 * The implementation is one for all lanes (a command is one process, which takes one request at a
 * time); one that takes batches gets a chunk's cases in batches, grouped by shape. A case it fails on is a port bug (a FailedRun); when it fails for good, it is asked
 * nothing more: the lanes stop at the next case, and what was judged is handed over as for a
 * worker failure. Each lane judges in its worker's precision (./judging.ts): a float32
 * implementation meets NumPy in float32, with float64 NumPy's answers kept beside.
 */
import { caseSeedOf } from './random-case.js';
import { ImplementationError, runImplementation, runImplementations, type Implementation } from '../judge/implementation.js';
import { measureNoiseFloors } from '../judge/noise-floor.js';
import type { FlatOutputs, ReferenceResult } from '../judge/flat-case.js';
import { NumpyWorkerError, type NumpyOracle } from '../oracle/numpy-oracle.js';
import { reviewCases, type CaseReview } from './case-checks.js';
import { failedRun, judgeLiveCase, pick, sourceOf, type CaseOutcome, type JudgedCase } from './judge-case.js';
import { judgingFor } from './judging.js';
import type { PlannedCase } from './plan.js';

/** Cases per chunk: two requests of the bridge's default batch of 64. */
export const CHUNK_CASES = 128;
const LANES_PER_WORKER = 2;
/** Chunks a lane may run ahead of the one the tally waits for, per lane. */
const AHEAD_PER_LANE = 2;
/** Synchronous work between two turns of the event loop, so workers' replies and signals are seen. */
const SLICE_MS = 10;

export interface LiveCampaignOptions {
  cases: Iterator<PlannedCase>;
  oracles: readonly NumpyOracle[];
  implementation: Implementation;
  /** The campaign seed: each case's noise floor is perturbed from (seed, index). */
  seed: number;
  /** Called with each chunk's judged cases, in campaign order. */
  onJudged: (judged: readonly CaseOutcome[]) => void;
  chunkCases?: number;
}

export interface LiveCampaignOutcome {
  /** The worker failure that stopped the campaign, if one did. */
  failure?: NumpyWorkerError;
  /** The implementation's failure for good that stopped the campaign, if one did. */
  implementationFailure?: ImplementationError;
}

/** A placeholder until the chunk's reviews are in. */
const NOT_REVIEWED: CaseReview = { ran: [], notChecked: [], failures: [], quirks: [] };

interface ChunkResult {
  judged: CaseOutcome[];
  failure?: NumpyWorkerError;
}

/** Shared by the lanes: set once the implementation failed for good, so none asks it again. */
interface ImplementationState {
  failure?: ImplementationError;
}

/** Resolves after one turn of the event loop, so that I/O and signals waiting are handled. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets the event loop run once every SLICE_MS of synchronous work. */
function slicer(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await nextTurn();
    since = performance.now();
  };
}

/**
 * One chunk through NumPy, the implementation, the checks of ./case-checks.ts and the judge. If the
 * worker fails for good, the cases it evaluated before failing are still judged and the failure is
 * returned with them. A case the implementation fails to run is a port bug (a FailedRun), not the
 * end of the campaign; a failure for good is (`state`), and the chunk ends there.
 */
async function runChunk(
  oracle: NumpyOracle,
  chunk: readonly PlannedCase[],
  impl: Implementation,
  state: ImplementationState,
  seed: number,
  breathe: () => Promise<void>,
): Promise<ChunkResult> {
  const judging = judgingFor(impl, oracle);
  const reference = judging.reference!;
  let failure: NumpyWorkerError | undefined;
  let results: readonly ReferenceResult[];
  try {
    results = await reference.evaluate(chunk.map((c) => c.flat));
  } catch (error) {
    if (!(error instanceof NumpyWorkerError)) throw error;
    failure = error;
    results = error.results;
  }
  const outcomes: CaseOutcome[] = [];
  /** Per judged outcome, the index of its case in the chunk. */
  const caseOf = new Map<number, number>();
  const unsettled: number[] = [];
  // An implementation that takes batches gets the chunk's cases at once, grouped by shape.
  const batched = impl.runBatch !== undefined && (impl.batch ?? 0) >= 2 && state.failure === undefined ? await runImplementations(impl, results.map((_, k) => ({ c: chunk[k].flat, name: chunk[k].name, input: chunk[k].value }))) : undefined;
  if (batched?.fatal !== undefined) state.failure ??= batched.fatal;
  for (const [k, result] of results.entries()) {
    const c = chunk[k];
    let actual: FlatOutputs;
    if (batched !== undefined) {
      const run = batched.results[k];
      if (run === undefined) break;
      if (run instanceof ImplementationError) {
        outcomes.push(failedRun(c, sourceOf(c), run));
        continue;
      }
      actual = run;
    } else {
      if (state.failure !== undefined) break;
      try {
        actual = await runImplementation(impl, c.flat, c.name, c.value);
      } catch (error) {
        if (!(error instanceof ImplementationError)) throw error;
        if (error.fatal) {
          state.failure ??= error;
          break;
        }
        outcomes.push(failedRun(c, sourceOf(c), error));
        continue;
      }
    }
    const j = judgeLiveCase(c, actual, result, NOT_REVIEWED, undefined, judging.tolerance);
    if (j.verdict.kind !== 'agrees') unsettled.push(outcomes.length);
    caseOf.set(outcomes.length, k);
    outcomes.push(j);
    await breathe();
  }
  // The checks beside NumPy's comparison; the batch entry point groups the chunk's cases.
  const judged = [...caseOf.keys()];
  const reviews = await reviewCases(
    impl,
    judged.map((n) => {
      const j = outcomes[n] as JudgedCase;
      const c = chunk[caseOf.get(n)!];
      const numpy = results[caseOf.get(n)!];
      return { name: c.name, index: c.index, flat: c.flat, input: c.value, actual: j.actual, agreed: j.verdict.kind === 'agrees' && numpy.ok ? numpy.outputs : undefined };
    }),
  );
  judged.forEach((n, r) => ((outcomes[n] as JudgedCase).review = reviews[r]));
  await breathe();
  // Only cases that disagree need their noise floor: a few extra NumPy runs each.
  if (unsettled.length > 0 && failure === undefined) {
    try {
      const floors = await measureNoiseFloors(
        reference,
        unsettled.map((n) => chunk[caseOf.get(n)!].flat),
        unsettled.map((n) => (outcomes[n] as JudgedCase).expected),
        { seeds: unsettled.map((n) => caseSeedOf(seed, chunk[caseOf.get(n)!].index)), dtype: judging.dtype },
      );
      unsettled.forEach((n, f) => {
        const j = outcomes[n] as JudgedCase;
        outcomes[n] = judgeLiveCase(chunk[caseOf.get(n)!], j.actual, { ok: true, outputs: j.expected, warnings: [] }, j.review, floors[f], judging.tolerance);
      });
      unsettled.length = 0;
    } catch (error) {
      if (!(error instanceof NumpyWorkerError)) throw error;
      failure = error;
    }
  }
  // A disagreement without its noise floor cannot be judged: it counts as not judged.
  const kept = outcomes.filter((_, n) => !unsettled.includes(n));
  // A float32 implementation's distance from the float64 seed, reported beside its verdicts.
  if (judging.float64 !== undefined && failure === undefined) {
    const beside = [...caseOf.keys()].filter((n) => !unsettled.includes(n) && (outcomes[n] as JudgedCase).source !== 'probe');
    try {
      const float64 = await judging.float64.evaluate(beside.map((n) => chunk[caseOf.get(n)!].flat));
      beside.forEach((n, f) => {
        const result = float64[f];
        const j = outcomes[n] as JudgedCase;
        if (result.ok) j.float64 = pick(result.outputs, j.actual);
      });
    } catch (error) {
      if (!(error instanceof NumpyWorkerError)) throw error;
      failure = error;
    }
  }
  return { judged: kept, failure };
}

export async function runLiveCampaign(options: LiveCampaignOptions): Promise<LiveCampaignOutcome> {
  const chunkCases = options.chunkCases ?? CHUNK_CASES;
  const lanes = options.oracles.flatMap((oracle) => Array.from({ length: LANES_PER_WORKER }, () => oracle));
  const maxAhead = lanes.length * AHEAD_PER_LANE;
  const buffer = new Map<number, ChunkResult>();
  let taken = 0;
  let delivered = 0;
  let exhausted = false;
  const stop: { failed?: { seq: number; failure: NumpyWorkerError }; thrown: boolean } = { thrown: false };
  const state: ImplementationState = {};
  let waiting: { promise: Promise<void>; resolve: () => void } | undefined;

  /** The first failure in campaign order is the one reported. */
  const noteFailure = (seq: number, failure: NumpyWorkerError) => {
    if (stop.failed === undefined || seq < stop.failed.seq) stop.failed = { seq, failure };
  };

  const take = (): PlannedCase[] => {
    const chunk: PlannedCase[] = [];
    while (chunk.length < chunkCases) {
      const next = options.cases.next();
      if (next.done === true) {
        exhausted = true;
        break;
      }
      chunk.push(next.value);
    }
    return chunk;
  };

  const deliver = () => {
    for (let result = buffer.get(delivered); result !== undefined; result = buffer.get(delivered)) {
      buffer.delete(delivered);
      delivered++;
      options.onJudged(result.judged);
    }
    waiting?.resolve();
    waiting = undefined;
  };

  const waitForRoom = async () => {
    while (taken - delivered >= maxAhead && !stop.thrown) {
      if (waiting === undefined) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        waiting = { promise, resolve };
      }
      await waiting.promise;
    }
  };

  const lane = async (oracle: NumpyOracle) => {
    const breathe = slicer();
    for (;;) {
      await waitForRoom();
      if (exhausted || stop.failed !== undefined || stop.thrown || state.failure !== undefined) return;
      const chunk = take();
      if (chunk.length === 0) return;
      const seq = taken++;
      let result: ChunkResult;
      try {
        result = await runChunk(oracle, chunk, options.implementation, state, options.seed, breathe);
      } catch (error) {
        // Anything but a worker failure or a case the implementation failed ends the campaign at once.
        stop.thrown = true;
        waiting?.resolve();
        throw error;
      }
      if (result.failure !== undefined) noteFailure(seq, result.failure);
      buffer.set(seq, result);
      deliver();
    }
  };

  await Promise.all(lanes.map(lane));
  return { failure: stop.failed?.failure, implementationFailure: state.failure };
}
