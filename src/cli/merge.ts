/** `lstm-parity merge`: the shards of one verify campaign as one table, one verdict, one report. */
import { parseArgs } from 'node:util';
import { mergeShards, MergeError, readShard } from '../campaign/merge.js';
import { reportDataOf } from '../campaign/result.js';
import { reviveDouble } from '../format/doubles.js';
import { describeJsonProblem, JsonTextError, readJsonText } from '../format/json-text.js';
import { stringifyDoubles } from '../format/json-writer.js';
import { verifyReportHtml } from '../report/verify-section.js';
import { readTextInput } from './read-input.js';
import { checkReportPath, writeReport } from './report-file.js';
import { printOut, printRaw } from './terminal.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error.js';
import { formatVerify } from './verify-table.js';

export const MERGE_USAGE = `usage: lstm-parity merge SHARD.json... [--json] [--report FILE.html]

Combines the --json outputs of "lstm-parity verify --shard i/n" (one per shard, all n of them) into
the table, verdict and report the unsharded campaign gives: counts summed, the largest errors and
where, the findings in campaign order, the golden corpus counted once.
  --json         one JSON document on stdout instead of the table
  --report FILE  also write the HTML report of the whole campaign to FILE
Refuses (exit 2, one line) shards of different campaigns (seed, cases, cells, package or NumPy
version, golden manifest, implementation), a shard given twice, a missing shard, a shard whose
live campaign was skipped, or a shard whose counts do not add up. Exit 0 when the campaign agrees, 1 when it found a port bug or a shard
was incomplete.`;

/** A shard's JSON holds at most a few thousand findings and one heatmap: far below this. */
const MAX_SHARD_BYTES = 256 * 1024 * 1024;

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, report: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('merge: expected the --json outputs of verify, one per shard: lstm-parity merge shard-1.json shard-2.json ...');
  const reportPath = checkReportPath(values.report);
  const shards = [];
  for (const path of positionals) {
    const text = await readTextInput(path, { maxBytes: MAX_SHARD_BYTES });
    let value: unknown;
    try {
      value = readJsonText(text, reviveDouble);
    } catch (error) {
      if (!(error instanceof JsonTextError)) throw error;
      throw new UsageError(`${describeJsonProblem(error.problem, path)}; expected the --json output of lstm-parity verify`);
    }
    try {
      shards.push(readShard(path, value));
    } catch (error) {
      if (error instanceof MergeError) throw new UsageError(error.message);
      throw error;
    }
  }
  let result;
  try {
    result = mergeShards(shards);
  } catch (error) {
    if (error instanceof MergeError) throw new UsageError(error.message);
    throw error;
  }
  if (values.json) printRaw(stringifyDoubles(result));
  else printOut(formatVerify(result));
  if (reportPath !== undefined) writeReport(reportPath, verifyReportHtml({ result, report: reportDataOf(result.report) }));
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
