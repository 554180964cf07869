/**
 * npm run accuracy:table: the findings of docs/accuracy.md. Three sets of cases, each measured
 * against the mpmath truth for the implementation under test (this package's cells unless
 * `--impl` names another, as on the CLI) and for NumPy, and printed as markdown tables by cell and
 * key, pooled over all elements:
 *
 *   - every case-table file of the golden corpus;
 *   - 200 fresh cases per cell drawn like the seed notebook's (H 4, X 3, T 6, S ~ U[0,1), W ~ N(0,1));
 *   - 100 fresh ill-conditioned cases per cell, drawn like the corpus's saturated-gates (H 6, X 4,
 *     T 20, S ~ N(0,1), W ~ N(0, 50^2)): pre-activations summed from terms of a hundred that
 *     cancel, where the largest errors live. One such case decides the corpus's maxima; a hundred
 *     say whether an implementation's maxima are larger as a rule or by the luck of one element,
 *     so this set also reports each case's largest absolute error: their median, and in how many
 *     cases the implementation's is below, equal to or above NumPy's.
 *
 *   --json FILE     also write the statistics (for --before in a later run)
 *   --before FILE   also print, key by key, the statistics of an earlier run (another build of
 *                   the cells, given with --impl) beside this one's
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { concat, measureAccuracy, median, type AccuracyResult } from '../src/accuracy/accuracy.js';
import type { CellType } from '../src/cells/schema.js';
import { IMPL_OPTIONS, openImplementation, parseImplChoice } from '../src/cli/impl-options.js';
import { CASE_TABLE } from '../src/golden/case-table.js';
import { loadGoldenFile, readManifest } from '../src/golden/files.js';
import { randomMatrix, randomWeights, SeededRandom, type CaseValue } from '../src/numeric/seeded-random.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { packageRoot } from '../src/package-root.js';

/** One cell and key of one set: every element's ULP distance and each case's largest absolute error. */
interface Entry {
  port: Float64Array[];
  numpy: Float64Array[];
  portCaseAbs: number[];
  numpyCaseAbs: number[];
}
type Pool = Map<string, Entry>;

/** What a run records per set, cell and key; --before reads it back. */
interface KeyStats {
  maxUlps: [number, number];
  medianUlps: [number, number];
  correctlyRounded: [number, number];
  maxAbs: [number, number];
  medianCaseMaxAbs: [number, number];
  /** Cases where the implementation's largest absolute error is below, equal to, above NumPy's. */
  cases: [number, number, number];
  /** The implementation's largest absolute error in each case, in the order drawn (for --before). */
  caseMaxAbs: number[];
}
type Stats = Record<string, Record<string, KeyStats>>;

function add(pool: Pool, cell: string, result: AccuracyResult) {
  for (const k of result.keys) {
    const id = `${cell}|${k.key}`;
    const entry = pool.get(id) ?? { port: [], numpy: [], portCaseAbs: [], numpyCaseAbs: [] };
    entry.port.push(result.distances[k.key].port);
    entry.numpy.push(result.distances[k.key].numpy);
    entry.portCaseAbs.push(k.port.maxAbs);
    entry.numpyCaseAbs.push(k.numpy.maxAbs);
    pool.set(id, entry);
  }
}

function stats(pool: Pool): Record<string, KeyStats> {
  const max = (a: Iterable<number>) => {
    let m = 0;
    for (const x of a) m = Math.max(m, x);
    return m;
  };
  const exact = (a: Float64Array) => (100 * a.filter((x) => x === 0).length) / Math.max(1, a.length);
  const out: Record<string, KeyStats> = {};
  for (const [id, entry] of pool) {
    const p = concat(entry.port);
    const n = concat(entry.numpy);
    const cases: [number, number, number] = [0, 0, 0];
    entry.portCaseAbs.forEach((a, i) => cases[a < entry.numpyCaseAbs[i] ? 0 : a === entry.numpyCaseAbs[i] ? 1 : 2]++);
    out[id] = {
      maxUlps: [max(p), max(n)],
      medianUlps: [median(p), median(n)],
      correctlyRounded: [exact(p), exact(n)],
      maxAbs: [max(entry.portCaseAbs), max(entry.numpyCaseAbs)],
      medianCaseMaxAbs: [median(Float64Array.from(entry.portCaseAbs)), median(Float64Array.from(entry.numpyCaseAbs))],
      cases,
      caseMaxAbs: entry.portCaseAbs,
    };
  }
  return out;
}

const e = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const pct = (x: number) => `${x.toFixed(1)}%`;

/**
 * Largest and median ULP, the share of elements correctly rounded (0 ULP from the truth) and the
 * largest absolute error. The share is the robust comparison: medians of 0 or 1 ULP flip on a
 * one-point change in that share, and largest ULP explodes where cancellation leaves a value near
 * zero (where the absolute error shows it is harmless). With `perCase`, the columns that say
 * whether the largest errors are larger as a rule.
 */
function table(title: string, set: Record<string, KeyStats>, perCase: boolean): string {
  const head = '| cell | key | max ULP TS / NumPy | median ULP TS / NumPy | correctly rounded TS / NumPy | max abs error TS / NumPy |';
  const lines = [
    title,
    '',
    perCase ? `${head} median of the cases' max abs error TS / NumPy | cases TS below / equal / above NumPy |` : head,
    perCase ? '|---|---|---:|---:|---:|---:|---:|---:|' : '|---|---|---:|---:|---:|---:|',
  ];
  for (const [id, s] of Object.entries(set)) {
    const [cell, key] = id.split('|');
    const row = `| ${cell} | ${key} | ${s.maxUlps[0]} / ${s.maxUlps[1]} | ${s.medianUlps[0]} / ${s.medianUlps[1]} | ${pct(s.correctlyRounded[0])} / ${pct(s.correctlyRounded[1])} | ${e(s.maxAbs[0])} / ${e(s.maxAbs[1])} |`;
    lines.push(perCase ? `${row} ${e(s.medianCaseMaxAbs[0])} / ${e(s.medianCaseMaxAbs[1])} | ${s.cases.join(' / ')} |` : row);
  }
  return lines.join('\n');
}

