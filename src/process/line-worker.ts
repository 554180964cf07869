/**
 * One long-lived child process spoken to in JSON lines, one request in flight at a time: what the
 * NumPy bridge (src/oracle/numpy-oracle.ts) and an implementation under test behind the command
 * protocol (src/implementations/command.ts) have in common.
 *
 * - The process is started with execa, never through a shell. The tail of its stderr is kept for
 *   error messages; execa's cleanup kills it if this process exits first.
 * - A request gets an id and a timeout; the owner's `parse` turns each stdout line into a reply
 *   with its id. A line that is not a valid reply, or a process that stops reading its input
 *   (EPIPE), gets the process killed and fails the request in flight.
 * - `request()` restarts a process that died, misbehaved or was killed, and re-sends the request
 *   once. A second failure of the same request, a timeout (a request that hung once would hang
 *   again) or a process that can no longer be started fails the request for good.
 * - `close()` ends the process (stdin EOF, then SIGKILL after a grace period; at once if a request
 *   is in flight) and resolves only when every process this worker started has exited.
 * - A stdout line is held only up to `maxLineBytes` (default 64 MiB, or $LSTM_PARITY_MAX_REPLY_MB):
 *   past that the process is killed and the request fails, so a process printing a 100 MB line, or
 *   one endless line, never takes more memory than that; the message names the limit and how to
 *   raise it.
 *
 * Messages name the process by `subject` ("NumPy worker", "python3 my_lstm.py"); errors are made
 * by the owner's `error` factory, so each owner keeps its own error class.
 */
