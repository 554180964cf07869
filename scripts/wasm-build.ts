/**
 * npm run wasm:build: assembles src/cells/wasm/dots.wat and writes src/cells/wasm/dots-module.ts.
 * Deterministic: the same text always gives the same bytes. `--check` writes nothing and exits 1
 * when the committed module is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { assembleDots, MODULE_PATH, renderModule, type DotsBinaries } from './wasm-assemble.js';

let bytes: DotsBinaries;
try {
  bytes = await assembleDots();
} catch (error) {
  // wabt's errors carry its whole generated source in their stack: print the message only.
  console.error(`wasm:build: ${(error as Error).message}`);
  process.exit(1);
}
const text = renderModule(bytes);
const current = (() => {
  try {
    return readFileSync(MODULE_PATH, 'utf8');
  } catch {
    return '';
  }
})();
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error(`wasm:build: ${MODULE_PATH} is stale; run npm run wasm:build`);
    process.exit(1);
  }
  console.log(`wasm:build: ${MODULE_PATH} is up to date`);
} else {
  writeFileSync(MODULE_PATH, text);
  console.log(`wasm:build: wrote ${MODULE_PATH}${current === text ? ' (unchanged)' : ''}`);
}
