/**
 * Golden files: one JSON file per case under golden/<cell>/ (and golden/regressions/), holding
 * the inputs, the outputs NumPy produced for them, and the NumPy warnings raised. Doubles are
 * encoded exactly (./format/doubles.ts). golden/MANIFEST.json records where the corpus came
 * from and a sha256 of every file, so an edited or corrupted file is caught by name.
 *
 * This module parses and writes text only, so it runs in a browser too; reading the corpus from
 * disk, with its checksums, is ./files.ts.
 */
import * as z from 'zod';
import { describeValue, formatIssue, LstmInputError, validateCase } from '../cells/schema.js';
import { reviveDouble, reviveDoubles } from '../format/doubles.js';
import { describeJsonProblem, JsonTextError, readJsonText } from '../format/json-text.js';
import { stringifyDoubles } from '../format/json-writer.js';

/** The golden file and manifest format this version reads and writes; others are refused by name. */
export const GOLDEN_SCHEMA_VERSION = 1;

/** A golden file or manifest that cannot be read; the message names the file and the field. */
export class GoldenFileError extends Error {
  override readonly name: string = 'GoldenFileError';
}

// Any double, NaN and infinities included (z.number() refuses those).
const double = z.custom<number>((value) => typeof value === 'number', { message: 'expected a number' });
const matrix = z.array(z.array(double));
const vector = z.array(double);

export const environmentSchema = z.strictObject({
  python: z.string(),
  numpy: z.string(),
  blas: z.string(),
  blasCore: z.string().nullable(),
  platform: z.string(),
  cpuFeatures: z.array(z.string()),
  openblasThreads: z.string(),
  node: z.string(),
});
export type GoldenEnvironment = z.infer<typeof environmentSchema>;

export const goldenFileSchema = z.strictObject({
  schema: z.literal(GOLDEN_SCHEMA_VERSION),
  name: z.string().min(1),
  cell: z.enum(['type1', 'type2']),
  description: z.string(),
  /** Where the inputs came from: the case table (with its seed), a property test, the explorer. */
  source: z.strictObject({ kind: z.enum(['table', 'property', 'explore', 'finding']), seed: z.number().int(), detail: z.string().optional() }),
  allowNonFinite: z.boolean(),
  tolerance: z.strictObject({ rtol: z.number().min(0), atol: z.number().min(0), reason: z.string().min(1) }).optional(),
  /**
   * Set only for cases kept because the port and NumPy differ for a known reason; the golden test
   * then requires exactly this verdict (src/judge/verdict.ts) and never accepts a port bug.
   */
  expectedVerdict: z.enum(['ill-conditioned', 'platform-quirk']).optional(),
  case: z.strictObject({ S: matrix, W: z.record(z.string(), z.union([matrix, vector])) }),
  expected: z.record(z.string(), matrix),
  numpyWarnings: z.array(z.string()),
  /** NumPy's own spread under 1-ULP perturbations of its inputs and activations, per key and step (src/judge/noise-floor.ts). */
  noiseFloor: z.strictObject({
    copies: z.number().int().min(1),
    seed: z.number().int(),
    stepSpread: z.record(z.string(), vector),
    /** Per key, the flat indices (t · H + unit) where NumPy's NaN-ness or infinity moved under the perturbations; absent when none did. */
    classMoved: z.record(z.string(), z.array(z.number().int().min(0))).optional(),
  }),
  /** Regression files, written one at a time, carry their own environment. */
  environment: environmentSchema.optional(),
  /**
   * Set in files `verify --save-failures` writes: the port bug found on this case, by which
   * implementation and check, the implementation's own answer (or its error), and the catalogued
   * mistakes that reproduce it.
   */
  finding: z
    .strictObject({
      implementation: z.string(),
      check: z.string(),
      verdict: z.string(),
      actual: z.record(z.string(), matrix).optional(),
      runError: z.string().optional(),
      /** For a shrunk case: the name of the case it was shrunk from. */
      shrunkFrom: z.string().optional(),
      mistakes: z.array(z.strictObject({ id: z.string(), title: z.string() })),
    })
    .optional(),
});
/**
 * One golden case: its inputs, NumPy's outputs and warnings for them, NumPy's noise floor, and
 * where the case came from. Read with {@link parseGoldenFile}, judged with {@link lstm-parity-harness/judge!judgeGoldenFile}.
 * @interface
 */
export type GoldenFile = z.infer<typeof goldenFileSchema>;

