/**
 * lstm-parity scoreboard, small: implementations given on the command line (--only), a peer
 * whose Python is missing listed with the reason, a wrong cell failing its row, and both files
 * written. The committed docs/scoreboard.md comes from a default run (README: Scoreboard).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreboardCommand } from '../src/cli/scoreboard.js';
import { causeOf, notes, scoreboardHtml, scoreboardMarkdown } from '../src/scoreboard/format.js';
import type { Scoreboard, ScoreRow } from '../src/scoreboard/scoreboard.js';
import { scratch } from './helpers/faults.js';
import { capture, runMain } from './helpers/in-process.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('scoreboard');
afterAll(() => tmp.remove());

// Four truth cases: the fourth (index 3) is an edge case, with NaN and infinities in it.
const small = ['--cases', '5', '--truth', '4', '--runs', '2', '--only'];
// Each run judges the golden corpus and the properties per implementation: minutes on a busy machine.
const SLOW = 300_000;

describe('scoreboard usage', () => {
  it.each([
    [['--only'], '--only: give at least one --impl or --impl-command'],
    [['--runs', '1.5'], '--runs: expected a share in (0, 1] or a whole number of runs, got "1.5"'],
    [['--impl', 'nope'], '--impl: unknown implementation "nope"'],
    [['--impl-dtype', 'float32'], '--impl-dtype: only for --impl-command'],
  ])('should refuse %j with exit 2', async (args, message) => {
    const { code, stderr } = await runMain(['scoreboard', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});

describe('a crashing implementation on the scoreboard', () => {
  it('should fail its row and say how often it crashed, under the table', () => {
    const row = {
      implementation: 'crashy',
      dtype: 'float64',
      judgedAs: 'float64',
      cell: 'type1',
      keys: [],
      cases: 19,
      agree: 19,
      illConditioned: 0,
      quirks: 0,
      portBugs: 0,
      errors: 0,
      restarts: { count: 3, causes: ['crashy exited with code 3', 'crashy exited with code 3'] },
      vsNumpy: { maxUlps: 0, maxAbs: 0 },
      msPerCase: 1,
      ok: false,
    } as const;
    const board = { date: 'today', settings: { casesPerCell: 5, seed: 1, propertyRuns: 2, truthCases: 4 }, environment: { node: 'v20', python: '3', numpy: '2', blas: 'x' }, rows: [row], numpyVsTruth: {}, unavailable: [], propertyFailures: [], noPeer: [] };
    expect(notes(board as unknown as Scoreboard)).toContain('crashy type1: crashed and was restarted 3 times (crashy exited with code 3); an implementation that crashes does not pass.');
    expect(scoreboardMarkdown(board as unknown as Scoreboard, 'lstm-parity scoreboard')).toMatch(/\n\| crashy \| type1 \| .* \| FAILS \|\n/);
  });
});

describe('findings on the scoreboard', () => {
  const record = (id: string, mistakes: { id: string; onOriginal: boolean; onControls?: boolean }[], saved?: { shrunk?: string; original: string }) => ({
    case: id,
    cell: 'type1',
    check: 'numpy',
    original: { steps: 3, hidden: 2, inputs: 1 },
    notShrunk: 'no time was left for shrinking (--shrink-time)',
    mistakes: mistakes.map((m) => ({ ...m, title: `the mistake ${m.id}` })),
    saved,
  });
  const row = (records: ReturnType<typeof record>[], notDiagnosed = 0) =>
    ({ implementation: 'p <x>', dtype: 'float64', judgedAs: 'float64', cell: 'type1', keys: [], cases: 19, agree: 16, illConditioned: 0, quirks: 0, portBugs: 3, errors: 0, vsNumpy: { maxUlps: 0, maxAbs: 0 }, msPerCase: 1, ok: false, args: '--impl-command p', diagnoses: { records, notDiagnosed } }) as const;
  const board = (rows: ReturnType<typeof row>[]) =>
    ({ date: 'today', settings: { casesPerCell: 5, seed: 1, propertyRuns: 2, truthCases: 4 }, environment: { node: 'v20', python: '3', numpy: '2', blas: 'x' }, rows, numpyVsTruth: {}, unavailable: [], propertyFailures: [], noPeer: [] }) as unknown as Scoreboard;

  it('should name as cause the mistake that reproduces most cases and their controls, else say none does', () => {
    const both = record('a', [{ id: 'swap', onOriginal: true, onControls: false }, { id: 'daz', onOriginal: true, onControls: true }], { shrunk: 'findings/p/a.shrunk.json', original: 'findings/p/a.json' });
    const only = record('b', [{ id: 'swap', onOriginal: true }]);
    expect(causeOf(row([both, record('c', [{ id: 'daz', onOriginal: true }])]) as unknown as ScoreRow)).toBe('the mistake daz (reproduces 2 of 2 diagnosed cases)');
    expect(causeOf(row([only]) as unknown as ScoreRow)).toBe('the mistake swap (reproduces 1 of 1 diagnosed case)');
    expect(causeOf(row([record('d', [{ id: 'x', onOriginal: false }])]) as unknown as ScoreRow)).toBe('no catalogued porting mistake reproduces the 1 diagnosed case');
    expect(causeOf(row([]) as unknown as ScoreRow)).toBeUndefined();
    const markdown = scoreboardMarkdown(board([row([both], 2) as never]), 'npx lstm-parity scoreboard');
    expect(markdown).toContain('### p <x> type1: 3 port bugs\n\nCause: the mistake daz (reproduces 1 of 1 diagnosed case). 2 more not diagnosed (--shrink-cases).');
    expect(markdown).toContain('[a [numpy]](findings/p/a.shrunk.json):');
    expect(markdown).toContain('replay: npx lstm-parity verify --case findings/p/a.shrunk.json --impl-command p');
    const page = scoreboardHtml(board([row([both, only]) as never]), 'npx lstm-parity scoreboard');
    expect(page).toContain('<h3>p &lt;x&gt; type1: 3 port bugs</h3>');
    expect(page).toContain('<a href="findings/p/a.shrunk.json">a [numpy]</a>');
    expect(page).toContain('<p>b [numpy]</p>');
    expect(scoreboardHtml(board([]), 'x')).toContain('No port bug was diagnosed.');
  });
});

describeWithNumpy('scoreboard', () => {
  it('should score the implementations given, list a peer that cannot start with the reason, and write both files', async () => {
    const out = join(tmp.dir, 'board');
    const before = process.env.LSTM_PARITY_PEER_PYTHON;
    process.env.LSTM_PARITY_PEER_PYTHON = join(tmp.dir, 'no-such-python');
    let result;
    try {
      result = await capture(() => scoreboardCommand([...small, '--out', out, '--impl', './examples/node/my-lstm.mjs', '--impl', 'torch-float64', '--impl', 'tfjs-cpu']));
    } finally {
      if (before === undefined) delete process.env.LSTM_PARITY_PEER_PYTHON;
      else process.env.LSTM_PARITY_PEER_PYTHON = before;
    }
    expect(result.code, result.stdout).toBe(0);
    const markdown = readFileSync(join(out, 'scoreboard.md'), 'utf8');
    expect(result.stdout).toBe(markdown);
    // 13 golden files, 5 live cases and the chaotic probe (ill-conditioned, not a failure) per cell;
    // the two exact saturation facts of the gates are skipped: the example claims no exact arithmetic.
    expect(markdown).toMatch(/\n\| my-lstm\.mjs \(plain Node\) \| type1 \| float64 \| 1\.0\.0 \| 19 \| \d+ \| \d+ \| 0 \| 0 \| 0 \| \d+ \| [\d.e-]+ \| \d+ \| [\d.e-]+ \| \d+ \/ 0 \/ 2 \| .* \| passes \|\n/);
    expect(markdown).toMatch(/\n\| tfjs-cpu \| type1 \| float32 \| tfjs-core [\d.]+ \| 19 \| \d+ \| \d+ \| 0 \| 0 \| 0 \| .* \| passes \|\n/);
    expect(markdown).toMatch(/\n\| tfjs-cpu \| type1 \| float32 \(as float64\) \| .* \| fails the float64 policy \(expected of float32\) \|\n/);
    expect(markdown).toContain('- torch-float64: not scored here: torch-float64: ');
    expect(markdown).toContain('- tfjs-cpu type1: against the float64 seed (reported, not judged) max abs');
    expect(markdown).not.toContain('no library implements'); // type 2 was scored for the Node example
    const page = readFileSync(join(out, 'scoreboard.html'), 'utf8');
    expect(page).toContain('<title>lstm-parity scoreboard</title>');
    expect(page).toContain('my-lstm.mjs (plain Node)');
  }, SLOW);

  it('should fail the row of a wrong cell and exit 1, with its cause, a reproducer that replays, and its failed properties', async () => {
    const out = join(tmp.dir, 'wrong');
    const command = 'python3 test/fixtures/implementations/wrong_lstm.py swapped-gates';
    const { code, stdout } = await capture(() => scoreboardCommand([...small, '--json', '--shrink-cases', '2', '--out', out, '--impl-command', command]));
    expect(code).toBe(1);
    const board = JSON.parse(stdout) as Scoreboard;
    const type1 = board.rows.find((r) => r.cell === 'type1')!;
    expect(type1).toMatchObject({ ok: false, args: `--impl-command '${command}'` });
    expect(type1.portBugs).toBeGreaterThan(5);
    expect(board.rows.find((r) => r.cell === 'type2')).toMatchObject({ ok: true, portBugs: 0 });
    expect(board.rows.find((r) => r.cell === 'type2')!.diagnoses).toBeUndefined();
    expect(board.propertyFailures.length).toBeGreaterThan(0);
    // Diagnosed: each case shrunk, explained by the swap on the original case, and saved beside the scoreboard.
    expect(type1.diagnoses!.records).toHaveLength(2);
    expect(type1.diagnoses!.notDiagnosed).toBe(type1.portBugs - 2);
    for (const record of type1.diagnoses!.records) {
      expect(record.mistakes.filter((m) => m.onOriginal).map((m) => m.id)).toContain('swap-i-g');
      expect(record.saved!.shrunk).toMatch(/^findings\/wrong_lstm\.py-swapped-gates\/[\w-]+\.shrunk\.json$/);
      expect(JSON.parse(readFileSync(join(out, record.saved!.shrunk!), 'utf8'))).toMatchObject({ cell: 'type1', source: { kind: 'finding' } });
    }
    expect(causeOf(type1)).toBe('input and forget gates swapped (weights and biases) (reproduces 2 of 2 diagnosed cases)');
    const markdown = readFileSync(join(out, 'scoreboard.md'), 'utf8');
    expect(markdown).toContain(`Written by \`npx lstm-parity scoreboard --cases 5 --truth 4 --runs 2 --only --json --shrink-cases 2 --out ${out} --impl-command '${command}'\``);
    expect(markdown).toMatch(/\n## Findings\n[^]*\n### wrong_lstm\.py swapped-gates type1: \d+ port bugs\n\nCause: input and forget gates swapped \(weights and biases\) \(reproduces 2 of 2 diagnosed cases\)\. \d+ more not diagnosed/);
    const replay = /\nreplay: npx lstm-parity verify --case (\S+) --impl-command '([^']+)'\n/.exec(markdown)!;
    expect(replay[2]).toBe(command);
    const replayed = await runMain(['verify', '--case', join(out, replay[1]), '--impl-command', command]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('reproduced by: input and forget gates swapped (weights and biases)');
    expect(markdown).toContain('## Failed properties');
  }, SLOW);
});
