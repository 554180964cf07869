/**
 * Assembles src/cells/wasm/dots.wat into WebAssembly bytes with wabt (a registry package, so the
 * binary is built from the text in this repo, never downloaded), and renders the TypeScript
 * module that carries those bytes. Shared by scripts/wasm-build.ts and the test that checks the
 * committed module is up to date.
 *
 * Two modules come from the one text: the kernel with a memory of its own, and the same code
 * importing a shared memory (`threads`: every thread's instance works on one memory). Only the
 * memory declaration differs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabt from 'wabt';
import { packageRoot } from '../src/package-root.js';

export const WAT_PATH = join(packageRoot(), 'src', 'cells', 'wasm', 'dots.wat');
export const MODULE_PATH = join(packageRoot(), 'src', 'cells', 'wasm', 'dots-module.ts');

const OWN_MEMORY = '(memory (export "memory") 1)';
const SHARED_MEMORY = '(import "env" "memory" (memory 1 65536 shared)) (export "memory" (memory 0))';

export interface DotsBinaries {
  /** The kernel with its own memory. */
  own: Uint8Array;
  /** The kernel on an imported shared memory. */
  shared: Uint8Array;
}

export async function assembleDots(): Promise<DotsBinaries> {
  return assembleDotsText(readFileSync(WAT_PATH, 'utf8'));
}

/** Both modules from a text of dots.wat (the committed one, or a mutant of it). */
export async function assembleDotsText(text: string): Promise<DotsBinaries> {
  const tools = await wabt();
  if (!text.includes(OWN_MEMORY)) throw new Error(`dots.wat must declare its memory as ${OWN_MEMORY}`);
  const assemble = (source: string, shared: boolean) => {
    const module = tools.parseWat('dots.wat', source, { simd: true, threads: true, bulk_memory: true });
    try {
      // wabt's validator ignores the threads feature and refuses any shared memory, so the shared
      // variant (the same code) is checked by the engine instead: WebAssembly.validate in the tests.
      if (!shared) module.validate();
      // No names section: the bytes then depend on the text's instructions only.
      return module.toBinary({ log: false, write_debug_names: false }).buffer;
    } finally {
      module.destroy();
    }
  };
  return { own: assemble(text, false), shared: assemble(text.replace(OWN_MEMORY, SHARED_MEMORY), true) };
}

/** The generated TypeScript module: the bytes as base64, so it loads in Node and browsers alike. */
export function renderModule(binaries: DotsBinaries): string {
  const constant = (name: string, bytes: Uint8Array, what: string) => {
    const lines = Buffer.from(bytes).toString('base64').match(/.{1,96}/g) ?? [];
    return [
      `// ${what}: ${bytes.length} bytes of WebAssembly, base64.`,
      `export const ${name} =`,
      ...lines.map((line, k) => `  '${line}'${k === lines.length - 1 ? ';' : ' +'}`),
    ];
  };
  return [
    '// Generated from dots.wat by scripts/wasm-build.ts (npm run wasm:build); do not edit.',
    ...constant('DOTS_WASM_BASE64', binaries.own, 'The kernel with a memory of its own'),
    ...constant('DOTS_SHARED_WASM_BASE64', binaries.shared, 'The same kernel on an imported shared memory'),
    '',
  ].join('\n');
}
