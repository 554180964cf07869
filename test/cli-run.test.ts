import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const W1 = {
  w_i: [[0.5]], u_i: [[0.1]], b_i: [0],
  w_g: [[0.2]], u_g: [[0.3]], b_g: [1],
  w_o: [[-0.4]], u_o: [[0.2]], b_o: [0],
  w_c: [[1.5]], u_c: [[-0.7]], b_c: [0.1],
};
const W2 = {
  w_i: [[0.5]], u_i: [[0.1]], b_i: [0],
  w_g: [[0.2]], u_g: [[0.3]], b_g: [1],
  w_o: [[-0.4]], u_o: [[0.2]], b_o: [0],
  w_cell: [[1.5]], b_cell: [0.1],
};
const good1 = file('good1.json', JSON.stringify({ S: [[1], [-2], [0.5]], W: W1 }));
const good2 = file('good2.json', JSON.stringify({ S: [[1], [-2], [0.5]], W: W2 }));

/** Every failure: exit 2, nothing on stdout, exactly one line on stderr, no stack trace. */
async function expectUsageError(args: string[], pattern: RegExp, input?: string) {
  const result = await cli(args, input === undefined ? {} : { input });
  expect(result.exitCode).toBe(2);
  expect(result.stdout).toBe('');
  const lines = String(result.stderr).trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^lstm-parity: /);
  expect(lines[0]).not.toMatch(/\bat .*\.js:\d+/);
  expect(lines[0]).toMatch(pattern);
}

