/**
 * From FAIL to the cause, as a user meets it: wrong ports behind the command protocol
 * (test/fixtures/implementations/mistaken_lstm.py), each rebuilt from a situation verify used to
 * leave at "FAILED", run through `lstm-parity verify` with `--save-failures`. Each ends with its
 * cause named, a shrunk case saved that `verify --case` replays (failing for the port, passing for
 * this package's cells, no Python needed), no quirk verdict for the port's own faults, and the
 * features that set its failing cases apart. And the edges: bad --case files and --save-failures
 * paths, live-case names, and a port that crashes or hangs while it is shrunk.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { runMain, withEnv } from './helpers/in-process.js';
import { describeWithNumpy } from './helpers/numpy.js';

const python = process.env.LSTM_PARITY_PYTHON || 'python3';
const mistaken = (id: string) => `${python} ${join(ROOT, 'test/fixtures/implementations/mistaken_lstm.py')} ${id}`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lstm-parity-diagnosis-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Situation {
  title: string;
  mistake: string;
  args: string[];
  /** The catalogue's name for it, as the report says it. */
  named: RegExp;
  /** What the contrast must say, when something sets the failing cases apart. */
  contrast?: RegExp;
}

const SITUATIONS: Situation[] = [
  {
    title: 'a float64 port that flushes subnormal weights and inputs to zero (as XLA on CPU)',
    mistake: 'daz',
    args: ['--cases', '240'],
    named: /reproduced by: subnormal inputs and weights read as zero/,
    contrast: /failing cases hold subnormal (weights|inputs); \d+ of \d+ passing ones do/,
  },
  { title: 'input and forget gates swapped', mistake: 'swap-i-g', args: ['--cases', '24', '--cell', 'type1'], named: /reproduced by: input and forget gates swapped \(weights and biases\)/ },
  { title: 'a port that sends 0 where NumPy gives NaN', mistake: 'nan-as-zero', args: ['--cases', '240'], named: /reproduced by: NaN sent as 0/, contrast: /hold NaN or an infinity/ },
  {
    title: 'a recurrent product in blocks of 32 rows that drops the partial block (only wide cases show it)',
    mistake: 'recurrent-rows-in-blocks-of-32',
    args: ['--cases', '700', '--cell', 'type2'],
    named: /reproduced by: the recurrent product computed in blocks of 32 rows/,
    contrast: /(the one failing case has|all \d+ failing cases have) H > 32; \d+ of \d+ passing ones do/,
  },
];

