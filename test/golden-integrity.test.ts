/** A golden corpus that was edited, truncated or corrupted must fail loudly, by file and field. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeGoldenFile } from '../src/golden/compare.js';
import { GoldenFileError, loadGoldenFile, parseGoldenFile, readManifest, sha256 } from '../src/golden/format.js';
import { formatComparison } from '../src/numeric/compare.js';
import { ROOT } from './helpers/cli.js';

const copy = mkdtempSync(join(tmpdir(), 'lstm-parity-golden-'));
cpSync(join(ROOT, 'golden'), copy, { recursive: true });
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const PATH = 'type1/seed-shape.json';

/** Changes one digit of the first expected value of Output at step 2, unit 1. */
function editOneDigit(text: string): string {
  const at = text.indexOf('"Output": [');
  const row = text.indexOf('\n', text.indexOf('\n', text.indexOf('\n', at) + 1) + 1);
  const value = /-?\d\.(\d+)/.exec(text.slice(row + 1));
  if (value === null) throw new Error('no number found');
  const start = row + 1 + value.index + value[0].indexOf('.') + 3;
  const digit = text[start];
  return text.slice(0, start) + (digit === '9' ? '0' : String(Number(digit) + 1)) + text.slice(start + 1);
}

describe('golden file integrity', () => {
  it('should refuse a file whose bytes no longer match the manifest, naming it', () => {
    const original = readFileSync(join(copy, PATH), 'utf8');
    writeFileSync(join(copy, PATH), editOneDigit(original));
    const manifest = readManifest(copy);
    expect(() => loadGoldenFile(copy, PATH, manifest)).toThrowError(/^golden\/type1\/seed-shape\.json: sha256 .* does not match MANIFEST\.json/);
    writeFileSync(join(copy, PATH), original);
  });

  it('should fail the comparison on a changed digit even when the hash was updated too', () => {
    const edited = editOneDigit(readFileSync(join(copy, PATH), 'utf8'));
    const { verdict } = judgeGoldenFile(parseGoldenFile(edited, `golden/${PATH}`));
    expect(verdict.kind).toBe('port-bug');
    const comparison = verdict.comparison;
    expect(comparison.ok).toBe(false);
    const report = formatComparison(comparison, `golden/${PATH}`);
    expect(report).toMatch(/^golden\/type1\/seed-shape\.json: mismatched elements: 1 \/ 144/);
    expect(report).toMatch(/Output: 1 \/ 24 differ; first at Output step \d unit \d: actual .*, expected .*, error .* \(\d+ ULP\), allowed/);
  });

  it.each([
    ['truncated JSON', (t: string) => t.slice(0, t.length / 2), /^golden\/x\.json: not valid JSON \(truncated or corrupted\?\)/],
    ['an unknown schema version', (t: string) => t.replace('"schema": 1', '"schema": 2'), /^golden\/x\.json: schema version 2 is not supported \(this lstm-parity reads version 1\)$/],
    ['a missing key', (t: string) => t.replace(/,\n  "numpyWarnings": \[\]/, ''), /^golden\/x\.json: numpyWarnings: /],
    ['a string where a number belongs', (t: string) => t.replace(/"S": \[\n(\s+)\[/, '"S": [\n$1["x", '), /^golden\/x\.json: case\.S\[0\]\[0\]: expected a number$/],
  ])('should reject %s, naming file and field', (_what, corrupt, message) => {
    const text = corrupt(readFileSync(join(ROOT, 'golden', PATH), 'utf8'));
    expect(() => parseGoldenFile(text, 'golden/x.json')).toThrowError(GoldenFileError);
    expect(() => parseGoldenFile(text, 'golden/x.json')).toThrowError(message);
  });

  it('should say which file is missing when the manifest lists one that is not there', () => {
    const manifest = readManifest(copy);
    manifest.files['type1/gone.json'] = { sha256: sha256('') };
    expect(() => loadGoldenFile(copy, 'type1/gone.json', manifest)).toThrowError('golden/type1/gone.json: listed in MANIFEST.json but missing');
  });
});