describe('lstm-parity run', () => {
  it("should print type 1's seed dictionary and exit 0", async () => {
    const result = await cli(['run', '--cell', 'type1', '--case', good1]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const out = JSON.parse(String(result.stdout));
    expect(Object.keys(out)).toEqual([
      'Output', 'Output_gate_activations', 'input_gate_activations',
      'forget_gate_activations', 'cell_input_activations', 'cell_state_vectors',
    ]);
    expect(out.Output).toHaveLength(3);
    expect(out.Output[0]).toHaveLength(1);
  });

  it("should print type 2's seed dictionary, read from stdin with --case -", async () => {
    const result = await cli(['run', '--cell', 'type2', '--case', '-'], { input: JSON.stringify({ S: [[1]], W: W2 }) });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(JSON.parse(String(result.stdout)))).toEqual([
      'Output', 'input_gate_activations', 'output_gate_activations', 'forget_gate_activations', 'cell_state_vectors',
    ]);
  });

  it('should print the same numbers as the library, in shortest round-trip form', async () => {
    const { lstmType2 } = await import('../src/index.js');
    const trace = lstmType2([[1], [-2], [0.5]], W2);
    const result = await cli(['run', '--cell', 'type2', '--case', good2]);
    const out = JSON.parse(String(result.stdout));
    expect(out.cell_state_vectors.flat()).toEqual(Array.from(trace.cellState));
    expect(String(result.stdout)).toContain(String(trace.cellState[2]));
  });

  it('should print empty lists for T = 0', async () => {
    const result = await cli(['run', '--cell', 'type1', '--case', '-'], { input: JSON.stringify({ S: [], W: W1 }) });
    expect(result.exitCode).toBe(0);
    expect(Object.values(JSON.parse(String(result.stdout)))).toEqual([[], [], [], [], [], []]);
  });

  it('should read and write non-finite values as strings with --allow-non-finite', async () => {
    const input = JSON.stringify({ S: [[1], ['NaN'], [0.5]], W: { ...W1, b_g: ['-Infinity'] } });
    const result = await cli(['run', '--cell', 'type1', '--case', '-', '--allow-non-finite'], { input });
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(String(result.stdout));
    expect(out.Output[0][0]).toEqual(expect.any(Number));
    expect(out.Output[1][0]).toBe('NaN');
    expect(out.forget_gate_activations[0][0]).toBe(0);
  });

  it('should print -0 as -0.0 so the sign survives JSON', async () => {
    // All weights 0 but b_c = -1e-323 (two subnormal steps below zero): i = o = 1/2, ĉ = -1e-323,
    // c = 1/2 * 0 + 1/2 * -1e-323 = -5e-324, h = 1/2 * tanh(-5e-324), a tie that rounds to -0.
    const zeros = Object.fromEntries(Object.entries(W1).map(([key, v]) => [key, key.startsWith('b_') ? [0] : [[0]]]));
    const input = JSON.stringify({ S: [[1]], W: { ...zeros, b_c: [-1e-323] } });
    const result = await cli(['run', '--cell', 'type1', '--case', '-'], { input });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/"Output": \[\n {4}\[-0\.0\]\n {2}\]/);
    expect(Object.is(JSON.parse(String(result.stdout)).Output[0][0], -0)).toBe(true);
    expect(JSON.parse(String(result.stdout)).cell_state_vectors[0][0]).toBe(-5e-324);
  });

  it.each([
    ['a missing file', ['--cell', 'type1', '--case', 'no/such/case.json'], /^lstm-parity: cannot read no\/such\/case\.json: no such file$/],
    ['a directory', ['--cell', 'type1', '--case', '.'], /cannot read \.: it is a directory$/],
    ['an unknown cell', ['--cell', 'type3', '--case', good1], /--cell: expected type1 or type2, got "type3"$/],
    ['no --cell', ['--case', good1], /--cell is required/],
    ['no --case', ['--cell', 'type1'], /--case is required/],
    ['an unknown option', ['--cell', 'type1', '--case', good1, '--fast'], /Unknown option '--fast'/],
    ['a schema error', ['--cell', 'type2', '--case', good1], /^lstm-parity: W: has type1 keys \(w_c, u_c, b_c\) but the cell is type2/],
  ])('should exit 2 on %s', async (_what, args, pattern) => {
    await expectUsageError(['run', ...args], pattern);
  });

  it('should exit 2 on invalid JSON, naming line and column', async () => {
    const bad = file('bad.json', '{"S": [[1]],\n "W": {"w_i": [[1],}}');
    await expectUsageError(['run', '--cell', 'type1', '--case', bad], /bad\.json: not valid JSON.*Unexpected token/);
    await expectUsageError(['run', '--cell', 'type1', '--case', '-'], /stdin: not valid JSON at line 1, column 5: Expected ':' after property name$/, '{"S"');
    await expectUsageError(['run', '--cell', 'type1', '--case', '-'], /stdin: not valid JSON: it is empty/, '');
  });

  it('should exit 2 on a key given twice, naming its key path and both places', async () => {
    const twice = JSON.stringify({ S: [[1]], W: W1 }).replace('"w_i":', '"w_i": [[9]], "w_i":');
    await expectUsageError(['run', '--cell', 'type1', '--case', '-'], /^lstm-parity: stdin: W\.w_i: the key is given twice, at line 1, column \d+ and line 1, column \d+; JSON keeps only the last one silently, so the text is refused$/, twice);
  });

  it('should exit 2 on bare NaN and say how to write it', async () => {
    await expectUsageError(
      ['run', '--cell', 'type1', '--case', '-'],
      /stdin: not valid JSON at line 1, column 8: bare NaN; write non-finite values as the strings "NaN"/,
      '{"S": [NaN]}',
    );
  });

  it('should exit 2 on a non-finite value without --allow-non-finite', async () => {
    const input = JSON.stringify({ S: [[1], ['Infinity']], W: W1 });
    await expectUsageError(['run', '--cell', 'type1', '--case', '-'], /^lstm-parity: S\[1\]\[0\]: expected a finite number, got Infinity; non-finite values need --allow-non-finite$/, input);
  });

  it('should name a number too large for a double, where it stands, and the flag that would accept its Infinity', async () => {
    const input = `{"S": [[1], [-2e400]],\n "W": ${JSON.stringify(W1)}}`;
    await expectUsageError(
      ['run', '--cell', 'type1', '--case', '-'],
      /^lstm-parity: stdin: the number -2e400 at line 1, column 14 is too large for a double \(it reads as Infinity\); non-finite values need --allow-non-finite$/,
      input,
    );
    const accepted = await cli(['run', '--cell', 'type1', '--case', '-', '--allow-non-finite'], { input });
    expect(accepted.exitCode, String(accepted.stderr)).toBe(0);
    // With the flag, the literal is the -Infinity it reads as.
    const spelled = await cli(['run', '--cell', 'type1', '--case', '-', '--allow-non-finite'], { input: JSON.stringify({ S: [[1], ['-Infinity']], W: W1 }) });
    expect(accepted.stdout).toBe(spelled.stdout);
  });

  it('should exit 2 on a shape error with the expected and actual shape', async () => {
    const input = JSON.stringify({ S: [[1]], W: { ...W1, u_i: [[0.1, 0.2]] } });
    await expectUsageError(['run', '--cell', 'type1', '--case', '-'], /^lstm-parity: W\.u_i: expected shape \[1, 1\], got \[1, 2\]$/, input);
  });
});

describe('lstm-parity', () => {
  it('should exit 2 on an unknown command', async () => {
    await expectUsageError(['frobnicate'], /unknown command "frobnicate"/);
  });

  it('should print help and exit 0', async () => {
    const result = await cli(['run', '--help']);
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/^usage: lstm-parity run --cell type1\|type2/);
  });
});
