/**
 * After a campaign: its port bugs diagnosed (../diagnosis/diagnose.ts), within a budget. A live
 * case is drawn again from its name (`<cell>/live-<seed>-<index>`: seed and index fix it), a
 * golden file is read again from the corpus, so a finding costs nothing to keep until then.
 *
 * Which: port bugs in campaign order, one per cell and check first (so that a second kind of
 * fault is not starved by many of the first), then the rest, up to `cases`; all within one time
 * budget, shared in order. What was not diagnosed is counted.
 */
import type { CellType } from '../cells/schema.js';
import { diagnose, type Diagnosis, type DiagnosisRequest } from '../diagnosis/diagnose.js';
import { loadGoldenFile } from '../golden/files.js';
import type { GoldenManifest } from '../golden/format.js';
import { expectedArrays, recordedFloor } from '../judge/golden.js';
import type { Implementation } from '../judge/implementation.js';
import type { Reference } from '../judge/flat-case.js';
import type { Tolerance } from '../judge/tolerance.js';
import type { CaseValue } from '../numeric/seeded-random.js';
import type { CheckName } from './case-checks.js';
import { campaignCase, chaoticProbe } from './random-case.js';
import type { Finding } from './result.js';

/** How much of a run's time and how many of its port bugs the diagnosis may take. */
export interface DiagnosisBudget {
  /** Seconds for all shrinking together. */
  seconds: number;
  /** Port bugs diagnosed at most. */
  cases: number;
}

/** The default budget: a minute, five cases (`--shrink-time`, `--shrink-cases`). */
export const DEFAULT_DIAGNOSIS_BUDGET: DiagnosisBudget = { seconds: 60, cases: 5 };

/** A live case's name, parsed: `type1/live-7-42` is seed 7, index 42; `type1/chaotic-probe` the probe. */
export function parseLiveName(name: string): { cell: CellType; seed: number; index: number } | { cell: CellType; probe: true } | undefined {
  const probe = /^(type1|type2)\/chaotic-probe$/.exec(name);
  if (probe !== null) return { cell: probe[1] as CellType, probe: true };
  const live = /^(type1|type2)\/live-(\d+)-(\d+)$/.exec(name);
  if (live === null) return undefined;
  const seed = Number(live[2]);
  const index = Number(live[3]);
  if (!Number.isSafeInteger(seed) || seed > 2 ** 32 - 1 || !Number.isSafeInteger(index) || index > 2 ** 32 - 2) return undefined;
  return { cell: live[1] as CellType, seed, index };
}

/** A live case (or the probe) drawn again from its name; undefined for a name that is not one. */
export function liveCaseNamed(name: string): { cell: CellType; value: CaseValue; allowNonFinite: boolean } | undefined {
  const parsed = parseLiveName(name);
  if (parsed === undefined) return undefined;
  const c = 'probe' in parsed ? chaoticProbe(parsed.cell) : campaignCase(parsed.cell, parsed.seed, parsed.index);
  return { cell: c.cell, value: c.value, allowNonFinite: c.allowNonFinite };
}

/** The findings to diagnose: port bugs, one per cell and check first, then in campaign order. */
export function chooseFindings(findings: readonly Finding[], cases: number): Finding[] {
  const bugs = findings.filter((f) => f.verdict === 'port-bug').sort((a, b) => a.order - b.order);
  const seen = new Set<string>();
  const first = bugs.filter((f) => {
    const kind = `${f.cell} ${f.check}`;
    if (seen.has(kind)) return false;
    seen.add(kind);
    return true;
  });
  const rest = bugs.filter((f) => !first.includes(f));
  return [...first, ...rest].slice(0, cases).sort((a, b) => a.order - b.order);
}

export interface DiagnoseFindingsOptions {
  findings: readonly Finding[];
  budget: DiagnosisBudget;
  implementation: Implementation;
  reference?: Reference;
  tolerance: Tolerance;
  /** Where golden findings are read again from (verify's corpus). */
  goldenDir?: string;
  manifest?: GoldenManifest;
  /** The diagnosis request of a finding, where the caller knows its case (verify --case's files); else found by name. */
  requestOf?: (finding: Finding) => DiagnosisRequest | undefined;
  /** Called before each diagnosis, with its case and place. */
  onCase?: (name: string, k: number, total: number) => void;
}

/** A diagnosis with what it took to make it (so it can be saved). */
export interface DiagnosedFinding {
  diagnosis: Diagnosis;
  allowNonFinite: boolean;
}

/** Diagnoses the chosen port bugs in turn, all shrinking within one deadline. */
export async function diagnoseFindings(options: DiagnoseFindingsOptions): Promise<{ diagnosed: DiagnosedFinding[]; notDiagnosed: number }> {
  const chosen = chooseFindings(options.findings, options.budget.cases);
  const bugs = new Set(options.findings.filter((f) => f.verdict === 'port-bug').map((f) => f.case)).size;
  const deadline = performance.now() + 1000 * options.budget.seconds;
  const diagnosed: DiagnosedFinding[] = [];
  const done = new Set<string>();
  for (const [k, finding] of chosen.entries()) {
    // A case caught by two checks is diagnosed once, for the first.
    if (done.has(finding.case)) continue;
    done.add(finding.case);
    options.onCase?.(finding.case, k, chosen.length);
    const request = options.requestOf !== undefined ? options.requestOf(finding) : requestFor(finding, options);
    if (request === undefined) continue;
    const diagnosis = await diagnose(request, { implementation: options.implementation, reference: options.reference, tolerance: options.tolerance, deadline });
    diagnosed.push({ diagnosis, allowNonFinite: request.allowNonFinite });
  }
  return { diagnosed, notDiagnosed: bugs - diagnosed.length };
}

function requestFor(finding: Finding, options: DiagnoseFindingsOptions): DiagnosisRequest | undefined {
  const check = finding.check as CheckName;
  if (finding.source === 'golden') {
    const { manifest, goldenDir } = options;
    const path = manifest === undefined ? undefined : Object.keys(manifest.files).find((p) => `golden/${p.replace(/\.json$/, '')}` === finding.case);
    if (path === undefined || goldenDir === undefined) return undefined;
    const file = loadGoldenFile(goldenDir, path, manifest!);
    const floor = recordedFloor(file);
    return {
      name: finding.case,
      cell: file.cell,
      check,
      value: file.case as CaseValue,
      allowNonFinite: file.allowNonFinite,
      // A float32 implementation meets NumPy in float32 live: the recorded answers are float64's.
      recorded: options.tolerance.dtype === 'float32' && options.reference !== undefined ? undefined : { outputs: expectedArrays(file), floor, warnings: file.numpyWarnings },
    };
  }
  const live = liveCaseNamed(finding.case);
  if (live === undefined) return undefined;
  return { name: finding.case, cell: live.cell, check, value: live.value, allowNonFinite: live.allowNonFinite };
}
