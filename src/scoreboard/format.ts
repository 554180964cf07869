/**
 * The scoreboard as Markdown (docs/scoreboard.md) and as an HTML page in the reports' style
 * (docs/scoreboard.html, ../report/render-report.ts). Both show the same table and notes.
 */
import { html, type SafeHtml } from '../report/html.js';
import { badge, renderReport } from '../report/render-report.js';
import { describeDiagnosis, type DiagnosisRecord } from '../diagnosis/record.js';
import { shellWord } from '../implementations/command-line.js';
import type { Distance, Scoreboard, ScoreRow } from './scoreboard.js';

const e = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : String(x));
const ulps = (x: number) => (Number.isFinite(x) ? String(x) : String(x));
const time = (ms: number) => (ms >= 1 ? `${ms.toFixed(1)} ms` : `${Math.round(ms * 1000)} µs`);

export const COLUMNS = [
  'implementation',
  'cell',
  'dtype (judged as)',
  'version',
  'cases',
  'agree',
  'ill-cond',
  'quirk',
  'port bug',
  'errors',
  'max ULP vs NumPy',
  'max abs vs NumPy',
  'max ULP vs truth',
  'max abs vs truth',
  'properties pass / fail / skip',
  'time per case',
  'outcome',
] as const;

function outcome(row: ScoreRow): string {
  if (row.notJudged !== undefined) return `INCOMPLETE (${row.notJudged.count} not judged)`;
  if (row.ok) return row.judgedAs === row.dtype ? 'passes' : 'passes the float64 policy';
  if (row.judgedAs !== row.dtype) return 'fails the float64 policy (expected of float32)';
  return 'FAILS';
}

export function rowCells(row: ScoreRow): string[] {
  const own = row.judgedAs === row.dtype;
  const dtype = own ? row.dtype : `${row.dtype} (as float64)`;
  const truth = (d: (Distance & { cases: number }) | undefined, pick: (d: Distance) => string) => (d === undefined || d.cases === 0 ? '' : pick(d));
  return [
    row.implementation,
    row.cell,
    dtype,
    row.version ?? '',
    String(row.cases),
    String(row.agree),
    String(row.illConditioned),
    String(row.quirks),
    String(row.portBugs),
    String(row.errors),
    ulps(row.vsNumpy.maxUlps),
    e(row.vsNumpy.maxAbs),
    own ? truth(row.vsTruth, (d) => ulps(d.maxUlps)) : '',
    own ? truth(row.vsTruth, (d) => e(d.maxAbs)) : '',
    row.properties === undefined ? '' : `${row.properties.passed} / ${row.properties.failed} / ${row.properties.skipped}`,
    time(row.msPerCase),
    outcome(row),
  ];
}

/** The folder under findings/ that holds an implementation's reproducers. */
export function findingsFolder(implementation: string): string {
  return implementation.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'implementation';
}

/** How to replay a saved reproducer, from the folder the scoreboard was written in. */
function replayLine(row: ScoreRow, record: DiagnosisRecord): string | undefined {
  const file = record.saved?.shrunk ?? record.saved?.original;
  if (file === undefined) return undefined;
  return `npx lstm-parity verify --case ${shellWord(file)}${row.args ? ` ${row.args}` : ''}`;
}

