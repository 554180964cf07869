/** The CLI's exit codes, and the errors that end a command with one line on stderr. */

/** Bad usage or bad input: the CLI prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A command that could not do its job for a reason outside this package (NumPy unavailable where
 * it is required, an output that cannot be written): one line, exit code 1, and no "internal
 * error" prefix, since nothing here is broken.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export const EXIT_OK = 0;
/** The command ran and found a disagreement (verify, merge, golden:check), or could not run. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** The committed golden corpus is damaged: a file changed, missing or not in the manifest. */
export const EXIT_CORPUS = 3;
/** `accuracy`: the high-precision truth did not settle, so neither side can be called closer. */
export const EXIT_UNSETTLED = 4;
/** Ended by Ctrl-C (SIGINT), as a shell reports a process killed by it: 128 + 2. */
export const EXIT_INTERRUPTED = 130;
/** Ended by SIGTERM (a CI job cancelled, `kill`, a container stopped), as a shell reports it: 128 + 15. */
export const EXIT_TERMINATED = 143;