import type { Readable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';

/** Why a line worker (the NumPy bridge, a command implementation) failed: never started, died, hung, broke the protocol, or was closed. */
export type LineWorkerErrorKind = 'unavailable' | 'crashed' | 'timeout' | 'protocol' | 'closed';

/** What the owner's errors must carry: the kind of failure, and what the process said on stderr. */
export type LineWorkerFailure = Error & { readonly kind: LineWorkerErrorKind; readonly stderr: string };

/** What one stdout line is: a reply to request `id`, a line to skip, or a broken protocol. */
export type ParsedLine<Reply> = { kind: 'reply'; id: number; reply: Reply } | { kind: 'skip' } | { kind: 'broken'; reason: string };

/** The state of one started process, for the owner's hooks. */
export interface LineProcess {
  readonly pid: number | undefined;
  /** Lines read from its stdout so far, the current one included while `parse` runs. */
  lines: number;
  /** Resolves when the process has exited, for whatever reason, once its failure is recorded. */
  readonly exited: Promise<void>;
}

export interface LineWorkerOptions<Reply, E extends LineWorkerFailure> {
  file: string;
  args: readonly string[];
  env?: Record<string, string>;
  /** How every message names the process, e.g. "NumPy worker". */
  subject: string;
  /** The same, after "the" where a sentence needs it ("the NumPy worker failed twice ..."). */
  subjectInSentence?: string;
  timeoutMs: number;
  /** The owner's error for each kind of failure. */
  error(kind: LineWorkerErrorKind, message: string, stderr: string, options?: { cause?: unknown }): E;
  /** The line a request is written as, without the newline. */
  encode(id: number, request: object): string;
  /** Reads one stdout line; throwing means the line is not a valid reply (quoted in the error). */
  parse(line: string, process: LineProcess): ParsedLine<Reply>;
  /** A reply whose id is not the one in flight: dropped (a stale line), or a broken protocol. */
  strayIds: 'ignore' | 'fail';
  /** What an executable that is not there is called in the error, e.g. "python3 is not on PATH". */
  missing?: string;
  /** Runs after each start, before the first request: a handshake; throwing fails the start. */
  startup?(worker: LineWorker<Reply, E>, process: LineProcess): Promise<void>;
  /** Called when a process is restarted, with the reason the previous one was lost. */
  onRestart?(reason: string): void;
  /** The longest stdout line taken, in bytes; default {@link replyLimit}. */
  maxLineBytes?: number;
}

/** The reply-line limit when none is given: 64 MiB. */
export const DEFAULT_MAX_REPLY_BYTES = 64 * 1024 * 1024;

/**
 * The longest reply line a worker takes, in bytes: $LSTM_PARITY_MAX_REPLY_MB MiB when set, else
 * {@link DEFAULT_MAX_REPLY_BYTES}. A legitimate reply holds one case's outputs (a command) or a
 * batch's (NumPy): at the CLI's largest case, 2^18 values per key, that is about 35 MB of JSON.
 * @throws RangeError naming the variable when it is not a number of MiB > 0.
 */
export function replyLimit(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LSTM_PARITY_MAX_REPLY_MB;
  if (text === undefined || text === '') return DEFAULT_MAX_REPLY_BYTES;
  const mib = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !(mib > 0) || mib > 1024 * 1024) throw new RangeError(`LSTM_PARITY_MAX_REPLY_MB: expected a number of MiB > 0 (default ${DEFAULT_MAX_REPLY_BYTES / 1024 / 1024}), got ${JSON.stringify(text)}`);
  return Math.floor(mib * 1024 * 1024);
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(2)} MiB` : `${bytes} bytes`;
}

/**
 * Calls `onLine` with each line of `stream` (without its newline, or a CR before it), and
 * `onTooLong` once a line passes `max` bytes: that line's bytes are dropped as they come, never
 * held. A last line without a newline is given at the end of the stream.
 */
export function readLines(stream: Readable, max: number, onLine: (line: string) => void, onTooLong: () => void): void {
  let parts: Buffer[] = [];
  let size = 0;
  let over = false;
  const finish = () => {
    const line = Buffer.concat(parts).toString('utf8');
    parts = [];
    size = 0;
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  };
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!over) {
        size += end - start;
        if (size > max) {
          over = true;
          parts = [];
          onTooLong();
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
        }
      }
      if (newline === -1) return;
      if (over) {
        over = false;
        size = 0;
      } else {
        finish();
      }
      start = newline + 1;
    }
  });
  stream.on('end', () => {
    if (!over && size > 0) finish();
  });
}

interface Pending<Reply, E> {
  id: number;
  resolve: (reply: Reply) => void;
  reject: (error: E) => void;
  timer: NodeJS.Timeout;
}

interface Running extends LineProcess {
  child: ResultPromise;
  stderr: string;
  /** Set when writing a request failed (EPIPE): the process stopped reading and was killed. */
  writeError?: string;
}

const STDERR_TAIL = 4000;

export function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

export class LineWorker<Reply, E extends LineWorkerFailure> {
  private current: Running | undefined;
  /** Every process started and not yet exited, so close() can wait for all of them. */
  private readonly running = new Set<ResultPromise>();
  private pending: Pending<Reply, E> | undefined;
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;
  private lostBecause = '';
  /** How many times the process was restarted after dying, misbehaving or timing out. */
  restarts = 0;
  private readonly maxLineBytes: number;

  constructor(private readonly options: LineWorkerOptions<Reply, E>) {
    this.maxLineBytes = options.maxLineBytes ?? replyLimit();
  }

  /** Starts the first process and runs the startup hook; on failure everything started is ended. */
  async start(): Promise<void> {
    try {
      await this.spawn();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Why the last process was lost (empty while none was): for a failure seen outside a request. */
  get lostReason(): string {
    return this.lostBecause;
  }

  private async spawn(): Promise<void> {
    const child = execa(this.options.file, [...this.options.args], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: true,
      env: this.options.env,
    });
    let markExited!: () => void;
    const running: Running = { child, pid: child.pid, stderr: '', lines: 0, exited: new Promise<void>((resolve) => (markExited = resolve)) };
    this.current = running;
    this.running.add(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      running.stderr = (running.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    readLines(
      child.stdout!,
      this.maxLineBytes,
      (line) => this.onLine(running, line),
      () => {
        if (this.current !== running) return;
        const raise = this.options.maxLineBytes === undefined ? 'set LSTM_PARITY_MAX_REPLY_MB to raise it' : 'raise maxReplyBytes to take it';
        this.breakWith('protocol', `${this.options.subject} printed a line longer than the ${mib(this.maxLineBytes)} limit for a reply (${raise}); it was killed`);
      },
    );
    // A process that stopped reading (EPIPE) would never answer: kill it, and let the exit handler
    // below fail the request. Errors after the process exited are reported by that handler too.
    child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
      running.writeError ??= error.code ?? error.message;
      child.kill('SIGKILL');
    });
    void child.then((result) => {
      this.running.delete(child);
      if (this.current === running) {
        this.current = undefined;
        this.fail(this.exitError(running, result));
      }
      markExited();
    });
    await this.options.startup?.(this, running);
  }

  private exitError(running: Running, result: Awaited<ResultPromise>): E {
    const { subject } = this.options;
    const hint = this.stderrHint(running);
    const { exitCode, signal } = result;
    if (exitCode === undefined && signal === undefined) {
      // It never ran: the executable is missing or cannot be executed.
      const code = (result as { code?: string }).code;
      const why =
        code === 'ENOENT'
          ? (this.options.missing ?? `${this.options.file} was not found`)
          : code === 'EACCES'
            ? `${this.options.file} cannot be executed (permission denied)`
            : ((result as { originalMessage?: string }).originalMessage ?? String(code));
      return this.options.error('unavailable', `${subject} could not be started: ${why}`, running.stderr);
    }
    // Writing fails too when the process has just exited on its own: then its exit code says more.
    if (running.writeError !== undefined && signal === 'SIGKILL') {
      return this.options.error('crashed', `${subject} stopped reading requests (writing to it failed with ${running.writeError}) and was killed${hint}`, running.stderr);
    }
    const how = signal !== undefined ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    return this.options.error('crashed', `${subject} ${how}${hint}`, running.stderr);
  }

  private stderrHint(running: Running): string {
    const last = lastLine(running.stderr);
    return last ? `; its last stderr line: ${last}` : '';
  }

  private onLine(running: Running, line: string): void {
    if (this.current !== running) return;
    running.lines++;
    let parsed: ParsedLine<Reply>;
    try {
      parsed = this.options.parse(line, running);
    } catch {
      const shown = line.length > 120 ? `${line.slice(0, 120)}...` : line;
      this.breakWith('protocol', `${this.options.subject} printed something that is not a valid reply: ${JSON.stringify(shown)}`);
      return;
    }
    const pending = this.pending;
    if (parsed.kind === 'skip') return;
    if (parsed.kind === 'broken') {
      if (pending !== undefined) this.breakWith('protocol', `${this.options.subject} ${parsed.reason}`);
      return;
    }
    if (pending === undefined || parsed.id !== pending.id) {
      // A reply for an id nobody waits for: a stale or duplicated line, or a confused process.
      if (this.options.strayIds === 'fail') {
        const waiting = pending === undefined ? 'no request was in flight' : `request ${pending.id} was in flight`;
        this.breakWith('protocol', `${this.options.subject} answered id ${parsed.id}, but ${waiting}`);
      }
      return;
    }
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(parsed.reply);
  }

  private breakWith(kind: LineWorkerErrorKind, message: string): void {
    this.breakProcess(this.options.error(kind, message, this.current?.stderr ?? ''));
  }

  /** Kills the current process and fails what was in flight with `error`. */
  breakProcess(error: E): void {
    const running = this.current;
    this.current = undefined;
    running?.child.kill('SIGKILL');
    this.fail(error);
  }

  private fail(error: E): void {
    this.lostBecause = error.message;
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  /** Sends one request to the current process, without restarting: for handshakes. */
  send(request: object, timeoutMs = this.options.timeoutMs): Promise<Reply> {
    const running = this.current;
    const { subject } = this.options;
    if (running === undefined) return Promise.reject(this.options.error('crashed', `${subject} is not running`, ''));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.breakProcess(this.options.error('timeout', `${subject} gave no reply within ${timeoutMs} ms and was killed`, running.stderr));
      }, timeoutMs);
      this.pending = { id, resolve, reject, timer };
      running.child.stdin!.write(`${this.options.encode(id, request)}\n`);
    });
  }

  /** Sends one request, restarting a dead or garbled process and re-sending once. */
  async request(request: object, closedMessage: string): Promise<Reply> {
    let first: E | undefined;
    for (;;) {
      if (this.closed) throw this.options.error('closed', closedMessage, '');
      try {
        if (this.current === undefined) {
          this.restarts++;
          this.options.onRestart?.(this.lostBecause);
          await this.spawn();
        }
        return await this.send(request);
      } catch (error) {
        const failure = this.asError(error);
        // A timeout is not retried: the same request would most likely hang the next process too.
        if (failure.kind === 'timeout' || failure.kind === 'unavailable' || failure.kind === 'closed' || this.closed) throw failure;
        if (first !== undefined) {
          const who = this.options.subjectInSentence ?? this.options.subject;
          const message = `${who} failed twice on one request (first: ${first.message}; then, after a restart: ${failure.message})`;
          throw this.options.error(failure.kind, message, failure.stderr, { cause: failure });
        }
        first = failure;
      }
    }
  }

  private asError(error: unknown): E {
    if (error instanceof Error && 'kind' in error) return error as E;
    return this.options.error('protocol', String(error), '', { cause: error });
  }

  /**
   * Ends the process: stdin EOF lets it exit on its own, SIGKILL after `graceMs` if it does not,
   * or at once if a request is in flight (its answer is no longer wanted). Resolves when every
   * process this worker started has exited; calling it again returns the same promise.
   */
  close(graceMs = 2000, closedMessage = `${this.options.subject} was closed while a request was in flight`): Promise<void> {
    this.closing ??= this.shutdown(graceMs, closedMessage);
    return this.closing;
  }

  private async shutdown(graceMs: number, closedMessage: string): Promise<void> {
    this.closed = true;
    const running = this.current;
    this.current = undefined;
    const busy = this.pending !== undefined;
    this.fail(this.options.error('closed', closedMessage, ''));
    if (running !== undefined) {
      if (busy) running.child.kill('SIGKILL');
      else running.child.stdin?.end();
    }
    const timer = setTimeout(() => {
      for (const child of this.running) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(this.running);
    clearTimeout(timer);
  }
}
