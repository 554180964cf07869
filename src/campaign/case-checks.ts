/**
 * The checks verify runs on each case beside the comparison with NumPy, and their tally. Each
 * finding names the check that caught it:
 *
 *   run                   the implementation ran the case (a throw is a port bug, not a crash)
 *   numpy                 the comparison with NumPy against the case's noise floor (verdict.ts)
 *   numpy:signed-zero     where NumPy's value is an exact zero, a sign the element's formula allows
 *                         in exact arithmetic (signed-zeros.ts), on cases that agree with NumPy;
 *                         where NumPy's own operands allow only the implementation's sign, a
 *                         quirk of NumPy's
 *   entry-point:<name>    this package's batches, streams, prepared weights and backends against
 *                         the sequence API, bit for bit (entry-points.ts); only for an
 *                         implementation built from the cell functions (cellsCapabilityOf)
 *   fact:<name>           exact facts needing no reference (../judge/exact-facts.ts), with two
 *                         extra runs of the implementation: a prefix S[:k] for causality, and for
 *                         type 2 the candidate read-out
 *
 * A check that cannot run on a case (a key the implementation does not return, no declared tanh,
 * no WebAssembly SIMD) is counted as not checked, with its reason. Another implementation than
 * this package's cells is held to the facts true of any arithmetic (bounds, the unit interval, NaN
 * propagation); the bit-for-bit ones (EXACT_ONLY_FACTS) are not checked for it unless it claims
 * this package's arithmetic (`exactArithmetic`), saying why, since
 * another exp, tanh, summation order or kernel per T rounds them differently, rightly, and the
 * comparison with NumPy under the tolerance policy judges it there.
 */
import { cellsCapabilityOf } from '../implementations/lstm-parity.js';
import { candidateReadout, checkExactFacts, describeViolation, FACT_NAMES, prefixOf, type CaseForms, type FactInputs, type FactName } from '../judge/exact-facts.js';
import type { FlatCase, FlatOutputs } from '../judge/flat-case.js';
import { ImplementationError, runImplementation, type CaseInput, type Implementation } from '../judge/implementation.js';
import { exactReference } from '../judge/exact-reference.js';
import { describeNumpyDeparture, describeSignedZeroMismatch, signedZeros } from '../judge/signed-zeros.js';
import { checkEntryPoints, describeEntryPointFailure, ENTRY_POINTS, type EntryPoint } from './entry-points.js';

/**
 * A check every case goes through, as findings and the per-check counts name it: 'run' (the
 * implementation answered), 'numpy' (the verdict against NumPy), 'numpy:signed-zero', one
 * `entry-point:*` per way into the cells, one `fact:*` per exact fact.
 */
export type CheckName = 'run' | 'numpy' | 'numpy:signed-zero' | `entry-point:${EntryPoint}` | `fact:${FactName}`;

/** Every check, in the order verify reports them. */
export const CHECK_NAMES: readonly CheckName[] = ['run', 'numpy', 'numpy:signed-zero', ...ENTRY_POINTS.map((e) => `entry-point:${e}` as const), ...FACT_NAMES.map((f) => `fact:${f}` as const)];

/** A check a case failed, with one line saying how. */
export interface CheckFailure {
  /** The check that failed. */
  check: CheckName;
  /** What it found, e.g. the first element that breaks a fact. */
  description: string;
}

/** The checks beside NumPy's comparison, for one case: which ran, which could not and why, which failed. */
export interface CaseReview {
  /** Checks that ran on the case. */
  ran: CheckName[];
  /** Checks that could not run on it, each with the reason (never counted as passed). */
  notChecked: { check: CheckName; reason: string }[];
  /** Checks the case failed: port bugs. */
  failures: CheckFailure[];
  /** Reference platform quirks a check found: reported, not failed. */
  quirks: CheckFailure[];
}

export interface ReviewedCase {
  name: string;
  /** Varies how the entry points are driven, and which prefix causality cuts. */
  index: number;
  flat: FlatCase;
  input: CaseInput;
  /** The implementation's outputs. */
  actual: FlatOutputs;
  /** NumPy's outputs, every key of the cell, when the case agrees with them (signed zeros are judged then, on NumPy's operands). */
  agreed?: FlatOutputs;
}

/** Facts held bit for bit only of this package's arithmetic (see the header). */
export const EXACT_ONLY_FACTS: readonly FactName[] = ['gate-saturation', 'cell-state-recompute', 'output-recompute', 'causality'];

/** Whether the implementation is held to the bit-for-bit facts: this package's cells, or a float64 one that claims their arithmetic. */
function heldExactly(impl: Implementation): boolean {
  return cellsCapabilityOf(impl) !== undefined || (impl.exactArithmetic === true && impl.dtype === 'float64');
}

const notExact = (impl: Implementation) =>
  `${impl.name} does not claim this package's arithmetic (exactArithmetic): held bit for bit only of it (another exp, tanh, summation order or kernel per T rounds it differently, within the tolerance the NumPy check applies)`;

/** The prefix length causality cuts at: spread over 1 .. T - 1 by the index (0 when T < 2). */
export function prefixLength(steps: number, index: number): number {
  if (steps < 2) return 0;
  return 1 + (Math.imul(index >>> 0, 0x9e3779b1) >>> 0) % (steps - 1);
}

