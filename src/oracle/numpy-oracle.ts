/**
 * The bridge to NumPy: one long-lived reference/worker.py process, started with execa (no shell),
 * driven over JSON lines.
 *
 * - Start-up probes Python and NumPy once and fails with one message saying what to install.
 * - `evaluate(cases)` sends batches of at most `maxBatch` cases, one request at a time, each with
 *   a timeout; every reply is validated (zod) before use.
 * - A worker that dies, or prints something that is not a valid reply, is restarted and the
 *   request in flight is sent again once; a second failure, or a timeout, fails that request's
 *   cases with a NumpyWorkerError that says they were not evaluated. No case is lost silently.
 * - `close()` ends the worker (stdin EOF, then SIGKILL after a grace period); execa's cleanup
 *   also kills it if this process exits first, so no Python process outlives the run.
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { packageRoot } from '../package-root.js';
import { probePython, pythonCommand } from './python.js';
import { decodeResult, encodeCase, replySchema, type OracleCase, type OracleResult, type Reply, type WorkerInfo } from './protocol.js';

export const workerPath = () => join(packageRoot(), 'reference', 'worker.py');

export type NumpyWorkerErrorKind = 'unavailable' | 'crashed' | 'timeout' | 'protocol' | 'closed';

export class NumpyWorkerError extends Error {
  override readonly name = 'NumpyWorkerError';
  constructor(
    readonly kind: NumpyWorkerErrorKind,
    message: string,
    readonly stderr = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface OracleOptions {
  /** Python executable; default $LSTM_PARITY_PYTHON, else python3. */
  python?: string;
  /** Milliseconds a request may take before the worker is killed; default 120 s. */
  timeoutMs?: number;
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

const STDERR_TAIL = 4000;

export class NumpyOracle {
  private child: ResultPromise | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private stderrTail = '';
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** How many times the worker was restarted after dying or misbehaving. */
  restarts = 0;
  /** Versions and platform of the worker, read at start-up. */
  info!: WorkerInfo;

  private constructor(
    private readonly python: string,
    private readonly options: Required<Pick<OracleOptions, 'timeoutMs' | 'maxBatch'>> & OracleOptions,
  ) {}

  /** Probes Python and NumPy, starts the worker and reads its versions. */
  static async start(options: OracleOptions = {}): Promise<NumpyOracle> {
    const python = options.python ?? pythonCommand();
    const probe = await probePython(python);
    if (!probe.ok) throw new NumpyWorkerError('unavailable', probe.reason);
    const oracle = new NumpyOracle(python, { timeoutMs: 120_000, maxBatch: 64, ...options });
    await oracle.spawn();
    return oracle;
  }

  private async spawn(): Promise<void> {
    this.stderrTail = '';
    const child = execa(this.python, ['-u', workerPath()], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: true,
      env: { OPENBLAS_NUM_THREADS: '1', ...this.options.env },
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(child, line));
    child.stdin?.on('error', () => {});
    void child.then((result) => {
      if (this.child !== child) return;
      this.child = undefined;
      const how = result.signal ? `killed by ${result.signal}` : `exited with code ${result.exitCode}`;
      this.fail(new NumpyWorkerError('crashed', `NumPy worker ${how}${this.stderrHint()}`, this.stderrTail));
    });
    const reply = await this.send({ op: 'hello' });
    if (!('info' in reply)) throw new NumpyWorkerError('protocol', 'NumPy worker did not answer hello');
    this.info = reply.info;
  }

  private stderrHint(): string {
    const last = this.stderrTail.trim().split('\n').pop();
    return last ? `; its last stderr line: ${last}` : '';
  }

