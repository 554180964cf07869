/**
 * Choosing the implementation under test on the command line, for every checker (verify,
 * explore, accuracy, scoreboard):
 *
 *   --impl NAME            a built-in: lstm-parity (the default), or a peer adapter
 *   --impl FILE            a JavaScript module whose default export is the implementation
 *   --impl-command CMD     any executable speaking the JSON-lines protocol
 *   --impl-dtype D         float64 (default) or float32, for a command that sends no hello
 *   --backend B            auto, wasm or scalar: where lstm-parity's products run
 *
 * What cannot be opened at all (an unknown name, a module without the interface, a command
 * that is not found) is bad usage (exit 2). A peer whose library is missing is refused with the
 * reason, also as bad usage: it was asked for by name.
 */
import type { ParseArgsConfig } from 'node:util';
import { CELL_TYPES, type CellType } from '../cells/schema.js';
import { openCommandImplementation, CommandImplementationError } from '../implementations/command.js';
import { CommandLineError } from '../implementations/command-line.js';
import { ImplementationModuleError, loadModuleImplementation } from '../implementations/module.js';
import { builtinNames, findBuiltin, PeerUnavailableError } from '../implementations/registry.js';
import type { Dtype, Implementation } from '../judge/implementation.js';
import { UsageError } from './usage-error.js';

