/**
 * The report of one `verify` run: its summary table and findings as HTML, then the plots made from
 * ReportData (ULP distributions, error by step for the worst cases, the worst case as heatmaps).
 */
import { describeLocation, type CellStats, type Finding, type ReportData, type VerifyResult } from '../campaign/result.js';
import { errorByStepOption, heatmapOption, ulpHistogramOption } from './charts.js';
import { html, type SafeHtml } from './html.js';
import { badge, renderReport, type ReportBlock, type ReportDocument, type ReportSection } from './render-report.js';

/** What the verify report is made from: {@link verify}'s two answers. */
export interface VerifyReportInput {
  /** The result, for the summary table and findings. */
  result: VerifyResult;
  /** The report's data, for the plots. */
  report: ReportData;
}

/** Findings listed in the page; the rest are counted (all of them are in --json). */
export const FINDINGS_SHOWN = 200;

const e = (x: number) => (x === 0 ? '0' : x.toExponential(1));
const VERDICT_ORDER: Record<Finding['verdict'], number> = { 'port-bug': 0, 'platform-quirk': 1, 'ill-conditioned': 2 };

function statsRow(cell: string, source: string, s: CellStats): SafeHtml {
  return html`<tr><td>${cell}</td><td>${source}</td><td class="num">${s.cases}</td><td class="num">${s.agree}</td><td class="num">${s.illConditioned}</td><td class="num">${s.quirks}</td><td class="num">${s.failures}</td><td class="num">${e(s.maxAbs)}</td><td class="num">${s.maxUlps}</td><td class="mono">${describeLocation(s.maxUlpsAt)}</td></tr>`;
}

function restartsNote(result: VerifyResult): SafeHtml | string {
  const { count, causes } = result.workerRestarts;
  const crashes = result.implementationRestarts ?? { count: 0, causes: [] };
  return html`${count === 0 ? '' : html`<p class="note">NumPy worker restarts: ${count} (${[...new Set(causes)].join('; ')}); each time the request in flight was sent again to a fresh worker.</p>`}${
    crashes.count === 0 ? '' : html`<p class="note"><strong>Implementation restarts: ${crashes.count}</strong> (${[...new Set(crashes.causes)].join('; ')}); each time the case in flight was sent again to a fresh process. An implementation that crashes is not OK.</p>`
  }`;
}

export function summaryBlock(result: VerifyResult): SafeHtml {
  const env = result.environment;
  const { campaign } = result;
  const rows = Object.entries(result.cells).flatMap(([cell, stats]) => [statsRow(cell, 'golden', stats.golden), result.liveSkipped ? [] : statsRow(cell, 'live', stats.live)]);
  const workers = env.jobs === undefined ? '' : `; ${env.jobs} NumPy worker${env.jobs === 1 ? '' : 's'}`;
  const shards = result.merged === undefined ? `shard ${campaign.shard.index}/${campaign.shard.count}` : `${result.merged.shards} shards merged`;
  return html`<div class="card">
<p>Node ${env.node}; ${env.numpyAvailable ? `Python ${env.python}, NumPy ${env.numpy} (${env.blas})${workers}` : `NumPy unavailable: ${env.problem}`}.
Campaign seed ${campaign.seed}, ${shards}, ${campaign.casesPerCell} cases per cell.${result.liveSkipped ? html` <strong>Live campaign skipped (NumPy unavailable).</strong>` : ''}</p>
<div class="scroll"><table>
<thead><tr><th>cell</th><th>source</th><th class="num">cases</th><th class="num">agree</th><th class="num">ill-cond</th><th class="num">quirks</th><th class="num">failures</th><th class="num">max |err|</th><th class="num">max ULP</th><th>where (max ULP)</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
<p class="note">max |err| and max ULP are over the cases that agree; max ULP counts only elements where the relative tolerance governs (|NumPy| >= atol / rtol); nearer zero the absolute tolerance does, and ULPs say nothing.</p>
${restartsNote(result)}</div>`;
}

export function findingsBlock(findings: readonly Finding[], omitted = 0, perKind = 0): SafeHtml {
  if (findings.length === 0 && omitted === 0) return html`<div class="card"><p>No findings: every case agrees within the tolerance policy.</p></div>`;
  const sorted = [...findings].sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict]);
  const shown = sorted.slice(0, FINDINGS_SHOWN);
  const more = sorted.length - shown.length + omitted;
  const where = omitted === 0 ? 'all are in the output of --json' : `the output of --json lists up to ${perKind} per cell and verdict`;
  return html`<div class="card"><div class="scroll"><table>
<thead><tr><th>verdict</th><th>cell</th><th>case</th><th>source</th><th>check</th><th>evidence</th></tr></thead>
<tbody>${shown.map((f) => html`<tr><td>${badge(f.verdict)}</td><td>${f.cell}</td><td class="mono">${f.case}</td><td>${f.source}</td><td class="mono">${f.check}</td><td>${f.description}</td></tr>`)}</tbody>
</table></div>${more > 0 ? html`<p class="note">… and ${more} more findings, not listed here (${where}).</p>` : ''}</div>`;
}

function note(text: string): ReportBlock {
  return { kind: 'html', html: html`<div class="card"><p class="note">${text}</p></div>` };
}

