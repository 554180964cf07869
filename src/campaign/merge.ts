/**
 * Shards of one campaign, merged into the result the unsharded campaign gives: the same counts,
 * findings, largest errors and where, histograms and worst cases (test/merge.test.ts runs both).
 *
 * Each shard's counts must add up (./shard-counts.ts). Shards must be of one campaign: the same package version, seed, cases per cell, cells, probes,
 * implementation, golden manifest, findings limit and NumPy version, with every shard index from
 * 1 to n exactly once and every live campaign run. Anything else is refused with a MergeError
 * naming the file and what differs.
 *
 * How each part merges (so that fields added later merge too, if they follow the same rules):
 * - `golden`: every shard judges the whole corpus; all must agree, and it counts once.
 * - `live` and anything nested in it: numbers sum, except `max*`, which keep the largest with
 *   its `max*At` location (a tie goes to the lower `order`); arrays (of reasons) join as distinct values.
 * - an implementation that failed for good in any shard: the shards' reasons joined, their
 *   cases not judged summed; the merged result is not ok.
 * - restarts, of NumPy workers and of the implementation: counts summed, the first causes kept;
 *   an implementation restarted in any shard makes the merged result not ok.
 * - findings: concatenated, sorted by `order`, and cut to the same FINDINGS_PER_KIND per cell and
 *   verdict as one run keeps (each shard kept its own first ones, so the first ones overall are
 *   among them); everything cut is counted in `findingsOmitted`.
 * - the report: live histograms sum; the worst cases are re-ranked over all shards.
 */
import * as z from 'zod';
import type { CellType } from '../cells/schema.js';
import { liveCaseCount } from './plan.js';
import { shardCountProblem } from './shard-counts.js';
import {
  addChecks,
  addHistograms,
  beats,
  RESTART_CAUSES_KEPT,
  RESULT_FORMAT,
  rankWorst,
  WORST_KEPT,
  type CellResult,
  type CellStats,
  type Finding,
  type VerifyResult,
} from './result.js';

/** Shards that do not make one campaign, or a file that is not a verify result; the message names the file and what differs. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** One shard's verify result and where it came from, as {@link readShard} checked it. */
export interface Shard {
  /** Where the shard came from (a file name), for messages. */
  source: string;
  /** The shard's `verify --json` output. */
  result: VerifyResult;
}

const location = z.looseObject({ case: z.string(), order: z.number(), key: z.string(), step: z.number(), unit: z.number() });
const stats = z.looseObject({
  cases: z.number(),
  agree: z.number(),
  illConditioned: z.number(),
  quirks: z.number(),
  failures: z.number(),
  maxAbs: z.number(),
  maxAbsAt: location.optional(),
  maxUlps: z.number(),
  maxUlpsAt: location.optional(),
  checks: z.record(z.string(), z.looseObject({ cases: z.number(), failures: z.number(), notChecked: z.number(), reasons: z.array(z.string()).optional() })),
});
const histogram = z.record(z.string(), z.record(z.string(), z.array(z.number())));

/** What merge needs of a result; anything else is carried along as it is. */
const resultSchema = z.looseObject({
  format: z.literal(RESULT_FORMAT),
  lstmParity: z.string(),
  ok: z.boolean(),
  environment: z.looseObject({ node: z.string(), numpyAvailable: z.boolean(), numpy: z.string().optional() }),
  campaign: z.looseObject({
    seed: z.number(),
    casesPerCell: z.number(),
    cells: z.array(z.enum(['type1', 'type2'])),
    shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }),
    probes: z.boolean(),
    golden: z.object({ manifestSha256: z.string(), files: z.number() }),
    implementation: z.looseObject({ name: z.string(), version: z.string().optional() }),
    findingsPerKind: z.number().int().min(0),
  }),
  merged: z.unknown().optional(),
  cells: z.record(z.string(), z.looseObject({ cases: z.number(), failures: z.number(), golden: stats, live: stats })),
  liveSkipped: z.string().optional(),
  liveIncomplete: z.looseObject({ reason: z.string(), notJudged: z.number(), planned: z.number() }).optional(),
  workerRestarts: z.object({ count: z.number(), causes: z.array(z.string()) }),
  implementationRestarts: z.object({ count: z.number(), causes: z.array(z.string()) }).optional(),
  findings: z.array(z.looseObject({ cell: z.string(), case: z.string(), order: z.number(), source: z.enum(['golden', 'live', 'probe']), verdict: z.string(), check: z.string(), description: z.string() })),
  findingsOmitted: z.number(),
  report: z.looseObject({
    ulpHistogram: z.object({ golden: histogram, live: histogram }),
    worst: z.array(z.looseObject({ case: z.string(), order: z.number(), verdict: z.string(), maxError: z.number(), error: z.array(z.number()) })),
  }),
});

