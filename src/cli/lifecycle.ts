/**
 * How the command ends when it does not get to return on its own:
 *
 * - Ctrl-C (SIGINT): one line on stderr, the cleanups run (a campaign's cleanup kills its NumPy
 *   workers and the implementation's command), exit 130. A second Ctrl-C exits at once.
 * - SIGTERM (a cancelled CI job, `kill`, a stopped container): the same, with its own line
 *   (`terminated (SIGTERM)`) and exit 143, 128 + 15, as a shell reports a process it killed.
 * - stdout's or stderr's reader went away (EPIPE, as under `| head -1`): nothing more is written
 *   there, and the command runs to its end and exits with its own code. The exit status never
 *   depends on whether a reader is still there: under `set -o pipefail`, `verify ... | head -1`
 *   fails when the run fails (it used to exit 0 at the first write after the reader left).
 * - stdout cannot be written (ENOSPC on a full disk, EIO): one line on stderr, exit 1.
 * - stderr cannot be written (but for EPIPE): exit 1, saying nothing, since nowhere is left.
 * - a file size limit is reached (SIGXFSZ): the write fails (EFBIG) and is handled where it was
 *   made, instead of the signal killing the process mid-file.
 *
 * Cleanups get FORCE_EXIT_MS before the process exits regardless; execa then kills any worker
 * still running as this process exits. Handlers are installed once, by the binary (bin/), so that
 * code running the commands in-process (the tests) keeps its own; a command that takes Ctrl-C
 * for itself (serve, whose way to stop it is) handles it instead.
 */
import { printErr } from './terminal.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_TERMINATED } from './usage-error.js';

/** How long cleanups may take before the process exits anyway. */
export const FORCE_EXIT_MS = 800;

type Cleanup = () => void | Promise<void>;

export interface Lifecycle {
  /** Whether the process is on its way out: a command then writes no result. */
  readonly ending: boolean;
  /** Whether a command handles Ctrl-C itself (takeInterrupt), so the handler here steps aside. */
  readonly interruptTaken: boolean;
  /** For a command whose way to stop is Ctrl-C (serve): it handles SIGINT until it releases it. */
  takeInterrupt(): () => void;
  /** Registers work to do before an early exit; returns a function that unregisters it. */
  onCleanup(cleanup: Cleanup): () => void;
  /** What the Ctrl-C (or SIGTERM) line says: a command in a long run says how far it got. */
  describeInterrupt(describe: (() => string) | undefined): void;
  /** Runs the cleanups and exits with `code`, after writing `line` (if any) to stderr. */
  end(code: number, line?: string): Promise<void>;
  /** Ends as SIGINT (Ctrl-C, exit 130) or SIGTERM (exit 143) asks, saying how far the command got. */
  interrupt(signal?: 'SIGINT' | 'SIGTERM'): Promise<void>;
  /** A write to stdout or stderr failed: ignored for EPIPE (see above), the end otherwise. */
  outputError(stream: 'stdout' | 'stderr', error: NodeJS.ErrnoException): Promise<void>;
}

export interface LifecycleIo {
  exit(code: number): void;
  /** Writes one line (without its newline) to stderr. */
  writeError(line: string): void;
}

/**
 * A write error as "ENOSPC: no space left on device": without the "write " a pipe's error starts
 * with, or the ", write" a file's ends with.
 */
function writeReason(error: NodeJS.ErrnoException): string {
  return error.message.split('\n')[0].replace(/^write /, '').replace(/, write$/, '');
}

export function createLifecycle(io: LifecycleIo): Lifecycle {
  const cleanups = new Set<Cleanup>();
  let describe: (() => string) | undefined;
  let ending: number | undefined;
  let taken = 0;

  const end = async (code: number, line?: string) => {
    if (ending !== undefined) {
      io.exit(ending);
      return;
    }
    ending = code;
    if (line !== undefined) io.writeError(line);
    const force = setTimeout(() => io.exit(code), FORCE_EXIT_MS);
    await Promise.allSettled([...cleanups].map(async (cleanup) => cleanup()));
    clearTimeout(force);
    io.exit(code);
  };

  return {
    get ending() {
      return ending !== undefined;
    },
    get interruptTaken() {
      return taken > 0;
    },
    takeInterrupt() {
      taken++;
      let released = false;
      return () => {
        if (!released) taken--;
        released = true;
      };
    },
    onCleanup(cleanup) {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
    describeInterrupt(next) {
      describe = next;
    },
    end,
    interrupt(signal = 'SIGINT') {
      const how = describe === undefined ? '' : `: ${describe()}`;
      return signal === 'SIGTERM' ? end(EXIT_TERMINATED, `lstm-parity: terminated (SIGTERM)${how}`) : end(EXIT_INTERRUPTED, `lstm-parity: interrupted${how}`);
    },
    outputError(stream, error) {
      // The stream is destroyed by its error: later writes to it are dropped without another one.
      if (error.code === 'EPIPE') return Promise.resolve();
      return end(EXIT_FAILED, stream === 'stdout' ? `lstm-parity: cannot write to stdout: ${writeReason(error)}` : undefined);
    },
  };
}

/** The process's own lifecycle: what the commands register their cleanups with. */
export const lifecycle = createLifecycle({
  exit: (code) => process.exit(code),
  writeError: (line) => {
    try {
      printErr([line]);
    } catch {
      // stderr is gone too: the exit code is all that is left to say it.
    }
  },
});

let installed = false;

/** Wires SIGINT, SIGTERM and output errors to `lifecycle`; once per process. */
export function installProcessHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!lifecycle.interruptTaken) void lifecycle.interrupt(signal);
    });
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => void lifecycle.outputError('stdout', error));
  process.stderr.on('error', (error: NodeJS.ErrnoException) => void lifecycle.outputError('stderr', error));
  // Past a file size limit (ulimit -f) the kernel sends SIGXFSZ, which would kill the process
  // half way through a file; with a handler, the write fails with EFBIG like any write error.
  if (process.platform !== 'win32') process.on('SIGXFSZ', () => undefined);
}
