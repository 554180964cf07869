/**
 * Implementations this project did not write, judged through the doors a user opens: the
 * JSON-lines command protocol (`--impl-command`) and a JavaScript module (`--impl FILE`). The
 * worked examples must agree; deliberately wrong cells in Python must get the verdicts their
 * mistakes deserve; every fault of a foreign process ends in one clear line naming the
 * implementation and the case, the documented exit code, every case accounted for, and no
 * process left behind.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { verify, type VerifyResult } from '../src/campaign/verify.js';
import { splitCommandLine } from '../src/implementations/command-line.js';
import { openCommandImplementation } from '../src/implementations/command.js';
import { campaignCase } from '../src/campaign/random-case.js';
import { toFlatCase } from '../src/judge/flat-case.js';
import { runImplementations, type CaseInput } from '../src/judge/implementation.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { cli, ROOT } from './helpers/cli.js';
import { processesMatching, scratch } from './helpers/faults.js';
import { runMain, withEnv } from './helpers/in-process.js';
import { describeWithNumpy } from './helpers/numpy.js';

// Every test here runs verify over the golden corpus through a real process: on a busy machine a
// test can take well over vitest's default minute, and one cut short would write into the next.
vi.setConfig({ testTimeout: 300_000 });

const tmp = scratch('impl-command');
afterAll(() => tmp.remove());

const EXAMPLE = 'python3 examples/python/my_lstm.py';
const wrong = (mistake: string) => `python3 test/fixtures/implementations/wrong_lstm.py ${mistake}`;
const faulty = (fault: string) => `python3 test/fixtures/implementations/faulty_lstm.py ${fault}`;

describe('splitting a command line without a shell', () => {
  it.each([
    ['python3 my_lstm.py', ['python3', 'my_lstm.py']],
    ['  python3   "my lstm.py"  --dtype float32 ', ['python3', 'my lstm.py', '--dtype', 'float32']],
    ["node 'a \"b\" c' d\\ e", ['node', 'a "b" c', 'd e']],
    ['echo "a \\"q\\" \\$HOME" \'$HOME\' ""', ['echo', 'a "q" $HOME', '$HOME', '']],
    ['run; rm -rf / | cat > x', ['run;', 'rm', '-rf', '/', '|', 'cat', '>', 'x']],
  ])('should split %j into its words', (text, words) => {
    expect(splitCommandLine(text)).toEqual(words);
  });

  it.each([
    ['python3 "my_lstm.py', 'unterminated double quote in the command "python3 \\"my_lstm.py"'],
    ["python3 'x", 'unterminated single quote'],
    ['   ', 'the command is empty'],
    ['python3 x\\', 'a backslash ends the command'],
  ])('should refuse %j', (text, message) => {
    expect(() => splitCommandLine(text)).toThrow(message);
  });
});

describe('choosing an implementation on the command line', () => {
  it.each([
    [['--impl', 'lstm-parity', '--impl-command', 'x'], '--impl and --impl-command: give one implementation, not both'],
    [['--impl', 'no-such-peer'], '--impl: unknown implementation "no-such-peer"; built-ins: lstm-parity'],
    [['--impl-dtype', 'float16', '--impl-command', 'x'], '--impl-dtype: expected float64 or float32, got "float16"'],
    [['--impl-dtype', 'float32'], '--impl-dtype: only for --impl-command'],
    [['--backend', 'gpu'], '--backend: expected auto, wasm or scalar, got "gpu"'],
    [['--backend', 'wasm', '--impl-command', 'x'], '--backend: only for --impl lstm-parity'],
    [['--impl-command', '  '], '--impl-command: the command is empty'],
    [['--impl-command', 'python3 "unclosed'], 'unterminated double quote'],
    [['--impl-command', 'no-such-lstm-command --flag'], '--impl-command: no-such-lstm-command --flag could not be started: no-such-lstm-command was not found (is it installed and on PATH?)'],
    [['--impl', './no/such/module.mjs'], './no/such/module.mjs: cannot import it: no such file'],
    [['--impl', 'test/fixtures/implementations/wrong_lstm.py'], '--impl test/fixtures/implementations/wrong_lstm.py: expected a JavaScript module (.js, .mjs, .cjs); for a program in another language use --impl-command'],
  ])('should refuse %j with one line and exit 2', async (args, message) => {
    const { code, stdout, stderr } = await runMain(['verify', '--cases', '0', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('should refuse a module without the interface, naming each missing field', async () => {
    const dir = join(tmp.dir, 'modules');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'half.mjs'), "export default { name: 'half', cells: ['type3'], dtype: 'float16' };\n");
    writeFileSync(join(dir, 'none.mjs'), 'export const run = () => ({});\n');
    writeFileSync(join(dir, 'throws.mjs'), "export default async () => { throw new Error('no GPU here'); };\n");
    const half = await runMain(['verify', '--cases', '0', '--impl', join(dir, 'half.mjs')]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('half.mjs: default export: cells: expected a non-empty list of "type1", "type2", got ["type3"]');
    expect(half.stderr).toContain('dtype: expected "float64" or "float32", got "float16"');
    expect(half.stderr).toContain('run: expected a function run(cell, S, W), got undefined');
    const none = await runMain(['verify', '--cases', '0', '--impl', join(dir, 'none.mjs')]);
    expect(none.stderr).toContain('none.mjs: has no default export; export default {name, cells, dtype, run}');
    const throws = await runMain(['verify', '--cases', '0', '--impl', join(dir, 'throws.mjs')]);
    expect(throws.stderr).toContain('throws.mjs: its default export threw when called to make the implementation: no GPU here');
  });
});

/** verify --json through the real binary, parsed. */
async function verifyJson(args: string[], env: Record<string, string> = {}): Promise<{ code: number | undefined; result: VerifyResult; stderr: string }> {
  const run = await cli(['verify', '--json', ...args], { env: { ...process.env, ...env } });
  return { code: run.exitCode, result: JSON.parse(String(run.stdout)) as VerifyResult, stderr: String(run.stderr) };
}

