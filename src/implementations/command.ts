/**
 * An implementation in any language, behind a command that speaks JSON lines on stdin/stdout.
 * The command is started once and kept, like the NumPy worker (the same line worker:
 * ../process/line-worker.ts), restarted once on a crash, and ended at close.
 *
 *   request  {"id": 7, "cell": "type1", "S": [[...]], "W": {"w_i": [[...]], ...}}
 *   reply    {"id": 7, "outputs": {"Output": [[...]], ...}}     any seed keys, at least Output
 *            {"id": 7, "error": "one line"}                     this case failed
 *   hello    {"hello": {"name": "...", "dtype": "float64", "cells": ["type1"]}}
 *            optional, unprompted, as the very first line; may also say "version", "keys", and
 *            "batch": N, the most cases it takes in one request:
 *   request  {"id": 8, "cell": "type1", "cases": [{"S": [[...]], "W": {...}}, ...]}
 *   reply    {"id": 8, "results": [{"outputs": {...}}, {"error": "..."}, ...]}    one per case
 *
 * Doubles use the case-file encoding both ways (shortest round-trip; "NaN", "Infinity",
 * "-Infinity" as strings; -0.0). One request is in flight at a time: cases asked for at once (the
 * live campaign's lanes share one implementation) wait their turn. Without a hello, `dtype`
 * and `cells` come from the options (float64, both cells); the start waits up to `helloWaitMs`
 * for a hello before the first request.
 *
 * An error reply fails that case only. A command that cannot be started, exits or is killed twice
 * on one request, hangs past the timeout, prints what is not a reply, answers another id than the
 * one asked, or sends a hello it cannot keep, fails for good: the error is fatal (see
 * ImplementationError).
 */
import { CELL_TYPES, type CellType } from '../cells/schema.js';
import { reviveDoubles } from '../format/doubles.js';
import { stringifyDoublesLine } from '../format/json-writer.js';
import type { CaseInput, Dtype, Implementation, ImplementationOutputs } from '../judge/implementation.js';
import { implementationProblems } from '../judge/implementation.js';
import { LineWorker, type LineProcess, type LineWorkerErrorKind, type ParsedLine } from '../process/line-worker.js';
import { splitCommandLine } from './command-line.js';

/** An implementation behind a command failed: a bad reply to one case, or the process itself (then `fatal`). */
export class CommandImplementationError extends Error {
  override readonly name = 'CommandImplementationError';
  /** The process can answer nothing more: every failure of the process itself is for good. */
  readonly fatal: boolean;

  constructor(
    readonly kind: LineWorkerErrorKind,
    message: string,
    readonly stderr = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.fatal = true;
  }
}

/** How to start an implementation behind a command speaking the JSON-lines protocol, and what to expect of it. */
export interface CommandImplementationOptions {
  /** The command line, split into words without a shell (./command-line.ts), or its words. */
  command: string | readonly string[];
  /** What the implementation is called when its hello gives no name; default the command. */
  name?: string;
  /** Its precision when it sends no hello; default float64. */
  dtype?: Dtype;
  /** Its cells when it sends no hello; default both. */
  cells?: readonly CellType[];
  /** Milliseconds one case may take before the process is killed; default 120 s. */
  timeoutMs?: number;
  /** Milliseconds to wait for an unprompted hello at start; default 10 s, 0 to not wait. */
  helloWaitMs?: number;
  /** Extra environment for the command (the rest is inherited). */
  env?: Record<string, string>;
  /**
   * The longest reply line taken, in bytes; past it the process is killed and the case fails.
   * Default 64 MiB, or $LSTM_PARITY_MAX_REPLY_MB MiB.
   */
  maxReplyBytes?: number;
}

/** The optional first line a command may send unprompted: what it is, its dtype and its cells. */
export interface Hello {
  name?: string;
  version?: string;
  dtype: Dtype;
  cells: readonly CellType[];
  keys?: readonly string[];
  /** The most cases it takes in one request (the batch extension), when it takes batches. */
  batch?: number;
}

type Reply = { outputs: Record<string, unknown> } | { error: string } | { results: unknown[] };

/** Long enough for a Python that imports NumPy or PyTorch first on a busy machine. */
export const DEFAULT_HELLO_WAIT_MS = 10_000;

