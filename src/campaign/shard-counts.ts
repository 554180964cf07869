/**
 * A shard's counts checked against each other before `merge` adds them: every count a
 * non-negative integer; per cell and source, cases = agree + ill-conditioned + quirks + failures;
 * per check, its failures within its cases, its cases and the cases it could not run on within
 * the cell's, every case run once; the cell's totals the sum of its golden and live parts; and the
 * live cases of a complete shard the number its campaign plans. A shard edited by hand (or
 * corrupted) fails here with one line naming the file and the field, rather than merging into a
 * verdict that no campaign gave.
 */
import type { CellType } from '../cells/schema.js';
import { liveCaseCount } from './plan.js';
import type { CellStats, VerifyResult } from './result.js';

class CountProblem extends Error {}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** What does not add up in one shard's counts, as one line naming `source` and the field; undefined when all do. */
export function shardCountProblem(source: string, result: VerifyResult): string | undefined {
  try {
    checkCounts(result);
    return undefined;
  } catch (error) {
    if (!(error instanceof CountProblem)) throw error;
    return `${source}: ${error.message}; the shard's counts do not add up (edited or corrupted?)`;
  }
}

function checkCounts(result: VerifyResult): void {
  const fail = (path: string, what: string): never => {
    throw new CountProblem(`${path}: ${what}`);
  };
  const count = (path: string, value: unknown): number => {
    if (!isCount(value)) fail(path, `${typeof value === 'number' ? String(value) : JSON.stringify(value)} is not a count (expected an integer >= 0)`);
    return value as number;
  };

  const checkStats = (path: string, stats: CellStats): void => {
    const [cases, agree, ill, quirks, failures] = (['cases', 'agree', 'illConditioned', 'quirks', 'failures'] as const).map((field) => count(`${path}.${field}`, stats[field]));
    if (agree + ill + quirks + failures !== cases) {
      fail(path, `cases ${cases} is not agree ${agree} + ill-conditioned ${ill} + quirks ${quirks} + failures ${failures} = ${agree + ill + quirks + failures}`);
    }
    for (const field of ['maxAbs', 'maxUlps'] as const) {
      if (!(stats[field] >= 0)) fail(`${path}.${field}`, `${String(stats[field])} is not a distance (expected a number >= 0)`);
    }
    let checkFailures = 0;
    for (const [name, check] of Object.entries(stats.checks)) {
      const at = `${path}.checks.${name}`;
      const ran = count(`${at}.cases`, check.cases);
      const failed = count(`${at}.failures`, check.failures);
      const skipped = count(`${at}.notChecked`, check.notChecked);
      if (failed > ran) fail(at, `failures ${failed} is more than its cases ${ran}`);
      if (failed > failures) fail(at, `failures ${failed} is more than the ${failures} failures of ${path}`);
      if (ran + skipped > cases) fail(at, `cases ${ran} + not checked ${skipped} is more than the ${cases} cases of ${path}`);
      checkFailures += failed;
    }
    const run = stats.checks.run;
    if (run !== undefined && run.cases !== cases) fail(`${path}.checks.run`, `cases ${run.cases} is not the ${cases} cases of ${path} (every case is run)`);
    if (failures > checkFailures) fail(path, `failures ${failures} is more than its checks' failures together (${checkFailures})`);
  };

  for (const [cell, c] of Object.entries(result.cells)) {
    const path = `cells.${cell}`;
    checkStats(`${path}.golden`, c.golden);
    checkStats(`${path}.live`, c.live);
    if (count(`${path}.cases`, c.cases) !== c.golden.cases + c.live.cases) fail(`${path}.cases`, `${c.cases} is not golden ${c.golden.cases} + live ${c.live.cases}`);
    if (count(`${path}.failures`, c.failures) !== c.golden.failures + c.live.failures) fail(`${path}.failures`, `${c.failures} is not golden ${c.golden.failures} + live ${c.live.failures}`);
    for (const [name, check] of Object.entries(c.checks ?? {})) {
      for (const field of ['cases', 'failures', 'notChecked'] as const) {
        const sum = (c.golden.checks[name]?.[field] ?? 0) + (c.live.checks[name]?.[field] ?? 0);
        if (count(`${path}.checks.${name}.${field}`, check[field]) !== sum) fail(`${path}.checks.${name}.${field}`, `${check[field]} is not the golden and live ones together (${sum})`);
      }
    }
    if (c.golden.cases > result.campaign.golden.files) fail(`${path}.golden.cases`, `${c.golden.cases} is more than the corpus's ${result.campaign.golden.files} files`);
  }

  const { liveIncomplete: incomplete, implementationFailed: failed } = result;
  if (incomplete !== undefined) {
    if (count('liveIncomplete.notJudged', incomplete.notJudged) > count('liveIncomplete.planned', incomplete.planned)) fail('liveIncomplete', `notJudged ${incomplete.notJudged} is more than planned ${incomplete.planned}`);
    const planned = liveCaseCount({ ...result.campaign, cells: result.campaign.cells as CellType[] });
    if (incomplete.planned !== planned) fail('liveIncomplete.planned', `${incomplete.planned} is not the ${planned} live cases this shard of the campaign plans`);
  }
  if (failed !== undefined) {
    if (count('implementationFailed.notJudged', failed.notJudged) > count('implementationFailed.planned', failed.planned)) fail('implementationFailed', `notJudged ${failed.notJudged} is more than planned ${failed.planned}`);
  }
  if (result.liveSkipped === undefined) {
    const planned = liveCaseCount({ ...result.campaign, cells: result.campaign.cells as CellType[] });
    const judged = Object.values(result.cells).reduce((n, c) => n + c.live.cases, 0);
    const missing = incomplete?.notJudged ?? 0;
    if (failed === undefined ? judged + missing !== planned : judged + missing > planned) {
      const of = missing > 0 ? ` + ${missing} not judged` : '';
      fail('cells.*.live.cases', `${judged} live cases${of} is not the ${planned} this shard of the campaign plans`);
    }
  }

  count('findingsOmitted', result.findingsOmitted);
  for (const [name, restarts] of [['workerRestarts', result.workerRestarts], ['implementationRestarts', result.implementationRestarts]] as const) {
    if (restarts === undefined) continue;
    if (count(`${name}.count`, restarts.count) < restarts.causes.length) fail(name, `count ${restarts.count} is less than its ${restarts.causes.length} causes`);
  }
  for (const [source2, histogram] of Object.entries(result.report.ulpHistogram)) {
    for (const [cell, byKey] of Object.entries(histogram)) {
      for (const [key, counts] of Object.entries(byKey)) counts.forEach((n, b) => count(`report.ulpHistogram.${source2}.${cell}.${key}[${b}]`, n));
    }
  }
}
