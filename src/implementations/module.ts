/**
 * An implementation in a JavaScript module: `--impl ./my-lstm.mjs`. The module's default export
 * is an Implementation (src/judge/implementation.ts), or a function, possibly async, that returns
 * one (for set-up such as loading WebAssembly or a GPU device). Anything else is refused with one
 * line per missing or malformed field.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { implementationProblems, type Implementation } from '../judge/implementation.js';

/** A module given with `--impl ./file` that cannot be loaded or whose default export is not an implementation. */
export class ImplementationModuleError extends Error {
  override readonly name = 'ImplementationModuleError';
}

/** Imports `path` (relative to the working directory) and returns its implementation. */
export async function loadModuleImplementation(path: string): Promise<Implementation> {
  const url = pathToFileURL(resolve(path)).href;
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(resolve(path)) ? 'no such file' : (error as Error).message.split('\n')[0];
    throw new ImplementationModuleError(`${path}: cannot import it: ${why}`);
  }
  let value = module.default;
  if (value === undefined) throw new ImplementationModuleError(`${path}: has no default export; export default {name, cells, dtype, run} (or a function returning it)`);
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      throw new ImplementationModuleError(`${path}: its default export threw when called to make the implementation: ${(error as Error).message ?? String(error)}`);
    }
  }
  const problems = implementationProblems(value, `${path}: default export`);
  if (problems.length > 0) throw new ImplementationModuleError(problems.join('; '));
  return value as Implementation;
}
