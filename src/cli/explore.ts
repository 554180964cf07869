/** `lstm-parity explore`: hunt for numerical edge cases, report one minimal example per category. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { explore, type ExploreResult } from '../explore/explore.js';
import { stringifyDoubles } from '../format/json-writer.js';
import { evaluateGolden } from '../golden/generate.js';
import { OutputFileError } from '../io/output-file.js';
import { caseDigest, saveRegressionOnce } from '../golden/regressions.js';
import { NumpyOracle } from '../oracle/numpy-oracle.js';
import { packageRoot } from '../package-root.js';
import { exploreReportHtml } from '../report/explore-section.js';
import { createProgress } from './progress.js';
import { cellsToCheck, checkDeclaredDtype, crashedLine, IMPL_OPTIONS, IMPL_USAGE, openImplementation, parseImplChoice } from './impl-options.js';
import { checkReportPath, writeReport } from './report-file.js';
import { printErr, printOut, printRaw } from './terminal.js';
import { parseCell } from './run.js';
import { CommandError, EXIT_OK, UsageError } from './usage-error.js';
import { integerOption, withNegativeValues } from './args.js';

export const DEFAULT_RUNS = 1000;
/** The survey draws every case up front (fast-check's sample) and holds them all at once. */
export const MAX_RUNS = 1_000_000;

const OPTIONS = {
  cell: { type: 'string' },
  runs: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean', default: false },
  save: { type: 'boolean', default: false },
  golden: { type: 'string' },
  report: { type: 'string' },
  ...IMPL_OPTIONS,
} as const;

export const EXPLORE_USAGE = `usage: lstm-parity explore --cell type1|type2 [--runs N] [--seed N] [--json] [--save [--golden DIR]] [--report FILE.html]
                          [--impl NAME|FILE | --impl-command CMD [--impl-dtype D]] [--backend B]

Draws cases biased toward numerical extremes (saturation, overflow, subnormals, signed zeros,
NaN and Infinity, long sequences), runs them through the implementation (by default the
TypeScript cells) and NumPy (in the implementation's precision), and reports by category how
often each thing happened, with one example per category shrunk to a minimal case.
  --runs N   cases to draw (default ${DEFAULT_RUNS})
  --seed N   seed (default 1); the same seed replays the same cases
  --json     one JSON document on stdout
  --save     write each minimal example into golden/regressions/ (and the manifest), named
             by a digest of its inputs; a case already there is not saved again
  --golden   the golden directory --save writes to (default: the package's golden/)
  --report   also write an HTML report to FILE: counts per category as a chart and every
             minimal example (self-contained, no network)
${IMPL_USAGE}
--save keeps regressions for this package's cells only. Needs Python with NumPy. Exit 0 unless
a port bug is found or the implementation failed on a case (1), 2 for bad usage.`;

function compact(value: unknown): string {
  return stringifyDoubles(value).replace(/\n\s*/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']').trim();
}

export function formatExplore(result: ExploreResult): string[] {
  const impl = result.implementation;
  // The default implementation goes unnamed, as it always has; any other is named with its precision.
  const which = impl.name.startsWith('lstm-parity') ? '' : `; implementation ${impl.name}${impl.version ? ` ${impl.version}` : ''} (${impl.dtype})`;
  const lines = [`explore ${result.cell}: ${result.runs} cases, seed ${result.seed}${which}`, ''];
  const width = Math.max(...result.categories.map((c) => c.title.length));
  lines.push(`${'category'.padEnd(width)}  ${'cases'.padStart(6)}`);
  for (const c of result.categories) lines.push(`${c.title.padEnd(width)}  ${String(c.count).padStart(6)}`);
  for (const c of result.categories) {
    if (c.example === undefined) continue;
    const { shape, detail, path, shrinks, value } = c.example;
    lines.push('');
    const run = path.split(':')[0];
    lines.push(`${c.title}: minimal example (T ${shape.steps}, H ${shape.hidden}, X ${shape.inputs}), from run ${run} of seed ${result.seed} after ${shrinks} shrinks`);
    lines.push(`  ${detail}`);
    lines.push(`  case: ${compact(value)}`);
  }
  return lines;
}

export async function exploreCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: withNegativeValues(argv, OPTIONS), options: OPTIONS, strict: true, allowPositionals: false });
  const cell = parseCell(values.cell);
  const runs = integerOption('runs', values.runs, DEFAULT_RUNS, { min: 1, max: MAX_RUNS, why: 'the survey holds every drawn case in memory' });
  const seed = integerOption('seed', values.seed, 1, { max: 2 ** 31 - 1, why: "fast-check's seeds are 32-bit integers" });
  const reportPath = checkReportPath(values.report);
  const choice = parseImplChoice(values);
  const dir = values.golden ?? join(packageRoot(), 'golden');
  if (values.save) checkReportPath(join(dir, 'MANIFEST.json'), '--save');
  if (values.save && !(choice.kind === 'builtin' && choice.name === 'lstm-parity')) {
    throw new UsageError("--save keeps regressions for this package's cells; it cannot be used with another implementation");
  }
  const oracle = await NumpyOracle.start().catch((error: Error) => {
    throw new UsageError(`explore needs NumPy: ${error.message}`);
  });
  let implementation: Awaited<ReturnType<typeof openImplementation>> | undefined;
  const progress = createProgress(`explore ${cell}`, !values.json);
  try {
    implementation = await openImplementation(choice, { cells: [cell] });
    checkDeclaredDtype(choice, implementation);
    cellsToCheck(implementation, cell);
    const result = await explore({ cell, runs, seed, oracle, implementation, onProgress: (_phase, done, total) => progress.update(done, total) });
    progress.done();
    const saved: string[] = [];
    const alreadySaved: string[] = [];
    if (values.save) {
      const examples = result.categories.filter((c) => c.example !== undefined);
      const files = await evaluateGolden(
        oracle,
        examples.map((c) => ({
          name: `explore-${c.id}-${caseDigest({ cell, case: c.example!.value })}`,
          cell,
          description: `${c.title}: ${c.example!.detail}`,
          source: { kind: 'explore' as const, seed, detail: `fast-check path ${c.example!.path}` },
          allowNonFinite: true,
          expectedVerdict: c.id === 'platform-quirk' || c.id === 'ill-conditioned' ? c.id : undefined,
          case: c.example!.value,
        })),
      );
      for (const file of files) {
        try {
          const { path, written } = saveRegressionOnce(dir, { ...file, environment: undefined });
          (written ? saved : alreadySaved).push(path);
        } catch (error) {
          if (error instanceof OutputFileError) throw new CommandError(`--save: ${error.message}`, { cause: error });
          throw error;
        }
      }
    }
    if (values.json) {
      const extra = values.save ? { goldenDir: dir, saved, alreadySaved } : { saved };
      printRaw(`${JSON.stringify({ ...result, ...extra }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
    } else {
      printOut([...formatExplore(result), ...saved.map((path) => `saved ${join(dir, path)}`), ...alreadySaved.map((path) => `already saved: ${join(dir, path)} (the same case)`)]);
    }
    const crashed = crashedLine('explore', implementation);
    if (crashed !== undefined) printErr([crashed]);
    if (reportPath !== undefined) writeReport(reportPath, exploreReportHtml(result));
    return crashed !== undefined || result.categories.some((c) => (c.id === 'port-bug' || c.id === 'implementation-error') && c.count > 0) ? 1 : EXIT_OK;
  } finally {
    progress.done();
    await implementation?.close?.();
    await oracle.close();
  }
}
