/**
 * Every conformance property, by suite, with each suite's default number of fast-check runs, and
 * the rule that decides whether a property applies to an implementation: it must implement the
 * cell, return every key the property reads, and meet the property's own condition (exact
 * arithmetic, NumPy at hand). Anything else is skipped with that reason, and listed.
 */
import type { CellType } from '../cells/schema.js';
import { boundsProperties } from './properties/bounds.js';
import { differentialProperties } from './properties/differential.js';
import { gatesProperties } from './properties/gates.js';
import { goldenChecks } from './properties/golden.js';
import { robustnessProperties } from './properties/robustness.js';
import { symmetryProperties } from './properties/symmetry.js';
import { traceProperties } from './properties/trace.js';
import { zeroWeightsProperties } from './properties/zero-weights.js';
import { missingKeys, SUITES, type ConformanceContext, type ConformanceProperty, type SuiteName } from './property.js';

/** Runs per property of each suite (FC_RUNS or an option overrides them). */
export const SUITE_RUNS: Readonly<Record<SuiteName, number>> = {
  gates: 200,
  bounds: 200,
  'zero-weights': 200,
  trace: 200,
  symmetry: 100,
  robustness: 200,
  differential: 50,
  golden: 1,
};

const BUILDERS: Record<SuiteName, () => ConformanceProperty[]> = {
  gates: gatesProperties,
  bounds: boundsProperties,
  'zero-weights': zeroWeightsProperties,
  trace: traceProperties,
  symmetry: symmetryProperties,
  robustness: robustnessProperties,
  differential: differentialProperties,
  golden: goldenChecks,
};

/** The properties of the suites asked for (all by default), suite by suite. */
export function conformanceProperties(suites: readonly SuiteName[] = SUITES): ConformanceProperty[] {
  for (const suite of suites) if (!(SUITES as readonly string[]).includes(suite)) throw new RangeError(`suites: unknown suite ${JSON.stringify(suite)}; suites: ${SUITES.join(', ')}`);
  return suites.flatMap((suite) => BUILDERS[suite]());
}

/** Why the property is skipped for this subject, or undefined when it runs. */
export function skipReason(property: ConformanceProperty, context: ConformanceContext): string | undefined {
  const { impl } = context.subject;
  if (!impl.cells.includes(property.cell as CellType)) return `${impl.name} does not implement ${property.cell}`;
  return missingKeys(context, property.cell, property.needs) ?? property.notFor?.(context);
}
