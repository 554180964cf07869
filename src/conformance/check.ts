/**
 * Running the conformance properties without vitest, for the scoreboard and for scripts: each
 * property is checked with fast-check (seeded), and comes back passed, failed (with fast-check's
 * report: seed, path, shrunk counterexample) or skipped (with the reason). Nothing is thrown for
 * a failing property; an implementation that fails for good fails the properties that follow.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import type { Implementation } from '../judge/implementation.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';
import { packageRoot } from '../package-root.js';
import { conformanceProperties, skipReason, SUITE_RUNS } from './catalogue.js';
import type { ConformanceContext, SuiteName } from './property.js';
import { failureReport } from './runner.js';
import { openSubject } from './subject.js';

/** What happened to one property in {@link checkConformance}: passed, failed (with why) or skipped (with why). */
export interface PropertyOutcome {
  suite: SuiteName;
  cell: string;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  /** What failed: fast-check's report, or the check's message. */
  report?: string;
  runs?: number;
}

/** Which suites {@link checkConformance} runs, how many runs each, and against which NumPy worker. */
export interface CheckOptions {
  suites?: readonly SuiteName[];
  /** Runs per property: a number for every suite, or the suites' defaults scaled by this share (0..1]. */
  runs?: number;
  /** fast-check seed; default 1, so a scoreboard is reproducible. */
  seed?: number;
  exactArithmetic?: boolean;
  /** The NumPy worker; without it the properties that need NumPy are skipped, with `numpyProblem` as the reason. */
  oracle?: NumpyOracle;
  numpyProblem?: string;
  goldenDir?: string;
}

/**
 * Runs the conformance properties on an implementation without vitest and returns every outcome
 * (the scoreboard's way); a property that needs a key the implementation lacks is skipped with
 * the reason, never passed.
 */
export async function checkConformance(impl: Implementation, options: CheckOptions = {}): Promise<PropertyOutcome[]> {
  const subject = await openSubject(impl, { exactArithmetic: options.exactArithmetic });
  const numpyProblem = options.oracle === undefined ? (options.numpyProblem ?? 'no NumPy oracle was given') : undefined;
  const context: ConformanceContext = { subject, oracle: options.oracle, numpyProblem, goldenDir: options.goldenDir ?? join(packageRoot(), 'golden') };
  const seed = options.seed ?? 1;
  const outcomes: PropertyOutcome[] = [];
  for (const property of conformanceProperties(options.suites)) {
    const base = { suite: property.suite, cell: property.cell, title: property.title };
    const reason = skipReason(property, context);
    if (reason !== undefined) {
      outcomes.push({ ...base, status: 'skipped', reason });
      continue;
    }
    if (property.kind === 'check') {
      try {
        await property.run(context);
        outcomes.push({ ...base, status: 'passed' });
      } catch (error) {
        outcomes.push({ ...base, status: 'failed', report: (error as Error).message });
      }
      continue;
    }
    const defaultRuns = SUITE_RUNS[property.suite];
    const runs = options.runs === undefined ? defaultRuns : options.runs <= 1 ? Math.max(1, Math.round(defaultRuns * options.runs)) : options.runs;
    const details = await fc.check(property.make(context), { seed, numRuns: runs, includeErrorInReport: true });
    outcomes.push(details.failed ? { ...base, status: 'failed', runs, report: await failureReport(details, property.title, undefined) } : { ...base, status: 'passed', runs });
  }
  return outcomes;
}
