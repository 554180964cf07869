/**
 * The scoreboard: every implementation through the same three checkers, one row per
 * implementation and cell (after ONNX's backend scoreboard, with verdicts instead of pass/fail):
 *
 * 1. verify: the golden corpus and a live campaign (./campaign/verify.ts), judged in the
 *    implementation's precision; a float32 implementation is also judged as if it claimed
 *    float64, so the row that fails the float64 policy stays visible beside the one that passes
 *    the float32 policy;
 * 2. the truth: the first live cases of each cell in high precision (mpmath, computed once and
 *    shared by every implementation), and each implementation's largest distance from it (in its
 *    precision's ULPs), beside NumPy's own;
 * 3. the conformance properties (../conformance/check.ts), at a share of their default runs.
 *
 * Time per case is the implementation's own time (its `run` and `runBatch` calls), not the
 * judging's. An implementation that cannot be opened (a missing library) is listed with the reason.
 * The port bugs of a row judged in its own precision are diagnosed (../diagnosis/) within a
 * budget per implementation: shrunk, located and explained by the catalogued mistakes, and handed
 * to `onDiagnosed` while the implementation is open, so the caller can save the reproducers.
 */
import { verify, type CellStats, type VerifyResult } from '../campaign/verify.js';
import type { DiagnosedFinding, DiagnosisBudget } from '../campaign/diagnose-findings.js';
import type { DiagnosisRecord } from '../diagnosis/record.js';
import { campaignCase } from '../campaign/random-case.js';
import type { CellType } from '../cells/schema.js';
import { checkConformance, type PropertyOutcome } from '../conformance/check.js';
import { PeerUnavailableError } from '../implementations/peer-unavailable.js';
import { toFlatCase, type FlatOutputs } from '../judge/flat-case.js';
import { runImplementation, type Dtype, type Implementation } from '../judge/implementation.js';
import { toleranceFor, ulpsFor, ulpsMeaningful } from '../judge/tolerance.js';
import type { NumpyOracle } from '../oracle/numpy-oracle.js';

export interface Contender {
  /** The name it is opened by (built-in name, module path, command). */
  name: string;
  open(): Promise<Implementation>;
  /** Hold its arithmetic identities bit for bit (this package's cells). */
  exactArithmetic?: boolean;
  /** The command-line options that choose it again (`--impl flax-float64`), for replay lines. */
  args?: string;
}

export interface ScoreboardOptions {
  contenders: readonly Contender[];
  casesPerCell: number;
  seed: number;
  /** Property runs: a share of each suite's default (<= 1) or a count. */
  propertyRuns: number;
  /** Live cases per cell also judged against the high-precision truth. */
  truthCases: number;
  goldenDir: string;
  oracle: NumpyOracle;
  /** Diagnose each implementation's port bugs within this budget (not on a float32 one's float64 row). */
  diagnosis?: DiagnosisBudget;
  /** Called with an implementation's diagnoses while it is still open; may fill in each record's `saved`. */
  onDiagnosed?: (impl: Implementation, diagnosed: readonly DiagnosedFinding[], records: DiagnosisRecord[]) => Promise<void>;
  onProgress?: (line: string) => void;
}

export interface Distance {
  maxUlps: number;
  maxAbs: number;
}

export interface ScoreRow {
  implementation: string;
  version?: string;
  dtype: Dtype;
  /** The precision it was judged as: its own, or float64 for a float32 one's second row. */
  judgedAs: Dtype;
  cell: CellType;
  keys: readonly string[];
  cases: number;
  agree: number;
  illConditioned: number;
  quirks: number;
  portBugs: number;
  errors: number;
  /** Cases not judged because the implementation failed for good, with why. */
  notJudged?: { count: number; reason: string };
  /** Times its process crashed and was restarted during verify, with the first causes: the row then fails. */
  restarts?: { count: number; causes: string[] };
  /** Largest distance from NumPy (in the judged precision) over the cases that agree. */
  vsNumpy: Distance;
  /** A float32 implementation: its distance from the float64 seed (reported, not judged). */
  vsFloat64?: Distance;
  /** Its distance from the high-precision truth, in its own precision's ULPs. */
  vsTruth?: Distance & { cases: number };
  /** Properties passed, failed, skipped (only on the row judged in its own precision). */
  properties?: { passed: number; failed: number; skipped: number };
  /** Milliseconds the implementation spent per case (its own run calls). */
  msPerCase: number;
  ok: boolean;
  /** The diagnoses of its port bugs, when the scoreboard diagnosed them. */
  diagnoses?: { records: DiagnosisRecord[]; notDiagnosed: number };
  /** The command-line options that choose it again (its contender's `args`). */
  args?: string;
}

export interface Scoreboard {
  date: string;
  settings: { casesPerCell: number; seed: number; propertyRuns: number; truthCases: number };
  environment: { node: string; python: string; numpy: string; blas: string };
  rows: ScoreRow[];
  /** NumPy itself against the truth, per cell: the yardstick for the rows' truth columns. */
  numpyVsTruth: Partial<Record<CellType, Distance & { cases: number }>>;
  unavailable: { name: string; reason: string }[];
  /** Failed properties, each with its report's first lines. */
  propertyFailures: { implementation: string; cell: string; suite: string; title: string; report: string }[];
  /** Cells that no peer outside this package implements. */
  noPeer: CellType[];
}

