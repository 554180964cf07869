/**
 * The bridge to NumPy: one long-lived reference/worker.py process, started with execa (no shell),
 * driven over JSON lines.
 *
 * - Start-up probes Python and NumPy once and fails with one message saying what to install.
 * - `evaluate(cases)` sends batches of at most `maxBatch` cases, one request at a time, each with
 *   a timeout; every reply is validated (zod) before use.
 * - A worker that dies, stops reading its input, or prints something that is not a valid reply is
 *   killed, and the request in flight is sent once more to a fresh worker. A second failure of
 *   the same request, a timeout (a case that hangs once would hang again), or a worker that can no
 *   longer be started fails the call with a NumpyWorkerError that carries the results of the cases
 *   evaluated so far and says how many were not evaluated. No case is lost silently.
 * - A worker that died or was killed is replaced at the next request, so one bad request does not
 *   poison the oracle.
 * - `close()` ends the worker (stdin EOF, then SIGKILL after a grace period; at once if a request
 *   is in flight) and resolves only when every worker this oracle started has exited. execa's
 *   cleanup kills the worker if this process exits first, and the worker asks the kernel to kill
 *   it if this process dies (see worker.py), so no Python process outlives the run.
 */
import { endianness } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Reference } from '../judge/flat-case.js';
import { packageRoot } from '../package-root.js';
import { probePython, pythonCommand } from './python.js';
import { decodeResult, encodeCase, replySchema, type FlatCase, type ReferenceResult, type Reply, type WorkerInfo } from './protocol.js';

export const workerPath = () => join(packageRoot(), 'reference', 'worker.py');

/**
 * Why the NumPy bridge failed: 'unavailable' (Python or NumPy missing or too old, or the worker
 * cannot start), 'crashed' (it died or stopped reading requests), 'timeout', 'protocol'
 * (it answered something that is not a valid reply), 'closed' (the oracle was closed first).
 */
export type NumpyWorkerErrorKind = 'unavailable' | 'crashed' | 'timeout' | 'protocol' | 'closed';

/**
 * The NumPy bridge failed; `kind` says how, the message says what to do, `stderr` holds the tail
 * of the worker's own output. Cases are never lost silently: `results` and `notEvaluated`
 * account for every case of the failed call.
 */
export class NumpyWorkerError extends Error {
  override readonly name = 'NumpyWorkerError';
  /**
   * When `evaluate` fails: the results of the cases evaluated before the failure, in order (a
   * prefix of the cases passed in). Together with `notEvaluated` it accounts for every case.
   */
  results: readonly ReferenceResult[] = [];
  /** When `evaluate` fails: how many cases, following `results`, were not evaluated. */
  notEvaluated = 0;

