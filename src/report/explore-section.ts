/**
 * The report of one `explore` run: how often each category occurred (a bar chart), then each
 * category's shrunk minimal example with, where port and NumPy part, both vectors at that step.
 */
import { CATEGORY_TITLES } from '../explore/categories.js';
import type { ExploreResult } from '../explore/explore.js';
import { categoryCountsOption } from './charts.js';
import { findingsSection } from './findings-section.js';
import { renderReport, type ReportSection } from './render-report.js';

const MEANING: Record<string, string> = {
  'port-bug': 'The port differs from NumPy beyond the tolerance and beyond NumPy\'s own spread under 1-ULP perturbations of its inputs and activations.',
  'platform-quirk': 'NaN or an infinity differs where NumPy departs from exact arithmetic and the implementation does not (OpenBLAS computes inf * 0 as 0 in some kernels): NumPy\'s, not the port\'s.',
  'ill-conditioned': 'The port differs from NumPy, but no more than NumPy differs from itself when its inputs move by one ULP.',
  'numpy-overflow': 'NumPy warned "overflow": exp(-z) overflowed, so the gate is exactly 0.',
  'numpy-invalid': 'NumPy warned "invalid value": a NaN was made, e.g. Infinity times 0 or Infinity minus Infinity.',
  'numpy-other-warning': 'Any other NumPy warning.',
  'nan-from-finite': 'Every input is finite, yet an output is NaN (a product overflowed and met its opposite).',
  'gate-exact': 'A gate is exactly 0 or 1: its pre-activation is beyond -709.78 or 36.7368.',
  'h-unit': 'An output is exactly ±1: tanh saturated (|c_t| reached about 19).',
};

export function exploreSections(result: ExploreResult): ReportSection[] {
  const verdicts = new Set(['implementation-error', 'port-bug', 'platform-quirk', 'ill-conditioned']);
  const counts: ReportSection = {
    id: 'explore-counts',
    title: `${result.cell}: what ${result.runs} extreme cases did`,
    blocks: [
      {
        kind: 'chart',
        title: 'Cases per category',
        caption: `How many of the ${result.runs} cases (seed ${result.seed}) fell into each category; a case can fall into several, and empty categories have no bar.`,
        option: categoryCountsOption(result.categories.map((c) => ({ name: CATEGORY_TITLES[c.id], count: c.count })), result.runs),
        height: 360,
      },
    ],
  };
  const findings = findingsSection({
    id: 'explore-examples',
    title: 'Minimal examples',
    intro: 'Each example is the first case of its category in the run, shrunk by fast-check to a small case that still falls into it.',
    categories: result.categories.map((c) => ({
      name: CATEGORY_TITLES[c.id],
      description: MEANING[c.id],
      count: c.count,
      verdict: verdicts.has(c.id) && c.count > 0 ? c.id : undefined,
      example:
        c.example === undefined
          ? undefined
          : {
              label: `run ${c.example.path.split(':')[0]}, ${c.example.shrinks} shrinks (T ${c.example.shape.steps}, H ${c.example.shape.hidden}, X ${c.example.shape.inputs})`,
              cell: result.cell,
              case: c.example.value,
              vectors: c.example.vectors,
              note: c.example.detail,
            },
    })),
  });
  return [counts, findings];
}

/** The whole page for one explore run. */
export function exploreReportHtml(result: ExploreResult): string {
  const bugs = result.categories.find((c) => c.id === 'port-bug')?.count ?? 0;
  return renderReport({
    title: `lstm-parity explore ${result.cell}`,
    subtitle: 'Where do float64 code and NumPy part ways, and where does float64 itself saturate or overflow?',
    status: { ok: bugs === 0, text: bugs === 0 ? `no port bug in ${result.runs} cases` : `${bugs} of ${result.runs} cases are port bugs` },
    sections: exploreSections(result),
  });
}