/** The implementation with its run calls timed; `dtype` optionally overridden. */
function timed(impl: Implementation, dtype?: Dtype): { impl: Implementation; clock: { ms: number; calls: number } } {
  const clock = { ms: 0, calls: 0 };
  const wrapped = Object.create(impl, {
    dtype: { value: dtype ?? impl.dtype },
    run: {
      value: async (...args: Parameters<Implementation['run']>) => {
        const started = performance.now();
        try {
          return await impl.run(...args);
        } finally {
          clock.ms += performance.now() - started;
          clock.calls++;
        }
      },
    },
    ...(impl.runBatch === undefined
      ? {}
      : {
          runBatch: {
            value: async (...args: Parameters<NonNullable<Implementation['runBatch']>>) => {
              const started = performance.now();
              try {
                return await impl.runBatch!(...args);
              } finally {
                clock.ms += performance.now() - started;
                clock.calls += args[1].length;
              }
            },
          },
        }),
  }) as Implementation;
  return { impl: wrapped, clock };
}

function distanceOf(stats: CellStats[]): Distance {
  return { maxUlps: Math.max(0, ...stats.map((s) => s.maxUlps)), maxAbs: Math.max(0, ...stats.map((s) => s.maxAbs)) };
}

/** Largest distance of `actual` from `truth` over finite pairs, in the dtype's ULPs where the relative tolerance governs (ulpsMeaningful). */
function addDistance(into: Distance, actual: FlatOutputs, truth: FlatOutputs, dtype: Dtype): void {
  const ulps = ulpsFor({ dtype });
  const tolerance = toleranceFor(dtype);
  for (const [key, values] of Object.entries(actual)) {
    const exact = truth[key];
    if (exact === undefined) continue;
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k]) || !Number.isFinite(exact[k])) continue;
      into.maxAbs = Math.max(into.maxAbs, Math.abs(values[k] - exact[k]));
      if (ulpsMeaningful(exact[k], tolerance)) into.maxUlps = Math.max(into.maxUlps, ulps(values[k], exact[k]));
    }
  }
}

function rowsOf(result: VerifyResult, impl: Implementation, dtype: Dtype, judgedAs: Dtype, msPerCase: number): ScoreRow[] {
  return Object.entries(result.cells).map(([cell, stats]) => {
    const parts = [stats.golden, stats.live];
    const sum = (field: 'cases' | 'agree' | 'illConditioned' | 'quirks' | 'failures') => parts.reduce((n, s) => n + s[field], 0);
    // Cases the implementation failed to run: the 'run' check's failures, counted apart from the port bugs.
    const errors = parts.reduce((n, s) => n + (s.checks.run?.failures ?? 0), 0);
    const beside = parts.map((s) => s.float64).filter((b) => b !== undefined && b.cases > 0);
    const failed = result.implementationFailed;
    const restarts = result.implementationRestarts?.count ? result.implementationRestarts : undefined;
    return {
      implementation: impl.name,
      version: impl.version,
      dtype,
      judgedAs,
      cell: cell as CellType,
      keys: impl.keys?.length ? impl.keys : [],
      cases: sum('cases'),
      agree: sum('agree'),
      illConditioned: sum('illConditioned'),
      quirks: sum('quirks'),
      portBugs: sum('failures') - errors,
      errors,
      notJudged: failed === undefined ? undefined : { count: failed.notJudged, reason: failed.reason },
      restarts,
      vsNumpy: distanceOf(parts),
      vsFloat64: beside.length > 0 ? { maxAbs: Math.max(...beside.map((b) => b!.maxAbs)), maxUlps: Math.max(...beside.map((b) => b!.maxUlps)) } : undefined,
      msPerCase,
      ok: sum('failures') === 0 && failed === undefined && restarts === undefined,
    };
  });
}

