/**
 * The `lstm-parity` command. Every failure ends as one line on stderr and an exit code:
 * 2 for bad usage or bad input (nothing on stdout), 1 for a check that found disagreement, a NumPy
 * worker that failed, or an internal error. Set LSTM_PARITY_DEBUG=1 to see stack traces.
 */
import { LstmInputError } from '../cells/schema.js';
import { CaseFileError } from '../format/case-file.js';
import { NumpyWorkerError } from '../oracle/numpy-oracle.js';
import { RUN_USAGE, runCommand } from './run.js';
import { SERVE_USAGE, serveCommand } from './serve.js';
import { ACCURACY_USAGE, accuracyCommand } from './accuracy.js';
import { EXPLORE_USAGE, exploreCommand } from './explore.js';
import { VERIFY_USAGE, verifyCommand } from './verify.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';

const USAGE = `usage: lstm-parity <command> [options]

commands:
  verify   check that the TypeScript cells agree with NumPy (golden corpus and a live campaign)
  explore  hunt for numerical edge cases; one shrunk minimal example per category
  accuracy how far the port and NumPy each are from a high-precision (mpmath) truth
  run      run one case through one cell and print the seed's output dictionary
  serve    the playground: run the cells in your browser, on golden or pasted cases

Run "lstm-parity <command> --help" for a command's options.`;

/** A command writes its own output and returns its exit code. */
type Command = { usage: string; run: (argv: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  verify: { usage: VERIFY_USAGE, run: verifyCommand },
  explore: { usage: EXPLORE_USAGE, run: exploreCommand },
  accuracy: { usage: ACCURACY_USAGE, run: accuracyCommand },
  run: { usage: RUN_USAGE, run: runCommand },
  serve: { usage: SERVE_USAGE, run: serveCommand },
};

function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof LstmInputError || error instanceof CaseFileError) return true;
  // node:util parseArgs marks its errors with ERR_PARSE_ARGS_* codes.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.usage}\n`);
      return EXIT_OK;
    }
    return await command.run(rest);
  } catch (error) {
    const usage = isUsageError(error);
    // A NumPy worker failure is the environment's, and its message says what happened.
    const internal = !usage && !(error instanceof NumpyWorkerError);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`lstm-parity: ${internal ? 'internal error: ' : ''}${message.split('\n')[0]}\n`);
    if (process.env.LSTM_PARITY_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILED;
  }
}