function parseHello(value: unknown, subject: string): Hello {
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const problems = implementationProblems({ name: 'hello', ...fields, run: () => undefined, runBatch: fields.batch === undefined ? undefined : () => [] }, `${subject}: hello`);
  if (fields.name !== undefined && typeof fields.name !== 'string') problems.push(`${subject}: hello: name: expected a string`);
  if (problems.length > 0) throw new CommandImplementationError('protocol', problems[0]);
  return fields as unknown as Hello;
}

/** The hello's claims against what the options already fixed, when they differ. */
function helloConflict(hello: Hello, dtype: Dtype, cells: readonly CellType[]): string | undefined {
  if (hello.dtype !== dtype) return `its hello says ${hello.dtype}, but it is judged as ${dtype}`;
  const missing = cells.filter((cell) => !hello.cells.includes(cell));
  if (missing.length > 0) return `its hello says it implements ${hello.cells.join(', ')}, but it is asked for ${missing.join(', ')}`;
  return undefined;
}

/**
 * A hello is read, never answered: one that cannot be kept (malformed, not first, or too late and
 * contradicting what was assumed) poisons the implementation through `onHello`, which fails it for
 * good at its next case, since the cases before were judged on other terms.
 */
function parseLine(line: string, process: LineProcess, onHello: (hello: Hello | string) => void, subject: string): ParsedLine<Reply> {
  const value = JSON.parse(line) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  const message = value as Record<string, unknown>;
  if ('hello' in message) {
    if (process.lines !== 1) onHello(`${subject} sent a hello after its first line (a hello must come first, once)`);
    else {
      try {
        onHello(parseHello(message.hello, subject));
      } catch (error) {
        onHello(`${subject} sent a hello it cannot keep: ${(error as Error).message}`);
      }
    }
    return { kind: 'skip' };
  }
  const { id } = message;
  if (!Number.isSafeInteger(id)) return { kind: 'broken', reason: `answered without an integer id: ${line.length > 80 ? `${line.slice(0, 80)}...` : line}` };
  if (Array.isArray(message.results)) return { kind: 'reply', id: id as number, reply: { results: reviveDoubles(message.results) as unknown[] } };
  const hasOutputs = typeof message.outputs === 'object' && message.outputs !== null && !Array.isArray(message.outputs);
  const hasError = typeof message.error === 'string';
  if (hasOutputs === hasError) return { kind: 'broken', reason: `answered id ${String(id)} with ${hasOutputs ? 'both outputs and error' : 'neither "outputs" (an object) nor "error" (a string)'}` };
  const reply: Reply = hasOutputs ? { outputs: reviveDoubles(message.outputs) as Record<string, unknown> } : { error: message.error as string };
  return { kind: 'reply', id: id as number, reply };
}

/** Restart causes kept; the count covers every restart. */
const RESTART_CAUSES_KEPT = 10;

