import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The package's root folder (where package.json and reference/ live), whether this code runs
 * from src/ under vitest or from dist/src/ once built.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'reference'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('lstm-parity: cannot find the package root (package.json beside reference/)');
    dir = parent;
  }
  root = dir;
  return dir;
}
