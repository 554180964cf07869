/**
 * verify's text output: what the campaign is and what it judges (printed at once), what it runs
 * on (printed as soon as the NumPy workers are up), then the table, the findings, the footer and
 * the verdict line. `merge` prints the same for the merged result. Each reason is said once.
 * Everything is returned as lines, which ./terminal.ts makes safe to print: names, findings and
 * reasons come from files and from the implementation.
 */
import { describeJudging } from '../campaign/judging.js';
import { describeLocation, type CampaignInfo, type CellStats, type VerifyEnvironment, type VerifyResult } from '../campaign/result.js';
import { toleranceFor } from '../judge/tolerance.js';
import { addContrasts, describeContrast } from '../diagnosis/contrast.js';
import type { DiagnosisRecord } from '../diagnosis/record.js';
import { diagnosisLines } from './diagnosis-output.js';

const FINDINGS_SHOWN = 5;

const e = (x: number) => (x === 0 ? '0' : x.toExponential(1));

function row(cell: string, source: string, s: CellStats): string[] {
  return [cell, source, String(s.cases), String(s.agree), String(s.illConditioned), String(s.quirks), String(s.failures), e(s.maxAbs), String(s.maxUlps), describeLocation(s.maxUlpsAt)];
}

/** This package's cells, the default: their output stays as it was before other implementations. */
function isOwn(implementation: Pick<CampaignInfo['implementation'], 'name'>): boolean {
  return implementation.name.startsWith('lstm-parity');
}

/** The default implementation is "the TypeScript cells"; any other goes by its name. */
function subject(implementation: Pick<CampaignInfo['implementation'], 'name'>): string {
  return isOwn(implementation) ? 'the TypeScript cells' : implementation.name;
}

/** The implementation line: what is judged, and how; known once it is open. None for this package's cells. */
export function formatImplementationLine(impl: Pick<CampaignInfo['implementation'], 'name' | 'version' | 'dtype' | 'cells' | 'keys' | 'batch'>, judging?: string): string[] {
  if (isOwn(impl)) return [];
  const how = judging ?? describeJudging({ dtype: impl.dtype, tolerance: toleranceFor(impl.dtype) });
  return [`implementation: ${impl.name}${impl.version ? ` ${impl.version}` : ''} (${impl.dtype}; ${impl.cells.join(', ')}; keys ${impl.keys?.join(', ') ?? 'as returned'}${impl.batch === undefined ? '' : `; batches of up to ${impl.batch}`}); ${how}`];
}