function distributionSection(report: ReportData): ReportSection {
  const cells = Object.entries(report.ulpHistogram);
  return {
    id: 'ulp-distribution',
    title: 'Error distribution in ULPs',
    intro:
      'How far the port is from NumPy, element by element, in units in the last place; every case except port bugs counts, so ill-conditioned cases such as the chaotic probe make the far-right tail.',
    columns: 2,
    blocks:
      cells.length === 0
        ? [note('No elements were compared.')]
        : cells.map(([cell, byKey]) => ({
            kind: 'chart',
            title: cell,
            caption: `How many ${cell} elements lie at each ULP distance from NumPy, one line per output key (counts on a log scale).`,
            option: ulpHistogramOption(byKey),
          })),
  };
}

function stepSection(report: ReportData): ReportSection {
  const withSpread = report.errorBySteps.some((s) => s.spread !== undefined);
  return {
    id: 'error-by-step',
    title: 'Error against time step',
    intro: 'Where in the sequence the largest errors arise, and whether they stay within what NumPy itself does under 1-ULP perturbations of its inputs and activations.',
    blocks:
      report.errorBySteps.length === 0
        ? [note('No case had a nonzero error.')]
        : [
            {
              kind: 'chart',
              title: `The ${report.errorBySteps.length} cases with the largest errors`,
              caption: `The largest absolute error over all keys and units at each step (solid, log scale)${withSpread ? ", with NumPy's own spread where it was measured (dashed, same colour)" : ''}; steps with zero error leave a gap.`,
              option: errorByStepOption(report.errorBySteps.map((s) => ({ name: `${s.case} (${s.verdict})`, error: s.error, spread: s.spread }))),
              height: 440,
            },
          ],
  };
}

function worstCaseSection(report: ReportData): ReportSection {
  const worst = report.worstCase;
  if (worst === undefined) return { id: 'worst-case', title: 'The worst case', blocks: [note('No case had a nonzero error.')] };
  const values = heatmapOption({ rows: worst.expected, name: `NumPy ${worst.key}`, scale: 'values' });
  const errors = heatmapOption({ rows: worst.error, name: '|port - NumPy|', scale: 'errors' });
  const size = `${worst.steps} steps x ${worst.hidden} units`;
  const shrunk = values.downsampled
    ? ` Downsampled from ${size} to fit: each cell is ${values.rowBlock} step(s) x ${values.colBlock} unit(s), the mean of the values and the largest error in the block.`
    : '';
  const blanks = (n: number, what: string) => (n > 0 ? ` ${n} cell(s) are left blank: ${what}.` : '');
  return {
    id: 'worst-case',
    title: `The worst case: ${worst.case}`,
    intro: `The case with the largest error, ${size}, its ${worst.key} (h_t) as NumPy computes it and the port's distance from it.${shrunk}`,
    columns: 2,
    blocks: [
      {
        kind: 'chart',
        title: `NumPy's ${worst.key}`,
        caption: `Each hidden unit's output h_t at each step, blue negative and red positive.${blanks(values.blank, 'NaN or infinite')}`,
        option: values.option,
        height: 520,
      },
      {
        kind: 'chart',
        title: 'Absolute error of the port',
        caption: `|port - NumPy| for the same cells on a log colour scale.${blanks(errors.blank, 'zero error (exact), NaN or infinite')}`,
        option: errors.option,
        height: 520,
      },
    ],
  };
}

/** The sections of a verify report, for renderReport; an explore report can add its own after them. */
export function verifySections({ result, report }: VerifyReportInput): ReportSection[] {
  return [
    { id: 'summary', title: 'Summary', blocks: [{ kind: 'html', html: summaryBlock(result) }] },
    {
      id: 'findings',
      title: 'Findings',
      intro: 'Every case that did not simply agree, with its verdict: port bugs fail the run; ill-conditioned cases and reference platform quirks are reported with their evidence.',
      blocks: [{ kind: 'html', html: findingsBlock(result.findings, result.findingsOmitted, result.campaign.findingsPerKind) }],
    },
    distributionSection(report),
    stepSection(report),
    worstCaseSection(report),
  ];
}

export function verifyDocument(input: VerifyReportInput): ReportDocument {
  const { result } = input;
  const failures = Object.values(result.cells).reduce((n, c) => n + c.failures, 0);
  const total = Object.values(result.cells).reduce((n, c) => n + c.cases, 0);
  const missing = result.liveIncomplete;
  const crashes = result.implementationRestarts?.count ?? 0;
  const text = result.ok
    ? `OK: ${total} cases, the TypeScript cells agree with NumPy${result.liveSkipped ? ' (golden corpus only)' : ''}`
    : failures > 0
      ? `FAILED: ${failures} of ${total} cases are port bugs`
      : crashes > 0
        ? `FAILED: the implementation crashed and was restarted ${crashes} time${crashes === 1 ? '' : 's'}`
        : missing !== undefined
          ? `INCOMPLETE: ${missing.notJudged} of ${missing.planned} live cases were not judged`
          : `INCOMPLETE: ${result.implementationFailed?.notJudged} of ${result.implementationFailed?.planned} cases were not judged`;
  return {
    title: 'lstm-parity verify',
    subtitle: 'Do the TypeScript LSTM cells agree with NumPy, how closely, and where not?',
    status: { ok: result.ok, text },
    sections: verifySections(input),
  };
}

/** The whole page for one verify run. */
export function verifyReportHtml(input: VerifyReportInput): string {
  return renderReport(verifyDocument(input));
}
