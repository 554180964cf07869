/**
 * Shrinking a failing case to a small one that still fails the same way: delta debugging (as
 * C-Reduce and Hypothesis's shrinker do it), largest chunks first, each candidate kept only if the
 * test still says it fails. Passes, repeated until a round changes nothing or the budget is spent:
 *
 *   1. steps: the shortest prefix that fails, then chunks of steps removed anywhere
 *   2. hidden units: chunks of units removed from every matrix and bias (and column r of every u)
 *   3. input features: chunks of columns removed from every w and from S
 *   4. whole blocks zeroed: each weight matrix and bias, and S
 *   5. simpler numbers: chunks of entries set to 0, then each entry to ±1, a small integer, fewer
 *      significant digits or the nearest power of two, only ever to a strictly simpler number
 *
 * A dedicated shrinker rather than fast-check's: the case to shrink is given (a golden file, a
 * live case, a file), not drawn by an arbitrary fast-check could replay; the test is asynchronous
 * and expensive (the implementation, then NumPy and perhaps its noise floor), so candidates go to
 * it in batches NumPy evaluates together; and the work is bounded by a deadline and a count of
 * tests, not by fast-check's run count.
 */
import type { CaseValue } from '../numeric/seeded-random.js';

/** Decides, for each candidate, whether it still fails the same way. */
export type ShrinkTest = (candidates: readonly CaseValue[]) => Promise<readonly boolean[]>;

/** Why shrinking stopped. */
export type ShrinkStop = 'done' | 'time' | 'tests' | 'implementation';

export interface ShrinkOptions {
  /** Stop starting new tests at this time (performance.now() milliseconds). */
  deadline: number;
  /** Stop after this many candidates tested (default 2000). */
  maxTests?: number;
  /** Candidates per call of the test (default 32). */
  batch?: number;
}

export interface ShrinkResult {
  /** The smallest failing case found (the original when nothing smaller fails). */
  value: CaseValue;
  /** Candidates tested. */
  tests: number;
  /** Why it stopped: 'done' when a whole round found nothing smaller. */
  stopped: ShrinkStop;
  /** What the implementation did, when it stopped shrinking ('implementation'). */
  why?: string;
}

/** Thrown by a test to stop shrinking (the implementation failed for good, or hangs past the deadline). */
export class ShrinkStopped extends Error {
  override readonly name = 'ShrinkStopped';
}

type Matrix = number[][];
type Weights = Record<string, Matrix | number[]>;

const hiddenOf = (v: CaseValue) => (v.W.u_i as Matrix).length;
const inputsOf = (v: CaseValue) => (v.W.w_i as Matrix)[0].length;

function withoutUnits(v: CaseValue, drop: ReadonlySet<number>): CaseValue {
  const W: Weights = {};
  for (const [key, value] of Object.entries(v.W)) {
    if (key.startsWith('b_')) W[key] = (value as number[]).filter((_, r) => !drop.has(r));
    else if (key.startsWith('u_')) W[key] = (value as Matrix).filter((_, r) => !drop.has(r)).map((row) => row.filter((_, k) => !drop.has(k)));
    else W[key] = (value as Matrix).filter((_, r) => !drop.has(r));
  }
  return { S: v.S, W };
}

function withoutFeatures(v: CaseValue, drop: ReadonlySet<number>): CaseValue {
  const W: Weights = {};
  for (const [key, value] of Object.entries(v.W)) W[key] = key.startsWith('w_') ? (value as Matrix).map((row) => row.filter((_, k) => !drop.has(k))) : value;
  return { S: v.S.map((row) => row.filter((_, k) => !drop.has(k))), W };
}