export const IMPL_OPTIONS = {
  impl: { type: 'string' },
  'impl-command': { type: 'string' },
  'impl-dtype': { type: 'string' },
  backend: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const IMPL_USAGE = `implementation under test (default: this package's cells):
  --impl NAME|FILE     a built-in (${builtinNames().join(', ')}),
                       or a JavaScript module whose default export is {name, cells, dtype, run}
  --impl-command CMD   any executable speaking the JSON-lines protocol on stdin/stdout
                       (docs/verify-your-implementation.md#the-command-protocol); split into
                       words without a shell
  --impl-dtype D       float64 (default) or float32, for a command that sends no hello
  --backend B          auto (default), wasm or scalar: where lstm-parity's products run`;

export type ImplChoice =
  | { kind: 'builtin'; name: string; backend?: 'auto' | 'wasm' | 'scalar' }
  | { kind: 'module'; path: string }
  | { kind: 'command'; command: string; dtype?: Dtype };

interface ImplValues {
  impl?: string;
  'impl-command'?: string;
  'impl-dtype'?: string;
  backend?: string;
}

/** A name is a path when it looks like one: a slash, or a JavaScript file extension. */
function isPath(text: string): boolean {
  return text.includes('/') || /\.(m|c)?js$/.test(text);
}

/** Checks the flags together and says which implementation they choose. */
export function parseImplChoice(values: ImplValues): ImplChoice {
  const { impl, backend } = values;
  const command = values['impl-command'];
  const dtype = values['impl-dtype'];
  if (impl !== undefined && command !== undefined) throw new UsageError('--impl and --impl-command: give one implementation, not both');
  if (dtype !== undefined && dtype !== 'float64' && dtype !== 'float32') throw new UsageError(`--impl-dtype: expected float64 or float32, got ${JSON.stringify(dtype)}`);
  if (dtype !== undefined && command === undefined) throw new UsageError('--impl-dtype: only for --impl-command (a module or a built-in says its own dtype)');
  if (backend !== undefined && !['auto', 'wasm', 'scalar'].includes(backend)) throw new UsageError(`--backend: expected auto, wasm or scalar, got ${JSON.stringify(backend)}`);
  const name = impl ?? (command === undefined ? 'lstm-parity' : undefined);
  if (backend !== undefined && name !== 'lstm-parity') throw new UsageError(`--backend: only for --impl lstm-parity (this package's cells), not ${impl ?? `--impl-command ${command}`}`);
  if (command !== undefined) {
    if (command.trim() === '') throw new UsageError('--impl-command: the command is empty');
    return { kind: 'command', command, dtype: dtype as Dtype | undefined };
  }
  if (isPath(name!)) {
    if (!/\.(m|c)?js$/.test(name!)) throw new UsageError(`--impl ${name}: expected a JavaScript module (.js, .mjs, .cjs); for a program in another language use --impl-command`);
    return { kind: 'module', path: name! };
  }
  if (findBuiltin(name!) === undefined) throw new UsageError(`--impl: unknown implementation ${JSON.stringify(name)}; built-ins: ${builtinNames().join(', ')}; or a path to a JavaScript module (./my-lstm.mjs)`);
  return { kind: 'builtin', name: name!, backend: backend as 'auto' | 'wasm' | 'scalar' | undefined };
}

/** LSTM_PARITY_IMPL_TIMEOUT_MS: how long one case may take a command (default 120 s). */
function caseTimeoutMs(): number | undefined {
  const text = process.env.LSTM_PARITY_IMPL_TIMEOUT_MS;
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new UsageError(`LSTM_PARITY_IMPL_TIMEOUT_MS: expected a number of milliseconds >= 1, got ${JSON.stringify(text)}`);
  return value;
}

export interface OpenOptions {
  /** The cells the command asked for (--cell), for a command that sends no hello. */
  cells?: readonly CellType[];
  /** For tests: how long to wait for a command's hello. */
  helloWaitMs?: number;
}

/** Opens the chosen implementation; the caller closes it (`impl.close?.()`). */
export async function openImplementation(choice: ImplChoice, options: OpenOptions = {}): Promise<Implementation> {
  try {
    if (choice.kind === 'module') return await loadModuleImplementation(choice.path);
    if (choice.kind === 'builtin') return await findBuiltin(choice.name)!.open({ backend: choice.backend });
    return await openCommandImplementation({ command: choice.command, dtype: choice.dtype, cells: options.cells ?? CELL_TYPES, helloWaitMs: options.helloWaitMs, timeoutMs: caseTimeoutMs() });
  } catch (error) {
    if (error instanceof ImplementationModuleError || error instanceof CommandLineError || error instanceof PeerUnavailableError) throw new UsageError(error.message);
    if (error instanceof CommandImplementationError && error.kind === 'unavailable' && /could not be started/.test(error.message)) {
      throw new UsageError(`--impl-command: ${error.message}`);
    }
    throw error;
  }
}

/**
 * The cells to check: those asked for (--cell) or, by default, every cell the implementation
 * has. Asking for a cell it lacks is bad usage, and says what it has.
 */
export function cellsToCheck(impl: Implementation, asked: CellType | undefined): CellType[] {
  if (asked === undefined) return CELL_TYPES.filter((cell) => impl.cells.includes(cell));
  if (!impl.cells.includes(asked)) throw new UsageError(`--cell ${asked}: ${impl.name} implements ${impl.cells.join(', ')} only`);
  return [asked];
}

/** A dtype the implementation was told on the command line but contradicts in its hello. */
export function checkDeclaredDtype(choice: ImplChoice, impl: Implementation): void {
  if (choice.kind === 'command' && choice.dtype !== undefined && impl.dtype !== choice.dtype) {
    throw new UsageError(`--impl-dtype ${choice.dtype}: ${impl.name} says in its hello that it computes ${impl.dtype}`);
  }
}

/**
 * The line that fails a command whose implementation crashed and was restarted while it ran
 * (`since` restarts were counted before), or undefined when it did not crash.
 */
export function crashedLine(command: string, impl: Implementation, since = 0): string | undefined {
  const count = (impl.restarts ?? 0) - since;
  if (count <= 0) return undefined;
  const causes = [...new Set(impl.restartCauses ?? [])].join('; ');
  return `${command}: FAILED: ${impl.name} crashed and was restarted ${count} time${count === 1 ? '' : 's'} (${causes}); an implementation that crashes is not OK`;
}
