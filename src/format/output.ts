/**
 * The output file: the seed's dictionary as JSON, one step's vector per line so long traces stay
 * readable and diffable. Doubles are encoded as in ./doubles.ts.
 */
import { toSeedOutput, type LstmTrace } from '../cells/trace.js';
import { stringifyDoubles } from './json-writer.js';

/**
 * A trace as the text of an output file: the seed's dictionary ({@link toSeedOutput}), seed key
 * names and nested arrays, doubles exact (see {@link stringifyDoubles}).
 */
export function formatSeedOutput(trace: LstmTrace): string {
  return stringifyDoubles(toSeedOutput(trace));
}
