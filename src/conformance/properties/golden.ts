/**
 * The golden corpus as a conformance check: every committed file of the cell through the
 * implementation. A float64 implementation meets NumPy's recorded answers and noise floors (no
 * Python needed): a file passes when it agrees or gets exactly the verdict it was kept for. A
 * float32 one meets the files' inputs against NumPy in float32, live (the files record float64
 * answers), and passes unless its verdict is a port bug. An implementation error fails the file.
 */
import { CELL_TYPES, type CellType } from '../../cells/schema.js';
import { loadGoldenFile, readManifest } from '../../golden/files.js';
import { goldenPasses, judgeGoldenFile, judgeGoldenFileLive } from '../../judge/golden.js';
import { formatComparison } from '../../judge/compare.js';
import { describeVerdict } from '../../judge/verdict.js';
import { CELL_LABEL, needsNumpy, type ConformanceContext, type ConformanceProperty } from '../property.js';

async function checkGolden(context: ConformanceContext, cell: CellType): Promise<void> {
  const { subject, goldenDir } = context;
  const manifest = readManifest(goldenDir);
  const failures: string[] = [];
  for (const path of Object.keys(manifest.files).sort()) {
    const file = loadGoldenFile(goldenDir, path, manifest);
    if (file.cell !== cell) continue;
    try {
      if (subject.dtype === 'float64') {
        const { verdict } = await judgeGoldenFile(file, subject.impl);
        if (!goldenPasses(file, verdict)) {
          const kept = file.expectedVerdict ? ` (kept as ${file.expectedVerdict})` : '';
          failures.push(`golden/${path}: ${describeVerdict(verdict)}${kept}\n${formatComparison(verdict.comparison, `golden/${path}`)}`);
        }
      } else {
        const { verdict } = await judgeGoldenFileLive(file, subject.impl, context.oracle!.reference('float32'), subject.tolerance);
        if (verdict.kind === 'port-bug') failures.push(`golden/${path}: ${describeVerdict(verdict)}`);
      }
    } catch (error) {
      failures.push(`golden/${path}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} golden files of ${cell} fail:\n${failures.join('\n')}`);
}

export function goldenChecks(): ConformanceProperty[] {
  return CELL_TYPES.map(
    (cell): ConformanceProperty => ({
      kind: 'check',
      suite: 'golden',
      cell,
      title: `${CELL_LABEL[cell]}: every golden file agrees with NumPy's recorded answer (or gets the verdict it was kept for)`,
      needs: [],
      notFor: (context) => (context.subject.dtype === 'float32' ? needsNumpy(context) : undefined),
      run: (context) => checkGolden(context, cell),
    }),
  );
}
