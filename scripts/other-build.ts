/**
 * `--impl dist/scripts/other-build.js`: the cells of another build of this package, a checkout at
 * another commit built with `npx tsc -p tsconfig.build.json`, whose directory
 * LSTM_PARITY_OTHER_BUILD names. docs/accuracy.md compares the cells before and after a change
 * this way, running `npm run accuracy:table` once with it and once without.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { traceImplementation } from '../src/implementations/lstm-parity.js';
import type { LstmTrace } from '../src/cells/trace.js';

type Run = (S: number[][], W: unknown, options: { allowNonFinite: boolean }) => LstmTrace;

export default async function otherBuild() {
  const dir = process.env.LSTM_PARITY_OTHER_BUILD;
  if (dir === undefined || dir === '') throw new Error('LSTM_PARITY_OTHER_BUILD: set it to the directory of the other checkout (built with npx tsc -p tsconfig.build.json)');
  const entry = resolve(dir, 'dist/src/index.js');
  const cells = (await import(pathToFileURL(entry).href)) as { lstmType1: Run; lstmType2: Run };
  return traceImplementation(`lstm-parity built in ${dir}`, (cell, S, W) => (cell === 'type1' ? cells.lstmType1 : cells.lstmType2)(S, W, { allowNonFinite: true }));
}
