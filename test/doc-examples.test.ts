/**
 * The API reference's examples compile. TypeDoc renders every `@example` block as it is and never
 * compiles it, so an example drifts from the API without anyone noticing; here each ```ts block of
 * a TSDoc comment under src/ becomes a file of its own, importing `lstm-parity` and
 * `lstm-parity-harness` as a user does (mapped to the source), and tsc type-checks them all at once.
 * The files live in .doc-examples/<pid>/ (ignored by git, removed afterwards) so that they
 * extend the project's tsconfig and resolve its node_modules.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

interface Example {
  /** The source file and the example's place in it, e.g. `src/cells/lstm-type1.ts #1`. */
  where: string;
  code: string;
}

/** Every ```ts block inside a comment of a source file under src/, with its comment's `* ` removed. */
function examples(): Example[] {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort();
  return files.flatMap((file) => {
    const text = readFileSync(join(ROOT, 'src', file), 'utf8');
    return [...text.matchAll(/^\s*\* ```ts\n([\s\S]*?)^\s*\* ```$/gm)].map((match, k) => ({
      where: `${relative(ROOT, join(ROOT, 'src', file))} #${k + 1}`,
      code: match[1].replace(/^\s*\* ?/gm, ''),
    }));
  });
}

const dir = join(ROOT, '.doc-examples', String(process.pid));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('API reference examples', () => {
  const found = examples();

  it('should find the examples of the main entry points', () => {
    const where = found.map((e) => e.where.replace(/ #\d+$/, ''));
    for (const file of ['src/cells/lstm-type1.ts', 'src/cells/lstm-type2.ts', 'src/cells/prepared.ts', 'src/oracle/numpy-oracle.ts', 'src/campaign/verify.ts']) {
      expect(where, `no \`\`\`ts example in ${file}`).toContain(file);
    }
  });

  it('should type-check every example against the real API', async () => {
    mkdirSync(dir, { recursive: true });
    const names = found.map((example, k) => {
      const name = `example-${String(k + 1).padStart(2, '0')}.ts`;
      // `export {}` makes each one a module of its own (top-level await, no clashing names).
      writeFileSync(join(dir, name), `// ${example.where}\n${example.code}\nexport {};\n`);
      return name;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true, paths: { 'lstm-parity': ['../../src/index.ts'], 'lstm-parity-harness': ['../../src/node.ts'], 'lstm-parity-harness/judge': ['../../src/judge-entry.ts'], 'lstm-parity-harness/formats': ['../../src/formats.ts'] } },
        include: names,
      }),
    );
    const tsc = await execa('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { reject: false, cwd: ROOT });
    // tsc names the file and line; the file's first line names the source and example.
    const heads = Object.fromEntries(names.map((name, k) => [name, found[k].where]));
    const report = tsc.stdout.replace(/example-\d+\.ts/g, (name) => `${name} (${heads[name]})`);
    expect(report).toBe('');
    expect(tsc.exitCode).toBe(0);
  });
});
