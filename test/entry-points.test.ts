/**
 * The package's entry points by audience: `lstm-parity` must stay loadable in a browser (no Node
 * built-in, no subprocess or file library anywhere in its import graph), `lstm-parity/node` holds
 * the harness, and both resolve by name as a user's code imports them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { ROOT } from './helpers/cli.js';

/** Every module reachable from `entry` by static imports, with the bare specifiers each imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const bare: string[] = [];
    graph.set(file, bare);
    for (const [, typeOnly, specifier] of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
      if (typeOnly !== undefined) continue; // erased at build time
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else bare.push(specifier);
    }
  };
  visit(join(ROOT, entry));
  return graph;
}

describe('entry points', () => {
  it('should keep the root entry point free of Node built-ins and Node-only libraries', () => {
    const graph = importGraph('src/index.ts');
    const offenders = [...graph].flatMap(([file, bare]) => bare.filter((s) => s !== 'zod' && s !== 'zod/mini').map((s) => `${relative(ROOT, file)} imports ${s}`));
    expect(offenders).toEqual([]);
    const harness = [...graph.keys()].map((file) => relative(ROOT, file)).filter((file) => /^src\/(oracle|campaign|cli|report|golden\/files|explore|accuracy)/.test(file));
    expect(harness).toEqual([]);
  });

  it('should keep vitest out of every entry point but lstm-parity/conformance', () => {
    for (const entry of ['src/index.ts', 'src/node.ts']) {
      const importers = [...importGraph(entry)].filter(([, bare]) => bare.includes('vitest')).map(([file]) => relative(ROOT, file));
      expect(importers, entry).toEqual([]);
    }
    expect([...importGraph('src/conformance.ts')].some(([, bare]) => bare.includes('vitest'))).toBe(true);
  });

  it('should resolve lstm-parity, lstm-parity/node and lstm-parity/conformance by name, each with what its audience needs', async () => {
    const script = `
      const root = await import('lstm-parity');
      const node = await import('lstm-parity/node');
      console.log(JSON.stringify({ root: Object.keys(root).sort(), node: Object.keys(node).sort() }));`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', script], { cwd: ROOT });
    const { root, node } = JSON.parse(stdout) as { root: string[]; node: string[] };
    // The conformance entry imports vitest, so it is resolved here, and imported by test/conformance.test.ts.
    const resolved = await execa('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('lstm-parity/conformance'))"], { cwd: ROOT });
    expect(String(resolved.stdout)).toMatch(/\/dist\/src\/conformance\.js$/);
    expect(root).toEqual(expect.arrayContaining(['lstmType1', 'lstmType2', 'prepareWeights', 'createLstmType1', 'lstmType1Batch', 'validateCase', 'parseGoldenFile', 'judgeGoldenFile', 'compareTraces', 'lstmParityImplementation', 'VERSION']));
    expect(root).not.toContain('NumpyOracle');
    expect(node).toEqual(expect.arrayContaining(['NumpyOracle', 'verify', 'explore', 'measureAccuracy', 'loadGoldenFile', 'readManifest', 'ENTRY_POINTS', 'GoldenCorpusError']));
  });

  it('should declare itself free of import side effects, at the version the code reports', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; sideEffects: unknown };
    expect(pkg.sideEffects).toBe(false);
    expect(VERSION).toBe(pkg.version);
  });
});
