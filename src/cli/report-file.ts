/**
 * Writing an HTML report. The path is checked before a long run, by really writing a small test
 * file in its folder and removing it: permission bits say nothing to root, and a folder on /proc,
 * /sys or a full disk looks writable until something is written there. The report itself goes to
 * a temporary file in the same folder, renamed into place only once complete, so a failure half
 * way (a full disk, a file size limit) never leaves a truncated report behind.
 */
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CommandError, UsageError } from './usage-error.js';

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** A name beside `path` for a temporary file of this process. */
function besides(path: string, what: string): string {
  return join(dirname(path), `.${basename(path)}.${what}-${process.pid}`);
}

/** Writes `text` to `path` whole or not at all: a temporary file, then a rename. */
function writeWhole(path: string, text: string): void {
  const temporary = besides(path, 'partial');
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Why FILE cannot be written, or undefined: checked before a minute-long run, not after it. */
function reportPathProblem(path: string): string | undefined {
  const dir = dirname(path);
  try {
    const target = statSync(path, { throwIfNoEntry: false });
    if (target?.isDirectory()) return 'it is a folder';
    const folder = statSync(dir, { throwIfNoEntry: false });
    if (folder === undefined) return `folder ${dir} does not exist`;
    if (!folder.isDirectory()) return `${dir} is not a folder`;
  } catch (error) {
    return reason(error);
  }
  const check = besides(path, 'check');
  try {
    writeFileSync(check, 'lstm-parity: checking that the report can be written here\n');
    return undefined;
  } catch (error) {
    return `a test file could not be written in ${dir}: ${reason(error)}`;
  } finally {
    rmSync(check, { force: true });
  }
}

/** Writes the report whole (exit 1 with one line if it cannot be), then says where it went. */
export function writeReport(path: string, page: string): void {
  try {
    writeWhole(path, page);
  } catch (error) {
    throw new CommandError(`--report: cannot write ${path}: ${reason(error)}`);
  }
  process.stderr.write(`lstm-parity: report written to ${path} (${Math.round(Buffer.byteLength(page) / 1024)} KiB)\n`);
}

/** Resolves --report FILE and refuses it at once (exit 2) if it cannot be written. */
export function checkReportPath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const full = resolve(path);
  const problem = reportPathProblem(full);
  if (problem !== undefined) throw new UsageError(`--report: cannot write ${full}: ${problem}`);
  return full;
}