/**
 * Checks that a parsed document is a verify result whose counts add up (./shard-counts.ts),
 * naming the first field that is not.
 */
export function readShard(source: string, value: unknown): Shard {
  if (typeof value === 'object' && value !== null && (value as { format?: unknown }).format !== RESULT_FORMAT) {
    throw new MergeError(`${source}: not the --json output of lstm-parity verify (expected "format": "${RESULT_FORMAT}")`);
  }
  const parsed = resultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.length === 0 ? '(top level)' : issue.path.join('.');
    throw new MergeError(`${source}: not the --json output of lstm-parity verify: ${path}: ${issue.message}`);
  }
  const result = parsed.data as unknown as VerifyResult;
  const problem = shardCountProblem(source, result);
  if (problem !== undefined) throw new MergeError(problem);
  return { source, result };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The fields every shard of one campaign shares, with how to name them. */
const SHARED: [string, (r: VerifyResult) => unknown][] = [
  ['lstm-parity version', (r) => r.lstmParity],
  ['seed', (r) => r.campaign.seed],
  ['cases per cell', (r) => r.campaign.casesPerCell],
  ['cells', (r) => r.campaign.cells.join(', ')],
  ['probes', (r) => r.campaign.probes],
  ['shard count', (r) => r.campaign.shard.count],
  ['golden manifest (sha256)', (r) => r.campaign.golden.manifestSha256],
  ['implementation', (r) => [r.campaign.implementation.name, r.campaign.implementation.version, r.campaign.implementation.dtype].filter(Boolean).join(' ')],
  ['findings limit', (r) => r.campaign.findingsPerKind],
  ['NumPy version', (r) => r.environment.numpy],
];

function checkOneCampaign(shards: readonly Shard[]): void {
  const [first] = shards;
  for (const shard of shards) {
    const { result, source } = shard;
    if (result.merged !== undefined) throw new MergeError(`${source}: already a merge of ${result.merged.shards} shards; merge the shards themselves`);
    if (result.liveSkipped !== undefined) {
      throw new MergeError(`${source}: its live campaign was skipped (${result.environment.problem ?? result.liveSkipped}), so its cases would be a gap`);
    }
    for (const [what, read] of SHARED) {
      if (!same(read(result), read(first.result))) {
        throw new MergeError(`${source}: ${what} ${show(read(result))} differs from ${first.source}'s ${show(read(first.result))}; shards of one campaign share it`);
      }
    }
  }
  const count = first.result.campaign.shard.count;
  const seen = new Map<number, string>();
  for (const { result, source } of shards) {
    const { index } = result.campaign.shard;
    const other = seen.get(index);
    if (other !== undefined) throw new MergeError(`${source}: shard ${index}/${count} again (${other} is shard ${index}/${count} too)`);
    seen.set(index, source);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) {
    const list = missing.length > 5 ? `${missing.slice(0, 5).join(', ')} and ${missing.length - 5} more` : missing.join(', ');
    throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${list} of ${count} missing: ${shards.length} of ${count} given`);
  }
  const goldenOf = (r: VerifyResult) => [Object.entries(r.cells).map(([cell, c]) => [cell, c.golden]), r.findings.filter((f) => f.source === 'golden')];
  for (const shard of shards) {
    if (!same(goldenOf(shard.result), goldenOf(first.result))) {
      throw new MergeError(`${shard.source}: its golden corpus results differ from ${first.source}'s (the same corpus judged differently: another Node.js?)`);
    }
  }
}

