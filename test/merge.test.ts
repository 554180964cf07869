/**
 * `lstm-parity merge`: four shards of a campaign, merged, say exactly what the unsharded run says
 * (counts, findings, largest errors and where, the report's data); shards of another campaign,
 * duplicates and gaps are refused with one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCounts, mergeShards, MergeError, readShard, type Shard } from '../src/campaign/merge.js';
import { RESULT_FORMAT, type VerifyResult } from '../src/campaign/result.js';
import { verify } from '../src/campaign/verify.js';
import { verifyCommand } from '../src/cli/verify.js';
import { reviveDouble } from '../src/format/doubles.js';
import { stringifyDoubles } from '../src/format/json-writer.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { ROOT } from './helpers/cli.js';
import { scratch } from './helpers/faults.js';
import { swappedGates } from './helpers/implementations.js';
import { capture, runMain } from './helpers/in-process.js';
import { describeWithNumpy } from './helpers/numpy.js';

const tmp = scratch('merge');
afterAll(() => tmp.remove());

/** A result as `--json` writes it and merge reads it back. */
const roundTrip = (result: VerifyResult): VerifyResult => JSON.parse(stringifyDoubles(result), reviveDouble) as VerifyResult;
/** Everything but where it ran and how many shards: what must be equal. */
// Each shard diagnoses its own first port bugs, within its own time: diagnoses are carried, not
// recomputed, so the merge keeps theirs, which need not be the unsharded run's.
const campaignOf = (result: VerifyResult) => ({ ...result, environment: undefined, merged: undefined, diagnoses: undefined });

describe('merging counts', () => {
  it('should sum counts, keep the largest max with its location (ties to the lower order), and join arrays of reasons as distinct values', () => {
    const into = { cases: 2, maxAbs: 1, maxAbsAt: { order: 9 }, extra: { checked: 1 }, notes: ['a'] };
    mergeCounts(into, { cases: 3, maxAbs: 1, maxAbsAt: { order: 4 }, extra: { checked: 2, failed: 1 }, notes: ['b', 'a'] });
    expect(into).toEqual({ cases: 5, maxAbs: 1, maxAbsAt: { order: 4 }, extra: { checked: 3, failed: 1 }, notes: ['a', 'b'] });
    mergeCounts(into, { cases: 0, maxAbs: 0.5, maxAbsAt: { order: 1 } });
    expect(into.maxAbsAt).toEqual({ order: 4 });
  });
});

