/** `lstm-parity scoreboard`: every implementation through every checker, as a table. */
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_CASES_PER_CELL } from '../campaign/random-case.js';
import { builtinNames, findBuiltin } from '../implementations/registry.js';
import { NumpyOracle } from '../oracle/numpy-oracle.js';
import { packageRoot } from '../package-root.js';
import { scoreboardHtml, scoreboardMarkdown } from '../scoreboard/format.js';
import { runScoreboard, type Contender } from '../scoreboard/scoreboard.js';
import { shellWord } from '../implementations/command-line.js';
import { findingsFolder } from '../scoreboard/format.js';
import { implArguments, saveDiagnoses } from './diagnosis-output.js';
import { openImplementation, parseImplChoice } from './impl-options.js';
import { integerOption, withNegativeValues } from './args.js';
import { checkReportPath, writeReport } from './report-file.js';
import { printErr, printOut, printRaw } from './terminal.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export const DEFAULT_SCOREBOARD_CASES = 500;
export const DEFAULT_TRUTH_CASES = 10;
export const DEFAULT_PROPERTY_SHARE = 0.25;
/** Per implementation: fewer cases than verify's default, as a scoreboard diagnoses each peer. */
export const DEFAULT_SCOREBOARD_DIAGNOSIS = { seconds: 30, cases: 3 };

export const SCOREBOARD_USAGE = `usage: lstm-parity scoreboard [--cases N] [--seed N] [--runs X] [--truth N] [--out DIR] [--json]
                             [--shrink-time S] [--shrink-cases N]
                             [--impl NAME|FILE]... [--impl-command CMD]... [--impl-dtype D] [--only]

Runs every built-in implementation (${builtinNames().join(', ')}) that is available here, and
any given, through the golden corpus, a live campaign, the high-precision truth and the
conformance properties, and writes DIR/scoreboard.md and DIR/scoreboard.html. A peer whose
library is missing is listed with the reason, not failed. The port bugs of each implementation
are diagnosed (shrunk, located, explained by the catalogued porting mistakes), and each diagnosed
case is saved, shrunk and original, in DIR/findings/<implementation>/ with the line that replays it.
  --cases N         live cases per cell (default ${DEFAULT_SCOREBOARD_CASES}: a few minutes here for all peers)
  --seed N          campaign and property seed (default 1)
  --runs X          property runs: a share of each suite's default if X <= 1 (default ${DEFAULT_PROPERTY_SHARE}), else a count
  --truth N         live cases per cell also judged against mpmath (default ${DEFAULT_TRUTH_CASES})
  --out DIR         where to write scoreboard.md and scoreboard.html (default docs)
  --json            the scoreboard as JSON on stdout instead of the Markdown table
  --shrink-time S   seconds for diagnosing each implementation's port bugs (default ${DEFAULT_SCOREBOARD_DIAGNOSIS.seconds})
  --shrink-cases N  port-bug cases diagnosed per implementation (default ${DEFAULT_SCOREBOARD_DIAGNOSIS.cases}; 0: none)
  --impl, --impl-command   more implementations (each may repeat); --impl-dtype for commands without a hello
  --only            only the implementations given, not the built-ins
Needs Python with NumPy and mpmath. Exit 0 when every implementation passes in its own precision,
1 when one does not (a port bug, an error, a failed property, cases not judged), 2 for bad usage.`;

function shareOrCount(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PROPERTY_SHARE;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0) || (value > 1 && !Number.isInteger(value))) {
    throw new UsageError(`--runs: expected a share in (0, 1] or a whole number of runs, got ${JSON.stringify(text)}`);
  }
  return value;
}

