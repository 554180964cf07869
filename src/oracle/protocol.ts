/**
 * The wire format between the bridge and reference/worker.py: one JSON object per line, arrays
 * as base64 of little-endian float64 (exact, and about 2.7x denser than decimal text). Every
 * reply is validated here before anything reads it.
 */
import * as z from 'zod';
import type { FlatCase, ReferenceResult } from '../judge/flat-case.js';

export type { FlatCase, ReferenceResult };

export function encodeFloat64(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/**
 * Node's decoder skips or stops at characters outside the alphabet instead of failing, so text is
 * valid base64 exactly when it decodes to as many bytes as its length says (and holds none of the
 * URL-safe alphabet's '-' and '_', which Node also reads). This check costs nothing next to the
 * decoding; a regular expression over every reply took about as long as the rest of the reply's
 * handling.
 */
function checkBase64(text: string, bytes: number): void {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (text.length % 4 !== 0 || bytes !== (text.length / 4) * 3 - padding || text.includes('-') || text.includes('_')) {
    throw new RangeError('expected base64');
  }
}

export function decodeFloat64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  checkBase64(text, bytes.length);
  if (bytes.length % 8 !== 0) throw new RangeError(`expected a multiple of 8 bytes, got ${bytes.length}`);
  // Copy into a fresh, aligned buffer: Buffer may hand back a slice of its shared pool.
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Checked when decoded (decodeFloat64). */
const base64 = z.string();

export const workerInfoSchema = z.object({
  protocol: z.literal(1),
  python: z.string(),
  numpy: z.string(),
  blas: z.looseObject({ name: z.string().nullish(), version: z.string().nullish(), config: z.string().nullish(), corename: z.string().nullish() }),
  platform: z.string(),
  machine: z.string(),
  cpu_features: z.array(z.string()),
});
/**
 * What the NumPy worker says about itself at start-up: Python, NumPy, BLAS and platform, so every
 * result can say which NumPy it was compared with.
 * @interface
 */
export type WorkerInfo = z.infer<typeof workerInfoSchema>;

const caseResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    outputs: z.record(z.string(), base64),
    warnings: z.array(z.string()),
    digits: z.number().int().positive().optional(),
    converged: z.boolean().optional(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export const replySchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), info: workerInfoSchema }),
  z.object({ id: z.number().int(), ok: z.literal(true), results: z.array(caseResultSchema) }),
  z.object({ id: z.number().int().nullable(), ok: z.literal(false), error: z.string() }),
]);
export type Reply = z.infer<typeof replySchema>;

export function encodeCase(c: FlatCase): object {
  const W: Record<string, string> = {};
  for (const [key, values] of Object.entries(c.W)) W[key] = encodeFloat64(values);
  const encoded = { cell: c.cell, steps: c.steps, inputs: c.inputs, hidden: c.hidden, S: encodeFloat64(c.S), W };
  return c.jitter === undefined ? encoded : { ...encoded, jitter: c.jitter };
}

/** Decodes one case's result and checks every output holds exactly T x H values. */
export function decodeResult(result: z.infer<typeof caseResultSchema>, c: FlatCase): ReferenceResult {
  if (!result.ok) return result;
  const outputs: Record<string, Float64Array> = {};
  for (const [key, text] of Object.entries(result.outputs)) {
    const values = decodeFloat64(text);
    if (values.length !== c.steps * c.hidden) {
      throw new RangeError(`reply output ${key}: expected ${c.steps * c.hidden} values (T x H), got ${values.length}`);
    }
    outputs[key] = values;
  }
  return { ok: true, outputs, warnings: result.warnings, digits: result.digits, converged: result.converged };
}
