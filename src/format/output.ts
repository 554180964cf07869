/**
 * The output file: the seed's dictionary as JSON, one step's vector per line so long traces stay
 * readable and diffable. Doubles are encoded as in ./doubles.ts.
 */
import { seedFields, type LstmTrace } from '../cells/trace.js';
import { encodeDouble } from './doubles.js';

export function formatSeedOutput(trace: LstmTrace): string {
  const H = trace.hidden;
  const blocks = seedFields(trace).map(([key, values]) => {
    const rows: string[] = [];
    for (let t = 0; t < trace.steps; t++) {
      const cells: string[] = [];
      for (let j = 0; j < H; j++) cells.push(encodeDouble(values[t * H + j]));
      rows.push(`    [${cells.join(', ')}]`);
    }
    const body = rows.length === 0 ? '[]' : `[\n${rows.join(',\n')}\n  ]`;
    return `  ${JSON.stringify(key)}: ${body}`;
  });
  return `{\n${blocks.join(',\n')}\n}\n`;
}
