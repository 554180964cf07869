/** `lstm-parity run`: one case through one cell, the seed's dictionary on stdout. */
import { parseArgs } from 'node:util';
import { runCase } from '../cells/run-case.js';
import { CELL_TYPES, type CellType } from '../cells/schema.js';
import { formatSeedOutput } from '../format/output.js';
import { readCaseInput } from './case-input.js';
import { printRaw } from './terminal.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const RUN_USAGE = `usage: lstm-parity run --cell type1|type2 --case FILE|- [--allow-non-finite]

Runs one case through one cell and prints the seed's output dictionary as JSON.
  --cell               type1 (standard LSTM) or type2 (gates read c_{t-1}); may be left out
                       when FILE is a golden file, which names its cell
  --case               case file {"S": [[...]], "W": {...}}, a golden file (its case is run), or
                       - for stdin
  --allow-non-finite   accept "NaN", "Infinity", "-Infinity" in S and W
A case may be at most 32 MiB of JSON, with T x X <= 2^20 and T x H <= 2^18; the library has no
such limit.`;

export function parseCell(value: string | undefined): CellType {
  if (value === undefined) throw new UsageError('--cell is required: type1 or type2');
  if (!(CELL_TYPES as readonly string[]).includes(value)) {
    throw new UsageError(`--cell: expected type1 or type2, got ${JSON.stringify(value)}`);
  }
  return value as CellType;
}

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cell: { type: 'string' },
      case: { type: 'string' },
      'allow-non-finite': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const input = await readCaseInput(values.case, values.cell, values['allow-non-finite']);
  const trace = runCase(input.cell, input.value, { allowNonFinite: input.allowNonFinite });
  printRaw(formatSeedOutput(trace));
  return EXIT_OK;
}