/** The cause of a row's port bugs: the catalogued mistake that reproduces most of its diagnosed cases (and their controls). */
export function causeOf(row: ScoreRow): string | undefined {
  const records = row.diagnoses?.records ?? [];
  const counts = new Map<string, number>();
  // Per case, the mistakes that reproduce the original and the controls; else those of the original.
  for (const r of records) {
    const both = r.mistakes.filter((m) => m.onOriginal);
    const robust = both.filter((m) => m.onControls !== false);
    for (const m of robust.length > 0 ? robust : both) counts.set(m.title, (counts.get(m.title) ?? 0) + 1);
  }
  if (records.length === 0) return undefined;
  if (counts.size === 0) return `no catalogued porting mistake reproduces the ${records.length} diagnosed case${records.length === 1 ? '' : 's'}`;
  const [title, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return `${title} (reproduces ${n} of ${records.length} diagnosed case${records.length === 1 ? '' : 's'})`;
}

/** Each failing row's diagnoses: a heading, its cause, then each case as verify prints it. */
function findings(board: Scoreboard): { title: string; cause: string; notDiagnosed: number; cases: { name: string; lines: string[]; file?: string }[] }[] {
  return board.rows
    .filter((row) => row.diagnoses !== undefined && row.judgedAs === row.dtype)
    .map((row) => ({
      title: `${row.implementation} ${row.cell}: ${row.portBugs} port bug${row.portBugs === 1 ? '' : 's'}`,
      cause: causeOf(row) ?? 'none diagnosed',
      notDiagnosed: row.diagnoses!.notDiagnosed,
      cases: row.diagnoses!.records.map((r) => ({ name: `${r.case} [${r.check}]`, lines: describeDiagnosis(r, replayLine(row, r)), file: r.saved?.shrunk ?? r.saved?.original })),
    }));
}

/** The notes under the table, one string each (Markdown-free, so HTML can escape them). */
export function notes(board: Scoreboard): string[] {
  const out: string[] = [];
  const s = board.settings;
  out.push(
    `Each implementation ran the golden corpus and a live campaign of ${s.casesPerCell} cases per cell (seed ${s.seed}, plus the chaotic probe), judged with noise floors in its own precision; float32 rows count ULPs in float32. "max ULP/abs vs NumPy" is over the cases that agree; the ULP columns count only elements where the policy's relative tolerance governs (|reference| >= atol / rtol: 0.01 in float64, 0.1 in float32); nearer zero the absolute tolerance does, and an accepted error there can span 10^15 ULP or more. The truth columns are the first ${s.truthCases} live cases per cell evaluated with mpmath, in the implementation's precision's ULPs. Properties ran at ${s.propertyRuns <= 1 ? `${s.propertyRuns * 100}% of each suite's default runs` : `${s.propertyRuns} runs each`} (seed ${s.seed}); golden and live cases are judged by verify, so the golden suite is not counted again. Time per case is the implementation's own mean over the golden and live cases (the corpus holds T = 1200 and H = 128 cases, the chaotic probe H = 128, T = 200), process round trips included.`,
  );
  for (const [cell, d] of Object.entries(board.numpyVsTruth)) {
    out.push(`NumPy (the seed, float64) itself against the truth on the same ${d.cases} ${cell} cases: max ${d.maxUlps} ULP, max abs ${e(d.maxAbs)}.`);
  }
  for (const row of board.rows.filter((r) => r.vsFloat64 !== undefined && r.judgedAs === r.dtype)) {
    out.push(`${row.implementation} ${row.cell}: against the float64 seed (reported, not judged) max abs ${e(row.vsFloat64!.maxAbs)}, ${row.vsFloat64!.maxUlps} float32 ULP where NumPy's value is at least 0.1 in magnitude.`);
  }
  for (const row of board.rows.filter((r) => r.notJudged !== undefined)) out.push(`${row.implementation} ${row.cell}: ${row.notJudged!.count} cases not judged: ${row.notJudged!.reason}`);
  for (const row of board.rows.filter((r) => r.restarts !== undefined)) {
    out.push(`${row.implementation} ${row.cell}: crashed and was restarted ${row.restarts!.count} times (${[...new Set(row.restarts!.causes)].join('; ')}); an implementation that crashes does not pass.`);
  }
  for (const cell of board.noPeer) out.push(`${cell}: no library implements this cell (gates that read U c_{t-1}, h_t = tanh(o_t c_t)), so only this package and the implementations given are scored.`);
  for (const u of board.unavailable) out.push(`${u.name}: not scored here: ${u.reason}`);
  out.push(`Environment: Node ${board.environment.node}; Python ${board.environment.python}, NumPy ${board.environment.numpy} (${board.environment.blas}); measured ${board.date}.`);
  return out;
}

export function scoreboardMarkdown(board: Scoreboard, command: string): string {
  const lines = [
    '# Scoreboard',
    '',
    `Written by \`${command}\`. Every implementation through the same golden corpus, live campaign, high-precision truth and conformance properties.`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((c, k) => (k < 4 || k === COLUMNS.length - 1 ? '---' : '---:')).join('|')}|`,
    ...board.rows.map((row) => `| ${rowCells(row).map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`),
    '',
    ...notes(board).map((note) => `- ${note}`),
  ];
  const found = findings(board);
  if (found.length > 0) {
    lines.push('', '## Findings', '', 'Each port bug diagnosed: shrunk to a minimal case, located, and explained by the catalogued porting mistakes that reproduce the answer. Replay from this folder.');
    for (const f of found) {
      lines.push('', `### ${f.title}`, '', `Cause: ${f.cause}.${f.notDiagnosed > 0 ? ` ${f.notDiagnosed} more not diagnosed (--shrink-cases).` : ''}`);
      for (const c of f.cases) lines.push('', `${c.file === undefined ? c.name : `[${c.name}](${c.file})`}:`, '', '```', ...c.lines.map((l) => l.replace(/^ {2}/, '')), '```');
    }
  }
  if (board.propertyFailures.length > 0) {
    lines.push('', '## Failed properties', '');
    for (const f of board.propertyFailures) lines.push(`- ${f.implementation}, ${f.suite}, ${f.title}:`, '', '  ```', ...f.report.split('\n').map((l) => `  ${l}`), '  ```');
  }
  return `${lines.join('\n')}\n`;
}

