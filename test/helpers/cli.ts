import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/lstm-parity.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** Runs the real `lstm-parity` binary (the built one), never throwing on a non-zero exit. */
export async function cli(args: string[], options: Options = {}) {
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  return execa('node', [BIN, ...args], { reject: false, cwd: ROOT, ...options });
}