describeWithNumpy('verify --save-failures on wrong ports, then verify --case', () => {
  it.each(SITUATIONS.map((s) => [s.title, s] as const))('should name the cause of %s, save a shrunk case, and replay it', async (_, s) => {
    const saved = join(dir, s.mistake);
    const run = await runMain(['verify', ...s.args, '--jobs', '1', '--shrink-cases', '2', '--save-failures', saved, '--impl-command', mistaken(s.mistake)]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/verify: FAILED: \d+ of \d+ cases are port bugs/);
    expect(run.stdout).toMatch(s.named);
    // The port's own faults are never NumPy's quirks (a quirk needs NumPy to depart from exact arithmetic).
    expect(run.stdout).not.toMatch(/note \S+ \[numpy\]: reference platform quirk/);
    if (s.contrast !== undefined) expect(run.stdout).toMatch(s.contrast);
    const diagnosis = run.stdout.slice(run.stdout.indexOf('\ndiagnosis of '));
    expect(diagnosis).toMatch(/minimal case \(T \d+, H \d+, X \d+, (shrunk from|nothing smaller)/);
    expect(diagnosis).toMatch(/first difference: step \d+ \w+ unit \d+: implementation .*, NumPy .*\n {4}the seed's terms there/);
    const shrunk = readdirSync(saved).filter((name) => name.endsWith('.shrunk.json'));
    expect(shrunk.length).toBeGreaterThan(0);
    const file = join(saved, shrunk[0]);
    expect(diagnosis).toContain(`replay: npx lstm-parity verify --case ${file} --impl-command '${mistaken(s.mistake)}'`);
    const saved0 = JSON.parse(readFileSync(file, 'utf8')) as { finding: { implementation: string; mistakes: { id: string }[] } };
    expect(saved0.finding.implementation).toBe(`mistaken_lstm.py ${s.mistake}`);
    expect(saved0.finding.mistakes.map((m) => m.id)).toContain(s.mistake);
    const replay = await runMain(['verify', '--case', file, '--shrink-time', '0', '--impl-command', mistaken(s.mistake)]);
    expect([replay.code, replay.stdout]).toEqual([1, expect.stringMatching(new RegExp(`FAIL ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\[`))]);
    expect(replay.stdout).toMatch(s.named);
    const cells = await runMain(['verify', '--case', file]);
    expect([cells.code, cells.stdout]).toEqual([0, expect.stringContaining('verify: OK: 1 case, lstm-parity agrees with NumPy')]);
  }, 240_000);

  it('should replay a live case named in a log, drawn again with lstm-parity case', async () => {
    const named = await runMain(['case', 'type1/live-1-8']);
    expect(named.code).toBe(0);
    const file = join(dir, 'live-8.json');
    writeFileSync(file, named.stdout);
    const replay = await runMain(['verify', '--case', file, '--shrink-cases', '0', '--impl-command', mistaken('swap-i-g')]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`FAIL ${file} [numpy]: PORT BUG`);
    expect(replay.stdout).toContain('1 more port-bug case was not diagnosed (--shrink-cases sets how many are)');
    expect((await runMain(['verify', '--case', file])).code).toBe(0);
  });

  it('should end shrinking a port that hangs within its budget, and say so', async () => {
    const named = await runMain(['case', 'type2/live-1-2']);
    const file = join(dir, 'live-2.json');
    writeFileSync(file, named.stdout);
    const started = performance.now();
    const run = await runMain(['verify', '--case', file, '--shrink-time', '3', '--impl-command', `${mistaken('hang-after-1')}`]);
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/stopped: the implementation did not answer within the shrink budget/);
  });
});

describeWithNumpy('verify --case, the rest of its paths', () => {
  const faulty = (fault: string) => `${python} ${join(ROOT, 'test/fixtures/implementations/faulty_lstm.py')} ${fault}`;

  it('should print one JSON document with --json, count an error reply as a failed run, and fail a command that crashed', async () => {
    const json = await runMain(['verify', '--case', 'golden/type1/seed-shape.json', '--case', 'golden/type2/seed-shape.json', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ format: 'lstm-parity case verdicts 1', ok: true, cases: [{ file: 'golden/type1/seed-shape.json', cell: 'type1', ok: true }, { cell: 'type2', ok: true }], implementationRestarts: 0 });
    const file = join(dir, 'type2-case.json');
    writeFileSync(file, (await runMain(['case', 'type2/live-1-3'])).stdout);
    const errored = await runMain(['verify', '--case', file, '--shrink-cases', '0', '--impl-command', faulty('error-type2')]);
    expect(errored.code).toBe(1);
    expect(errored.stdout).toContain(`FAIL ${file} [run]: PORT BUG: the implementation failed on the case: `);
    expect(errored.stdout).toContain('type 2 is not supported yet');
    const crashed = await withEnv({ LSTM_PARITY_FAULT_DIR: dir }, () => runMain(['verify', '--case', file, '--shrink-cases', '0', '--impl-command', faulty('crash-once')]));
    expect(crashed.code).toBe(1);
    expect(crashed.stdout).toMatch(/\nverify: FAILED: faulty_lstm\.py crash-once crashed and was restarted 1 time\n/);
  });

  it('should refuse a golden file of another cell than --cell, stdin, and a case its implementation lacks the cell for', async () => {
    for (const [args, message] of [
      [['verify', '--case', 'golden/type1/seed-shape.json', '--cell', 'type2'], /^lstm-parity: --cell type2 does not match the golden file's cell type1\n$/],
      [['verify', '--case', '-'], /^lstm-parity: --case: give files, not stdin: a finding names its file\n$/],
      [['verify', '--case', 'golden/type2/seed-shape.json', '--impl', 'tfjs-cpu'], /^lstm-parity: --case golden\/type2\/seed-shape\.json: a type2 case, and tfjs-cpu implements type1 only\n$/],
    ] as const) {
      const result = await runMain([...args]);
      expect([result.code, result.stdout], args.join(' ')).toEqual([2, '']);
      expect(result.stderr).toMatch(message);
    }
  });
});

describe('lstm-parity case', () => {
  it('should write a golden file as it is, by name with or without .json, and draw a live case again from another seed', async () => {
    const text = readFileSync(join(ROOT, 'golden/type1/seed-shape.json'), 'utf8');
    for (const name of ['golden/type1/seed-shape', 'golden/type1/seed-shape.json']) {
      const golden = await runMain(['case', name]);
      expect([golden.code, JSON.parse(golden.stdout)]).toEqual([0, JSON.parse(text)]);
    }
    const reseeded = await runMain(['case', 'type2/live-1-5', '--seed', '7']);
    const drawn = await runMain(['case', 'type2/live-7-5']);
    expect(reseeded.code).toBe(0);
    expect(reseeded.stdout).toBe(drawn.stdout);
    expect(JSON.parse(reseeded.stdout)).toMatchObject({ cell: 'type2', name: 'type2/live-7-5' });
    const probe = JSON.parse((await runMain(['case', 'type1/chaotic-probe'])).stdout) as { case: { S: number[][] } };
    expect(probe.case.S).toHaveLength(200);
  });
});

describe('bad input to the diagnosis options', () => {
  it('should refuse, in one line with exit 2, a --case file that is not a case, a --save-failures path that is not a folder, and a name that is not a case', async () => {
    const notCase = join(dir, 'not-a-case.json');
    writeFileSync(notCase, '{"S": [[1]], "W": {"w_i": [[1]]}}');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const [args, message] of [
      [['verify', '--case', notCase, '--cell', 'type1'], new RegExp(`^lstm-parity: --case ${notCase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: W\\.u_i: missing`)],
      [['verify', '--case', join(dir, 'missing.json')], /^lstm-parity: .*missing\.json: no such file/],
      [['verify', '--cases', '5', '--save-failures', file], new RegExp(`^lstm-parity: --save-failures ${file}: not a folder\n$`)],
      [['verify', '--case', notCase, '--cases', '5'], /^lstm-parity: --case: judges the files given, alone/],
      [['verify', '--shrink-time', '-1'], /^lstm-parity: --shrink-time: expected an integer >= 0/],
      [['case', 'type3/live-1-1'], /^lstm-parity: case: "type3\/live-1-1" is not a case name/],
      [['case', 'type1/chaotic-probe', '--seed', '2'], /^lstm-parity: --seed: only for live cases; the chaotic probe is fixed\n$/],
      [['case', 'golden/type1/seed-shape', '--seed', '2'], /^lstm-parity: --seed: only for live cases; a golden file is fixed\n$/],
      [['case', 'golden/type1/no-such-file'], /^lstm-parity: case: "golden\/type1\/no-such-file" is not in the golden corpus \(.*MANIFEST\.json\)\n$/],
      [['case', 'type1/live-1-1', 'type1/live-1-2'], /^lstm-parity: case: expected one case name, got 2\n$/],
      [['case', 'type1/live-1-1', '--seed', 'x'], /^lstm-parity: --seed: expected an integer/],
    ] as const) {
      const result = await runMain([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