const OPTIONS = {
  cases: { type: 'string' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  truth: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  impl: { type: 'string', multiple: true },
  'impl-command': { type: 'string', multiple: true },
  'impl-dtype': { type: 'string' },
  only: { type: 'boolean', default: false },
  'shrink-time': { type: 'string' },
  'shrink-cases': { type: 'string' },
} as const;

export async function scoreboardCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: withNegativeValues(argv, OPTIONS),
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const casesPerCell = integerOption('cases', values.cases, DEFAULT_SCOREBOARD_CASES, { max: MAX_CASES_PER_CELL, why: 'the campaign draws at most 2^32 - 1 distinct cases per cell' });
  const seed = integerOption('seed', values.seed, 1, { max: 2 ** 31 - 1, why: "campaign seeds are 32-bit, and fast-check's are 31-bit" });
  const truthCases = integerOption('truth', values.truth, DEFAULT_TRUTH_CASES);
  const propertyRuns = shareOrCount(values.runs);
  const diagnosis = {
    seconds: integerOption('shrink-time', values['shrink-time'], DEFAULT_SCOREBOARD_DIAGNOSIS.seconds, { min: 0, max: 86_400 }),
    cases: integerOption('shrink-cases', values['shrink-cases'], DEFAULT_SCOREBOARD_DIAGNOSIS.cases, { min: 0, max: 1000 }),
  };
  const out = resolve(values.out ?? 'docs');
  // A built-in peer whose library is missing is listed with the reason, given by name or not.
  const builtin = (name: string): Contender => ({ name, open: () => findBuiltin(name)!.open({}), exactArithmetic: name === 'lstm-parity', args: implArguments({ kind: 'builtin', name }) });
  const given: Contender[] = [];
  for (const impl of values.impl ?? []) {
    const choice = parseImplChoice({ impl });
    given.push(choice.kind === 'builtin' ? builtin(choice.name) : { name: impl, open: () => openImplementation(choice), args: implArguments(choice) });
  }
  for (const command of values['impl-command'] ?? []) {
    const choice = parseImplChoice({ 'impl-command': command, 'impl-dtype': values['impl-dtype'] });
    given.push({ name: command, open: () => openImplementation(choice), args: implArguments(choice) });
  }
  if (values['impl-dtype'] !== undefined && (values['impl-command'] ?? []).length === 0) parseImplChoice({ 'impl-dtype': values['impl-dtype'] });
  if (values.only && given.length === 0) throw new UsageError('--only: give at least one --impl or --impl-command');
  const builtins = values.only ? [] : builtinNames().filter((name) => !given.some((g) => g.name === name)).map(builtin);
  mkdirSync(out, { recursive: true });
  const markdownPath = checkReportPath(join(out, 'scoreboard.md'), '--out')!;
  const htmlPath = checkReportPath(join(out, 'scoreboard.html'), '--out')!;
  const oracle = await NumpyOracle.start().catch((error: Error) => {
    throw new UsageError(`scoreboard needs NumPy: ${error.message}`);
  });
  try {
    const board = await runScoreboard({
      contenders: [...builtins, ...given],
      casesPerCell,
      seed,
      propertyRuns,
      truthCases,
      goldenDir: join(packageRoot(), 'golden'),
      oracle,
      diagnosis,
      // Each implementation's reproducers in a folder of its own, named as the Markdown links them.
      onDiagnosed: async (impl, diagnosed, records) => {
        const dir = join(out, 'findings', findingsFolder(impl.name));
        mkdirSync(dir, { recursive: true });
        await saveDiagnoses(diagnosed, records, dir, impl, oracle, impl.dtype);
        for (const record of records) {
          if (record.saved === undefined) continue;
          record.saved = { shrunk: record.saved.shrunk && relative(out, record.saved.shrunk), original: relative(out, record.saved.original) };
        }
      },
      onProgress: (line) => printErr([`scoreboard: ${line}`]),
    });
    const command = ['npx lstm-parity scoreboard', ...argv.map(shellWord)].join(' ');
    const markdown = scoreboardMarkdown(board, command);
    writeReport(markdownPath, markdown, '--out');
    writeReport(htmlPath, scoreboardHtml(board, command), '--out');
    if (values.json) printRaw(`${JSON.stringify(board, null, 2)}\n`);
    else printOut(markdown.replace(/\n$/, '').split('\n'));
    const failing = board.rows.filter((row) => !row.ok && row.judgedAs === row.dtype);
    return failing.length === 0 ? EXIT_OK : EXIT_FAILED;
  } finally {
    await oracle.close();
  }
}
