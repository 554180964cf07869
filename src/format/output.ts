/**
 * The output file: the seed's dictionary as JSON, one step's vector per line so long traces stay
 * readable and diffable. Doubles are encoded as in ./doubles.ts.
 */
import { toSeedOutput, type LstmTrace } from '../cells/trace.js';
import { stringifyDoubles } from './json-writer.js';

export function formatSeedOutput(trace: LstmTrace): string {
  return stringifyDoubles(toSeedOutput(trace));
}
