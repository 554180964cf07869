/**
 * The explorer: hunts for inputs where the port and NumPy part ways, or where float64 itself does
 * something worth knowing (saturation to exactly 0 or 1, overflow warnings, NaN from finite input).
 *
 * 1. Survey: draw `runs` cases from ./arbitraries.ts with fast-check (seeded), evaluate them in
 *    batches through both the port and NumPy, and sort them into categories (./categories.ts).
 * 2. Shrink: for each category seen, replay the same seeded run as a fast-check property "this
 *    case does not fall into the category"; fast-check finds the first case that does and shrinks
 *    it to a minimal one. Every evaluation is cached, so the replay up to that case costs nothing.
 */
import fc from 'fast-check';
import type { CellType } from '../cells/schema.js';
import { stringifyDoubles } from '../format/json-writer.js';
import { lstmParityImplementation } from '../implementations/lstm-parity.js';
import { toFlatCase } from '../judge/flat-case.js';
import { ImplementationError, runImplementation, type Implementation } from '../judge/implementation.js';
import { measureNoiseFloors } from '../judge/noise-floor.js';
import { toleranceFor } from '../judge/tolerance.js';
import { judge } from '../judge/verdict.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';
import { extremeCase } from './arbitraries.js';
import { categorize, CATEGORY_ORDER, CATEGORY_TITLES, type CategoryId, type Evaluated } from './categories.js';

/** What {@link explore} hunts through: one cell, `runs` seeded cases, judged against NumPy. */
export interface ExploreOptions {
  /** The cell explored. */
  cell: CellType;
  /** Cases surveyed (and the budget of each category's shrinking replay). */
  runs: number;
  /** fast-check's seed: the same seed gives the same cases and the same minimal examples. */
  seed: number;
  /** A started NumPy worker; the caller closes it. */
  oracle: NumpyOracle;
  /** What is explored; this package's cells when not given. */
  implementation?: Implementation;
  /** Called as cases are surveyed (out of `runs`), then as categories are shrunk (out of those seen). */
  onProgress?: (phase: 'survey' | 'shrink', done: number, total: number) => void;
}

/** One vector of a minimal example at the step where port and NumPy part most, for the report. */
export interface ExampleVector {
  /** Which key and whose, e.g. "Output, TypeScript" or "Output, NumPy". */
  label: string;
  /** The step shown. */
  step: number;
  /** The H numbers. */
  values: number[];
}

/** One category of the survey: how often it came up, and the minimal case fast-check shrank it to. */
export interface CategoryFinding {
  /** The category. */
  id: CategoryId;
  /** Its title in reports. */
  title: string;
  /** Cases of the survey in this category, out of `runs`. */
  count: number;
  /** The minimal example fast-check shrank to, with its one-line detail. */
  example?: {
    /** The case, as a case file holds it. */
    value: CaseValue;
    /** One line saying why it falls into the category. */
    detail: string;
    /** T, H and X of the case. */
    shape: { steps: number; hidden: number; inputs: number };
    /** fast-check's replay path (with the run's seed): `--seed S` and this path reproduce it. */
    path: string;
    /** Shrinking steps fast-check took to reach it. */
    shrinks: number;
    /** The warnings NumPy raised on it. */
    warnings: readonly string[];
    /** Where port and NumPy part (mismatch categories): both vectors at the worst step. */
    vectors?: ExampleVector[];
  };
}

/** {@link explore}'s answer: every category, seen or not, in report order (disagreements first). */
export interface ExploreResult {
  /** What was explored, in what precision. */
  implementation: { name: string; version?: string; dtype: string };
  cell: CellType;
  /** Cases surveyed. */
  runs: number;
  /** The seed that reproduces them. */
  seed: number;
  /** Every category, with a count of 0 for those not seen. */
  categories: CategoryFinding[];
}

const CHUNK = 128;

function keyOf(value: CaseValue): string {
  return stringifyDoubles(value);
}

class Evaluator {
  private readonly cache = new Map<string, { evaluated: Evaluated; categories: Map<CategoryId, string> }>();

  constructor(
    private readonly cell: CellType,
    private readonly oracle: NumpyOracle,
    private readonly impl: Implementation,
    private readonly seed: number,
  ) {}

  /** Evaluates values not seen before in one batch (plus noise floors for the ones that differ). */
  /** NumPy in the implementation's precision, and that precision's policy. */
  private get judging() {
    return { reference: this.oracle.reference(this.impl.dtype), tolerance: toleranceFor(this.impl.dtype), dtype: this.impl.dtype };
  }