export const manifestSchema = z.strictObject({
  schema: z.literal(GOLDEN_SCHEMA_VERSION),
  generator: z.strictObject({ name: z.string(), version: z.string(), sourceSha256: z.string() }),
  tableSeed: z.number().int(),
  generatedAt: z.string(),
  environment: environmentSchema,
  files: z.record(z.string(), z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
/**
 * golden/MANIFEST.json: how the corpus was generated (generator, table seed, NumPy's environment)
 * and the sha256 of every file, so an edited or corrupted file is caught by name.
 * @interface
 */
export type GoldenManifest = z.infer<typeof manifestSchema>;

/** A golden file's text, doubles exact and one array row per line, as the corpus stores it. */
export function formatGoldenFile(file: GoldenFile): string {
  return stringifyDoubles(file);
}

/** JSON text as ../format/json-text.ts reads it, its problems as GoldenFileErrors naming the file. */
function readJson(text: string, name: string, invalid: string, reviver?: (key: string, value: unknown) => unknown): unknown {
  try {
    return readJsonText(text, reviver);
  } catch (error) {
    if (error instanceof JsonTextError) throw new GoldenFileError(describeJsonProblem(error.problem, name, invalid), { cause: error });
    throw error;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  return `${path || '(top level)'}: ${issue.message}`;
}

/**
 * Parses and validates a golden file, given as its text or as the value JSON.parse made of it
 * (in a browser, say, from `fetch(...).json()`); every failure names the file and the field.
 */
export function parseGoldenFile(text: string | object, name: string): GoldenFile {
  let value: unknown;
  if (typeof text === 'string') {
    value = readJson(text, name, 'not valid JSON (truncated or corrupted?)', reviveDouble);
  } else {
    value = reviveDoubles(text);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GoldenFileError(`${name}: expected a golden file object {"schema": ${GOLDEN_SCHEMA_VERSION}, ...}, got ${describeValue(value)}`);
  }
  if (!('schema' in value)) throw new GoldenFileError(`${name}: schema: missing (this lstm-parity reads version ${GOLDEN_SCHEMA_VERSION})`);
  const version = (value as { schema: unknown }).schema;
  if (version !== GOLDEN_SCHEMA_VERSION) {
    throw new GoldenFileError(`${name}: schema version ${JSON.stringify(version)} is not supported (this lstm-parity reads version ${GOLDEN_SCHEMA_VERSION})`);
  }
  const result = goldenFileSchema.safeParse(value);
  if (!result.success) throw new GoldenFileError(`${name}: ${describeIssue(result.error.issues[0])}`);
  checkConsistent(result.data, name);
  return result.data;
}

/**
 * What the schema alone cannot see: the case must be a valid case of its cell, and every expected
 * output must hold T rows of H values for that case, so a file with a corrupted shape fails here,
 * by name and field, rather than later inside a comparison.
 */
function checkConsistent(file: GoldenFile, name: string): void {
  let shape;
  try {
    shape = validateCase(file.cell, file.case, { allowNonFinite: file.allowNonFinite });
  } catch (error) {
    if (!(error instanceof LstmInputError)) throw error;
    const issue = error.issues[0];
    throw new GoldenFileError(`${name}: case.${formatIssue(issue)}`);
  }
  for (const [key, rows] of Object.entries(file.expected)) {
    const bad = rows.findIndex((row) => row.length !== shape.hidden);
    if (rows.length !== shape.steps || bad >= 0) {
      const got = rows.length !== shape.steps ? `${rows.length} rows` : `row ${bad} of ${rows[bad].length} values`;
      throw new GoldenFileError(`${name}: expected.${key}: expected ${shape.steps} rows of ${shape.hidden} values (T x H of the case), got ${got}`);
    }
  }
}

/**
 * Parses and validates MANIFEST.json's text.
 * @param name - the file's name, put in front of every error.
 * @throws {@link GoldenFileError} for invalid JSON, another schema version, or the first field
 *   that does not fit.
 */
export function parseManifest(text: string, name: string): GoldenManifest {
  const value = readJson(text, name, 'not valid JSON');
  const version = (value as { schema?: unknown } | null)?.schema;
  if (version !== undefined && version !== GOLDEN_SCHEMA_VERSION) {
    throw new GoldenFileError(`${name}: schema version ${JSON.stringify(version)} is not supported (this lstm-parity reads version ${GOLDEN_SCHEMA_VERSION})`);
  }
  const result = manifestSchema.safeParse(value);
  if (!result.success) throw new GoldenFileError(`${name}: ${describeIssue(result.error.issues[0])}`);
  return result.data;
}