/** An implementation behind a command: the process is started once, kept, and closed with `close()`. */
export interface CommandImplementation extends Implementation {
  readonly command: string;
  /** What the command said about itself at start-up, if it did. */
  readonly hello?: Hello;
  /** How many times the process crashed and was restarted. */
  readonly restarts: number;
  /** Why, for the first ten restarts. */
  readonly restartCauses: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts the command, waits briefly for its hello, and returns it as an implementation. Throws a
 * CommandImplementationError (kind 'unavailable') when the command cannot be started or ends
 * before its first request.
 */
export async function openCommandImplementation(options: CommandImplementationOptions): Promise<CommandImplementation> {
  const [file, ...args] = typeof options.command === 'string' ? splitCommandLine(options.command) : options.command;
  const subject = typeof options.command === 'string' ? options.command.trim() : options.command.join(' ');
  let hello: Hello | undefined;
  let dtype = options.dtype ?? 'float64';
  let cells = options.cells ?? CELL_TYPES;
  let helloSeen: (() => void) | undefined;
  /** Why the implementation can no longer be trusted, once a hello could not be kept. */
  let poisoned: string | undefined;
  // The first process's hello sets what the implementation is; a restarted process must say the same.
  const onHello = (said: Hello | string): void => {
    if (typeof said === 'string') poisoned ??= said;
    else if (hello === undefined && helloSeen !== undefined) {
      hello = said;
      dtype = said.dtype;
      cells = said.cells;
    } else {
      const conflict = helloConflict(said, dtype, cells);
      if (conflict !== undefined) poisoned ??= `${subject} sent its hello too late to be heeded, and ${conflict}`;
      // A hello that comes after the wait but agrees with what was assumed still names the command.
      else hello ??= said;
    }
    helloSeen?.();
  };
  const check = () => {
    if (poisoned !== undefined) throw new CommandImplementationError('protocol', poisoned);
  };
  const helloWaitMs = options.helloWaitMs ?? DEFAULT_HELLO_WAIT_MS;
  let first = true;
  const causes: string[] = [];
  const worker = new LineWorker<Reply, CommandImplementationError>({
    file,
    args,
    env: options.env,
    subject,
    missing: `${file} was not found (is it installed and on PATH?)`,
    timeoutMs: options.timeoutMs ?? 120_000,
    error: (kind, message, stderr, cause) => new CommandImplementationError(kind, message, stderr, cause),
    encode: (id, request) => stringifyDoublesLine({ id, ...request }),
    parse: (line, process) => parseLine(line, process, onHello, subject),
    strayIds: 'fail',
    maxLineBytes: options.maxReplyBytes,
    onRestart(reason) {
      if (causes.length < RESTART_CAUSES_KEPT) causes.push(reason);
    },
    // Only the first start waits for a hello: a restarted process is held to what the first said.
    async startup(self, process) {
      if (!first || helloWaitMs === 0) return;
      first = false;
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        new Promise<false>((resolve) => {
          helloSeen = () => resolve(false);
          timer = setTimeout(() => resolve(false), helloWaitMs);
        }),
        process.exited.then(() => true),
      ]);
      clearTimeout(timer);
      helloSeen = undefined;
      check();
      if (ended) throw new CommandImplementationError('unavailable', self.lostReason || `${subject} ended before its first request`);
    },
  });
  await worker.start();
  // The process answers one case at a time: callers queue here, in the order they asked. Once it
  // failed for good, the callers still queued get that failure instead of starting it again.
  let turn: Promise<unknown> = Promise.resolve();
  let failed: CommandImplementationError | undefined;
  const ask = (request: Record<string, unknown>): Promise<Reply> => {
    const reply = turn.then(async () => {
      check();
      if (failed !== undefined) throw new CommandImplementationError(failed.kind, `${subject} failed for good before this case: ${failed.message}`, failed.stderr);
      try {
        return await worker.request(request, `${subject} was closed`);
      } catch (error) {
        failed ??= error as CommandImplementationError;
        throw error;
      }
    });
    turn = reply.catch(() => undefined);
    return reply;
  };
  const runBatch = async (cell: CellType, cases: readonly CaseInput[]): Promise<(ImplementationOutputs | Error)[]> => {
    const reply = await ask({ cell, cases: cases.map(({ S, W }) => ({ S, W })) });
    check();
    if (!('results' in reply)) throw new CommandImplementationError('protocol', `${subject} answered a batch of ${cases.length} cases without "results"`);
    return reply.results.map((result, k) => {
      const item = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
      if (typeof item.error === 'string') return new Error(item.error.split('\n')[0]);
      if (typeof item.outputs === 'object' && item.outputs !== null && !Array.isArray(item.outputs)) return item.outputs as ImplementationOutputs;
      return new Error(`result ${k} of the batch holds neither "outputs" (an object) nor "error" (a string)`);
    });
  };
  const impl: CommandImplementation = {
    command: subject,
    get name() {
      return hello?.name ?? options.name ?? subject;
    },
    get version() {
      return hello?.version;
    },
    get cells() {
      return cells;
    },
    get dtype() {
      return dtype;
    },
    get keys() {
      return hello?.keys;
    },
    get hello() {
      return hello;
    },
    get restarts() {
      return worker.restarts;
    },
    get restartCauses() {
      return [...causes];
    },
    async run(cell, S, W): Promise<ImplementationOutputs> {
      const reply = await ask({ cell, S, W });
      check();
      if ('error' in reply) throw new Error(reply.error.split('\n')[0]);
      if (!('outputs' in reply)) throw new CommandImplementationError('protocol', `${subject} answered one case with a batch's results`);
      return reply.outputs as ImplementationOutputs;
    },
    // Batches only where the hello offered them: a restarted process is held to that hello.
    ...(hello?.batch === undefined ? {} : { batch: hello.batch, runBatch }),
    close: () => worker.close(2000, `${subject} was closed while a case was in flight`),
  };
  return impl;
}
