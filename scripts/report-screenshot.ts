/**
 * npm run report:screenshot: the README's picture of the HTML report. Runs a small verify
 * campaign (seed 1, 200 cases per cell, with the chaotic probes) against NumPy, renders its report
 * in headless Chromium and writes the "error against time step" plot to docs/, as a PNG kept
 * under 200 KB. Needs NumPy and Debian's chromium.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { verify } from '../src/campaign/verify.js';
import { NumpyOracle } from '../src/oracle/numpy-oracle.js';
import { packageRoot } from '../src/package-root.js';
import { verifyReportHtml } from '../src/report/verify-section.js';
import { chromiumMissing, launchChromium } from './headless-chromium.js';

const OUT = join(packageRoot(), 'docs', 'report-error-by-step.png');
const MAX_BYTES = 200 * 1024;

function fail(message: string): never {
  console.error(`report:screenshot: ${message}`);
  process.exit(2);
}

const missing = chromiumMissing();
if (missing !== undefined) fail(missing);
const oracle = await NumpyOracle.start().catch((error: Error) => fail(error.message));
let page: string;
try {
  const data = await verify({ casesPerCell: 200, seed: 1, shard: { index: 1, count: 1 }, cells: ['type1', 'type2'], goldenDir: join(packageRoot(), 'golden'), probes: true, oracle });
  page = verifyReportHtml(data);
} finally {
  await oracle.close();
}
const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-screenshot-'));
try {
  const html = join(dir, 'report.html');
  writeFileSync(html, page);
  const context = await launchChromium(join(dir, 'profile'), { width: 1000, height: 800 });
  try {
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(html).href);
    await tab.waitForSelector('#error-by-step .chart[data-rendered="true"]');
    await tab.locator('#error-by-step .card').screenshot({ path: OUT });
  } finally {
    await context.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const bytes = statSync(OUT).size;
console.log(`report:screenshot: wrote ${OUT} (${Math.round(bytes / 1024)} KiB)`);
if (bytes > MAX_BYTES) fail(`${OUT} is ${Math.round(bytes / 1024)} KiB, over the README's budget of ${MAX_BYTES / 1024} KiB`);