type Mergeable = Record<string, unknown>;

/** Adds `from` into `into` by the rules above: counts sum, `max*` keep the largest, arrays join. */
export function mergeCounts(into: Mergeable, from: Mergeable): void {
  for (const [key, value] of Object.entries(from)) {
    if (key.startsWith('max') && key.endsWith('At')) continue;
    const current = into[key];
    if (typeof value === 'number') {
      if (typeof current !== 'number') {
        into[key] = value;
        if (key.startsWith('max')) into[`${key}At`] = from[`${key}At`];
      } else if (key.startsWith('max')) {
        const at = from[`${key}At`] as { order: number } | undefined;
        if (beats(value, at?.order ?? Infinity, current, into[`${key}At`] as { order: number } | undefined)) {
          into[key] = value;
          into[`${key}At`] = at;
        }
      } else {
        into[key] = current + value;
      }
    } else if (Array.isArray(value)) {
      // Arrays nested in counts are lists of distinct reasons: a reason given by two shards is one.
      into[key] = [...new Set([...(Array.isArray(current) ? current : []), ...value])];
    } else if (typeof value === 'object' && value !== null) {
      if (typeof current !== 'object' || current === null) into[key] = structuredClone(value);
      else mergeCounts(current as Mergeable, value as Mergeable);
    }
  }
}

/** Distinct values joined, for environment fields that may differ between machines. */
function distinct(values: readonly (string | undefined)[]): string | undefined {
  const set = [...new Set(values.filter((v): v is string => v !== undefined))];
  return set.length === 0 ? undefined : set.join(' | ');
}

function mergeFindings(shards: readonly Shard[], perKind: number): { findings: Finding[]; cut: number } {
  const all = [...shards[0].result.findings.filter((f) => f.source === 'golden'), ...shards.flatMap((s) => s.result.findings.filter((f) => f.source !== 'golden'))];
  all.sort((a, b) => a.order - b.order);
  const kept = new Map<string, number>();
  const findings: Finding[] = [];
  for (const finding of all) {
    const kind = `${finding.cell}:${finding.verdict}`;
    const n = kept.get(kind) ?? 0;
    if (n >= perKind) continue;
    kept.set(kind, n + 1);
    findings.push(finding);
  }
  return { findings, cut: all.length - findings.length };
}

/**
 * Merges the shards of one campaign into the result the unsharded campaign gives (the rules are
 * in the module comment; test/merge.test.ts runs both and compares).
 *
 * @param input - every shard, 1 to n once each, in any order.
 * @throws {@link MergeError} when there are none, an index is missing or repeated, or the shards
 *   differ in anything that makes them one campaign (version, seed, cases, cells, implementation,
 *   golden manifest, NumPy version).
 */
