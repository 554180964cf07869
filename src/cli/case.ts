/**
 * `lstm-parity case NAME`: any case verify names, written to stdout, so that a finding in a CI log
 * is reproduced without running the campaign again: a live case is drawn again from its seed and
 * index, the chaotic probe from its cell, a golden file is printed as it is.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { liveCaseNamed, parseLiveName } from '../campaign/diagnose-findings.js';
import { checkCorpus, loadGoldenFile } from '../golden/files.js';
import { formatGoldenFile } from '../golden/format.js';
import { stringifyDoubles } from '../format/json-writer.js';
import { packageRoot } from '../package-root.js';
import { integerOption } from './args.js';
import { printRaw } from './terminal.js';
import { EXIT_OK, UsageError } from './usage-error.js';

export const CASE_USAGE = `usage: lstm-parity case NAME [--seed N] [--golden DIR]

Writes a case verify names to stdout, as a case file that names its cell, which run --case and
verify --case read:
  NAME        <cell>/live-<seed>-<index> (a live case, drawn again from its seed and index),
              <cell>/chaotic-probe, or golden/<cell>/<name> (the golden file itself)
  --seed N    draw the live case's index from campaign seed N instead of the one in NAME
  --golden DIR  the golden corpus golden/ names are read from (default: the package's golden/)
Exit 0, or 2 for a NAME that is not a case.`;

const OPTIONS = { seed: { type: 'string' }, golden: { type: 'string' } } as const;

export async function caseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`case: expected one case name, got ${positionals.length}`);
  let [name] = positionals;
  if (name.startsWith('golden/')) {
    if (values.seed !== undefined) throw new UsageError('--seed: only for live cases; a golden file is fixed');
    const dir = values.golden ?? join(packageRoot(), 'golden');
    const { manifest } = checkCorpus(dir);
    const path = Object.keys(manifest.files).find((p) => `golden/${p.replace(/\.json$/, '')}` === name || `golden/${p}` === name);
    if (path === undefined) throw new UsageError(`case: ${JSON.stringify(name)} is not in the golden corpus (${dir}/MANIFEST.json)`);
    printRaw(formatGoldenFile(loadGoldenFile(dir, path, manifest)));
    return EXIT_OK;
  }
  const parsed = parseLiveName(name);
  if (parsed === undefined) {
    throw new UsageError(`case: ${JSON.stringify(name)} is not a case name: expected <cell>/live-<seed>-<index> (type1/live-1-1495), <cell>/chaotic-probe or golden/<cell>/<name>`);
  }
  if (values.seed !== undefined) {
    if ('probe' in parsed) throw new UsageError('--seed: only for live cases; the chaotic probe is fixed');
    const seed = integerOption('seed', values.seed, 1, { max: 2 ** 32 - 1, why: 'campaign seeds are 32-bit' });
    name = `${parsed.cell}/live-${seed}-${parsed.index}`;
  }
  const live = liveCaseNamed(name)!;
  printRaw(stringifyDoubles({ cell: live.cell, name, allowNonFinite: live.allowNonFinite, case: live.value }));
  return EXIT_OK;
}