/**
 * Key by key, an earlier run's implementation beside this one's, NumPy's in brackets. The same
 * cases in the same order, so each case's largest error is compared with its own earlier one.
 */
function beforeTable(before: Stats, now: Stats): string {
  const lines = [
    '| set | cell | key | correctly rounded: before → now (NumPy) | max abs error: before → now (NumPy) | median of the cases\' max abs error: before → now | cases lower / equal / higher now | max ULP: before → now |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const [set, keys] of Object.entries(now)) {
    for (const [id, s] of Object.entries(keys)) {
      const b = before[set]?.[id];
      if (b === undefined) continue;
      const [cell, key] = id.split('|');
      const paired = [0, 0, 0];
      s.caseMaxAbs.forEach((a, i) => paired[a < b.caseMaxAbs[i] ? 0 : a === b.caseMaxAbs[i] ? 1 : 2]++);
      lines.push(
        `| ${set} | ${cell} | ${key} | ${pct(b.correctlyRounded[0])} → ${pct(s.correctlyRounded[0])} (${pct(s.correctlyRounded[1])}) | ` +
          `${e(b.maxAbs[0])} → ${e(s.maxAbs[0])} (${e(s.maxAbs[1])}) | ${e(b.medianCaseMaxAbs[0])} → ${e(s.medianCaseMaxAbs[0])} | ${paired.join(' / ')} | ${b.maxUlps[0]} → ${s.maxUlps[0]} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The options, the earlier run and the implementation; bad usage is one line and exit 2. */
async function setUp() {
  try {
    const { values } = parseArgs({ options: { ...IMPL_OPTIONS, json: { type: 'string' }, before: { type: 'string' } } });
    const before = values.before === undefined ? undefined : (JSON.parse(readFileSync(values.before, 'utf8')) as { stats: Stats }).stats;
    return { values, before, impl: await openImplementation(parseImplChoice(values)) };
  } catch (error) {
    process.stderr.write(`accuracy:table: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

const { values, before, impl } = await setUp();
const oracle = await NumpyOracle.start({ timeoutMs: 600_000 });
try {
  const measure = (cell: CellType, value: unknown, allowNonFinite = false) => measureAccuracy(oracle, cell, value, { allowNonFinite, impl });
  const dir = join(packageRoot(), 'golden');
  const manifest = readManifest(dir);
  const corpus: Pool = new Map();
  const unsettled: string[] = [];
  for (const path of Object.keys(manifest.files).filter((p) => !p.startsWith('regressions/')).sort()) {
    const file = loadGoldenFile(dir, path, manifest);
    const result = await measure(file.cell, file.case, file.allowNonFinite);
    if (!result.converged) unsettled.push(path);
    add(corpus, file.cell, result);
    process.stderr.write(`  ${path}: port max ${result.overall.port.maxUlps} ULP, NumPy max ${result.overall.numpy.maxUlps} ULP (truth at ${result.digits} digits)\n`);
  }
  const drawn = async (count: number, seed: number, draw: (random: SeededRandom, cell: CellType) => CaseValue): Promise<Pool> => {
    const pool: Pool = new Map();
    for (const cell of ['type1', 'type2'] as CellType[]) {
      for (let k = 0; k < count; k++) add(pool, cell, await measure(cell, draw(new SeededRandom(seed + k), cell)));
      process.stderr.write(`  ${count} drawn ${cell} cases from seed ${seed}\n`);
    }
    return pool;
  };
  const seedShape = await drawn(200, 1000, (random, cell) => ({ S: randomMatrix(random, 6, 3, (r) => r.uniform()), W: randomWeights(random, cell, 4, 3, (r) => r.normal()) }));
  // The corpus's own recipe, so the set stays what its title says.
  const saturated = (cell: CellType) => CASE_TABLE.find((row) => row.cell === cell && row.name === 'saturated-gates')!;
  const ill = await drawn(100, 5000, (random, cell) => saturated(cell).build(random));
  const now: Stats = { corpus: stats(corpus), 'seed-shaped': stats(seedShape), 'ill-conditioned': stats(ill) };
  console.log(`Implementation: ${impl.name}${impl.version === undefined ? '' : ` ${impl.version}`} ("TS" below)\n`);
  console.log(table('Golden corpus (every case-table file; NaN meeting NaN counts as 0 ULP):', now.corpus, false));
  console.log('');
  console.log(table('200 seed-shaped cases per cell (H 4, X 3, T 6, S ~ U[0,1), W ~ N(0,1)):', now['seed-shaped'], false));
  console.log('');
  console.log(table('100 ill-conditioned cases per cell (H 6, X 4, T 20, S ~ N(0,1), W ~ N(0, 50^2), as saturated-gates):', now['ill-conditioned'], true));
  if (unsettled.length > 0) console.log(`\nTruth not settled at 200 digits for: ${unsettled.join(', ')}`);
  if (before !== undefined) console.log(`\nAgainst the run in ${values.before}:\n\n${beforeTable(before, now)}`);
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ implementation: impl.name, version: impl.version, stats: now }, null, 1)}\n`);
} finally {
  await oracle.close();
  await impl.close?.();
}
