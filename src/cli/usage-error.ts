/** Bad usage or bad input: the CLI prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
/** The command ran and found a disagreement (verify, golden:check). */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