  /**
   * @param kind - how the bridge failed.
   * @param message - one line, naming what to install or what the worker did.
   * @param stderr - the tail of the worker's stderr, when it wrote any.
   */
  constructor(
    readonly kind: NumpyWorkerErrorKind,
    message: string,
    readonly stderr = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How {@link NumpyOracle.start} finds Python and how long it waits; every default suits a loaded CI machine. */
export interface OracleOptions {
  /** Python executable; default $LSTM_PARITY_PYTHON, else python3. A wrapper script must exec Python. */
  python?: string;
  /** Milliseconds a request may take before the worker is killed; default 120 s. */
  timeoutMs?: number;
  /**
   * Milliseconds a worker may take to start and answer hello (importing NumPy can take seconds on
   * a loaded machine) before it is killed; default 60 s. Kept apart from `timeoutMs` so that a
   * tight request timeout does not fail slow start-ups.
   */
  startTimeoutMs?: number;
  /** Cases per request; default 64. */
  maxBatch?: number;
  /** Extra environment for the worker. OPENBLAS_NUM_THREADS defaults to 1 for reproducible sums. */
  env?: Record<string, string>;
  /** Called when a worker is restarted, with the reason. */
  onRestart?: (reason: string) => void;
}

interface Pending {
  id: number;
  resolve: (reply: Reply) => void;
  reject: (error: NumpyWorkerError) => void;
  timer: NodeJS.Timeout;
}

/** One worker process and what is known about how it ended. */
interface Worker {
  process: ResultPromise;
  stderr: string;
  /** Set when writing a request failed (EPIPE): the worker stopped reading and was killed. */
  writeError?: string;
}

const STDERR_TAIL = 4000;
const MAX_RESTART_CAUSES = 100;

function checkOptions(options: OracleOptions): void {
  const { python, timeoutMs, startTimeoutMs, maxBatch } = options;
  if (python !== undefined && (typeof python !== 'string' || python === '')) {
    throw new TypeError(`OracleOptions.python: expected a non-empty string, got ${JSON.stringify(python)}`);
  }
  for (const [name, value] of [['timeoutMs', timeoutMs], ['startTimeoutMs', startTimeoutMs]] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new RangeError(`OracleOptions.${name}: expected a number of milliseconds > 0, got ${String(value)}`);
    }
  }
  if (maxBatch !== undefined && !(Number.isSafeInteger(maxBatch) && maxBatch >= 1)) {
    throw new RangeError(`OracleOptions.maxBatch: expected an integer >= 1, got ${String(maxBatch)}`);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/**
 * NumPy as a {@link Reference}: one long-lived reference/worker.py process that evaluates cases
 * with the seed's own code, restarted when it dies or misbehaves. Start it with
 * {@link NumpyOracle.start}, and always {@link NumpyOracle.close} it: until then a Python process
 * is running.
 *
 * @example
 * ```ts
 * import { toFlatCase } from 'lstm-parity';
 * import { NumpyOracle } from 'lstm-parity/node';
 *
 * const oracle = await NumpyOracle.start({ timeoutMs: 30_000 });
 * try {
 *   const W = {
 *     w_i: [[0.1]], u_i: [[0.2]], b_i: [0],
 *     w_g: [[0.3]], u_g: [[0.4]], b_g: [0],
 *     w_o: [[0.5]], u_o: [[0.6]], b_o: [0],
 *     w_c: [[0.7]], u_c: [[0.8]], b_c: [0],
 *   };
 *   const [answer] = await oracle.evaluate([toFlatCase('type1', { S: [[1], [2]], W })]);
 *   if (answer.ok) console.log(answer.outputs.Output); // Float64Array of T x H = 2 numbers
 *   else console.error(answer.error);
 * } finally {
 *   await oracle.close();
 * }
 * ```
 */
export class NumpyOracle implements Reference {
  private worker: Worker | undefined;
  /** Every worker started and not yet exited, so close() can wait for all of them. */
  private readonly running = new Set<ResultPromise>();
  private pending: Pending | undefined;
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;
  private lostBecause = '';
  private queue: Promise<unknown> = Promise.resolve();
  /** How many times the worker was restarted after dying, misbehaving or timing out. */
  restarts = 0;
  /** Why, for the first MAX_RESTART_CAUSES restarts: what happened to the worker it replaced. */
  readonly restartCauses: string[] = [];
  /** Versions and platform of the worker, read at start-up. */
  info!: WorkerInfo;

  private constructor(
    private readonly python: string,
    private readonly options: Required<Pick<OracleOptions, 'timeoutMs' | 'startTimeoutMs' | 'maxBatch'>> & OracleOptions,
  ) {}

  /**
   * Probes Python and NumPy, starts the worker and reads its versions.
   * @throws {@link NumpyWorkerError} of kind 'unavailable', saying what to install, when Python
   *   or NumPy is missing or older than {@link MIN_NUMPY}; TypeError / RangeError for bad options.
   */
  static async start(options: OracleOptions = {}): Promise<NumpyOracle> {
    checkOptions(options);
    // Arrays cross as the bytes of little-endian float64 (./protocol.ts).
    if (endianness() !== 'LE') throw new NumpyWorkerError('unavailable', 'the NumPy bridge needs a little-endian machine');
    const python = options.python ?? pythonCommand();
    const probe = await probePython(python);
    if (!probe.ok) throw new NumpyWorkerError('unavailable', probe.reason);
    // `??`, not a spread of defaults: an option passed as undefined must not erase its default.
    const oracle = new NumpyOracle(python, {
      ...options,
      timeoutMs: options.timeoutMs ?? 120_000,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      maxBatch: options.maxBatch ?? 64,
    });
    try {
      await oracle.spawn();
    } catch (error) {
      await oracle.close();
      throw error;
    }
    return oracle;
  }

  private async spawn(): Promise<void> {
    const child = execa(this.python, ['-u', workerPath()], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: true,
      env: { OPENBLAS_NUM_THREADS: '1', ...this.options.env },
    });
    const worker: Worker = { process: child, stderr: '' };
    this.worker = worker;
    this.running.add(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      worker.stderr = (worker.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(worker, line));
    // A worker that stopped reading (EPIPE) would never answer: kill it, and let the exit handler
    // below fail the request. Errors after the process exited are reported by that handler too.
    child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
      worker.writeError ??= error.code ?? error.message;
      child.kill('SIGKILL');
    });
    void child.then((result) => {
      this.running.delete(child);
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fail(this.exitError(worker, result));
    });
    const reply = await this.send({ op: 'hello' }, this.options.startTimeoutMs);
    if (!('info' in reply)) throw new NumpyWorkerError('protocol', `NumPy worker did not answer hello: ${'error' in reply ? reply.error : 'no info'}`);
    this.info = reply.info;
  }

  private exitError(worker: Worker, result: Awaited<ResultPromise>): NumpyWorkerError {
    const hint = this.stderrHint(worker);
    const { exitCode, signal } = result;
    if (exitCode === undefined && signal === undefined) {
      // It never ran: the executable vanished or cannot be executed since the start-up probe.
      const code = (result as { code?: string }).code;
      const why = code === 'ENOENT' ? `${this.python} is no longer there` : (result as { originalMessage?: string }).originalMessage ?? String(code);
      return new NumpyWorkerError('unavailable', `NumPy worker could not be started: ${why}`, worker.stderr);
    }
    // Writing fails too when the worker has just exited on its own: then its exit code says more.
    if (worker.writeError !== undefined && signal === 'SIGKILL') {
      return new NumpyWorkerError('crashed', `NumPy worker stopped reading requests (writing to it failed with ${worker.writeError}) and was killed${hint}`, worker.stderr);
    }
    const how = signal !== undefined ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    return new NumpyWorkerError('crashed', `NumPy worker ${how}${hint}`, worker.stderr);
  }

  private stderrHint(worker: Worker): string {
    const last = lastLine(worker.stderr);
    return last ? `; its last stderr line: ${last}` : '';
  }

  private onLine(worker: Worker, line: string): void {
    if (this.worker !== worker) return;
    let reply: Reply;
    try {
      reply = replySchema.parse(JSON.parse(line));
    } catch {
      const shown = line.length > 120 ? `${line.slice(0, 120)}...` : line;
      this.breakWorker(new NumpyWorkerError('protocol', `NumPy worker printed something that is not a valid reply: ${JSON.stringify(shown)}`, worker.stderr));
      return;
    }
    const pending = this.pending;
    // The worker answers `id: null` only when it could not read a request at all; with one
    // request in flight, that is the one.
    if (pending !== undefined && reply.id === null && !reply.ok) {
      this.breakWorker(new NumpyWorkerError('protocol', `NumPy worker could not read the request: ${reply.error}`, worker.stderr));
      return;
    }
    // A reply for an id we are not waiting for (a stale or duplicated line) is dropped: the
    // request it claims to answer is either settled already or never existed.
    if (pending === undefined || reply.id !== pending.id) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  /** Kills the current worker and fails what was in flight with `error`. */
  private breakWorker(error: NumpyWorkerError): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.process.kill('SIGKILL');
    this.fail(error);
  }

  private fail(error: NumpyWorkerError): void {
    this.lostBecause = error.message;
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private send(request: object, timeoutMs = this.options.timeoutMs): Promise<Reply> {
    const worker = this.worker;
    if (worker === undefined) return Promise.reject(new NumpyWorkerError('crashed', 'NumPy worker is not running'));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.breakWorker(new NumpyWorkerError('timeout', `NumPy worker gave no reply within ${timeoutMs} ms and was killed`, worker.stderr));
      }, timeoutMs);
      this.pending = { id, resolve, reject, timer };
      worker.process.stdin!.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  /** Sends one request, restarting a dead or garbled worker and re-sending once. */
  private async request(request: object): Promise<Reply> {
    let first: NumpyWorkerError | undefined;
    for (;;) {
      if (this.closed) throw new NumpyWorkerError('closed', 'the NumPy oracle is closed');
      try {
        if (this.worker === undefined) {
          this.restarts++;
          if (this.restartCauses.length < MAX_RESTART_CAUSES) this.restartCauses.push(this.lostBecause);
          this.options.onRestart?.(this.lostBecause);
          await this.spawn();
        }
        return await this.send(request);
      } catch (error) {
        const failure = error instanceof NumpyWorkerError ? error : new NumpyWorkerError('protocol', String(error), '', { cause: error });
        // A timeout is not retried: the same request would most likely hang the next worker too.
        if (failure.kind === 'timeout' || failure.kind === 'unavailable' || failure.kind === 'closed' || this.closed) throw failure;
        if (first !== undefined) {
          const message = `the NumPy worker failed twice on one request (first: ${first.message}; then, after a restart: ${failure.message})`;
          throw new NumpyWorkerError(failure.kind, message, failure.stderr, { cause: failure });
        }
        first = failure;
      }
    }
  }

  /**
   * Evaluates cases with the NumPy reference. The result array lines up with `cases`; a case the
   * worker rejected has `{ok: false, error}`. If the worker cannot be kept alive, times out or
   * answers nonsense, rejects with a NumpyWorkerError whose message says how many cases were not
   * evaluated, and whose `results` hold those that were.
   */
  evaluate(cases: readonly FlatCase[]): Promise<ReferenceResult[]> {
    return this.enqueue(cases, 'run', this.options.maxBatch);
  }

  /**
   * Evaluates cases in high precision (reference/lstm_mpmath.py), one per request since each can
   * take seconds: the truth both the port and NumPy are judged by. Fails as `evaluate` does.
   */
  truth(cases: readonly FlatCase[]): Promise<ReferenceResult[]> {
    return this.enqueue(cases, 'truth', 1);
  }

  private enqueue(cases: readonly FlatCase[], op: 'run' | 'truth', batchSize: number): Promise<ReferenceResult[]> {
    if (!Array.isArray(cases)) return Promise.reject(new TypeError(`${op === 'run' ? 'evaluate' : 'truth'}: expected an array of cases, got ${cases === null ? 'null' : typeof cases}`));
    const run = this.queue.then(() => this.evaluateNow(cases, op, batchSize));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async evaluateNow(cases: readonly FlatCase[], op: 'run' | 'truth', batchSize: number): Promise<ReferenceResult[]> {
    const results: ReferenceResult[] = [];
    for (let start = 0; start < cases.length; start += batchSize) {
      const batch = cases.slice(start, start + batchSize);
      try {
        const reply = await this.request({ op, cases: batch.map(encodeCase) });
        results.push(...this.readResults(reply, batch));
      } catch (error) {
        const failure = error instanceof NumpyWorkerError ? error : new NumpyWorkerError('protocol', String(error), '', { cause: error });
        const missed = cases.length - start;
        const wrapped = new NumpyWorkerError(failure.kind, `${failure.message}; ${missed} of ${cases.length} cases were not evaluated`, failure.stderr, { cause: error });
        wrapped.results = results;
        wrapped.notEvaluated = missed;
        throw wrapped;
      }
    }
    return results;
  }

  /** The results of one batch, or a protocol error if the reply does not account for every case. */
  private readResults(reply: Reply, batch: readonly FlatCase[]): ReferenceResult[] {
    if (!('results' in reply)) throw new NumpyWorkerError('protocol', `NumPy worker refused the request: ${'error' in reply ? reply.error : 'no results'}`);
    if (reply.results.length !== batch.length) {
      throw new NumpyWorkerError('protocol', `NumPy worker answered ${reply.results.length} results for ${batch.length} cases`);
    }
    try {
      return reply.results.map((result, k) => decodeResult(result, batch[k]));
    } catch (error) {
      throw new NumpyWorkerError('protocol', `NumPy worker sent a malformed result: ${(error as Error).message}`, '', { cause: error });
    }
  }

  /**
   * Ends the worker: stdin EOF lets it exit on its own, SIGKILL after `graceMs` if it does not, or
   * at once if a request is in flight (its answer is no longer wanted). Resolves when every worker
   * this oracle started has exited; calling it again returns the same promise.
   */
  close(graceMs = 2000): Promise<void> {
    this.closing ??= this.shutdown(graceMs);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    const busy = this.pending !== undefined;
    this.fail(new NumpyWorkerError('closed', 'the NumPy oracle was closed while a request was in flight'));
    if (worker !== undefined) {
      if (busy) worker.process.kill('SIGKILL');
      else worker.process.stdin?.end();
    }
    const timer = setTimeout(() => {
      for (const child of this.running) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(this.running);
    clearTimeout(timer);
  }

  /** The worker's process id, for tests that need to kill it. */
  get pid(): number | undefined {
    return this.worker?.process.pid;
  }
}
