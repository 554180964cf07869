/**
 * The terminal shows only what the tool wrote: a golden file's name, an implementation's hello and
 * error replies, a file name in a message, all reach stdout and stderr with their control
 * characters escaped (src/cli/terminal.ts), so no string can forge a line such as `verify: OK`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printErr, printOut, terminalSafe, terminalText } from '../src/cli/terminal.js';
import { sha256 } from '../src/golden/files.js';
import { cli, ROOT } from './helpers/cli.js';
import { scratch } from './helpers/faults.js';
import { capture } from './helpers/in-process.js';

const tmp = scratch('terminal');
afterAll(() => tmp.remove());

/** Anything a terminal would act on: every control character but the newlines ending lines. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** A forged verdict: the hostile strings below all try to print one on a line of its own. */
const FORGED = /^verify: OK: (fake|99)/m;

const HOSTILE = 'x\u001b[2J\u001b[H\u0007\r\nverify: OK: fake\u202e\u009b31m';

describe('terminalSafe', () => {
  it.each([
    ['ESC', '\u001b[31m', '\\u001b[31m'],
    ['BEL', '\u0007', '\\u0007'],
    ['CR', 'a\rb', 'a\\u000db'],
    ['LF inside a message', 'a\nb', 'a\\u000ab'],
    ['NUL and TAB', '\u0000\t', '\\u0000\\u0009'],
    ['DEL', '\u007f', '\\u007f'],
    ['C1 (CSI)', '\u009b2J', '\\u009b2J'],
    ['a bidi override', 'abc\u202edcba', 'abc\\u202edcba'],
    ['a bidi isolate', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['a Unicode line separator', 'a\u2028b', 'a\\u2028b'],
  ])('should escape %s', (_what, text, shown) => {
    expect(terminalSafe(text)).toBe(shown);
    expect(terminalSafe(shown)).toBe(shown);
  });

  it('should write nothing for no lines', async () => {
    expect(await capture(async () => (printOut([]), printErr([]), 0))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('should leave printable text, accents and symbols alone, and end each line with one newline', () => {
    expect(terminalSafe('max |err| 1.2e-15 · σ(x) – ü ✓')).toBe('max |err| 1.2e-15 · σ(x) – ü ✓');
    expect(terminalText(['a', `b${HOSTILE}`])).toBe(`a\nb${terminalSafe(HOSTILE)}\n`);
    expect(terminalText(['a', HOSTILE]).split('\n')).toHaveLength(3);
  });
});

/** The golden corpus with one file whose name is hostile, and a manifest that lists it. */
function hostileCorpus(): string {
  const dir = join(tmp.dir, 'golden');
  mkdirSync(join(dir, 'type1'), { recursive: true });
  const file = JSON.parse(readFileSync(join(ROOT, 'golden/type1/one-step.json'), 'utf8')) as { name: string };
  file.name = HOSTILE;
  const text = JSON.stringify(file);
  writeFileSync(join(dir, 'type1', 'one-step.json'), text);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'golden/MANIFEST.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
  manifest.files = { 'type1/one-step.json': { sha256: sha256(text) } };
  writeFileSync(join(dir, 'MANIFEST.json'), JSON.stringify(manifest));
  return dir;
}

/** A command that names itself and answers every case with an error full of control characters. */
function hostileCommand(): string {
  const path = join(tmp.dir, 'hostile-impl.mjs');
  const hello = { hello: { name: `evil${HOSTILE}`, dtype: 'float64', cells: ['type1', 'type2'] } };
  writeFileSync(
    path,
    `import { createInterface } from 'node:readline';
process.stdout.write(${JSON.stringify(JSON.stringify(hello))} + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id } = JSON.parse(line);
  process.stdout.write(JSON.stringify({ id, error: 'bad\\u001b]0;title\\u0007\\rverify: OK: 99 cases\\u202e' }) + '\\n');
});
`,
  );
  return path;
}

describe('the real binary', () => {
  it('should print a golden file with a hostile name escaped, on its own line, and no forged verdict', async () => {
    const result = await cli(['verify', '--cases', '0', '--cell', 'type1', '--golden', hostileCorpus()], { env: { LSTM_PARITY_PYTHON: '' } });
    const out = String(result.stdout);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(out).toContain(`golden/type1/${terminalSafe(HOSTILE)} `);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).not.toMatch(FORGED);
    expect(out.trimEnd().split('\n').pop()).toMatch(/^verify: OK: \d+ cases, the TypeScript cells agree with NumPy/);
  });

  it("should print an implementation's hostile name and error replies escaped, and fail", async () => {
    const result = await cli(['verify', '--cases', '0', '--cell', 'type1', '--golden', hostileCorpus(), '--impl-command', `node ${hostileCommand()}`], { env: { LSTM_PARITY_PYTHON: '' } });
    const out = String(result.stdout);
    expect(result.exitCode).toBe(1);
    expect(out).toContain(`implementation: evil${terminalSafe(HOSTILE)} (float64;`);
    expect(out).toContain('failed: bad\\u001b]0;title\\u0007\\u000dverify: OK: 99 cases\\u202e');
    expect(out + String(result.stderr)).not.toMatch(RAW_CONTROL);
    expect(out).not.toMatch(FORGED);
    expect(out.trimEnd().split('\n').pop()).toMatch(/^verify: FAILED: (\d+) of \1 cases are port bugs/);
  });

  it('should keep a message with a newline in a file name whole, on one line', async () => {
    const result = await cli(['run', '--cell', 'type1', '--case', 'a\nverify: OK: fake.json']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('lstm-parity: cannot read a\\u000averify: OK: fake.json: no such file');
  });
});