/** Chunks of [0, n) to remove: halves, quarters, ... down to single items, largest first. */
function chunks(n: number, keepAtLeast: number): number[][] {
  const out: number[][] = [];
  for (let size = Math.floor(n / 2) || 1; size >= 1; size = size === 1 ? 0 : Math.max(1, Math.floor(size / 2))) {
    for (let start = 0; start < n; start += size) {
      const chunk = Array.from({ length: Math.min(size, n - start) }, (_, k) => start + k);
      if (n - chunk.length >= keepAtLeast) out.push(chunk);
    }
    if (size === 1) break;
  }
  return out;
}

/** Significant decimal digits of x's shortest round-trip form. */
function digitsOf(x: number): number {
  return String(Math.abs(x)).replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
}

/**
 * How complex a number reads: 0, then ±1, then small integers, then by significant digits, a
 * power of two a little ahead of another number of as many digits. Shrinking only ever moves to a
 * strictly simpler number, so it cannot cycle (9e-311 -> 2^-1030 = 8.69...e-311 -> 9e-311).
 */
export function numberComplexity(x: number): number {
  if (x === 0) return 0;
  if (!Number.isFinite(x)) return 100;
  if (Math.abs(x) === 1) return 1;
  if (Number.isInteger(x) && Math.abs(x) <= 64) return 2;
  const power = Number.isInteger(Math.log2(Math.abs(x)));
  return 2 + digitsOf(x) - (power ? 0.5 : 0);
}

/** Simpler numbers than x, simplest first: 0, ±1, a small integer, fewer digits, ±2^k. */
export function simplerNumbers(x: number): number[] {
  if (x === 0 || Number.isNaN(x)) return [];
  if (!Number.isFinite(x)) return [0];
  const sign = x < 0 ? -1 : 1;
  const candidates = [0, sign];
  const rounded = Math.round(x);
  if (Math.abs(rounded) >= 2 && Math.abs(rounded) <= 64) candidates.push(rounded);
  const power = sign * 2 ** Math.round(Math.log2(Math.abs(x)));
  if (Number.isFinite(power) && power !== 0) candidates.push(power);
  for (const digits of [1, 2, 3]) candidates.push(Number(x.toPrecision(digits)));
  const own = numberComplexity(x);
  const seen = new Set<number>();
  return candidates
    .filter((c) => {
      if (Object.is(c, x) || seen.has(c) || !Number.isFinite(c) || !(numberComplexity(c) < own)) return false;
      seen.add(c);
      return true;
    })
    .sort((a, b) => numberComplexity(a) - numberComplexity(b));
}

/** A place in a case value that holds one number: S[t][k], or W[key] at [r] or [r][k]. */
type Slot = { get: (v: CaseValue) => number; set: (v: CaseValue, x: number) => CaseValue };

function slotsOf(v: CaseValue): Slot[] {
  const slots: Slot[] = [];
  v.S.forEach((row, t) =>
    row.forEach((_, k) =>
      slots.push({ get: (c) => c.S[t][k], set: (c, x) => ({ S: c.S.map((r, tt) => (tt === t ? r.map((y, kk) => (kk === k ? x : y)) : r)), W: c.W }) }),
    ),
  );
  for (const [key, value] of Object.entries(v.W)) {
    if (key.startsWith('b_')) {
      (value as number[]).forEach((_, r) => slots.push({ get: (c) => (c.W[key] as number[])[r], set: (c, x) => ({ S: c.S, W: { ...c.W, [key]: (c.W[key] as number[]).map((y, rr) => (rr === r ? x : y)) } }) }));
    } else {
      (value as Matrix).forEach((row, r) =>
        row.forEach((_, k) =>
          slots.push({ get: (c) => (c.W[key] as Matrix)[r][k], set: (c, x) => ({ S: c.S, W: { ...c.W, [key]: (c.W[key] as Matrix).map((rw, rr) => (rr === r ? rw.map((y, kk) => (kk === k ? x : y)) : rw)) } }) }),
        ),
      );
    }
  }
  return slots;
}

function setMany(v: CaseValue, slots: readonly Slot[], x: number): CaseValue {
  return slots.reduce((c, slot) => slot.set(c, x), v);
}

