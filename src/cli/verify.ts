/** `lstm-parity verify`: the main job. Exit 0 when everything agrees, 1 when anything does not. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Implementation } from '../judge/implementation.js';
import { verify, type CellStats, type Location, type VerifyResult } from '../campaign/verify.js';
import { CELL_TYPES, type CellType } from '../cells/schema.js';
import { NumpyOracle, NumpyWorkerError } from '../oracle/numpy-oracle.js';
import { packageRoot } from '../package-root.js';
import { verifyReportHtml } from '../report/verify-section.js';
import { createProgress } from './progress.js';
import { checkReportPath, writeReport } from './report-file.js';
import { parseCell } from './run.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

/** About a minute on a 2-core machine, NumPy worker included. */
export const DEFAULT_CASES = 20000;

export const VERIFY_USAGE = `usage: lstm-parity verify [--cases N] [--seed N] [--shard i/n] [--cell type1|type2] [--json] [--report FILE.html]

Checks that the TypeScript cells agree with NumPy: the golden corpus (no Python needed), then a
live differential campaign against the NumPy reference, judged against each case's noise floor.
  --cases N      live cases per cell (default ${DEFAULT_CASES}, about a minute here)
  --seed N       campaign seed (default 1); the same seed draws the same cases
  --shard i/n    run only shard i of n (disjoint cases), for splitting a campaign over machines
  --cell C       only this cell (default both)
  --json         one JSON document on stdout instead of the table
  --report FILE  also write an HTML report to FILE: one self-contained page (no network) with the
                 table, the findings and plots of the errors; stdout is unchanged
Exit 0 when everything agrees (ill-conditioned cases and platform quirks are reported, not
failed), 1 when a port bug is found or the NumPy worker failed for good mid-campaign (the cases
not judged are counted), 2 for bad usage.`;

export function positiveInt(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

export function parseShard(text: string | undefined): { index: number; count: number } {
  if (text === undefined) return { index: 1, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard: expected i/n with 1 <= i <= n, got ${JSON.stringify(text)}`);
  return { index, count };
}

const FINDINGS_SHOWN = 5;

const e = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const at = (where: Location | undefined) => (where === undefined ? '' : `${where.case} ${where.key} step ${where.step} unit ${where.unit}`);

function row(cell: string, source: string, s: CellStats): string[] {
  return [cell, source, String(s.cases), String(s.agree), String(s.illConditioned), String(s.quirks), String(s.failures), e(s.maxAbs), String(s.maxUlps), at(s.maxUlpsAt)];
}

/** Columns before `left` and the last one (when `lastLeft`) are text, the others numbers. */
function table(rows: string[][], left = 2, lastLeft = true): string {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  const isText = (k: number, n: number) => k < left || (lastLeft && k === n - 1);
  return rows.map((r) => r.map((cell, k) => (isText(k, r.length) ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ').trimEnd()).join('\n');
}

/**
 * Per check and cell, the cases it ran on and failed; '-' where it could not run at all. A check
 * that could not run on some cases says so below the table, with its reasons.
 */
function checksTable(result: VerifyResult): string {
  const cells = Object.entries(result.cells);
  const rows = [['check', ...cells.flatMap(([cell]) => [`${cell} cases`, 'failures'])]];
  const notes: string[] = [];
  const names = Object.keys(cells[0]?.[1].checks ?? {});
  for (const check of names) {
    rows.push([check, ...cells.flatMap(([, c]) => (c.checks[check].cases === 0 ? ['-', '-'] : [String(c.checks[check].cases), String(c.checks[check].failures)]))]);
    for (const [cell, c] of cells) {
      const { notChecked, reasons } = c.checks[check];
      if (notChecked > 0) notes.push(`${check} not checked on ${notChecked} ${cell} cases: ${reasons!.join('; ')}`);
    }
  }
  return [table(rows, 1, false), ...notes].join('\n');
}

export function formatVerify(result: VerifyResult): string {
  const env = result.environment;
  const lines: string[] = [];
  lines.push(`environment: Node ${env.node}; ${env.numpyAvailable ? `Python ${env.python}, NumPy ${env.numpy} (${env.blas})` : `NumPy unavailable: ${env.problem}`}`);
  lines.push(`campaign: seed ${result.seed}, shard ${result.shard}${result.liveSkipped ? `; live campaign SKIPPED: ${result.liveSkipped}` : ''}`);
  lines.push('');
  const rows = [['cell', 'source', 'cases', 'agree', 'ill-cond', 'quirks', 'failures', 'max |err|', 'max ULP', 'where (max ULP)']];
  for (const [cell, stats] of Object.entries(result.cells)) {
    rows.push(row(cell, 'golden', stats.golden));
    if (!result.liveSkipped) rows.push(row(cell, 'live', stats.live));
  }
  lines.push(table(rows));
  lines.push('');
  lines.push('max |err| and max ULP are over the cases that agree; ULP distances are large only where values are near zero.');
  lines.push('');
  lines.push(checksTable(result));
  lines.push('');
  // Probes always; otherwise a few of each verdict and check, so a broken cell does not print 40000 lines.
  const shown = new Map<string, number>();
  let hidden = 0;
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
  if (hidden > 0) lines.push(`... and ${hidden} more findings (--json lists them all)`);
  const failures = Object.values(result.cells).reduce((n, c) => n + c.failures, 0);
  const total = Object.values(result.cells).reduce((n, c) => n + c.cases, 0);
  if (result.ok) {
    const partial = result.liveSkipped ? ' (golden corpus only: install NumPy for the live campaign)' : '';
    lines.push(`verify: OK: ${total} cases, the TypeScript cells agree with NumPy${partial}`);
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
  const missing = result.liveIncomplete;
  if (missing !== undefined) {
    lines.push(`verify: INCOMPLETE: ${missing.notJudged} of ${missing.planned} live cases were not judged: ${missing.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function verifyCommand(argv: string[], implementation?: Implementation): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cases: { type: 'string' },
      seed: { type: 'string' },
      shard: { type: 'string' },
      cell: { type: 'string' },
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const cells: CellType[] = values.cell === undefined ? [...CELL_TYPES] : [parseCell(values.cell)];
  const options = {
    casesPerCell: positiveInt('cases', values.cases, DEFAULT_CASES),
    seed: positiveInt('seed', values.seed, 1),
    shard: parseShard(values.shard),
    cells,
    goldenDir: join(packageRoot(), 'golden'),
    probes: true,
    implementation,
  };
  const reportPath = checkReportPath(values.report);
  let oracle: NumpyOracle | undefined;
  try {
    oracle = await NumpyOracle.start();
  } catch (error) {
    if (!(error instanceof NumpyWorkerError && error.kind === 'unavailable')) throw error;
  }
  const progress = createProgress('verify', !values.json);
  try {
    const { result, report } = await verify({ ...options, oracle, onProgress: (done, total) => progress.update(done, total) });
    progress.done();
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatVerify(result));
    if (reportPath !== undefined) writeReport(reportPath, verifyReportHtml({ result, report }));
    return result.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    progress.done();
    await oracle?.close();
  }
}
