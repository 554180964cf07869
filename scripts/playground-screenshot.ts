/**
 * npm run playground:screenshot: the README's picture of the playground. Serves it as
 * `lstm-parity serve` does, opens it in headless Chromium, runs golden/type1/wide-well-scaled on
 * the automatic backend and writes the top of the page (controls, the time per call, the verdict
 * and the first heatmaps) to docs/playground.png, kept under 200 KB. Needs Debian's chromium and a
 * built package (npm run build, which this script's npm entry runs first).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlayground } from '../src/cli/serve.js';
import { packageRoot } from '../src/package-root.js';
import { chromiumMissing, launchChromium } from './headless-chromium.js';

const OUT = join(packageRoot(), 'docs', 'playground.png');
const CASE = 'type1/wide-well-scaled.json';
const MAX_BYTES = 200 * 1024;

function fail(message: string): never {
  console.error(`playground:screenshot: ${message}`);
  process.exit(2);
}

const missing = chromiumMissing();
if (missing !== undefined) fail(missing);
const playground = await startPlayground(0);
const dir = mkdtempSync(join(tmpdir(), 'lstm-parity-screenshot-'));
try {
  const context = await launchChromium(join(dir, 'profile'), { width: 1100, height: 900 }, { offline: false });
  try {
    const tab = await context.newPage();
    await tab.goto(playground.url);
    await tab.waitForSelector('body[data-state="ready"]');
    await tab.selectOption('#case', CASE);
    await tab.click('#run');
    await tab.waitForSelector('body[data-state="done"]');
    const pairs = tab.locator('#heatmaps .pair');
    const second = await pairs.nth(1).boundingBox();
    if (second === null) fail('the page drew fewer than two heatmaps');
    await tab.screenshot({ path: OUT, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(second.y + second.height + 8) } });
  } finally {
    await context.close();
  }
} finally {
  await playground.close();
  rmSync(dir, { recursive: true, force: true });
}
const bytes = statSync(OUT).size;
console.log(`playground:screenshot: wrote ${OUT} (${Math.round(bytes / 1024)} KiB)`);
if (bytes > MAX_BYTES) fail(`${OUT} is ${Math.round(bytes / 1024)} KiB, over the README's budget of ${MAX_BYTES / 1024} KiB`);