const kinds = (result: VerifyResult, cell: string) => result.findings.filter((f) => f.cell === cell).map((f) => f.verdict);

describeWithNumpy('implementations behind a command, judged', () => {
  it('should find that the Python example agrees with NumPy, golden corpus and live campaign', async () => {
    const { code, stdout } = await runMain(['verify', '--cases', '40', '--impl-command', EXAMPLE]);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^implementation: my_lstm\.py \(NumPy, stacked gates, float64\) NumPy \S+ \(float64; type1, type2; keys as returned\); judged as float64 against the seed in float64 \(NumPy\): rtol 1e-12, atol 1e-14/m);
    expect(stdout).toMatch(/\ntype1 +golden +13 +13 +0 +0 +0 /);
    expect(stdout).toMatch(/\ntype2 +live +41 +41 +0 +0 +0 /);
    // Held to the facts true of any arithmetic; the bit-for-bit ones say why they were not checked.
    expect(stdout).toMatch(/\nfact:h-bounded +54 +0 +54 +0\n/);
    expect(stdout).toMatch(/\nfact:causality not checked on 54 type1 cases: my_lstm\.py .* does not claim this package's arithmetic \(exactArithmetic\): held bit for bit only of it/);
    expect(stdout).toMatch(/verify: OK: 108 cases, my_lstm\.py \(NumPy, stacked gates, float64\) agrees with NumPy\n$/);
  });

  it('should judge the Python example taking batches as it judges it one case at a time', async () => {
    const { code, stdout } = await runMain(['verify', '--cases', '40', '--impl-command', `${EXAMPLE} --batch 16`]);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^implementation: my_lstm\.py .*\(float64; type1, type2; keys as returned; batches of up to 16\); judged as float64/m);
    expect(stdout).toMatch(/\ntype2 +live +41 +41 +0 +0 +0 /);
    expect(stdout).toMatch(/verify: OK: 108 cases, my_lstm\.py \(NumPy, stacked gates, float64\) agrees with NumPy\n$/);
  });

  it('should stop at a batch answered with the wrong number of results, saying so, and count what was not judged', async () => {
    const { code, stdout } = await runMain(['verify', '--cases', '20', '--impl-command', faulty('batch-short')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\nverify: INCOMPLETE: \d+ of 68 cases were not judged: the implementation failed for good: faulty_lstm\.py batch-short: a batch of 4 type[12] cases came back with 3 results\n$/);
    expect(stdout).not.toMatch(/verify: OK/);
  });

  it('should find that the Node example agrees, as a command and as a module', async () => {
    const asCommand = await runMain(['verify', '--cases', '5', '--cell', 'type2', '--impl-command', 'node examples/node/my-lstm.mjs']);
    expect(asCommand.code, asCommand.stdout).toBe(0);
    expect(asCommand.stdout).toMatch(/^implementation: my-lstm\.mjs \(plain Node\) 1\.0\.0 \(float64/m);
    const asModule = await runMain(['verify', '--cases', '5', '--cell', 'type1', '--impl', './examples/node/my-lstm.mjs']);
    expect(asModule.code, asModule.stdout).toBe(0);
    expect(asModule.stdout).toMatch(/verify: OK: 19 cases, my-lstm\.mjs \(plain Node\) agrees with NumPy\n$/);
  });

  it('should call a Python cell with a dropped bias a port bug, in both cells', async () => {
    const { code, result } = await verifyJson(['--cases', '10', '--impl-command', wrong('dropped-bias')]);
    expect(code).toBe(1);
    expect(result.ok).toBe(false);
    for (const cell of ['type1', 'type2']) {
      expect(result.cells[cell].live.failures).toBeGreaterThan(7);
      expect(kinds(result, cell)).toContain('port-bug');
    }
    const finding = result.findings.find((f) => f.case === 'golden/type1/seed-shape')!;
    expect(finding.description).toMatch(/^PORT BUG: \d+\/144 elements differ; worst /);
  });

  it('should call a Python cell with swapped gates a port bug in type 1 and let its correct type 2 agree', async () => {
    const { code, result } = await verifyJson(['--cases', '10', '--impl-command', wrong('swapped-gates')]);
    expect(code).toBe(1);
    // All but the cases where the two gates coincide (zero weights, T = 0, saturated gates).
    expect(result.cells.type1.failures).toBeGreaterThan(16);
    expect(kinds(result, 'type1').every((kind) => kind === 'port-bug')).toBe(true);
    expect(result.cells.type2.failures).toBe(0);
    expect(result.findings.find((f) => f.case === 'type1/chaotic-probe')?.verdict).toBe('port-bug');
  });

  it('should fail a float32 cell that claims float64, and pass it when it says float32', async () => {
    const claimed = await verifyJson(['--cases', '10', '--impl-command', wrong('float32-as-float64')]);
    expect(claimed.code).toBe(1);
    expect(claimed.result.campaign.judging).toMatch(/^judged as float64 .* rtol 1e-12, atol 1e-14/);
    // float32 rounding (~1e-7) is far beyond NumPy's float64 noise floor (a few 1e-16): every case with a step fails.
    expect(claimed.result.cells.type1.live.failures).toBeGreaterThan(7);
    expect(kinds(claimed.result, 'type2')).toContain('port-bug');
    const declared = await verifyJson(['--cases', '10', '--impl-command', `${EXAMPLE} --dtype float32`]);
    expect(declared.code).toBe(0);
    expect(declared.result.ok).toBe(true);
    expect(declared.result.campaign.implementation.dtype).toBe('float32');
    expect(declared.result.campaign.judging).toMatch(/^judged as float32 against the seed in float32 \(NumPy on S and W rounded to float32\)/);
    expect(declared.result.cells.type1.golden).toMatchObject({ cases: 13, failures: 0 });
    // Beside the verdict: how far float32 lands from the float64 seed, reported, not judged.
    expect(declared.result.cells.type1.live.float64?.cases).toBe(10);
    expect(declared.result.cells.type1.live.float64?.maxAbs).toBeGreaterThan(1e-9);
  });

  it('should refuse --impl-dtype that contradicts the hello, and take it from the flag without a hello', async () => {
    const contradicted = await runMain(['verify', '--cases', '0', '--impl-command', EXAMPLE, '--impl-dtype', 'float32']);
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toBe('lstm-parity: --impl-dtype float32: my_lstm.py (NumPy, stacked gates, float64) says in its hello that it computes float64\n');
    const silent = await verifyJson(['--cases', '5', '--cell', 'type2', '--impl-command', faulty('no-hello')]);
    expect(silent.code).toBe(0);
    expect(silent.result.campaign.implementation).toMatchObject({ name: faulty('no-hello'), dtype: 'float64', cells: ['type2'] });
  });

  it('should count a case the implementation answers with an error, go on with the rest, and exit 1', async () => {
    const { code, stdout } = await runMain(['verify', '--cases', '5', '--impl-command', faulty('error-type2')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\ntype1 +live +6 +\d+ +\d+ +0 +0 /);
    expect(stdout).toMatch(/\ntype2 +golden +13 +0 +0 +0 +13 /);
    expect(stdout).toContain('FAIL golden/type2/empty-sequence [run]: PORT BUG: the implementation failed on the case: faulty_lstm.py error-type2: golden/type2/empty-sequence: failed: type 2 is not supported yet');
    expect(stdout).toMatch(/verify: FAILED: 19 of 38 cases are port bugs: type2 \(19\); caught by run \(19\)\n$/);
  });

  it.each([
    ['wrong-shape', /\[run\]: PORT BUG: the implementation failed on the case: faulty_lstm\.py wrong-shape: golden\/type1\/[a-z0-9-]+: Output: expected \d+ rows of \d+ numbers \(T x H\), got \d+ rows/],
    ['no-output', /\[run\]: PORT BUG: the implementation failed on the case: faulty_lstm\.py no-output: golden\/type1\/[a-z0-9-]+: missing Output \(every implementation must return at least Output\)/],
  ])('should name the implementation and the case when a reply breaks the interface (%s)', async (fault, line) => {
    const { code, stdout } = await runMain(['verify', '--cases', '3', '--cell', 'type1', '--impl-command', faulty(fault)]);
    expect(code).toBe(1);
    expect(stdout).toMatch(line);
  });

  it('should call NaN where NumPy is finite a port bug, naming where', async () => {
    const { code, result } = await verifyJson(['--cases', '5', '--cell', 'type1', '--impl-command', faulty('nan')]);
    expect(code).toBe(1);
    const seed = result.findings.find((f) => f.case === 'golden/type1/seed-shape')!;
    expect(seed.verdict).toBe('port-bug');
    expect(seed.description).toMatch(/^PORT BUG: 1\/\d+ elements differ; worst Output step 0 unit 0: port NaN, NumPy -?0\.\d+/);
  });

  it.each([
    ['crash', /the implementation failed for good: faulty_lstm\.py crash: golden\/type1\/[a-z0-9-]+: failed: python3 test\/fixtures\/implementations\/faulty_lstm\.py crash failed twice on one request \(first: python3 \S+ crash exited with code 3; its last stderr line: fatal: simulated crash; then, after a restart: .*exited with code 3; its last stderr line: fatal: simulated crash\)$/m],
    ['garbage', /failed for good: .*printed something that is not a valid reply: "Segmentation fault\? no: this line is not JSON"\)$/m],
    ['wrong-id', /failed for good: .*faulty_lstm\.py wrong-id answered id 3, but request 2 was in flight\)$/m],
  ])('should stop when the command fails for good (%s), count every case not judged, and exit 1', async (fault, reason) => {
    const { code, stdout, stderr } = await runMain(['verify', '--cases', '3', '--impl-command', faulty(fault)]);
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(/verify: INCOMPLETE: 34 of 34 cases were not judged: /);
    expect(stdout).toMatch(reason);
    expect(await processesMatching(`faulty_lstm.py ${fault}`)).toEqual([]);
  });

  it('should restart a command that crashes once and judge every case, but fail the run (exit 1) and say why', async () => {
    const dir = join(tmp.dir, 'crash-once');
    mkdirSync(dir);
    const { code, result } = await verifyJson(['--cases', '3', '--impl-command', faulty('crash-once')], { LSTM_PARITY_FAULT_DIR: dir });
    expect(code).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.cells.type1.cases + result.cells.type2.cases).toBe(34);
    expect(result.cells.type1.failures + result.cells.type2.failures).toBe(0);
    expect(result.implementationRestarts).toEqual({ count: 1, causes: [`${faulty('crash-once')} exited with code 3; its last stderr line: fatal: simulated crash`] });
    expect(result.workerRestarts.count).toBe(0);
  });

  it('should never call OK a command that crashes on every 5th request, however many cases it answers', async () => {
    const report = join(tmp.dir, 'crash-every-5.html');
    const { code, stdout } = await runMain(['verify', '--cases', '10', '--cell', 'type1', '--impl-command', faulty('crash-every-5'), '--report', report]);
    expect(code).toBe(1);
    const page = readFileSync(report, 'utf8');
    expect(page).toContain('<strong>Implementation restarts: 5</strong>');
    expect(page).toContain('FAILED: the implementation crashed and was restarted 5 times');
    // 24 cases, every one answered and agreeing, by 6 processes: 5 restarts.
    expect(stdout).toMatch(/\ntype1 +golden +13 +13 +0 +0 +0 /);
    expect(stdout).toMatch(/\ntype1 +live +11 +11 +0 +0 +0 /);
    expect(stdout).toContain(`\nimplementation restarts: 5 (${faulty('crash-every-5')} exited with code 3; its last stderr line: fatal: simulated crash); each time the case in flight was sent again to a fresh process\n`);
    expect(stdout).not.toMatch(/verify: OK/);
    expect(stdout).toMatch(/\nverify: FAILED: faulty_lstm\.py crash-every-5 crashed and was restarted 5 times; an implementation that crashes is not OK, even when every case was answered after a restart\n$/);
    const json = await verifyJson(['--cases', '10', '--cell', 'type1', '--impl-command', faulty('crash-every-5')]);
    expect(json.code).toBe(1);
    expect(json.result.ok).toBe(false);
    expect(json.result.implementationRestarts?.count).toBe(5);
    expect(await processesMatching('faulty_lstm.py crash-every-5')).toEqual([]);
  });

  it('should judge a command with several NumPy workers as with one: its cases queue for the one process', async () => {
    const args = ['--cases', '300', '--cell', 'type1', '--impl-command', 'node examples/node/my-lstm.mjs'];
    const one = await verifyJson([...args, '--jobs', '1']);
    const two = await verifyJson([...args, '--jobs', '2']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect([one.result.environment.jobs, two.result.environment.jobs]).toEqual([1, 2]);
    expect(two.result.cells.type1.cases).toBe(13 + 301);
    expect(two.result.cells).toEqual(one.result.cells);
    expect(two.result.findings).toEqual(one.result.findings);
  });

  it('should stop every worker when the command fails for good mid-campaign, and count what was not judged', async () => {
    const dir = join(tmp.dir, 'crash-late');
    mkdirSync(dir);
    const { code, result } = await verifyJson(['--cases', '300', '--cell', 'type1', '--jobs', '2', '--impl-command', faulty('crash-late')], { LSTM_PARITY_FAULT_DIR: dir });
    expect(code).toBe(1);
    expect(result.ok).toBe(false);
    // 40 answers, then a crash, a restart and a crash: the golden corpus and 27 live cases judged.
    expect(result.cells.type1.cases).toBe(40);
    expect(result.implementationFailed).toEqual({ reason: expect.stringMatching(/crash-late: type1\/\S+: failed: .*failed twice on one request/), notJudged: 13 + 301 - 40, planned: 13 + 301 });
    expect(result.liveIncomplete).toBeUndefined();
    // Started once and restarted once: the lanes still waiting for it were not let start it again.
    expect(readFileSync(join(dir, 'started'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(await processesMatching('faulty_lstm.py crash-late')).toEqual([]);
  });

  it('should say so when the command exits before its first request', async () => {
    const { code, stderr } = await runMain(['verify', '--cases', '4', '--impl-command', faulty('exit-at-start')]);
    expect(code).toBe(1);
    expect(stderr).toBe('lstm-parity: python3 test/fixtures/implementations/faulty_lstm.py exit-at-start exited with code 2; its last stderr line: fatal: cannot load the model\n');
  });
});

describeWithNumpy('explore and accuracy of an implementation behind a command', () => {
  it('should count and shrink the cases an implementation fails on, and exit 1', async () => {
    const { code, stdout } = await runMain(['explore', '--cell', 'type2', '--runs', '5', '--impl-command', faulty('error-type2')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^explore type2: 5 cases, seed 1; implementation faulty_lstm\.py error-type2 \(float64\)\n/);
    expect(stdout).toMatch(/\nthe implementation failed or broke the interface +5\n/);
    expect(stdout).toMatch(/\nthe implementation failed or broke the interface: minimal example \(T 0, H 1, X 1\), .*\n {2}faulty_lstm\.py error-type2: an explored case: failed: type 2 is not supported yet\n/);
  });

  it('should end with one line when the implementation fails for good, and refuse --save for it', async () => {
    const crash = await runMain(['explore', '--cell', 'type1', '--runs', '5', '--impl-command', faulty('crash')]);
    expect(crash.code).toBe(1);
    expect(crash.stderr).toMatch(/^lstm-parity: faulty_lstm\.py crash: an explored case: failed: .*failed twice on one request.*\n$/);
    const save = await runMain(['explore', '--cell', 'type1', '--save', '--impl-command', EXAMPLE]);
    expect(save).toMatchObject({ code: 2, stderr: "lstm-parity: --save keeps regressions for this package's cells; it cannot be used with another implementation\n" });
  });

  it('should fail accuracy and explore (exit 1) when the implementation crashed and was restarted', async () => {
    const dir = join(tmp.dir, 'accuracy-crash-once');
    mkdirSync(dir);
    const accuracy = await withEnv({ LSTM_PARITY_FAULT_DIR: dir }, () => runMain(['accuracy', '--case', 'golden/type1/seed-shape.json', '--impl-command', faulty('crash-once')]));
    expect(accuracy.code).toBe(1);
    expect(accuracy.stdout).toMatch(/\n\naccuracy: FAILED: faulty_lstm\.py crash-once crashed and was restarted 1 time \(.*exited with code 3; its last stderr line: fatal: simulated crash\); an implementation that crashes is not OK\n$/);
    const explore = await runMain(['explore', '--cell', 'type1', '--runs', '12', '--impl-command', faulty('crash-every-5')]);
    expect(explore.code).toBe(1);
    expect(explore.stderr).toMatch(/^explore: FAILED: faulty_lstm\.py crash-every-5 crashed and was restarted \d+ times \(/);
  });

  it('should set a float32 implementation beside NumPy in float32 and in float64 against the truth', async () => {
    const { code, stdout } = await runMain(['accuracy', '--case', 'golden/type1/seed-shape.json', '--impl-command', `${EXAMPLE} --dtype float32`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^accuracy type1 \(T 6, H 4, X 3\) of my_lstm\.py \(NumPy, stacked gates, float32\) NumPy \S+ \(float32\): truth from mpmath/);
    expect(stdout).toMatch(/\nkey +port f32 ULP +median +max \|err\| +NumPy f32 ULP +median +max \|err\| +closer\n/);
    expect(stdout).toMatch(/\nfor comparison, NumPy in float64 against the same truth:\n {2}Output: NumPy float64 max \d+ ULP \(float64\)/);
  });
});

describeWithNumpy('a command that answers batches wrongly', () => {
  const cases = [1, 2, 3, 4].map((k) => {
    const c = campaignCase('type1', 5, k);
    return { c: toFlatCase('type1', c.value, { allowNonFinite: c.allowNonFinite }), name: c.name, input: c.value as CaseInput };
  });

  it('should fail only the results that hold neither outputs nor an error, keep the first line of an error, and fail for good on a single reply to a batch', async () => {
    const garbled = await openCommandImplementation({ command: faulty('batch-garbled') });
    try {
      expect(garbled.batch).toBe(4);
      const { results, fatal } = await runImplementations(garbled, cases);
      expect(fatal).toBeUndefined();
      const failed = results.filter((r) => r instanceof Error).map((r) => (r as Error).message.replace(/^.*: failed: /, ''));
      expect(failed.sort()).toEqual(['no kernel for this shape', 'result 1 of the batch holds neither "outputs" (an object) nor "error" (a string)']);
      expect(results.filter((r) => r !== undefined && !(r instanceof Error))).toHaveLength(2);
    } finally {
      await garbled.close();
    }
    const asOne = await openCommandImplementation({ command: faulty('batch-as-one') });
    try {
      const { fatal } = await runImplementations(asOne, cases);
      expect(fatal?.message).toMatch(/a batch of 4 type1 cases failed: python3 \S+ batch-as-one answered a batch of 4 cases without "results"$/);
    } finally {
      await asOne.close();
    }
  });
});

describeWithNumpy('a hung command', () => {
  it('should be killed after the timeout, with the cases not judged counted and no process left', async () => {
    const impl = await openCommandImplementation({ command: faulty('hang'), timeoutMs: 1500 });
    const oracle = await NumpyOracle.start();
    try {
      const { result } = await verify({ casesPerCell: 3, seed: 1, shard: { index: 1, count: 1 }, cells: ['type1', 'type2'], goldenDir: join(ROOT, 'golden'), probes: false, implementation: impl, oracle });
      expect(result.ok).toBe(false);
      expect(result.implementationFailed).toEqual({ reason: expect.stringMatching(/: golden\/type1\/[a-z0-9-]+: failed: python3 \S+ hang gave no reply within 1500 ms and was killed$/), notJudged: 32, planned: 32 });
    } finally {
      await impl.close();
      await oracle.close();
    }
    expect(await processesMatching('faulty_lstm.py hang')).toEqual([]);
  });
});