describeWithNumpy('merging the shards of a campaign', () => {
  let oracle: NumpyOracle;
  let whole: VerifyResult;
  let shards: Shard[];
  const base = { cells: ['type1', 'type2'] as const, casesPerCell: 23, seed: 17, probes: true, goldenDir: join(ROOT, 'golden'), implementation: swappedGates, findingsPerKind: 30 };

  beforeAll(async () => {
    oracle = await NumpyOracle.start();
    const run = async (index: number, count: number) => roundTrip((await verify({ ...base, cells: [...base.cells], shard: { index, count }, oracle })).result);
    whole = await run(1, 1);
    shards = [];
    for (const index of [3, 1, 4, 2]) shards.push({ source: `shard-${index}.json`, result: await run(index, 4) });
  }, 180_000);
  afterAll(async () => {
    await oracle.close();
  });

  it('should give what the unsharded run gives: counts, findings, largest errors and where, the report', () => {
    // Broken type 1 cells: findings in every shard, more than the 30 kept per cell and verdict.
    expect(whole.cells.type1.live.failures).toBeGreaterThan(13);
    expect(whole.findingsOmitted).toBeGreaterThan(0);
    expect(shards.every((s) => s.result.findings.some((f) => f.source === 'live'))).toBe(true);
    const merged = mergeShards(shards);
    expect(merged.merged).toEqual({ shards: 4 });
    expect(merged.cells).toEqual(whole.cells);
    expect(merged.cells.type2.live.maxAbsAt).toBeDefined();
    expect(merged.findings).toEqual(whole.findings);
    expect(merged.findingsOmitted).toBe(whole.findingsOmitted);
    expect(merged.report).toEqual(whole.report);
    expect(campaignOf(merged)).toEqual(campaignOf(whole));
  });

  it('should refuse shards of different campaigns, duplicates, gaps and skipped shards with one line', () => {
    const edit = (index: number, change: (r: VerifyResult) => void): Shard[] =>
      shards.map((s) => {
        if (s.result.campaign.shard.index !== index) return s;
        const result = structuredClone(s.result);
        change(result);
        return { ...s, result };
      });
    const cases: [string, Shard[], string][] = [
      ['another seed', edit(2, (r) => (r.campaign.seed = 18)), "shard-2.json: seed 18 differs from shard-1.json's 17; shards of one campaign share it"],
      ['another count', edit(3, (r) => (r.campaign.casesPerCell = 24)), "shard-3.json: cases per cell 24 differs from shard-1.json's 23; shards of one campaign share it"],
      ['other cells', edit(4, (r) => (r.campaign.cells = ['type1'])), "shard-4.json: cells type1 differs from shard-1.json's type1, type2; shards of one campaign share it"],
      ['another version', edit(2, (r) => (r.lstmParity = '9.9.9')), "shard-2.json: lstm-parity version 9.9.9 differs from shard-1.json's 0.2.0; shards of one campaign share it"],
      ['another NumPy', edit(2, (r) => (r.environment.numpy = '1.26.4')), `shard-2.json: NumPy version 1.26.4 differs from shard-1.json's ${whole.environment.numpy}; shards of one campaign share it`],
      ['another manifest', edit(3, (r) => (r.campaign.golden.manifestSha256 = '0'.repeat(64))), `shard-3.json: golden manifest (sha256) ${'0'.repeat(64)} differs from shard-1.json's ${whole.campaign.golden.manifestSha256}; shards of one campaign share it`],
      ['another implementation', edit(4, (r) => (r.campaign.implementation = { ...r.campaign.implementation, name: 'lstm-parity', version: '0.2.0' })), "shard-4.json: implementation lstm-parity 0.2.0 float64 differs from shard-1.json's swapped gates float64; shards of one campaign share it"],
      ['another precision', edit(4, (r) => (r.campaign.implementation = { ...r.campaign.implementation, dtype: 'float32' })), "shard-4.json: implementation swapped gates float32 differs from shard-1.json's swapped gates float64; shards of one campaign share it"],
      ['another shard count', edit(4, (r) => (r.campaign.shard = { index: 4, count: 5 })), "shard-4.json: shard count 5 differs from shard-1.json's 4; shards of one campaign share it"],
      ['a duplicate', [...shards, { ...shards[0], source: 'copy.json' }], 'copy.json: shard 3/4 again (shard-3.json is shard 3/4 too)'],
      ['a gap', shards.filter((s) => s.result.campaign.shard.index !== 2), 'shard 2 of 4 missing: 3 of 4 given'],
      ['two gaps', shards.slice(0, 2), 'shards 2, 4 of 4 missing: 2 of 4 given'],
      ['a skipped live campaign', edit(2, (r) => Object.assign(r, { liveSkipped: 'NumPy is unavailable', environment: { ...r.environment, problem: 'Python not found' } })), 'shard-2.json: its live campaign was skipped (Python not found), so its cases would be a gap'],
      ['a merged result', edit(1, (r) => (r.merged = { shards: 2 })), 'shard-1.json: already a merge of 2 shards; merge the shards themselves'],
      ['other golden results', edit(4, (r) => (r.cells.type2.golden.agree -= 1)), "shard-4.json: its golden corpus results differ from shard-1.json's (the same corpus judged differently: another Node.js?)"],
    ];
    for (const [what, given, message] of cases) {
      expect(() => mergeShards(given), what).toThrowError(MergeError);
      expect(() => mergeShards(given), what).toThrowError(message);
    }
    expect(() => mergeShards([])).toThrowError('no shards to merge');
  });

  it('should read every shard as it is, and refuse one whose counts do not add up, naming the file and the field', () => {
    for (const shard of [...shards, { source: 'whole.json', result: whole }]) expect(readShard(shard.source, shard.result).result).toEqual(shard.result);
    const tampered = (change: (r: VerifyResult) => void) => {
      const result = structuredClone(shards[0].result);
      change(result);
      return () => readShard('shard-x.json', result);
    };
    const live = shards[0].result.cells.type1.live;
    const cases: [string, (r: VerifyResult) => void, string | RegExp][] = [
      ['a negative count', (r) => (r.cells.type1.live.cases = -5), 'cells.type1.live.cases: -5 is not a count (expected an integer >= 0)'],
      ['a fraction', (r) => (r.cells.type2.golden.agree = 12.5), 'cells.type2.golden.agree: 12.5 is not a count (expected an integer >= 0)'],
      ['a count that is not a number', (r) => Object.assign(r.cells.type1.checks.numpy, { failures: '0' }), 'cells.type1.checks.numpy.failures: "0" is not a count (expected an integer >= 0)'],
      [
        'cases that are not the sum of the verdicts',
        (r) => (r.cells.type1.live.cases += 1),
        `cells.type1.live: cases ${live.cases + 1} is not agree ${live.agree} + ill-conditioned ${live.illConditioned} + quirks ${live.quirks} + failures ${live.failures} = ${live.cases}`,
      ],
      ['failures no check failed', (r) => Object.assign(r.cells.type2.live, { agree: r.cells.type2.live.agree - 1, failures: r.cells.type2.live.failures + 1 }), /^cells\.type2\.live: failures \d+ is more than its checks' failures together \(\d+\)$/],
      ['a check failing more cases than it ran', (r) => (r.cells.type1.live.checks['fact:h-bounded'].failures = 10_000), `cells.type1.live.checks.fact:h-bounded: failures 10000 is more than its cases ${live.checks['fact:h-bounded'].cases}`],
      ['a check run on more cases than there are', (r) => (r.cells.type1.golden.checks.numpy.notChecked = 50), /^cells\.type1\.golden\.checks\.numpy: cases 13 \+ not checked 50 is more than the 13 cases of cells\.type1\.golden$/],
      ['a case not run', (r) => (r.cells.type1.live.checks.run.cases -= 1), `cells.type1.live.checks.run: cases ${live.cases - 1} is not the ${live.cases} cases of cells.type1.live (every case is run)`],
      ['a cell total', (r) => (r.cells.type2.cases += 3), /^cells\.type2\.cases: \d+ is not golden 13 \+ live \d+$/],
      ['a cell check total', (r) => (r.cells.type1.checks.numpy.cases += 1), /^cells\.type1\.checks\.numpy\.cases: \d+ is not the golden and live ones together \(\d+\)$/],
      ['a distance', (r) => (r.cells.type1.live.maxAbs = -1), 'cells.type1.live.maxAbs: -1 is not a distance (expected a number >= 0)'],
      ['fewer live cases than the campaign plans', (r) => (r.campaign.casesPerCell = 40), /^cells\.\*\.live\.cases: \d+ live cases is not the \d+ this shard of the campaign plans$/],
      ['a restart count', (r) => (r.workerRestarts = { count: 0, causes: ['killed'] }), 'workerRestarts: count 0 is less than its 1 causes'],
      ['an implementation restart count', (r) => (r.implementationRestarts = { count: -1, causes: [] }), 'implementationRestarts.count: -1 is not a count (expected an integer >= 0)'],
      ['a check failing more cases than its cell', (r) => (r.cells.type2.live.checks.numpy.failures = r.cells.type2.live.failures + 1), /^cells\.type2\.live\.checks\.numpy: failures \d+ is more than the \d+ failures of cells\.type2\.live$/],
      ['more golden cases than files', (r) => (r.campaign.golden.files = 5), 'cells.type1.golden.cases: 13 is more than the corpus\'s 5 files'],
      ['more cases not judged than planned', (r) => (r.liveIncomplete = { reason: 'x', notJudged: 50, planned: 12 }), 'liveIncomplete: notJudged 50 is more than planned 12'],
      ['another plan for the cases not judged', (r) => (r.liveIncomplete = { reason: 'x', notJudged: 0, planned: 99 }), /^liveIncomplete\.planned: 99 is not the \d+ live cases this shard of the campaign plans$/],
      ['more cases not judged than the implementation was given', (r) => (r.implementationFailed = { reason: 'x', notJudged: 50, planned: 12 }), 'implementationFailed: notJudged 50 is more than planned 12'],
      ['more live cases than planned, the implementation failed', (r) => Object.assign(r, { implementationFailed: { reason: 'x', notJudged: 0, planned: 100 }, campaign: { ...r.campaign, casesPerCell: 4 } }), /^cells\.\*\.live\.cases: \d+ live cases is not the \d+ this shard of the campaign plans$/],
      ['a histogram count', (r) => (r.report.ulpHistogram.live.type2.Output[0] = -1), 'report.ulpHistogram.live.type2.Output[0]: -1 is not a count (expected an integer >= 0)'],
    ];
    // An implementation that failed for good leaves fewer live cases than planned, and that adds up.
    expect(() => tampered((r) => Object.assign(r, { implementationFailed: { reason: 'x', notJudged: 10, planned: 100 }, campaign: { ...r.campaign, casesPerCell: 40 } }))()).not.toThrow();
    for (const [what, change, reason] of cases) {
      const read = tampered(change);
      expect(read, what).toThrowError(MergeError);
      if (typeof reason === 'string') expect(read, what).toThrowError(`shard-x.json: ${reason}; the shard's counts do not add up (edited or corrupted?)`);
      else expect(read, what).toThrowError(new RegExp(`^shard-x\\.json: ${reason.source.slice(1, -1)}; the shard's counts do not add up \\(edited or corrupted\\?\\)$`));
    }
  });

  it('should sum the implementation restarts of the shards, keeping their causes', () => {
    expect(mergeShards(shards).implementationRestarts).toEqual({ count: 0, causes: [] });
    const crashed = shards.map((s) => (s.result.campaign.shard.index >= 3 ? { ...s, result: { ...s.result, implementationRestarts: { count: 2, causes: [`crash in ${s.source}`] } } } : s));
    const merged = mergeShards(crashed);
    expect(merged.implementationRestarts).toEqual({ count: 4, causes: ['crash in shard-3.json', 'crash in shard-4.json'] });
  });

  it('should carry an incomplete shard into an incomplete merge', () => {
    const broken = shards.map((s) =>
      s.result.campaign.shard.index === 3 ? { ...s, result: { ...s.result, ok: false, liveIncomplete: { reason: 'the NumPy worker failed twice', notJudged: 4, planned: 12 } } } : s,
    );
    const merged = mergeShards(broken);
    expect(merged.ok).toBe(false);
    expect(merged.liveIncomplete).toEqual({ reason: 'shard 3/4: the NumPy worker failed twice', notJudged: 4, planned: 2 * 24 });
  });
});

describe('reading a shard', () => {
  it('should refuse a document that is not a verify result, naming the first wrong field', () => {
    expect(() => readShard('x.json', { ok: true })).toThrowError(`x.json: not the --json output of lstm-parity verify (expected "format": "${RESULT_FORMAT}")`);
    expect(() => readShard('x.json', { format: RESULT_FORMAT, lstmParity: '0.2.0' })).toThrowError(/^x\.json: not the --json output of lstm-parity verify: ok: /);
  });
});

describeWithNumpy('lstm-parity merge', () => {
  it('should print the unsharded table and verdict from the shards, write one report, and exit 1 on a port bug', async () => {
    const args = ['--cases', '9', '--seed', '4', '--json'];
    const whole = await capture(() => verifyCommand(args, swappedGates));
    expect(whole.code).toBe(1);
    const files: string[] = [];
    for (const index of [1, 2]) {
      const shard = await capture(() => verifyCommand([...args, '--shard', `${index}/2`], swappedGates));
      files.push(join(tmp.dir, `shard-${index}.json`));
      writeFileSync(files[files.length - 1], shard.stdout);
    }
    const report = join(tmp.dir, 'all.html');
    const merged = await runMain(['merge', ...files, '--json', '--report', report]);
    expect(merged.code, merged.stderr).toBe(1);
    expect(campaignOf(JSON.parse(merged.stdout, reviveDouble))).toEqual(campaignOf(JSON.parse(whole.stdout, reviveDouble)));
    expect(merged.stderr).toMatch(/^lstm-parity: report written to .*all\.html \(\d+ KiB\)\n$/);
    expect(readFileSync(report, 'utf8')).toContain('2 shards merged');
    const text = await runMain(['merge', ...files]);
    // Another implementation than this package's cells is named, with how it was judged.
    expect(text.stdout).toMatch(/^campaign: seed 4, 2 shards merged, 9 cases per cell\nimplementation: swapped gates \(float64; type1, type2; .*\); judged as float64 against the seed in float64 \(NumPy\).*\nenvironment: Node .*\n\n/);
    expect(text.stdout).toMatch(/\nverify: FAILED: \d+ of \d+ cases are port bugs: type1 \(\d+\); caught by numpy \(\d+\)(, [a-z:-]+ \(\d+\))*\n$/);
    // The shards' diagnoses, each case once.
    const diagnosed = (JSON.parse(merged.stdout, reviveDouble) as VerifyResult).diagnoses!.records.map((r) => r.case);
    expect(diagnosed.length).toBeGreaterThan(0);
    expect(new Set(diagnosed).size).toBe(diagnosed.length);
    expect(text.stdout).toContain(`\ndiagnosis of ${diagnosed[0]} [`);
    // A shard edited by hand: its live cases made -5 (it merged into "live 96 cases" and verify: OK).
    const edited = JSON.parse(readFileSync(files[0], 'utf8'), reviveDouble) as VerifyResult;
    edited.cells.type2.live.cases = -5;
    writeFileSync(files[0], stringifyDoubles(edited));
    const refused = await runMain(['merge', ...files]);
    expect(refused).toEqual({ code: 2, stdout: '', stderr: `lstm-parity: ${files[0]}: cells.type2.live.cases: -5 is not a count (expected an integer >= 0); the shard's counts do not add up (edited or corrupted?)\n` });
  });
});

it('should exit 2 with one line when merge is given no shard, a file that is not JSON, or shards that do not fit', async () => {
  const notJson = join(tmp.dir, 'not.json');
  writeFileSync(notJson, '{"format": ');
  const other = join(tmp.dir, 'other.json');
  writeFileSync(other, '{"hello": 1}');
  for (const [args, message] of [
    [[], 'lstm-parity: merge: expected the --json outputs of verify, one per shard: lstm-parity merge shard-1.json shard-2.json ...\n'],
    [[notJson], /^lstm-parity: .*not\.json: not valid JSON at line 1, column 12: Unexpected end of JSON input; expected the --json output of lstm-parity verify\n$/],
    [[other], /^lstm-parity: .*other\.json: not the --json output of lstm-parity verify \(expected "format": /],
    [[join(tmp.dir, 'missing.json')], /^lstm-parity: cannot read .*missing\.json: no such file\n$/],
  ] as const) {
    const result = await runMain(['merge', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    if (typeof message === 'string') expect(result.stderr).toBe(message);
    else expect(result.stderr).toMatch(message);
  }
});
