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
import { join } from 'node:path';
import type { Reference } from '../judge/flat-case.js';
import type { Dtype } from '../judge/tolerance.js';
import { packageRoot } from '../package-root.js';
import { LineWorker, type LineWorkerErrorKind } from '../process/line-worker.js';
import { probePython, pythonCommand } from './python.js';
import { decodeResult, encodeCase, replySchema, type FlatCase, type ReferenceResult, type Reply, type WorkerInfo } from './protocol.js';

export const workerPath = () => join(packageRoot(), 'reference', 'worker.py');

/**
 * Why the NumPy bridge failed: 'unavailable' (Python or NumPy missing or too old, or the worker
 * cannot start), 'crashed' (it died or stopped reading requests), 'timeout', 'protocol'
 * (it answered something that is not a valid reply), 'closed' (the oracle was closed first).
 */
export type NumpyWorkerErrorKind = LineWorkerErrorKind;

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
  /**
   * The longest reply line taken, in bytes; past it the worker is killed and the request fails.
   * Default 64 MiB, or $LSTM_PARITY_MAX_REPLY_MB MiB.
   */
  maxReplyBytes?: number;
}

const MAX_RESTART_CAUSES = 100;

function checkOptions(options: OracleOptions): void {
  const { python, timeoutMs, startTimeoutMs, maxBatch, maxReplyBytes } = options;
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
  if (maxReplyBytes !== undefined && !(Number.isSafeInteger(maxReplyBytes) && maxReplyBytes >= 1)) {
    throw new RangeError(`OracleOptions.maxReplyBytes: expected an integer >= 1, got ${String(maxReplyBytes)}`);
  }
}

/**
 * NumPy as a {@link Reference}: one long-lived reference/worker.py process that evaluates cases
 * with the seed's own code, restarted when it dies or misbehaves. Start it with
 * {@link NumpyOracle.start}, and always {@link NumpyOracle.close} it: until then a Python process
 * is running.
 *
 * @example
 * ```ts
 * import { toFlatCase } from 'lstm-parity-harness/judge';
 * import { NumpyOracle } from 'lstm-parity-harness';
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
  private readonly worker: LineWorker<Reply, NumpyWorkerError>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Versions and platform of the worker, read at start-up. */
  info!: WorkerInfo;

  private constructor(
    python: string,
    private readonly options: Required<Pick<OracleOptions, 'timeoutMs' | 'startTimeoutMs' | 'maxBatch'>> & OracleOptions,
  ) {
    this.worker = new LineWorker<Reply, NumpyWorkerError>({
      file: python,
      args: ['-u', workerPath()],
      env: { OPENBLAS_NUM_THREADS: '1', ...options.env },
      subject: 'NumPy worker',
      subjectInSentence: 'the NumPy worker',
      missing: `${python} is no longer there`,
      timeoutMs: options.timeoutMs,
      error: (kind, message, stderr, cause) => new NumpyWorkerError(kind, message, stderr, cause),
      encode: (id, request) => JSON.stringify({ ...request, id }),
      parse: (line) => {
        const reply = replySchema.parse(JSON.parse(line));
        // The worker answers `id: null` only when it could not read a request at all; with one
        // request in flight, that is the one.
        if (reply.id === null) return reply.ok ? { kind: 'skip' } : { kind: 'broken', reason: `could not read the request: ${reply.error}` };
        return { kind: 'reply', id: reply.id, reply };
      },
      // A reply for an id we are not waiting for (a stale or duplicated line) is dropped: the
      // request it claims to answer is either settled already or never existed.
      strayIds: 'ignore',
      maxLineBytes: options.maxReplyBytes,
      startup: async (worker) => {
        const reply = await worker.send({ op: 'hello' }, this.options.startTimeoutMs);
        if (!('info' in reply)) throw new NumpyWorkerError('protocol', `NumPy worker did not answer hello: ${'error' in reply ? reply.error : 'no info'}`);
        this.info = reply.info;
      },
      onRestart: (reason) => {
        if (this.restartCauses.length < MAX_RESTART_CAUSES) this.restartCauses.push(reason);
        options.onRestart?.(reason);
      },
    });
  }

  /** Why, for the first MAX_RESTART_CAUSES restarts: what happened to the worker it replaced. */
  readonly restartCauses: string[] = [];

  /** How many times the worker was restarted after dying, misbehaving or timing out. */
  get restarts(): number {
    return this.worker.restarts;
  }

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
    await oracle.worker.start();
    return oracle;
  }

  /**
   * Evaluates cases with the NumPy reference. The result array lines up with `cases`; a case the
   * worker rejected has `{ok: false, error}`. If the worker cannot be kept alive, times out or
   * answers nonsense, rejects with a NumpyWorkerError whose message says how many cases were not
   * evaluated, and whose `results` hold those that were.
   */
  evaluate(cases: readonly FlatCase[], options: { dtype?: Dtype } = {}): Promise<ReferenceResult[]> {
    return this.enqueue(cases, 'run', this.options.maxBatch, options.dtype ?? 'float64');
  }

  /**
   * The seed's computation in one precision, as a Reference: float64 is `evaluate` itself;
   * float32 rounds S and W to float32 and runs the same operations on float32 arrays.
   */
  reference(dtype: Dtype): Reference {
    return { evaluate: (cases) => this.evaluate(cases, { dtype }) };
  }

  /**
   * Evaluates cases in high precision (reference/lstm_mpmath.py), one per request since each can
   * take seconds: the truth both the port and NumPy are judged by. Fails as `evaluate` does.
   */
  truth(cases: readonly FlatCase[]): Promise<ReferenceResult[]> {
    return this.enqueue(cases, 'truth', 1);
  }

  private enqueue(cases: readonly FlatCase[], op: 'run' | 'truth', batchSize: number, dtype: Dtype = 'float64'): Promise<ReferenceResult[]> {
    if (!Array.isArray(cases)) return Promise.reject(new TypeError(`${op === 'run' ? 'evaluate' : 'truth'}: expected an array of cases, got ${cases === null ? 'null' : typeof cases}`));
    const run = this.queue.then(() => this.evaluateNow(cases, op, batchSize, dtype));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async evaluateNow(cases: readonly FlatCase[], op: 'run' | 'truth', batchSize: number, dtype: Dtype): Promise<ReferenceResult[]> {
    const results: ReferenceResult[] = [];
    for (let start = 0; start < cases.length; start += batchSize) {
      const batch = cases.slice(start, start + batchSize);
      try {
        // float64, the default, is left out of the request: the worker's original protocol.
        const request = dtype === 'float64' ? { op, cases: batch.map(encodeCase) } : { op, dtype, cases: batch.map(encodeCase) };
        const reply = await this.worker.request(request, 'the NumPy oracle is closed');
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
    return this.worker.close(graceMs, 'the NumPy oracle was closed while a request was in flight');
  }

  /** The worker's process id, for tests that need to kill it. */
  get pid(): number | undefined {
    return this.worker.pid;
  }
}
