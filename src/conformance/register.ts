/**
 * Registering the conformance suite in a vitest run, the way ONNX's BackendTest registers its
 * cases into unittest: one describe per implementation, one per suite, one test per property.
 *
 * At collection the implementation is opened (a command is started) and asked, when it does not
 * declare them, which keys it returns; every property it cannot meet for a stated reason (a cell
 * it lacks, a key it does not return, exact arithmetic it does not claim, NumPy missing) is
 * registered as skipped with the reason in its title, and the skips are listed on the console.
 * Each suite prints its seed and run count before it runs; FC_SEED, FC_RUNS and FC_PATH replay
 * (./runner.ts), and a failure prints fast-check's report and the command that replays it.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import type { Implementation } from '../judge/implementation.js';
import { NumpyOracle } from '../oracle/numpy-oracle.js';
import { probePython } from '../oracle/python.js';
import { packageRoot } from '../package-root.js';
import { conformanceProperties, skipReason, SUITE_RUNS } from './catalogue.js';
import { SUITES, type ConformanceContext, type ConformanceProperty, type SuiteName } from './property.js';
import { failureReport, readSettings } from './runner.js';
import { openSubject } from './subject.js';

/** What {@link describeLstmConformance} registers: suites, runs, whether the implementation claims this package's exact arithmetic, and a hook for failures. */
export interface ConformanceOptions {
  /** The suites to register; default all: gates, bounds, zero-weights, trace, symmetry, robustness, differential, golden. */
  suites?: readonly SuiteName[];
  /** Hold arithmetic identities bit for bit (float64 only; see ./subject.ts). Default false. */
  exactArithmetic?: boolean;
  /** The name of the outer describe; default the implementation's name. */
  name?: string;
  /** Runs per property for every suite, unless FC_RUNS says otherwise; default each suite's own. */
  numRuns?: number;
  /** The golden corpus; default this package's golden/. */
  goldenDir?: string;
  /** Called with a failing property's shrunk counterexample; what it returns is appended to the report. */
  onFailure?: (property: ConformanceProperty, counterexample: unknown[], replay: { seed: number; path: string }, context: ConformanceContext) => Promise<string | undefined>;
}

/** An implementation, or a function that opens one when the suite starts (and may be async). */
export type ImplementationSource = Implementation | (() => Implementation | Promise<Implementation>);

// vitest is an optional peer: without it this module still loads (checkConformance, the catalogue
// and the scoreboard need no test runner), and describeLstmConformance says what is missing.
const vitest: typeof import('vitest') | undefined = await import('vitest').catch(() => undefined);

/** The differential suite, and the golden corpus for a float32 implementation, meet NumPy live. */
const needsOracle = (property: ConformanceProperty, context: ConformanceContext) =>
  property.suite === 'differential' || (property.suite === 'golden' && context.subject.dtype === 'float32');

/**
 * Registers the golden, property and differential tests for `implementation` (an object, or a
 * function that opens one, possibly async). The implementation is closed after the suites ran.
 */
export function describeLstmConformance(implementation: ImplementationSource, options: ConformanceOptions = {}): void {
  if (vitest === undefined) throw new Error('describeLstmConformance registers vitest tests, and vitest cannot be imported here: install vitest (>=3.2), or use checkConformance, which needs no test runner');
  const { afterAll, beforeAll, describe, expect, it } = vitest;
  const label = options.name ?? (typeof implementation === 'function' ? 'implementation' : implementation.name);
  describe(`conformance: ${label}`, async () => {
    const impl = typeof implementation === 'function' ? await implementation() : implementation;
    const subject = await openSubject(impl, { exactArithmetic: options.exactArithmetic });
    const numpy = await probePython();
    const context: ConformanceContext = {
      subject,
      numpyProblem: numpy.ok ? undefined : numpy.reason,
      goldenDir: options.goldenDir ?? join(packageRoot(), 'golden'),
    };
    // NumPy is there (or not) for the whole run: a property that needs it is skipped saying why.
    const properties = conformanceProperties(options.suites ?? SUITES);
    const reasons = new Map(properties.map((p) => [p, skipReason(p, context)]));
    const skipped = properties.filter((p) => reasons.get(p) !== undefined);
    if (skipped.length > 0) {
      console.log(`conformance of ${impl.name}: ${skipped.length} of ${properties.length} properties skipped:\n${skipped.map((p) => `  - ${p.suite}: ${p.title}: ${reasons.get(p)}`).join('\n')}`);
    }
    const oracleWanted = properties.some((p) => needsOracle(p, context) && reasons.get(p) === undefined);
    beforeAll(async () => {
      if (oracleWanted) context.oracle = await NumpyOracle.start();
    });
    afterAll(async () => {
      await context.oracle?.close();
      await impl.close?.();
    });

    for (const suite of options.suites ?? SUITES) {
      const members = properties.filter((p) => p.suite === suite);
      if (members.length === 0) continue;
      describe(suite, () => {
        const defaultRuns = options.numRuns ?? SUITE_RUNS[suite];
        const { seed, numRuns, path, seeded } = readSettings(defaultRuns);
        if (members.some((p) => p.kind === 'property' && reasons.get(p) === undefined)) {
          beforeAll(() => {
            const runs = numRuns === defaultRuns ? `${numRuns} runs per property (default)` : `${numRuns} runs per property (FC_RUNS; default ${defaultRuns})`;
            console.log(`fast-check suite "${suite}" (${impl.name}): ${runs}, seed ${seed}${seeded ? ' (FC_SEED)' : ''}${path === undefined ? '' : `, path ${path}`}`);
          });
        }
        // Scaled runs get a scaled time budget; the default budget is vitest's testTimeout.
        const timeout = numRuns > defaultRuns ? 60_000 * Math.ceil(numRuns / defaultRuns) : undefined;
        for (const property of members) {
          const reason = reasons.get(property);
          if (reason !== undefined) {
            it.skip(`${property.title} [skipped: ${reason}]`, () => undefined);
            continue;
          }
          it(
            property.title,
            async () => {
              if (property.kind === 'check') {
                await property.run(context);
                return;
              }
              const details = await fc.check(property.make(context), { seed, numRuns, path, endOnFailure: path !== undefined, includeErrorInReport: true });
              if (!details.failed) return;
              let report = await failureReport(details, property.title, expect.getState().testPath);
              if (details.counterexample !== null && details.counterexamplePath !== null && options.onFailure !== undefined) {
                const extra = await options.onFailure(property, details.counterexample as unknown[], { seed: details.seed, path: details.counterexamplePath }, context);
                if (extra !== undefined) report += `\n${extra}`;
              }
              console.error(report);
              throw new Error(report);
            },
            timeout,
          );
        }
      });
    }
  });
}
