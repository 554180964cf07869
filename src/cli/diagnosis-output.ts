/**
 * The diagnosis on the command line: where `--save-failures` writes the diagnosed cases (golden
 * format, ../diagnosis/saved-case.ts), the command that replays each, and the lines that show it.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DiagnosedFinding } from '../campaign/diagnose-findings.js';
import { describeDiagnosis, type DiagnosisRecord } from '../diagnosis/record.js';
import { savedCase, savedName } from '../diagnosis/saved-case.js';
import { shellWord } from '../implementations/command-line.js';
import { formatGoldenFile } from '../golden/format.js';
import type { Reference } from '../judge/flat-case.js';
import type { Dtype, Implementation } from '../judge/implementation.js';
import { outputFileProblem, writeOutputFile } from '../io/output-file.js';
import type { ImplChoice } from './impl-options.js';
import { CommandError, UsageError } from './usage-error.js';

/** A folder `--save-failures` can write into, made when missing; refused in one line when it cannot be. */
export function checkSaveDir(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  if (dir === '') throw new UsageError('--save-failures: expected a folder, got an empty path');
  const found = statSync(dir, { throwIfNoEntry: false });
  if (found !== undefined && !found.isDirectory()) throw new UsageError(`--save-failures ${dir}: not a folder`);
  if (found === undefined) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(`--save-failures ${dir}: the folder cannot be made: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const problem = outputFileProblem(join(dir, 'finding.json'));
  if (problem !== undefined) throw new UsageError(`--save-failures ${dir}: ${problem}`);
  return dir;
}


/** The implementation options that choose `choice` again, for a command line to paste. */
export function implArguments(choice: ImplChoice): string {
  if (choice.kind === 'command') return `--impl-command ${shellWord(choice.command)}${choice.dtype === undefined ? '' : ` --impl-dtype ${choice.dtype}`}`;
  if (choice.kind === 'module') return `--impl ${shellWord(choice.path)}`;
  const backend = choice.backend === undefined ? '' : ` --backend ${choice.backend}`;
  return choice.name === 'lstm-parity' ? backend.trim() : `--impl ${shellWord(choice.name)}${backend}`;
}

/** How to replay a diagnosed case: its saved shrunk file, else the case drawn again by name. */
export function replayCommand(record: DiagnosisRecord, impl: string): string {
  const tail = impl === '' ? '' : ` ${impl}`;
  if (record.saved?.shrunk !== undefined) return `npx lstm-parity verify --case ${shellWord(record.saved.shrunk)}${tail}`;
  if (record.saved !== undefined) return `npx lstm-parity verify --case ${shellWord(record.saved.original)}${tail}`;
  if (record.case.endsWith('.json')) return `npx lstm-parity verify --case ${shellWord(record.case)}${tail}`;
  return `npx lstm-parity case ${shellWord(record.case)} > case.json && npx lstm-parity verify --case case.json${tail}   (the original; --save-failures DIR keeps the shrunk one)`;
}

/** Writes each diagnosed case, shrunk and original, into `dir`, and records where. */
export async function saveDiagnoses(
  diagnosed: readonly DiagnosedFinding[],
  records: DiagnosisRecord[],
  dir: string,
  implementation: Implementation,
  reference: Reference | undefined,
  dtype: Dtype,
): Promise<void> {
  for (const [k, { diagnosis, allowNonFinite }] of diagnosed.entries()) {
    const write = async (which: 'shrunk' | 'original') => {
      const path = join(dir, savedName(diagnosis.name, which));
      const file = await savedCase(diagnosis, which, allowNonFinite, implementation, reference, dtype);
      try {
        writeOutputFile(path, formatGoldenFile(file));
      } catch (error) {
        throw new CommandError(`--save-failures: ${path}: ${(error as Error).message}`);
      }
      return path;
    };
    // A form NumPy could not evaluate has no answer to record; a case read from a file is saved already.
    if (Object.keys(diagnosis.original.numpy).length === 0) continue;
    const original = diagnosis.name.endsWith('.json') ? diagnosis.name : await write('original');
    const shrunk = diagnosis.shrunk !== diagnosis.original ? await write('shrunk') : undefined;
    records[k].saved = { shrunk, original };
  }
}

/** The diagnosis section: each diagnosed case, then what was not diagnosed. */
export function diagnosisLines(diagnoses: { records: readonly DiagnosisRecord[]; notDiagnosed: number }, replay: ((record: DiagnosisRecord) => string) | undefined): string[] {
  if (diagnoses.records.length === 0 && diagnoses.notDiagnosed === 0) return [];
  const lines: string[] = [];
  for (const r of diagnoses.records) {
    lines.push('', `diagnosis of ${r.case} [${r.check}]:`, ...describeDiagnosis(r, replay?.(r)));
  }
  if (diagnoses.notDiagnosed > 0) {
    lines.push('', `${diagnoses.notDiagnosed} more port-bug case${diagnoses.notDiagnosed === 1 ? ' was' : 's were'} not diagnosed (--shrink-cases sets how many are)`);
  }
  return lines;
}