/**
 * Shrinks `start` (a case the test says fails) within the budget. The test is
 * never asked about `start` itself.
 */
export async function shrinkCase(start: CaseValue, test: ShrinkTest, options: ShrinkOptions): Promise<ShrinkResult> {
  const maxTests = options.maxTests ?? 2000;
  const batchSize = options.batch ?? 32;
  let current = start;
  let tests = 0;
  let stopped: ShrinkStop = 'done';
  let why: string | undefined;
  const budgetLeft = () => {
    if (stopped !== 'done') return false;
    if (performance.now() >= options.deadline) stopped = 'time';
    else if (tests >= maxTests) stopped = 'tests';
    return stopped === 'done';
  };

  /** The first candidate, in order, that still fails; tested in batches. */
  const firstFailing = async (candidates: readonly CaseValue[]): Promise<CaseValue | undefined> => {
    for (let k = 0; k < candidates.length; k += batchSize) {
      if (!budgetLeft()) return undefined;
      const batch = candidates.slice(k, Math.min(candidates.length, k + batchSize, k + maxTests - tests));
      tests += batch.length;
      let verdicts: readonly boolean[];
      try {
        verdicts = await test(batch);
      } catch (error) {
        if (!(error instanceof ShrinkStopped)) throw error;
        stopped = 'implementation';
        why = error.message;
        return undefined;
      }
      const at = verdicts.indexOf(true);
      if (at >= 0) return batch[at];
    }
    return undefined;
  };

  /** Repeats `propose` from the current case while a proposal fails; true when any did. */
  const pass = async (propose: (v: CaseValue) => CaseValue[]): Promise<boolean> => {
    let progressed = false;
    for (;;) {
      const found = await firstFailing(propose(current));
      if (found === undefined) return progressed;
      current = found;
      progressed = true;
    }
  };

  const steps = (v: CaseValue) => {
    const T = v.S.length;
    const prefixes = Array.from({ length: T }, (_, k) => ({ S: v.S.slice(0, k), W: v.W }));
    const removals = chunks(T, 0).map((chunk) => ({ S: v.S.filter((_, t) => !chunk.includes(t)), W: v.W }));
    return [...prefixes, ...removals];
  };
  const units = (v: CaseValue) => chunks(hiddenOf(v), 1).map((chunk) => withoutUnits(v, new Set(chunk)));
  const features = (v: CaseValue) => chunks(inputsOf(v), 1).map((chunk) => withoutFeatures(v, new Set(chunk)));
  const blocks = (v: CaseValue) => {
    const out: CaseValue[] = [];
    if (v.S.some((row) => row.some((x) => x !== 0))) out.push({ S: v.S.map((row) => row.map(() => 0)), W: v.W });
    for (const [key, value] of Object.entries(v.W)) {
      const zero = key.startsWith('b_') ? (value as number[]).map(() => 0) : (value as Matrix).map((row) => row.map(() => 0));
      if (JSON.stringify(zero) !== JSON.stringify(value)) out.push({ S: v.S, W: { ...v.W, [key]: zero } });
    }
    return out;
  };
  const zeros = (v: CaseValue) => {
    const slots = slotsOf(v).filter((slot) => slot.get(v) !== 0);
    return chunks(slots.length, 0).map((chunk) => setMany(v, chunk.map((k) => slots[k]), 0));
  };
  const numbers = (v: CaseValue) => slotsOf(v).flatMap((slot) => simplerNumbers(slot.get(v)).map((x) => slot.set(v, x)));

  for (let round = 0; round < 8 && budgetLeft(); round++) {
    let progressed = false;
    for (const propose of [steps, units, features, blocks, zeros, numbers]) {
      if (await pass(propose)) progressed = true;
      if (!budgetLeft()) break;
    }
    if (!progressed) break;
  }
  return { value: current, tests, stopped, why };
}
