/**
 * The `lstm-parity` command. Every failure ends as one line on stderr and an exit code:
 * 2 for bad usage or bad input (nothing on stdout), 1 for a check that found disagreement, a NumPy
 * worker that failed, an output that cannot be written, or an internal error; 3 for a damaged
 * golden corpus; 4 when accuracy's truth did not settle; 130 when interrupted (Ctrl-C), 143 when
 * terminated (SIGTERM). Set
 * LSTM_PARITY_DEBUG=1 to see stack traces.
 */
import { LstmInputError } from '../cells/schema.js';
import { CaseFileError } from '../format/case-file.js';
import { GoldenCorpusError } from '../golden/files.js';
import { NumpyWorkerError } from '../oracle/numpy-oracle.js';
import { CommandImplementationError } from '../implementations/command.js';
import { ImplementationError } from '../judge/implementation.js';
import { replyLimit } from '../process/line-worker.js';
import { VERSION } from '../version.js';
import { ACCURACY_USAGE, accuracyCommand } from './accuracy.js';
import { EXPLORE_USAGE, exploreCommand } from './explore.js';
import { MERGE_USAGE, mergeCommand } from './merge.js';
import { RUN_USAGE, runCommand } from './run.js';
import { CASE_USAGE, caseCommand } from './case.js';
import { SERVE_USAGE, serveCommand } from './serve.js';
import { CommandError, EXIT_CORPUS, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
import { VERIFY_USAGE, verifyCommand } from './verify.js';
import { SCOREBOARD_USAGE, scoreboardCommand } from './scoreboard.js';
import { printErr, printRaw } from './terminal.js';

export { installProcessHandlers } from './lifecycle.js';

const USAGE = `usage: lstm-parity <command> [options]

commands:
  verify      check that an implementation (the TypeScript cells by default) agrees with NumPy
              (golden corpus and a live campaign)
  merge       combine the --json outputs of verify's shards into one table, verdict and report
  explore     hunt for numerical edge cases; one shrunk minimal example per category
  accuracy    how far an implementation and NumPy each are from a high-precision (mpmath) truth
  scoreboard  every available implementation through every checker, as a table
  run         run one case through one cell and print the seed's output dictionary
  case        write a case verify names (type1/live-1-1495, a golden file) to stdout, to replay it
  serve       the playground: run the cells in your browser, on golden or pasted cases

Run "lstm-parity <command> --help" for a command's options, "lstm-parity --version" for the version.`;

/** A command writes its own output and returns its exit code. */
type Command = { usage: string; run: (argv: string[]) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  verify: { usage: VERIFY_USAGE, run: verifyCommand },
  merge: { usage: MERGE_USAGE, run: mergeCommand },
  explore: { usage: EXPLORE_USAGE, run: exploreCommand },
  accuracy: { usage: ACCURACY_USAGE, run: accuracyCommand },
  scoreboard: { usage: SCOREBOARD_USAGE, run: scoreboardCommand },
  run: { usage: RUN_USAGE, run: runCommand },
  case: { usage: CASE_USAGE, run: caseCommand },
  serve: { usage: SERVE_USAGE, run: serveCommand },
};

function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof LstmInputError || error instanceof CaseFileError) return true;
  // node:util parseArgs marks its errors with ERR_PARSE_ARGS_* codes.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Settings read from the environment, refused before anything starts rather than deep inside a worker. */
function checkEnvironment(): void {
  try {
    replyLimit();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function exitCodeOf(error: unknown): number {
  if (isUsageError(error)) return EXIT_USAGE;
  if (error instanceof GoldenCorpusError) return EXIT_CORPUS;
  return EXIT_FAILED;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    printRaw(`${USAGE}\n`, process.stderr);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    printRaw(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (name === '--version') {
    printRaw(`lstm-parity ${VERSION}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      printRaw(`${command.usage}\n`);
      return EXIT_OK;
    }
    checkEnvironment();
    return await command.run(rest);
  } catch (error) {
    const code = exitCodeOf(error);
    // A NumPy worker or an implementation failing is the environment's or the implementation's, a
    // damaged corpus says so itself, and a CommandError says what could not be done: none of them
    // is an internal error.
    const foreign = error instanceof NumpyWorkerError || error instanceof ImplementationError || error instanceof CommandImplementationError;
    const internal = code === EXIT_FAILED && !foreign && !(error instanceof CommandError);
    const message = error instanceof Error ? error.message : String(error);
    const prefix = internal ? 'internal error: ' : code === EXIT_CORPUS ? 'golden corpus damaged: ' : '';
    // One line, whole: a newline inside the message (from a file name, a reply) is shown escaped.
    printErr([`lstm-parity: ${prefix}${message.trimEnd()}`]);
    if (process.env.LSTM_PARITY_DEBUG === '1' && error instanceof Error) printRaw(`${error.stack}\n`, process.stderr);
    return code;
  }
}