  async evaluate(values: readonly CaseValue[]) {
    const keys = new Set<string>();
    const fresh = values.filter((value) => {
      const key = keyOf(value);
      if (this.cache.has(key) || keys.has(key)) return false;
      keys.add(key);
      return true;
    });
    if (fresh.length > 0) {
      const { reference, tolerance, dtype } = this.judging;
      const cases = fresh.map((value) => toFlatCase(this.cell, value, { allowNonFinite: true }));
      const results = await reference.evaluate(cases);
      const evaluated: Evaluated[] = [];
      for (const [k, value] of fresh.entries()) {
        const result = results[k];
        if (!result.ok) throw new Error(`NumPy could not evaluate an explored case: ${result.error}`);
        const shape = { cell: this.cell, value, steps: cases[k].steps, hidden: cases[k].hidden, warnings: result.warnings };
        let port: Record<string, Float64Array>;
        try {
          port = await runImplementation(this.impl, cases[k], 'an explored case', value);
        } catch (error) {
          // A failure on one case is a finding; a failure for good ends the exploration.
          if (!(error instanceof ImplementationError) || error.fatal) throw error;
          evaluated.push({ ...shape, port: {}, numpy: result.outputs, error: error.message });
          continue;
        }
        const numpy = Object.fromEntries(Object.keys(port).map((key) => [key, result.outputs[key]]));
        evaluated.push({ ...shape, port, numpy, verdict: judge(cases[k], port, numpy, tolerance) });
      }
      const differ = evaluated.map((e, k) => (e.verdict === undefined || e.verdict.kind === 'agrees' ? -1 : k)).filter((k) => k >= 0);
      if (differ.length > 0) {
        const floors = await measureNoiseFloors(reference, differ.map((k) => cases[k]), differ.map((k) => evaluated[k].numpy), { seed: this.seed, dtype });
        differ.forEach((k, n) => {
          const e = evaluated[k];
          e.verdict = judge(cases[k], e.port, e.numpy, tolerance, floors[n]);
        });
      }
      fresh.forEach((value, k) => this.cache.set(keyOf(value), { evaluated: evaluated[k], categories: categorize(evaluated[k]) }));
    }
    return values.map((value) => this.cache.get(keyOf(value))!);
  }
}

function partingVectors({ verdict, port: outputs, numpy, hidden: H }: Evaluated, name: string): ExampleVector[] | undefined {
  const worst = verdict?.worst;
  if (verdict === undefined || verdict.kind === 'agrees' || worst === undefined) return undefined;
  const port = outputs[worst.key];
  const at = (values: Float64Array) => Array.from(values.subarray(worst.step * H, (worst.step + 1) * H));
  return [
    { label: `${worst.key}, ${name}`, step: worst.step, values: at(port) },
    { label: `${worst.key}, NumPy`, step: worst.step, values: at(numpy[worst.key]) },
  ];
}

/**
 * Surveys `runs` seeded extreme cases through the implementation and NumPy, sorts them into
 * categories (disagreements, NumPy warnings, exact saturation, NaN from finite input), and shrinks
 * each category seen to a minimal example. Exploring is for learning, not judging: nothing here
 * fails.
 */
export async function explore(options: ExploreOptions): Promise<ExploreResult> {
  const { cell, runs, seed, oracle } = options;
  const arbitrary = extremeCase(cell);
  const impl = options.implementation ?? lstmParityImplementation();
  const evaluator = new Evaluator(cell, oracle, impl, seed);
  const counts = new Map<CategoryId, number>();

  const values = fc.sample(arbitrary, { seed, numRuns: runs });
  for (let start = 0; start < values.length; start += CHUNK) {
    const chunk = await evaluator.evaluate(values.slice(start, start + CHUNK));
    for (const { categories } of chunk) for (const id of categories.keys()) counts.set(id, (counts.get(id) ?? 0) + 1);
    options.onProgress?.('survey', Math.min(start + CHUNK, runs), runs);
  }

  const seen = CATEGORY_ORDER.filter((id) => counts.has(id));
  const categories: CategoryFinding[] = [];
  for (const id of CATEGORY_ORDER) {
    const finding: CategoryFinding = { id, title: CATEGORY_TITLES[id], count: counts.get(id) ?? 0 };
    if (finding.count > 0) {
      const details = await fc.check(
        fc.asyncProperty(arbitrary, async (value) => !(await evaluator.evaluate([value]))[0].categories.has(id)),
        { seed, numRuns: runs },
      );
      if (details.failed && details.counterexample !== null) {
        const [value] = details.counterexample;
        const [{ evaluated, categories: found }] = await evaluator.evaluate([value]);
        finding.example = {
          value,
          detail: found.get(id) ?? '',
          shape: { steps: evaluated.steps, hidden: evaluated.hidden, inputs: (value.W.w_i as number[][])[0].length },
          path: details.counterexamplePath ?? '',
          shrinks: details.numShrinks,
          warnings: evaluated.warnings,
          vectors: partingVectors(evaluated, impl.name.startsWith('lstm-parity') ? 'TypeScript' : impl.name),
        };
      }
      options.onProgress?.('shrink', seen.indexOf(id) + 1, seen.length);
    }
    categories.push(finding);
  }
  return { implementation: { name: impl.name, version: impl.version, dtype: impl.dtype }, cell, runs, seed, categories };
}
