/**
 * The implementations selected by name (`--impl NAME`): this package's cells and adapters for
 * peers in other libraries. Each says what it needs; `open` throws a PeerUnavailableError with
 * the reason when that is missing (a Python package that does not import, say), so a scoreboard
 * can skip it and say why instead of failing.
 */
import type { Backend } from '../cells/prepared.js';
import type { Implementation } from '../judge/implementation.js';
import { lstmParityImplementation } from './lstm-parity.js';

export class PeerUnavailableError extends Error {
  override readonly name = 'PeerUnavailableError';
}

export interface BuiltinOptions {
  /** Where this package's cells run their products (lstm-parity only). */
  backend?: 'auto' | Backend;
}

export interface BuiltinImplementation {
  name: string;
  /** One line for --help and the scoreboard: what it is and how it is mapped. */
  description: string;
  open(options: BuiltinOptions): Promise<Implementation>;
}

const builtins: readonly BuiltinImplementation[] = [
  {
    name: 'lstm-parity',
    description: "this package's cells (float64, both cells, every seed key); --backend wasm|scalar|auto",
    open: async (options) => lstmParityImplementation({ backend: options.backend ?? 'auto' }),
  },
];

export function builtinNames(): string[] {
  return builtins.map((b) => b.name);
}

export function findBuiltin(name: string): BuiltinImplementation | undefined {
  return builtins.find((b) => b.name === name);
}
