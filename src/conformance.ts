/**
 * lstm-parity-harness/conformance: the conformance suite an implementation's own vitest run registers.
 *
 *   import { describeLstmConformance } from 'lstm-parity-harness/conformance';
 *   describeLstmConformance(myImplementation);            // golden, properties, differential
 *
 * vitest is an optional peer dependency: only describeLstmConformance needs it. Without vitest,
 * `checkConformance` runs the same properties and returns their outcomes (the scoreboard does).
 *
 * @module lstm-parity-harness/conformance
 */
export { describeLstmConformance, type ConformanceOptions, type ImplementationSource } from './conformance/register.js';
export { checkConformance, type CheckOptions, type PropertyOutcome } from './conformance/check.js';
export { conformanceProperties, skipReason, SUITE_RUNS } from './conformance/catalogue.js';
export { SUITES, type ConformanceContext, type ConformanceProperty, type FastCheckProperty, type PlainCheck, type SuiteName } from './conformance/property.js';
export { openSubject, type Subject, type SubjectOptions } from './conformance/subject.js';