async function factInputs(impl: Implementation, c: ReviewedCase, failures: CheckFailure[]): Promise<FactInputs> {
  const inputs: FactInputs = { tanh: cellsCapabilityOf(impl)?.tanh };
  // The extra runs serve only facts held bit for bit, which another implementation is not held to.
  if (!heldExactly(impl)) return inputs;
  const extra = async (fact: FactName, label: string, run: CaseForms): Promise<FlatOutputs | undefined> => {
    try {
      return await runImplementation(impl, run.flat, `${c.name} (${label})`, run.input);
    } catch (error) {
      if (!(error instanceof ImplementationError)) throw error;
      failures.push({ check: `fact:${fact}`, description: `the run on ${label} failed: ${error.message}` });
      return undefined;
    }
  };
  const k = prefixLength(c.flat.steps, c.index);
  if (k > 0) {
    const outputs = await extra('causality', `S[:${k}]`, prefixOf(c, k));
    if (outputs !== undefined) inputs.prefix = { steps: k, outputs };
  }
  if (c.flat.cell === 'type2') inputs.candidates = await extra('cell-state-recompute', 'the candidate read-out', candidateReadout(c));
  return inputs;
}

/** Runs every check but `numpy` and `run` on a group of cases (a campaign chunk, for the batches). */
export async function reviewCases(impl: Implementation, cases: readonly ReviewedCase[]): Promise<CaseReview[]> {
  const reviews: CaseReview[] = [];
  for (const c of cases) {
    const review: CaseReview = { ran: [], notChecked: [], failures: [], quirks: [] };
    if (impl.dtype === 'float32') {
      // Which tiny values underflow to a zero, and so its sign, follows the float32 arithmetic's order.
      review.notChecked.push({ check: 'numpy:signed-zero', reason: "a float32 implementation: its zeros' signs follow where its own float32 arithmetic underflows; the tolerance policy judges them" });
    } else if (c.agreed === undefined) {
      review.notChecked.push({ check: 'numpy:signed-zero', reason: 'the case does not agree with NumPy (or has no NumPy outputs)' });
    } else {
      review.ran.push('numpy:signed-zero');
      const { wrong, numpyDeparts } = signedZeros(c.flat, c.actual, c.agreed, () => exactReference(c.flat));
      if (wrong !== undefined) review.failures.push({ check: 'numpy:signed-zero', description: describeSignedZeroMismatch(wrong) });
      if (numpyDeparts !== undefined) review.quirks.push({ check: 'numpy:signed-zero', description: describeNumpyDeparture(numpyDeparts) });
    }
    const facts = checkExactFacts(c.flat, c.actual, await factInputs(impl, c, review.failures));
    if (!heldExactly(impl)) {
      const exactOnly = (fact: FactName) => EXACT_ONLY_FACTS.includes(fact);
      facts.checked = facts.checked.filter((fact) => !exactOnly(fact));
      facts.violations = facts.violations.filter((v) => !exactOnly(v.fact));
      facts.notChecked = [...facts.notChecked.filter((n) => !exactOnly(n.fact)), ...EXACT_ONLY_FACTS.map((fact) => ({ fact, reason: notExact(impl) }))];
    }
    const failedRuns = new Set(review.failures.map((f) => f.check));
    for (const fact of facts.checked) if (!failedRuns.has(`fact:${fact}`)) review.ran.push(`fact:${fact}`);
    for (const { fact, reason } of facts.notChecked) {
      if (failedRuns.has(`fact:${fact}`)) review.ran.push(`fact:${fact}`);
      else review.notChecked.push({ check: `fact:${fact}`, reason });
    }
    for (const v of facts.violations) review.failures.push({ check: `fact:${v.fact}`, description: describeViolation(v) });
    reviews.push(review);
  }
  const capability = cellsCapabilityOf(impl);
  if (capability === undefined) {
    for (const review of reviews) for (const e of ENTRY_POINTS) review.notChecked.push({ check: `entry-point:${e}`, reason: 'the implementation is not built from cell functions' });
    return reviews;
  }
  const entries = checkEntryPoints(
    capability.cells,
    cases.map((c) => ({ name: c.name, index: c.index, flat: c.flat, input: c.input, sequence: c.actual })),
  );
  entries.forEach((entry, k) => {
    const review = reviews[k];
    for (const e of entry.checked) review.ran.push(`entry-point:${e}`);
    for (const { entryPoint, reason } of entry.notChecked) review.notChecked.push({ check: `entry-point:${entryPoint}`, reason });
    for (const failure of entry.failures) review.failures.push({ check: `entry-point:${failure.entryPoint}`, description: describeEntryPointFailure(failure) });
  });
  return reviews;
}

/** One check's counts over a cell's golden or live cases. */
export interface CheckStats {
  /** Cases the check ran on. */
  cases: number;
  /** Cases it failed. */
  failures: number;
  /** Cases it could not run on. */
  notChecked: number;
  /** Why it could not run: the distinct reasons. */
  reasons?: string[];
}

/** Every check at zero, in the order verify reports them. */
export function emptyChecks(): Record<string, CheckStats> {
  return Object.fromEntries(CHECK_NAMES.map((name) => [name, { cases: 0, failures: 0, notChecked: 0 }]));
}

/**
 * Counts one case into `checks` (one cell and source's): `numpyFailed` for a NumPy port-bug
 * verdict; `review` undefined when the run itself failed.
 */
export function countChecks(checks: Record<string, CheckStats>, review: CaseReview | undefined, numpyFailed: boolean): void {
  const statsOf = (check: CheckName) => (checks[check] ??= { cases: 0, failures: 0, notChecked: 0 });
  statsOf('run').cases++;
  if (review === undefined) {
    statsOf('run').failures++;
    return;
  }
  const numpy = statsOf('numpy');
  numpy.cases++;
  if (numpyFailed) numpy.failures++;
  for (const check of review.ran) statsOf(check).cases++;
  for (const check of new Set(review.failures.map((f) => f.check))) statsOf(check).failures++;
  for (const { check, reason } of review.notChecked) {
    const stats = statsOf(check);
    stats.notChecked++;
    stats.reasons ??= [];
    if (!stats.reasons.includes(reason)) stats.reasons.push(reason);
  }
}