/** Columns before `left` and the last one (when `lastLeft`) are text, the others numbers. */
function table(rows: string[][], left = 2, lastLeft = true): string[] {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  const isText = (k: number, n: number) => k < left || (lastLeft && k === n - 1);
  return rows.map((r) => r.map((cell, k) => (isText(k, r.length) ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ').trimEnd());
}

/**
 * Per check and cell, the cases it ran on and failed; '-' where it could not run at all. A check
 * that could not run on some cases says so below the table, with its reasons.
 */
function checksTable(result: VerifyResult): string[] {
  const cells = Object.entries(result.cells);
  const rows = [['check', ...cells.flatMap(([cell]) => [`${cell} cases`, 'failures'])]];
  const notes: string[] = [];
  const names = Object.keys(cells[0]?.[1].checks ?? {});
  for (const check of names) {
    rows.push([check, ...cells.flatMap(([, c]) => (c.checks[check].cases === 0 ? ['-', '-'] : [String(c.checks[check].cases), String(c.checks[check].failures)]))]);
    for (const [cell, c] of cells) {
      const { notChecked, reasons } = c.checks[check];
      if (notChecked > 0) notes.push(`${check} not checked on ${notChecked} ${cell} cases: ${(reasons ?? []).join('; ')}`);
    }
  }
  return [...table(rows, 1, false), ...notes];
}

/** What the header needs: all known before the run starts. */
export interface VerifyHeader {
  environment: VerifyEnvironment;
  campaign: Pick<CampaignInfo, 'seed' | 'shard' | 'casesPerCell'>;
  merged?: VerifyResult['merged'];
  liveSkipped?: string;
}

export function describeShards(result: Pick<VerifyHeader, 'campaign' | 'merged'>): string {
  const { shard } = result.campaign;
  return result.merged === undefined ? `shard ${shard.index}/${shard.count}` : `${result.merged.shards} shards merged`;
}

/** The campaign line: known before anything runs. */
export function formatCampaignLine(result: Pick<VerifyHeader, 'campaign' | 'merged'>): string {
  return `campaign: seed ${result.campaign.seed}, ${describeShards(result)}, ${result.campaign.casesPerCell} cases per cell`;
}

/** The environment line, and whether the live campaign runs: known once the workers are up. */
export function formatEnvironmentLine(result: Pick<VerifyHeader, 'environment' | 'liveSkipped'>): string {
  const env = result.environment;
  const workers = env.jobs === undefined ? '' : `; ${env.jobs} NumPy worker${env.jobs === 1 ? '' : 's'}`;
  if (!env.numpyAvailable) return `environment: Node ${env.node}; NumPy unavailable: ${env.problem}; live campaign SKIPPED`;
  return `environment: Node ${env.node}; Python ${env.python}, NumPy ${env.numpy} (${env.blas})${workers}`;
}

/** Everything after the header. */
export function formatVerifyBody(result: VerifyResult, replay?: (record: DiagnosisRecord) => string): string[] {
  const impl = result.campaign.implementation;
  const lines: string[] = [''];
  if (result.goldenSkipped !== undefined) lines.push(`golden corpus SKIPPED: ${result.goldenSkipped}`, '');
  const rows = [['cell', 'source', 'cases', 'agree', 'ill-cond', 'quirks', 'failures', 'max |err|', 'max ULP', 'where (max ULP)']];
  for (const [cell, stats] of Object.entries(result.cells)) {
    if (result.goldenSkipped === undefined) rows.push(row(cell, 'golden', stats.golden));
    if (result.liveSkipped === undefined) rows.push(row(cell, 'live', stats.live));
  }
  lines.push(...table(rows));
  lines.push('');
  const unit = impl.dtype === 'float32' ? 'max ULP (in float32 ULPs)' : 'max ULP';
  lines.push(`max |err| and ${unit} are over the cases that agree; ${unit} counts only elements where the relative tolerance governs (|NumPy| >= atol / rtol); nearer zero the absolute tolerance does, and ULPs say nothing.`);
  for (const [cell, stats] of Object.entries(result.cells)) {
    for (const [source, s] of [['golden', stats.golden], ['live', stats.live]] as const) {
      const beside = s.float64;
      if (beside === undefined || beside.cases === 0) continue;
      const nonFinite = beside.nonFinite > 0 ? `, ${beside.nonFinite} elements differ in NaN or infinity` : '';
      lines.push(`${cell} ${source}: against the float64 seed (reported, not judged): max |err| ${e(beside.maxAbs)}, ${beside.maxUlps} float32 ULP over ${beside.cases} cases${nonFinite}`);
    }
  }
  lines.push('');
  lines.push(...checksTable(result));
  lines.push('');
  // Probes always; otherwise a few of each verdict and check, so a broken cell does not print 40000 lines.
  const shown = new Map<string, number>();
  let hidden = result.findingsOmitted;
  for (const finding of result.findings) {
    const kind = `${finding.verdict} ${finding.check}`;
    const count = shown.get(kind) ?? 0;
    if (finding.source !== 'probe' && count >= FINDINGS_SHOWN) {
      hidden++;
      continue;
    }
    shown.set(kind, count + 1);
    lines.push(`${finding.verdict === 'port-bug' ? 'FAIL' : 'note'} ${finding.case} [${finding.check}]: ${finding.description}`);
  }
  if (hidden > 0) lines.push(`... and ${hidden} more findings (--json lists up to ${result.campaign.findingsPerKind} per cell and verdict)`);
  if (result.diagnoses !== undefined) lines.push(...diagnosisLines(result.diagnoses, replay));
  const contrasts = Object.entries(result.cells).flatMap(([cell, c]) => describeContrast(addContrasts(c.golden.contrast, c.live.contrast)).map((line) => `  ${cell}: ${line}`));
  if (contrasts.length > 0) lines.push('', 'what sets the failing cases apart (input features, failing against passing cases):', ...contrasts);
  const restarts = result.workerRestarts;
  if (restarts.count > 0) {
    const causes = [...new Set(restarts.causes)].join('; ');
    lines.push(`NumPy worker restarts: ${restarts.count} (${causes}); each time the request in flight was sent again to a fresh worker`);
  }
  const crashes = result.implementationRestarts?.count ?? 0;
  if (crashes > 0) {
    const causes = [...new Set(result.implementationRestarts!.causes)].join('; ');
    lines.push(`implementation restarts: ${crashes} (${causes}); each time the case in flight was sent again to a fresh process`);
  }
  const failures = Object.values(result.cells).reduce((n, c) => n + c.failures, 0);
  const total = Object.values(result.cells).reduce((n, c) => n + c.cases, 0);
  if (result.ok) {
    const partial = result.liveSkipped === undefined ? '' : ' (golden corpus only: the live campaign was skipped)';
    const who = subject(impl);
    lines.push(`verify: OK: ${total} cases, ${who} ${who === 'the TypeScript cells' ? 'agree' : 'agrees'} with NumPy${impl.dtype === 'float32' ? ' in float32' : ''}${partial}`);
  }
  if (failures > 0) {
    const which = Object.entries(result.cells).filter(([, c]) => c.failures > 0).map(([cell, c]) => `${cell} (${c.failures})`).join(', ');
    const byCheck = new Map<string, number>();
    for (const cell of Object.values(result.cells)) {
      for (const [check, stats] of Object.entries(cell.checks)) if (stats.failures > 0) byCheck.set(check, (byCheck.get(check) ?? 0) + stats.failures);
    }
    const checks = [...byCheck].map(([check, n]) => `${check} (${n})`).join(', ');
    lines.push(`verify: FAILED: ${failures} of ${total} cases are port bugs: ${which}; caught by ${checks}`);
  }
  if (crashes > 0) {
    lines.push(`verify: FAILED: ${subject(impl)} crashed and was restarted ${crashes} time${crashes === 1 ? '' : 's'}; an implementation that crashes is not OK, even when every case was answered after a restart`);
  }
  const gone = result.implementationFailed;
  if (gone !== undefined) {
    lines.push(`verify: INCOMPLETE: ${gone.notJudged} of ${gone.planned} cases were not judged: the implementation failed for good: ${gone.reason}`);
  }
  const missing = result.liveIncomplete;
  if (missing !== undefined) {
    lines.push(`verify: INCOMPLETE: ${missing.notJudged} of ${missing.planned} live cases were not judged: ${missing.reason}`);
  }
  return lines;
}

/** The whole text of a result, header included, as lines (what `merge` prints). */
export function formatVerify(result: VerifyResult): string[] {
  return [formatCampaignLine(result), ...formatImplementationLine(result.campaign.implementation, result.campaign.judging), formatEnvironmentLine(result), ...formatVerifyBody(result)];
}
