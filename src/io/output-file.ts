/**
 * The one way this package writes a file: whole or not at all, and only ever to a regular file.
 * Every file the CLI writes (`--report`, the scoreboard's pages, `explore --save`'s regressions and
 * their manifest) goes through here.
 *
 * The text goes to a temporary file beside the path, created exclusively (O_EXCL never follows a
 * link planted at that name), then renamed over the path, so a failure half way (a full disk, a
 * file size limit) never leaves a truncated file behind. A rename replaces whatever directory
 * entry is at the path, so the path must name a regular file or nothing yet: a character or block
 * device (/dev/full, /dev/null), a FIFO, a socket or a folder is refused, and so is a symbolic
 * link, whatever it points to, since the rename would replace the link rather than write its
 * target. The path is checked before a long run and again just before the rename.
 */
import { lstatSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file that cannot be written; the message says why, without the path (the caller names it). */
export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

function kindOf(entry: Stats, path: string): string | undefined {
  if (entry.isFile()) return undefined;
  if (entry.isSymbolicLink()) {
    let target = '?';
    try {
      target = readlinkSync(path);
    } catch {
      // The link went away between the two calls; it is refused all the same.
    }
    return `it is a symbolic link (to ${target}); give the path of a regular file`;
  }
  if (entry.isDirectory()) return 'it is a folder';
  if (entry.isCharacterDevice()) return 'it is a character device, not a regular file';
  if (entry.isBlockDevice()) return 'it is a block device, not a regular file';
  if (entry.isFIFO()) return 'it is a FIFO (named pipe), not a regular file';
  if (entry.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

/** Why `path` cannot take a file (what is there, or its folder), or undefined when it can. */
export function outputPathProblem(path: string): string | undefined {
  const dir = dirname(path);
  try {
    const folder = statSync(dir, { throwIfNoEntry: false });
    if (folder === undefined) return `folder ${dir} does not exist`;
    if (!folder.isDirectory()) return `${dir} is not a folder`;
    const entry = lstatSync(path, { throwIfNoEntry: false });
    return entry === undefined ? undefined : kindOf(entry, path);
  } catch (error) {
    return reason(error);
  }
}

/** A name beside `path` for a temporary file of this process. */
function besides(path: string, what: string): string {
  return join(dirname(path), `.${basename(path)}.${what}-${process.pid}`);
}

/**
 * Why `path` cannot be written, found by really writing a small test file beside it and removing
 * it (permission bits say nothing to root, and a folder on /proc, /sys or a full disk looks
 * writable until something is written there), or undefined when it can.
 */
export function outputFileProblem(path: string): string | undefined {
  const problem = outputPathProblem(path);
  if (problem !== undefined) return problem;
  const check = besides(path, 'check');
  try {
    rmSync(check, { force: true });
    writeFileSync(check, 'lstm-parity: checking that a file can be written here\n', { flag: 'wx' });
    return undefined;
  } catch (error) {
    return `a test file could not be written in ${dirname(path)}: ${reason(error)}`;
  } finally {
    rmSync(check, { force: true });
  }
}

/**
 * Writes `text` to `path` whole or not at all, only if `path` is a regular file or nothing yet.
 * @throws {@link OutputFileError} saying why it could not be written.
 */
export function writeOutputFile(path: string, text: string): void {
  const temporary = besides(path, 'partial');
  try {
    const before = outputPathProblem(path);
    if (before !== undefined) throw new OutputFileError(before);
    // A leftover of an earlier process with this pid is removed (a link there too, not its target).
    rmSync(temporary, { force: true });
    writeFileSync(temporary, text, { flag: 'wx' });
    // Checked again: the path may have been replaced while the text was written.
    const now = outputPathProblem(path);
    if (now !== undefined) throw new OutputFileError(now);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof OutputFileError) throw error;
    throw new OutputFileError(reason(error), { cause: error });
  }
}
