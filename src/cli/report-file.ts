/**
 * The files a command writes besides its output (`--report`, the scoreboard's pages): checked
 * before a long run, written whole at its end, both through ../io/output-file.ts, so only ever to
 * a regular file.
 */
import { resolve } from 'node:path';
import { OutputFileError, outputFileProblem, writeOutputFile } from '../io/output-file.js';
import { printErr } from './terminal.js';
import { CommandError, UsageError } from './usage-error.js';

/** Writes the file whole (exit 1 with one line if it cannot be), then says where it went. */
export function writeReport(path: string, page: string, option = '--report'): void {
  try {
    writeOutputFile(path, page);
  } catch (error) {
    if (!(error instanceof OutputFileError)) throw error;
    throw new CommandError(`${option}: cannot write ${path}: ${error.message}`, { cause: error });
  }
  printErr([`lstm-parity: report written to ${path} (${Math.round(Buffer.byteLength(page) / 1024)} KiB)`]);
}

/** Resolves the path given to `option` and refuses it at once (exit 2) if it cannot be written. */
export function checkReportPath(path: string | undefined, option = '--report'): string | undefined {
  if (path === undefined) return undefined;
  const full = resolve(path);
  const problem = outputFileProblem(full);
  if (problem !== undefined) throw new UsageError(`${option}: cannot write ${full}: ${problem}`);
  return full;
}
