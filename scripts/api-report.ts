/**
 * The public surface of every entry point, as API Extractor reports it, in api/*.api.md: a change
 * to what the packages export changes a report, so it shows in review. `npm run api:check` (CI)
 * fails when a built declaration no longer matches its committed report; `npm run api:update`
 * rewrites the reports after a deliberate change, to be committed with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor';
import { packageRoot } from '../src/package-root.js';

const ROOT = packageRoot();

/** Each entry point: its import name, its built declarations, the package.json it ships in. */
export const ENTRIES = [
  { name: 'lstm-parity', dts: 'packages/lstm-parity/dist/index.d.ts', manifest: 'packages/lstm-parity/package.json' },
  { name: 'lstm-parity-harness', dts: 'dist/src/node.d.ts', manifest: 'package.json' },
  { name: 'lstm-parity-harness/judge', dts: 'dist/src/judge-entry.d.ts', manifest: 'package.json' },
  { name: 'lstm-parity-harness/formats', dts: 'dist/src/formats.d.ts', manifest: 'package.json' },
  { name: 'lstm-parity-harness/conformance', dts: 'dist/src/conformance.d.ts', manifest: 'package.json' },
] as const;

const local = process.argv.includes('--update');
const temp = mkdtempSync(join(tmpdir(), 'lstm-parity-api-'));
let failed = 0;
try {
  for (const entry of ENTRIES) {
    const configObject: IConfigFile = {
      projectFolder: ROOT,
      mainEntryPointFilePath: join(ROOT, entry.dts),
      compiler: { overrideTsconfig: { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: ['node'], skipLibCheck: true, strict: true }, files: [join(ROOT, entry.dts)] } },
      apiReport: { enabled: true, reportFolder: join(ROOT, 'api'), reportTempFolder: temp, reportFileName: `${entry.name.replace('/', '.')}.api.md` },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        // Release tags are not used: what an entry exports is public, what it does not is internal.
        // Documentation and its links are TypeDoc's to check (npm run docs, warnings as errors).
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
          'ae-forgotten-export': { logLevel: ExtractorLogLevel.None },
          'ae-undocumented': { logLevel: ExtractorLogLevel.None },
          'ae-unresolved-link': { logLevel: ExtractorLogLevel.None },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    };
    const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: undefined, packageJsonFullPath: join(ROOT, entry.manifest) });
    const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
    if (result.apiReportChanged && !local) {
      console.error(`api/${entry.name.replace('/', '.')}.api.md: the public surface of ${entry.name} changed; run npm run api:update and commit the report with the change`);
      failed += 1;
    } else if (!result.succeeded) {
      console.error(`${entry.name}: API Extractor failed (${result.errorCount} errors, ${result.warningCount} warnings)`);
      failed += 1;
    } else {
      console.log(`${entry.name}: ${result.apiReportChanged ? 'report updated' : 'surface unchanged'}`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exitCode = failed === 0 ? 0 : 1;