export async function runScoreboard(options: ScoreboardOptions): Promise<Scoreboard> {
  const { oracle } = options;
  const log = options.onProgress ?? (() => undefined);
  const rows: ScoreRow[] = [];
  const unavailable: Scoreboard['unavailable'] = [];
  const propertyFailures: Scoreboard['propertyFailures'] = [];
  const truthCache = new Map<string, FlatOutputs>();
  const numpyVsTruth: Scoreboard['numpyVsTruth'] = {};
  const cellsSeen = new Map<CellType, Set<string>>();

  /** The truth cases of a cell, evaluated once, and NumPy's own distance from them. */
  const truthFor = async (cell: CellType) => {
    const cases = Array.from({ length: options.truthCases }, (_, k) => campaignCase(cell, options.seed, k));
    const missing = cases.filter((c) => !truthCache.has(c.name));
    if (missing.length > 0) {
      log(`truth: ${missing.length} ${cell} cases in high precision`);
      // Edge-family cases hold NaN and infinities on purpose; addDistance compares their finite elements.
      const flat = missing.map((c) => toFlatCase(cell, c.value, { allowNonFinite: c.allowNonFinite }));
      const [truths, numpy] = [await oracle.truth(flat), await oracle.evaluate(flat)];
      const yardstick = (numpyVsTruth[cell] ??= { maxUlps: 0, maxAbs: 0, cases: 0 });
      missing.forEach((c, k) => {
        const truth = truths[k];
        if (!truth.ok) throw new Error(`${c.name}: the high-precision reference could not evaluate it: ${truth.error}`);
        truthCache.set(c.name, truth.outputs);
        if (numpy[k].ok) addDistance(yardstick, (numpy[k] as { outputs: FlatOutputs }).outputs, truth.outputs, 'float64');
        yardstick.cases++;
      });
    }
    return cases;
  };

  for (const contender of options.contenders) {
    let impl: Implementation;
    try {
      impl = await contender.open();
    } catch (error) {
      if (!(error instanceof PeerUnavailableError)) throw error;
      unavailable.push({ name: contender.name, reason: error.message });
      log(`${contender.name}: not available: ${error.message}`);
      continue;
    }
    try {
      for (const cell of impl.cells) (cellsSeen.get(cell) ?? cellsSeen.set(cell, new Set()).get(cell)!).add(impl.name);
      const judgedAs: Dtype[] = impl.dtype === 'float32' ? ['float32', 'float64'] : ['float64'];
      for (const dtype of judgedAs) {
        log(`${impl.name}: verify, judged as ${dtype}`);
        const { impl: clocked, clock } = timed(impl, dtype);
        const diagnosis = dtype === impl.dtype ? options.diagnosis : undefined;
        const { result, diagnosed } = await verify({
          casesPerCell: options.casesPerCell,
          seed: options.seed,
          shard: { index: 1, count: 1 },
          cells: impl.cells,
          goldenDir: options.goldenDir,
          probes: true,
          implementation: clocked,
          oracle,
          diagnosis,
          onDiagnosis: (name, k, total) => log(`${impl.name}: diagnosing ${name} (${k + 1} of ${total})`),
        });
        const records = result.diagnoses?.records ?? [];
        if (diagnosed.length > 0) await options.onDiagnosed?.(impl, diagnosed, records);
        const made = rowsOf(result, clocked, impl.dtype, dtype, clock.calls === 0 ? 0 : clock.ms / clock.calls);
        for (const row of made) row.args = contender.args;
        if (result.diagnoses !== undefined) {
          for (const row of made) {
            const mine = records.filter((r) => r.cell === row.cell);
            const bugs = new Set(result.findings.filter((f) => f.cell === row.cell && f.verdict === 'port-bug').map((f) => f.case)).size;
            if (bugs > 0) row.diagnoses = { records: mine, notDiagnosed: Math.max(0, bugs - mine.length) };
          }
        }
        rows.push(...made);
      }
      const own = rows.filter((r) => r.implementation === impl.name && r.judgedAs === impl.dtype);
      for (const row of own) {
        const cases = await truthFor(row.cell);
        const distance = { maxUlps: 0, maxAbs: 0, cases: 0 };
        for (const c of cases) {
          try {
            const actual = await runImplementation(impl, toFlatCase(row.cell, c.value, { allowNonFinite: c.allowNonFinite }), c.name, c.value);
            addDistance(distance, actual, truthCache.get(c.name)!, impl.dtype);
            distance.cases++;
          } catch {
            // Counted where verify counts it; the truth column covers the cases that ran.
          }
        }
        row.vsTruth = distance;
      }
      log(`${impl.name}: properties`);
      const outcomes: PropertyOutcome[] = await checkConformance(impl, { runs: options.propertyRuns, seed: options.seed, exactArithmetic: contender.exactArithmetic, oracle, goldenDir: options.goldenDir, suites: ['gates', 'bounds', 'zero-weights', 'trace', 'symmetry', 'robustness', 'differential'] });
      for (const row of own) {
        const mine = outcomes.filter((o) => o.cell === row.cell);
        const count = (status: PropertyOutcome['status']) => mine.filter((o) => o.status === status).length;
        row.properties = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
        if (row.properties.failed > 0) row.ok = false;
      }
      for (const o of outcomes.filter((o) => o.status === 'failed')) {
        propertyFailures.push({ implementation: impl.name, cell: o.cell, suite: o.suite, title: o.title, report: (o.report ?? '').split('\n').slice(0, 8).join('\n') });
      }
    } finally {
      await impl.close?.();
    }
  }
  const info = oracle.info;
  const noPeer = (['type1', 'type2'] as const).filter((cell) => [...(cellsSeen.get(cell) ?? [])].every((name) => name.startsWith('lstm-parity')));
  return {
    date: new Date().toISOString().slice(0, 10),
    settings: { casesPerCell: options.casesPerCell, seed: options.seed, propertyRuns: options.propertyRuns, truthCases: options.truthCases },
    environment: { node: process.version, python: info.python, numpy: info.numpy, blas: [info.blas.name, info.blas.version, info.blas.corename && `core ${info.blas.corename}`].filter(Boolean).join(' ') },
    rows,
    numpyVsTruth,
    unavailable,
    propertyFailures,
    noPeer,
  };
}
