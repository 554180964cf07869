/**
 * The entry points by audience: `lstm-parity` (the cells package) and the harness's `/judge` and
 * `/formats` must stay loadable in a browser (no Node built-in, no subprocess or file library
 * anywhere in their import graphs), `lstm-parity-harness` holds the Node harness, and each resolves
 * by name as a user's code imports it.
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
  for (const entry of ['src/index.ts', 'src/judge-entry.ts', 'src/formats.ts']) {
    it(`should keep ${entry} free of Node built-ins and Node-only libraries`, () => {
      const graph = importGraph(entry);
      const offenders = [...graph].flatMap(([file, bare]) => bare.filter((s) => s !== 'zod' && s !== 'zod/mini').map((s) => `${relative(ROOT, file)} imports ${s}`));
      expect(offenders).toEqual([]);
      const harness = [...graph.keys()].map((file) => relative(ROOT, file)).filter((file) => /^src\/(oracle|campaign|cli|report|golden\/files|explore|accuracy)/.test(file));
      expect(harness).toEqual([]);
    });
  }

  it('should keep the cells package to the cells: nothing of the judge, the formats or the harness', () => {
    const files = [...importGraph('src/index.ts').keys()].map((file) => relative(ROOT, file));
    expect(files.filter((file) => !/^src\/(cells\/|index\.ts$|version\.ts$)/.test(file))).toEqual([]);
  });

  it('should keep vitest out of every entry point, and import it in lstm-parity-harness/conformance only when there', () => {
    for (const entry of ['src/index.ts', 'src/judge-entry.ts', 'src/formats.ts', 'src/node.ts']) {
      const importers = [...importGraph(entry)].filter(([, bare]) => bare.includes('vitest')).map(([file]) => relative(ROOT, file));
      expect(importers, entry).toEqual([]);
    }
    // The conformance entry imports vitest only when it loads, and loads without it (test/package.test.ts).
    expect([...importGraph('src/conformance.ts')].some(([, bare]) => bare.includes('vitest'))).toBe(false);
    expect(readFileSync(join(ROOT, 'src/conformance/register.ts'), 'utf8')).toContain("await import('vitest')");
  });

  it('should resolve lstm-parity and each entry of lstm-parity-harness by name, each with what its audience needs', async () => {
    const script = `
      const root = await import('lstm-parity');
      const node = await import('lstm-parity-harness');
      const judge = await import('lstm-parity-harness/judge');
      const formats = await import('lstm-parity-harness/formats');
      console.log(JSON.stringify({ root: Object.keys(root).sort(), node: Object.keys(node).sort(), judge: Object.keys(judge).sort(), formats: Object.keys(formats).sort() }));`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', script], { cwd: ROOT });
    const { root, node, judge, formats } = JSON.parse(stdout) as Record<'root' | 'node' | 'judge' | 'formats', string[]>;
    // The conformance entry imports vitest, so it is resolved here, and imported by test/conformance.test.ts.
    const resolved = await execa('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('lstm-parity-harness/conformance'))"], { cwd: ROOT });
    expect(String(resolved.stdout)).toMatch(/\/dist\/src\/conformance\.js$/);
    expect(root).toEqual(expect.arrayContaining(['lstmType1', 'lstmType2', 'prepareWeights', 'createLstmType1', 'lstmType1Batch', 'threads', 'sigmoid', 'tanh', 'validateCase', 'LstmInputError', 'toSeedOutput', 'VERSION']));
    // The cells user's promise: about thirty runtime names (docs/api-surface.md lists each).
    expect(root.length).toBeLessThanOrEqual(30);
    for (const name of ['NumpyOracle', 'parseGoldenFile', 'judge', 'compareTraces', 'ulpDistance', 'packType1']) expect(root).not.toContain(name);
    expect(judge).toEqual(expect.arrayContaining(['judge', 'judgeGoldenFile', 'compareTraces', 'lstmParityImplementation', 'ulpDistance', 'FLOAT64_TOLERANCE', 'measureNoiseFloors']));
    expect(formats).toEqual(expect.arrayContaining(['parseGoldenFile', 'formatGoldenFile', 'parseCaseJson', 'reviveDoubles', 'packType1']));
    expect(node).toEqual(expect.arrayContaining(['NumpyOracle', 'verify', 'explore', 'measureAccuracy', 'loadGoldenFile', 'readManifest', 'ENTRY_POINTS', 'GoldenCorpusError']));
  });

  it('should make an input error thrown by the harness\'s copy of the cells an instance of the cells package\'s LstmInputError, and the reverse', async () => {
    // The harness compiles its own copy of the cells: two classes of one name, which instanceof
    // used to tell apart (an app catching the cells package's class missed the harness's errors).
    const script = `
      const cells = await import('lstm-parity');
      const { toFlatCase } = await import('lstm-parity-harness/judge');
      const fromHarness = (() => { try { toFlatCase('type1', { S: [[1]], W: {} }); } catch (e) { return e; } })();
      const fromCells = (() => { try { cells.lstmType1([[1]], {}); } catch (e) { return e; } })();
      const harnessClass = fromHarness?.constructor;
      console.log(JSON.stringify({
        classes: harnessClass !== cells.LstmInputError,
        harnessIsCells: fromHarness instanceof cells.LstmInputError,
        cellsIsHarness: fromCells instanceof harnessClass,
        message: String(fromHarness?.message),
        plain: new Error('x') instanceof cells.LstmInputError || null instanceof cells.LstmInputError || Object.assign(new Error('x'), { name: 'LstmInputError' }) instanceof cells.LstmInputError,
      }));`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', script], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual({ classes: true, harnessIsCells: true, cellsIsHarness: true, message: expect.stringMatching(/^W\.w_i: /), plain: false });
  });

  it('should declare both packages free of import side effects, at the version the code reports', () => {
    for (const manifest of ['package.json', 'packages/lstm-parity/package.json']) {
      const pkg = JSON.parse(readFileSync(join(ROOT, manifest), 'utf8')) as { version: string; sideEffects: unknown };
      expect(pkg.sideEffects, manifest).toBe(false);
      expect(VERSION, manifest).toBe(pkg.version);
    }
  });
});
