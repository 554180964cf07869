/** A golden corpus that was edited, truncated or corrupted must fail loudly, by file and field. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeGoldenFile } from '../src/judge/golden.js';
import { GoldenFileError, parseGoldenFile } from '../src/golden/format.js';
import { checkNothingUnlisted, GoldenCorpusError, loadGoldenFile, readManifest, sha256, unlistedFiles } from '../src/golden/files.js';
import { formatComparison } from '../src/judge/compare.js';
import { ROOT } from './helpers/cli.js';
import { runMain } from './helpers/in-process.js';
import { lstmParityImplementation } from '../src/implementations/lstm-parity.js';

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
    expect(() => loadGoldenFile(copy, PATH, manifest)).toThrowError(GoldenCorpusError);
    expect(() => loadGoldenFile(copy, PATH, manifest)).toThrowError(
      /^golden\/type1\/seed-shape\.json: sha256 [0-9a-f]{12}\.\.\. does not match MANIFEST\.json \([0-9a-f]{12}\.\.\.\): changed by hand or corrupted; restore it with git checkout -- golden\/ \(or run npm run golden:generate if the change is meant\)$/,
    );
    writeFileSync(join(copy, PATH), original);
  });

  it('should make verify say the corpus is damaged, how to restore it, and exit 3 before anything runs', async () => {
    const original = readFileSync(join(copy, PATH), 'utf8');
    const damaged = async () => runMain(['verify', '--golden', copy, '--cell', 'type1', '--cases', '0']);
    try {
      writeFileSync(join(copy, PATH), editOneDigit(original));
      const edited = await damaged();
      expect(edited.code).toBe(3);
      expect(edited.stdout).toBe('');
      expect(edited.stderr).toMatch(/^lstm-parity: golden corpus damaged: golden\/type1\/seed-shape\.json: sha256 [0-9a-f]{12}\.\.\. does not match MANIFEST\.json \([0-9a-f]{12}\.\.\.\): changed by hand or corrupted; restore it with git checkout -- golden\/ \(or run npm run golden:generate if the change is meant\)\n$/);
      rmSync(join(copy, PATH));
      expect(await damaged()).toEqual({
        code: 3,
        stdout: '',
        stderr: 'lstm-parity: golden corpus damaged: golden/type1/seed-shape.json: listed in MANIFEST.json but missing; restore it with git checkout -- golden/ (or run npm run golden:generate if the change is meant)\n',
      });
      writeFileSync(join(copy, PATH), original);
      writeFileSync(join(copy, 'type2', 'stray.json'), original);
      expect(await damaged()).toEqual({
        code: 3,
        stdout: '',
        stderr: 'lstm-parity: golden corpus damaged: golden/type2/stray.json: not listed in MANIFEST.json; remove it, or run npm run golden:generate to add it to the corpus\n',
      });
    } finally {
      writeFileSync(join(copy, PATH), original);
      rmSync(join(copy, 'type2', 'stray.json'), { force: true });
    }
  });

  it('should fail the comparison on a changed digit even when the hash was updated too', async () => {
    const edited = editOneDigit(readFileSync(join(copy, PATH), 'utf8'));
    const { verdict } = await judgeGoldenFile(parseGoldenFile(edited, `golden/${PATH}`), lstmParityImplementation());
    expect(verdict.kind).toBe('port-bug');
    const comparison = verdict.comparison;
    expect(comparison.ok).toBe(false);
    const report = formatComparison(comparison, `golden/${PATH}`);
    expect(report).toMatch(/^golden\/type1\/seed-shape\.json: mismatched elements: 1 \/ 144/);
    expect(report).toMatch(/Output: 1 \/ 24 differ; first at Output step \d unit \d: actual .*, expected .*, error .* \(\d+ ULP\), allowed/);
  });

  it.each([
    ['truncated JSON', (t: string) => t.slice(0, t.length / 2), /^golden\/x\.json: not valid JSON \(truncated or corrupted\?\)/],
    // V8 names no position for it, and echoed a snippet that the message used to cut mid-token.
    [
      'a bare NaN, as json.dump writes it',
      (t: string) => t.replace(/("Output": \[\n\s+\[)[^,\]]*/, '$1NaN'),
      /^golden\/x\.json: not valid JSON \(truncated or corrupted\?\) at line \d+, column \d+: bare NaN; write non-finite values as the strings "NaN", "Infinity", "-Infinity"$/,
    ],
    ['a key given twice', (t: string) => t.replace('"schema": 1,', '"schema": 1, "cell": "type2",'), /^golden\/x\.json: cell: the key is given twice, at line 2, column 16 and line \d+, column 3; JSON keeps only the last one silently, so the text is refused$/],
    ['an unknown schema version', (t: string) => t.replace('"schema": 1', '"schema": 2'), /^golden\/x\.json: schema version 2 is not supported \(this lstm-parity reads version 1\)$/],
    ['a missing key', (t: string) => t.replace(/,\n  "numpyWarnings": \[\]/, ''), /^golden\/x\.json: numpyWarnings: /],
    ['a string where a number belongs', (t: string) => t.replace(/"S": \[\n(\s+)\[/, '"S": [\n$1["x", '), /^golden\/x\.json: case\.S\[0\]\[0\]: expected a number$/],
  ])('should reject %s, naming file and field', (_what, corrupt, message) => {
    const text = corrupt(readFileSync(join(ROOT, 'golden', PATH), 'utf8'));
    expect(() => parseGoldenFile(text, 'golden/x.json')).toThrowError(GoldenFileError);
    expect(() => parseGoldenFile(text, 'golden/x.json')).toThrowError(message);
  });

  it.each([
    ['a document that is not an object', () => 'null', 'golden/x.json: expected a golden file object {"schema": 1, ...}, got null'],
    ['an array', () => '[]', 'golden/x.json: expected a golden file object {"schema": 1, ...}, got an array'],
    ['no schema version', (t: string) => t.replace('"schema": 1,', ''), 'golden/x.json: schema: missing (this lstm-parity reads version 1)'],
    ['an unknown key', (t: string) => t.replace('"schema": 1,', '"schema": 1, "extra": true,'), 'golden/x.json: (top level): Unrecognized key: "extra"'],
    ['an unknown cell', (t: string) => t.replace('"cell": "type1"', '"cell": "type3"'), 'golden/x.json: cell: Invalid option: expected one of "type1"|"type2"'],
    ['a case its cell refuses', (t: string) => t.replace('"b_i": [', '"b_i": [0, '), 'golden/x.json: case.W.b_i: expected shape [4], got [5]'],
    ['an expected output one step short', (t: string) => t.replace(/("Output": \[\n)\s+\[[^\]]*\],\n/, '$1'), 'golden/x.json: expected.Output: expected 6 rows of 4 values (T x H of the case), got 5 rows'],
    ['an expected row one value short', (t: string) => t.replace(/("Output": \[\n\s+\[[^\]]*), [^\],]*\]/, '$1]'), 'golden/x.json: expected.Output: expected 6 rows of 4 values (T x H of the case), got row 0 of 3 values'],
  ])('should reject %s, naming file and field', (_what, corrupt, message) => {
    const text = corrupt(readFileSync(join(ROOT, 'golden', PATH), 'utf8'));
    expect(() => parseGoldenFile(text, 'golden/x.json')).toThrowError(GoldenFileError);
    expect(() => parseGoldenFile(text, 'golden/x.json')).toThrowError(message);
  });

  it.each([
    ['truncated JSON', (t: string) => t.slice(0, 200), /^golden\/MANIFEST\.json: not valid JSON at line \d+, column \d+: /],
    ['an unknown schema version', (t: string) => t.replace('"schema": 1', '"schema": 7'), /^golden\/MANIFEST\.json: schema version 7 is not supported \(this lstm-parity reads version 1\); restore it with git checkout -- golden\/ /],
    ['a malformed hash', (t: string) => t.replace(/"sha256": "[0-9a-f]{64}"/, '"sha256": "abc"'), /^golden\/MANIFEST\.json: files\..*\.sha256: Invalid string: must match pattern/],
    ['no environment', (t: string) => t.replace(/"environment": \{[^}]*\},\n/s, ''), /^golden\/MANIFEST\.json: environment: /],
  ])('should reject a manifest with %s', (_what, corrupt, message) => {
    const manifestDir = mkdtempSync(join(tmpdir(), 'lstm-parity-manifest-'));
    try {
      writeFileSync(join(manifestDir, 'MANIFEST.json'), corrupt(readFileSync(join(ROOT, 'golden', 'MANIFEST.json'), 'utf8')));
      expect(() => readManifest(manifestDir)).toThrowError(GoldenFileError);
      expect(() => readManifest(manifestDir)).toThrowError(message);
    } finally {
      rmSync(manifestDir, { recursive: true, force: true });
    }
  });

  it('should say how to restore the manifest when there is none', () => {
    expect(() => readManifest(join(copy, 'type1'))).toThrowError(
      `${join(copy, 'type1', 'MANIFEST.json')}: missing; restore it with git checkout -- golden/ (or run npm run golden:generate if the change is meant)`,
    );
  });

  it('should refuse a file the manifest does not list', () => {
    expect(() => loadGoldenFile(copy, 'type1/stray.json', readManifest(copy))).toThrowError(
      'golden/type1/stray.json: not listed in MANIFEST.json; remove it, or run npm run golden:generate to add it to the corpus',
    );
  });

  it('should name every file on disk that the manifest does not list', () => {
    const manifest = readManifest(copy);
    expect(unlistedFiles(copy, manifest)).toEqual([]);
    expect(() => checkNothingUnlisted(copy, manifest)).not.toThrow();
    writeFileSync(join(copy, 'type2', 'stray.json'), '{}');
    mkdirSync(join(copy, 'regressions'), { recursive: true });
    writeFileSync(join(copy, 'regressions', 'extra.json'), '{}');
    try {
      expect(unlistedFiles(copy, manifest)).toEqual(['regressions/extra.json', 'type2/stray.json']);
      expect(() => checkNothingUnlisted(copy, manifest)).toThrowError(GoldenCorpusError);
      expect(() => checkNothingUnlisted(copy, manifest)).toThrowError(
        'golden/regressions/extra.json: not listed in MANIFEST.json (and 1 more: golden/type2/stray.json); remove it, or run npm run golden:generate to add it to the corpus',
      );
    } finally {
      rmSync(join(copy, 'type2', 'stray.json'));
      rmSync(join(copy, 'regressions'), { recursive: true });
    }
  });

  it('should say which file is missing when the manifest lists one that is not there', () => {
    const manifest = readManifest(copy);
    manifest.files['type1/gone.json'] = { sha256: sha256('') };
    expect(() => loadGoldenFile(copy, 'type1/gone.json', manifest)).toThrowError(
      'golden/type1/gone.json: listed in MANIFEST.json but missing; restore it with git checkout -- golden/ (or run npm run golden:generate if the change is meant)',
    );
  });
});
