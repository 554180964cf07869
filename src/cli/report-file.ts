/** Writing an HTML report: the path is checked before a long run, the file written after it. */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Why FILE cannot be written, or undefined: checked before a minute-long run, not after it. */
function reportPathProblem(path: string): string | undefined {
  const dir = dirname(path);
  try {
    const target = statSync(path, { throwIfNoEntry: false });
    if (target?.isDirectory()) return 'it is a folder';
    const folder = statSync(dir, { throwIfNoEntry: false });
    if (folder === undefined) return `folder ${dir} does not exist`;
    if (!folder.isDirectory()) return `${dir} is not a folder`;
    accessSync(target === undefined ? dir : path, constants.W_OK);
    return undefined;
  } catch (error) {
    return reason(error);
  }
}

export function writeReport(path: string, page: string): void {
  try {
    writeFileSync(path, page);
  } catch (error) {
    throw new UsageError(`--report: cannot write ${path}: ${reason(error)}`);
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