export function mergeShards(input: readonly Shard[]): VerifyResult {
  if (input.length === 0) throw new MergeError('no shards to merge');
  const shards = [...input].sort((a, b) => a.result.campaign.shard.index - b.result.campaign.shard.index);
  checkOneCampaign(shards);
  const first = shards[0].result;
  const campaign = { ...first.campaign, shard: { index: 1, count: 1 } };

  const cells: Record<string, CellResult> = {};
  for (const cell of campaign.cells) {
    const golden = first.cells[cell].golden;
    const live = structuredClone(first.cells[cell].live);
    for (const shard of shards.slice(1)) mergeCounts(live as unknown as Mergeable, shard.result.cells[cell].live as unknown as Mergeable);
    cells[cell] = { cases: golden.cases + live.cases, failures: golden.failures + live.failures, golden, live: live as CellStats, checks: addChecks(golden.checks, (live as CellStats).checks) };
  }

  const { findings, cut } = mergeFindings(shards, campaign.findingsPerKind);
  const incomplete = shards.filter((s) => s.result.liveIncomplete !== undefined);
  const liveIncomplete =
    incomplete.length === 0
      ? undefined
      : {
          reason: incomplete.map((s) => `shard ${s.result.campaign.shard.index}/${first.campaign.shard.count}: ${s.result.liveIncomplete!.reason}`).join('; '),
          notJudged: incomplete.reduce((n, s) => n + s.result.liveIncomplete!.notJudged, 0),
          planned: liveCaseCount({ ...campaign, cells: campaign.cells as CellType[] }),
        };

  const gone = shards.filter((s) => s.result.implementationFailed !== undefined);
  const implementationFailed =
    gone.length === 0
      ? undefined
      : {
          reason: gone.map((s) => `shard ${s.result.campaign.shard.index}/${first.campaign.shard.count}: ${s.result.implementationFailed!.reason}`).join('; '),
          notJudged: gone.reduce((n, s) => n + s.result.implementationFailed!.notJudged, 0),
          planned: gone.reduce((n, s) => n + s.result.implementationFailed!.planned, 0),
        };

  const worst = new Map<number, VerifyResult['report']['worst'][number]>();
  for (const shard of shards) for (const w of shard.result.report.worst) if (!worst.has(w.order)) worst.set(w.order, w);
  const ranked = [...worst.values()].sort(rankWorst).slice(0, WORST_KEPT).map((w, rank) => (rank === 0 ? w : { ...w, heatmap: undefined }));
  const live = shards.reduce((sum, s) => addHistograms(sum, s.result.report.ulpHistogram.live), {});

  const implementationRestarts = {
    count: shards.reduce((n, s) => n + (s.result.implementationRestarts?.count ?? 0), 0),
    causes: shards.flatMap((s) => s.result.implementationRestarts?.causes ?? []).slice(0, RESTART_CAUSES_KEPT),
  };
  const envs = shards.map((s) => s.result.environment);
  return {
    format: RESULT_FORMAT,
    lstmParity: first.lstmParity,
    ok: Object.values(cells).every((c) => c.failures === 0) && liveIncomplete === undefined && implementationFailed === undefined && implementationRestarts.count === 0,
    environment: {
      node: distinct(envs.map((e) => e.node))!,
      numpyAvailable: true,
      python: distinct(envs.map((e) => e.python)),
      numpy: first.environment.numpy,
      blas: distinct(envs.map((e) => e.blas)),
    },
    campaign,
    merged: { shards: shards.length },
    cells,
    goldenSkipped: first.goldenSkipped,
    liveIncomplete,
    implementationFailed,
    workerRestarts: {
      count: shards.reduce((n, s) => n + s.result.workerRestarts.count, 0),
      causes: shards.flatMap((s) => s.result.workerRestarts.causes).slice(0, RESTART_CAUSES_KEPT),
    },
    implementationRestarts,
    findings,
    findingsOmitted: shards.reduce((n, s) => n + s.result.findingsOmitted, 0) + cut,
    diagnoses: mergeDiagnoses(shards, findings),
    report: { ulpHistogram: { golden: first.report.ulpHistogram.golden, live }, worst: ranked },
  };
}

/** Every shard's diagnoses, the golden corpus's once (every shard judged it), in campaign order of their cases. */
function mergeDiagnoses(shards: readonly Shard[], findings: readonly Finding[]): VerifyResult['diagnoses'] {
  const parts = shards.map((s) => s.result.diagnoses).filter((d) => d !== undefined);
  if (parts.length === 0) return undefined;
  const byCase = new Map(parts.flatMap((d) => d.records).map((r) => [r.case, r]));
  const order = new Map(findings.map((f) => [f.case, f.order]));
  const records = [...byCase.values()].sort((a, b) => (order.get(a.case) ?? 0) - (order.get(b.case) ?? 0));
  const bugs = new Set(findings.filter((f) => f.verdict === 'port-bug').map((f) => f.case)).size;
  return { records, notDiagnosed: Math.max(0, bugs - records.length) };
}
