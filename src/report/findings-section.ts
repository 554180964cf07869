/**
 * A generic section: categories of findings in a table, each with an optional minimal example
 * (the case as JSON and a few per-step vectors), for reports such as explore's where each
 * category is best shown by one small case.
 */
import type { CellType } from '../cells/schema.js';
import { encodeDouble } from '../format/doubles.js';
import { stringifyDoubles } from '../format/json-writer.js';
import { html, type SafeHtml } from './html.js';
import { badge, type ReportSection } from './render-report.js';

export interface FindingExample {
  /** The example's name, e.g. its seed or file name. */
  label: string;
  cell: CellType;
  /** The case as the CLI reads it; doubles are shown exactly (NaN, ±Infinity and -0 included). */
  case: { S: unknown; W: unknown };
  /** A few vectors worth seeing, e.g. NumPy's and the port's h_t at the step where they part. */
  vectors?: { label: string; step: number; values: readonly number[] }[];
  note?: string;
}

export interface FindingCategory {
  name: string;
  /** One sentence: what the category means. */
  description: string;
  count: number;
  /** A badge: 'port-bug', 'platform-quirk' and 'ill-conditioned' have their own colours. */
  verdict?: string;
  example?: FindingExample;
}

export interface FindingsSectionInput {
  id: string;
  title: string;
  intro?: string;
  categories: readonly FindingCategory[];
}

/** A case's JSON longer than this is cut in the page: a minimal example should be far shorter. */
export const EXAMPLE_CHARS = 20_000;

function exampleBlock(category: FindingCategory, example: FindingExample): SafeHtml {
  const text = stringifyDoubles(example.case);
  const shown = text.length > EXAMPLE_CHARS ? `${text.slice(0, EXAMPLE_CHARS)}\n… (${text.length - EXAMPLE_CHARS} more characters)` : text;
  const vectors = example.vectors ?? [];
  return html`<details open><summary>${category.name}: ${example.label} (${example.cell})</summary>
${example.note === undefined ? '' : html`<p class="note">${example.note}</p>`}
${vectors.length === 0 ? '' : html`<div class="scroll"><table><thead><tr><th>vector</th><th class="num">step</th><th>values</th></tr></thead><tbody>${vectors.map((v) => html`<tr><td>${v.label}</td><td class="num">${v.step}</td><td class="mono">[${Array.from(v.values, encodeDouble).join(', ')}]</td></tr>`)}</tbody></table></div>`}
<p class="note">The case, as <code>lstm-parity run --cell ${example.cell} --case FILE</code> reads it:</p>
<pre>${shown}</pre></details>`;
}

export function findingsSection({ id, title, intro, categories }: FindingsSectionInput): ReportSection {
  const table = html`<div class="scroll"><table><thead><tr><th>category</th><th class="num">count</th><th>meaning</th><th>example</th></tr></thead><tbody>${categories.map(
    (c) =>
      html`<tr><td>${c.verdict === undefined ? c.name : badge(c.verdict, c.name)}</td><td class="num">${c.count}</td><td>${c.description}</td><td class="mono">${c.example?.label ?? ''}</td></tr>`,
  )}</tbody></table></div>`;
  const examples = categories.filter((c) => c.example !== undefined).map((c) => exampleBlock(c, c.example!));
  return { id, title, intro, blocks: [{ kind: 'html', html: html`<div class="card">${table}${examples}</div>` }] };
}