  private onLine(child: ResultPromise, line: string): void {
    if (this.child !== child) return;
    let reply: Reply;
    try {
      reply = replySchema.parse(JSON.parse(line));
    } catch {
      const shown = line.length > 120 ? `${line.slice(0, 120)}...` : line;
      this.breakWorker(new NumpyWorkerError('protocol', `NumPy worker printed something that is not a valid reply: ${JSON.stringify(shown)}`, this.stderrTail));
      return;
    }
    const pending = this.pending;
    // A reply for an id we are not waiting for (a stale or duplicated line) is dropped: the
    // request it claims to answer is either settled already or never existed.
    if (pending === undefined || reply.id !== pending.id) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  /** Kills the current worker and fails what was in flight with `error`. */
  private breakWorker(error: NumpyWorkerError): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
    this.fail(error);
  }

  private fail(error: NumpyWorkerError): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private send(request: object): Promise<Reply> {
    const child = this.child;
    if (child === undefined) return Promise.reject(new NumpyWorkerError('crashed', 'NumPy worker is not running'));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.breakWorker(new NumpyWorkerError('timeout', `NumPy worker gave no reply within ${this.options.timeoutMs} ms`, this.stderrTail));
      }, this.options.timeoutMs);
      this.pending = { id, resolve, reject, timer };
      child.stdin!.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  /** Sends one request, restarting a dead or garbled worker and re-sending once. */
  private async request(request: object): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new NumpyWorkerError('closed', 'the NumPy oracle is closed');
      try {
        if (this.child === undefined) {
          this.restarts++;
          await this.spawn();
        }
        return await this.send(request);
      } catch (error) {
        const failure = error instanceof NumpyWorkerError ? error : new NumpyWorkerError('crashed', String(error), this.stderrTail, { cause: error });
        if (failure.kind === 'timeout' || failure.kind === 'unavailable' || attempt >= 2 || this.closed) throw failure;
        this.options.onRestart?.(failure.message);
      }
    }
  }

  /**
   * Evaluates cases with the NumPy reference. The result array lines up with `cases`; a case the
   * worker rejected has `{ok: false, error}`. Rejects with NumpyWorkerError, naming how many cases
   * were not evaluated, if the worker cannot be kept alive or times out.
   */
  evaluate(cases: readonly OracleCase[]): Promise<OracleResult[]> {
    return this.enqueue(cases, 'run', this.options.maxBatch);
  }

  /**
   * Evaluates cases in high precision (reference/lstm_mpmath.py), one per request since each can
   * take seconds: the truth both the port and NumPy are judged by.
   */
  truth(cases: readonly OracleCase[]): Promise<OracleResult[]> {
    return this.enqueue(cases, 'truth', 1);
  }

  private enqueue(cases: readonly OracleCase[], op: 'run' | 'truth', batchSize: number): Promise<OracleResult[]> {
    const run = this.queue.then(() => this.evaluateNow(cases, op, batchSize));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async evaluateNow(cases: readonly OracleCase[], op: 'run' | 'truth', batchSize: number): Promise<OracleResult[]> {
    const results: OracleResult[] = [];
    for (let start = 0; start < cases.length; start += batchSize) {
      const batch = cases.slice(start, start + batchSize);
      let reply: Reply;
      try {
        reply = await this.request({ op, cases: batch.map(encodeCase) });
      } catch (error) {
        const failure = error as NumpyWorkerError;
        const missed = cases.length - start;
        throw new NumpyWorkerError(failure.kind, `${failure.message}; ${missed} of ${cases.length} cases were not evaluated`, failure.stderr, { cause: error });
      }
      if (!('results' in reply)) throw new NumpyWorkerError('protocol', `NumPy worker refused the request: ${'error' in reply ? reply.error : 'no results'}`);
      if (reply.results.length !== batch.length) {
        throw new NumpyWorkerError('protocol', `NumPy worker answered ${reply.results.length} results for ${batch.length} cases`);
      }
      reply.results.forEach((result, k) => results.push(decodeResult(result, batch[k])));
    }
    return results;
  }

  /** Ends the worker: stdin EOF lets it exit on its own; SIGKILL after `graceMs` if it does not. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    this.fail(new NumpyWorkerError('closed', 'the NumPy oracle was closed while a request was in flight'));
    if (child === undefined) return;
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await child;
    clearTimeout(timer);
  }

  /** The worker's process id, for tests that need to kill it. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
}
