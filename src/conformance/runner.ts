/**
 * Replayable seeds for the conformance properties. Every property of a suite shares one seed and
 * one run count, printed once per suite:
 *
 *   FC_SEED=<int>     replay with this seed (default: a fresh random seed per suite and run)
 *   FC_RUNS=<n>       runs per property (default: the suite's own, documented in docs/property-suites.md)
 *   FC_PATH=<path>    with FC_SEED and `-t <title>`, replay one shrunk counterexample directly
 *
 * A failure throws fast-check's report (seed, path, the shrunk counterexample and the error it
 * raised) followed by the command that replays it.
 */
import { relative } from 'node:path';
import fc from 'fast-check';

export class PropertySettingError extends RangeError {
  override readonly name = 'PropertySettingError';
}

function readInteger(name: string, min: number, max: number): number | undefined {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new PropertySettingError(`${name}: expected an integer in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

function readPath(): string | undefined {
  const text = process.env.FC_PATH;
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\d+(:\d+)*$/.test(text.trim())) throw new PropertySettingError(`FC_PATH: expected a fast-check path such as 3:0:1, got ${JSON.stringify(text)}`);
  if (process.env.FC_SEED === undefined) throw new PropertySettingError('FC_PATH: a path replays only with the seed it came from; set FC_SEED too');
  return text.trim();
}

/** Seeds are 32-bit integers, as fast-check prints them. */
export function readSettings(defaultRuns: number): { seed: number; numRuns: number; path: string | undefined; seeded: boolean } {
  const given = readInteger('FC_SEED', -(2 ** 31), 2 ** 32 - 1);
  const numRuns = readInteger('FC_RUNS', 1, 10_000_000) ?? defaultRuns;
  const seed = given ?? ((Math.random() * 2 ** 32) | 0);
  return { seed, numRuns, path: readPath(), seeded: given !== undefined };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** fast-check's report, then how to replay it. */
export async function failureReport<Ts>(details: fc.RunDetails<Ts>, title: string, file: string | undefined): Promise<string> {
  const report = (await fc.asyncDefaultReportMessage(details)) ?? 'the property failed';
  const lines = [`${title}: ${report}`];
  if (details.failed && details.counterexamplePath !== null) {
    const where = file === undefined ? '' : ` ${relative(process.cwd(), file)}`;
    lines.push(`replay: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath} npx vitest run${where} -t ${shellQuote(escapeRegExp(title))}`);
  }
  return lines.join('\n');
}