function table(board: Scoreboard): SafeHtml {
  return html`<div class="card scroll"><table><thead><tr>${COLUMNS.map((c, k) => html`<th${k >= 4 && k < COLUMNS.length - 1 ? html` class="num"` : ''}>${c}</th>`)}</tr></thead>
<tbody>${board.rows.map((row) => {
    const cells = rowCells(row);
    return html`<tr>${cells.map((cell, k) =>
      k === cells.length - 1 ? html`<td>${badge(row.ok ? 'agrees' : row.judgedAs === row.dtype ? 'port-bug' : 'ill-conditioned', cell)}</td>` : html`<td${k >= 4 ? html` class="num"` : ''}>${cell}</td>`,
    )}</tr>`;
  })}</tbody></table></div>`;
}

export function scoreboardHtml(board: Scoreboard, command: string): string {
  const failed = board.rows.filter((r) => !r.ok && r.judgedAs === r.dtype);
  return renderReport({
    title: 'lstm-parity scoreboard',
    subtitle: `Every LSTM implementation through one judge: golden corpus, live campaign with noise floors, high-precision truth, conformance properties. Written by ${command}.`,
    status: { ok: failed.length === 0, text: failed.length === 0 ? `every implementation passes in its own precision (${board.rows.length} rows)` : `${failed.length} rows fail in their own precision` },
    sections: [
      { id: 'table', title: 'Scores', blocks: [{ kind: 'html', html: table(board) }] },
      { id: 'notes', title: 'How to read it', blocks: [{ kind: 'html', html: html`<div class="card"><ul>${notes(board).map((n) => html`<li>${n}</li>`)}</ul></div>` }] },
      {
        id: 'findings',
        title: 'Findings',
        blocks: [
          {
            kind: 'html',
            html: (() => {
              const found = findings(board);
              return found.length === 0
                ? html`<div class="card"><p>No port bug was diagnosed.</p></div>`
                : html`<div class="card">${found.map(
                    (f) => html`<h3>${f.title}</h3><p>Cause: ${f.cause}.${f.notDiagnosed > 0 ? ` ${f.notDiagnosed} more not diagnosed.` : ''}</p>${f.cases.map((c) => html`<p>${c.file === undefined ? c.name : html`<a href="${c.file}">${c.name}</a>`}</p><pre>${c.lines.map((l) => l.replace(/^ {2}/, '')).join('\n')}</pre>`)}`,
                  )}</div>`;
            })(),
          },
        ],
      },
      {
        id: 'failures',
        title: 'Failed properties',
        blocks: [
          {
            kind: 'html',
            html:
              board.propertyFailures.length === 0
                ? html`<div class="card"><p>None.</p></div>`
                : html`<div class="card">${board.propertyFailures.map((f) => html`<h3>${f.implementation}: ${f.suite}</h3><p>${f.title}</p><pre>${f.report}</pre>`)}</div>`,
          },
        ],
      },
    ],
  });
}
