/**
 * Assembles src/cells/wasm/dots.wat into WebAssembly bytes with wabt (a registry package, so the
 * binary is built from the text in this repo, never downloaded), and renders the TypeScript
 * module that carries those bytes. Shared by scripts/wasm-build.ts and the test that checks the
 * committed module is up to date.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabt from 'wabt';
import { packageRoot } from '../src/package-root.js';

export const WAT_PATH = join(packageRoot(), 'src', 'cells', 'wasm', 'dots.wat');
export const MODULE_PATH = join(packageRoot(), 'src', 'cells', 'wasm', 'dots-module.ts');

export async function assembleDots(): Promise<Uint8Array> {
  const tools = await wabt();
  const module = tools.parseWat('dots.wat', readFileSync(WAT_PATH, 'utf8'), { simd: true });
  try {
    module.validate();
    // No names section: the bytes then depend on the text's instructions only.
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

/** The generated TypeScript module: the bytes as base64, so it loads in Node and browsers alike. */
export function renderModule(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,96}/g) ?? [];
  return [
    '// Generated from dots.wat by scripts/wasm-build.ts (npm run wasm:build); do not edit.',
    `// ${bytes.length} bytes of WebAssembly, base64.`,
    'export const DOTS_WASM_BASE64 =',
    ...lines.map((line, k) => `  '${line}'${k === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}
