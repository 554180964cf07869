/**
 * Runs after `stryker run` (npm run mutation): reads reports/mutation/mutation.json and checks that
 * every mutant the tests did not kill is explained in docs/equivalent-mutants.json, the list of
 * mutants that change no observable result (with the reason each is equivalent). Prints the score
 * as Stryker counts it and the score over the mutants that can be killed at all.
 *
 * Exit 0 when every survivor is explained, 1 when one is not (it is printed with its place, so a
 * test can be written for it or a reason added), 2 when the report is missing.
 * `--markdown` prints the survivor table the README carries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';

interface Location {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: Location;
}

interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

/** One explained mutant: the code it replaces, on which source line of its file, and what it becomes. */
interface Equivalent {
  file: string;
  line: string;
  original: string;
  replacement: string;
  reason: string;
}

const root = packageRoot();
const reportPath = join(root, 'reports/mutation/mutation.json');
const equivalentsPath = join(root, 'docs/equivalent-mutants.json');

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    console.error(`mutation-survivors: cannot read ${what} ${path}: ${(error as Error).message}`);
    process.exit(2);
  }
}

/** The source text a mutant replaces (Stryker's lines are 1-based, columns 1-based). */
function originalText(lines: readonly string[], at: Location): string {
  const { start, end } = at;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  const first = lines[start.line - 1].slice(start.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  const last = lines[end.line - 1].slice(0, end.column - 1);
  return [first, ...middle, last].join('\n');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

const report = readJson<Report>(reportPath, 'the mutation report (run `npm run mutation` first)');
const equivalents = readJson<Equivalent[]>(equivalentsPath, 'the list of equivalent mutants');
const keyOf = (file: string, line: string, original: string, replacement: string) => [file, line.trim(), oneLine(original), oneLine(replacement)].join('\n');
const byKey = new Map(equivalents.map((e) => [keyOf(e.file, e.line, e.original, e.replacement), e]));
const used = new Set<Equivalent>();

const counts = new Map<string, number>();
const explained: { file: string; line: number; original: string; replacement: string; mutator: string; reason: string }[] = [];
const unexplained: string[] = [];
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const lines = source.split('\n');
  for (const m of mutants) {
    counts.set(m.status, (counts.get(m.status) ?? 0) + 1);
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    const original = oneLine(originalText(lines, m.location));
    const replacement = oneLine(m.replacement ?? '');
    const line = m.location.start.line;
    const entry = byKey.get(keyOf(file, lines[line - 1], original, replacement));
    if (entry === undefined) {
      unexplained.push(`${file}:${line}: ${m.status.toLowerCase()} ${m.mutatorName}: ${original}  ->  ${replacement}`);
    } else {
      used.add(entry);
      explained.push({ file, line, original, replacement, mutator: m.mutatorName, reason: entry.reason });
    }
  }
}

const n = (status: string) => counts.get(status) ?? 0;
const killed = n('Killed') + n('Timeout');
const survivors = n('Survived') + n('NoCoverage');
const valid = killed + survivors;
const pct = (x: number, of: number) => `${((100 * x) / Math.max(1, of)).toFixed(2)}%`;

if (process.argv.includes('--markdown')) {
  const cell = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;
  console.log('| Where | Code | Mutant | Why no test can tell |');
  console.log('|---|---|---|---|');
  for (const e of explained.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)) {
    console.log(`| ${e.file.replace('src/cells/', '')}:${e.line} | ${cell(e.original)} | ${cell(e.replacement)} | ${e.reason} |`);
  }
} else {
  console.log(`mutants: ${valid} (killed ${n('Killed')}, timed out ${n('Timeout')}, survived ${n('Survived')}, no coverage ${n('NoCoverage')}; ignored ${n('Ignored')})`);
  console.log(`mutation score: ${pct(killed, valid)} of all mutants; ${pct(killed, valid - explained.length)} of those not explained as equivalent`);
  console.log(`survivors explained as equivalent: ${explained.length} (see ${equivalentsPath.slice(root.length + 1)})`);
  // Only entries for files this report holds: a file whose group has not been run has no survivors to match.
  const stale = equivalents.filter((e) => !used.has(e) && e.file in report.files);
  const unrun = new Set(equivalents.filter((e) => !(e.file in report.files)).map((e) => e.file));
  if (unrun.size > 0) console.log(`files with entries but not in this report (their group not run yet): ${[...unrun].sort().join(', ')}`);
  if (stale.length > 0) console.log(`entries that matched no survivor (killed now, or the code moved): ${stale.length}`);
  for (const e of stale) console.log(`  ${e.file}: ${oneLine(e.original)}  ->  ${oneLine(e.replacement)}`);
}
if (unexplained.length > 0) {
  console.error(`survivors with no test that kills them and no reason they are equivalent: ${unexplained.length}`);
  for (const line of unexplained) console.error(`  ${line}`);
  process.exit(1);
}
