/**
 * How large a case the CLI takes. The library itself sets no limit; the CLI reads a whole case
 * into memory and writes the whole trace as one JSON text, so it refuses, with one line and exit
 * code 2, inputs whose memory use would be out of proportion, before spending that memory.
 *
 * Measured with Node 20 (peak resident memory of `lstm-parity run`):
 * - Parsing 32 MiB of the worst-case JSON, `[[0],[0],...]`, takes about 512 MiB of heap (16 bytes
 *   of heap per byte of text); realistic 17-digit weights take about 0.5 bytes per byte. 32 MiB
 *   holds every weight of a type 1 cell up to H = 360 written with 17 digits.
 * - Writing the trace is the costly part: T x H = 2^18 output values per key (type 1 writes six
 *   keys, about 40 MB of JSON) peaks near 700 MB; 2^20 peaked at 2.7 GB.
 */
import { UsageError } from './usage-error.js';

/** Bytes of case JSON, from a file or stdin. */
export const MAX_CASE_BYTES = 32 * 1024 * 1024;
/** Values in S: T x X. */
export const MAX_SEQUENCE_VALUES = 2 ** 20;
/** Values per output key: T x H. */
export const MAX_TRACE_VALUES = 2 ** 18;

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}

function lengthOf(value: unknown): number | undefined {
  return Array.isArray(value) || ArrayBuffer.isView(value) ? (value as ArrayLike<unknown>).length : undefined;
}

/**
 * Refuses a parsed case whose S or trace would be over the limits. Reads only the lengths of S,
 * S[0] and W.u_i; anything malformed is left to the schema, which names it precisely.
 */
export function checkCaseSize(value: unknown, source: string): void {
  if (typeof value !== 'object' || value === null) return;
  const { S, W } = value as { S?: unknown; W?: { u_i?: unknown } };
  const steps = lengthOf(S);
  if (steps === undefined || steps === 0) return;
  const inputs = lengthOf((S as unknown[])[0]);
  if (inputs !== undefined && steps * inputs > MAX_SEQUENCE_VALUES) {
    throw new UsageError(
      `${source}: S is ${steps} x ${inputs} (T x X = ${steps * inputs} values); the CLI takes at most ${MAX_SEQUENCE_VALUES} (2^20): split the sequence`,
    );
  }
  const hidden = typeof W === 'object' && W !== null ? lengthOf(W.u_i) : undefined;
  if (hidden !== undefined && steps * hidden > MAX_TRACE_VALUES) {
    throw new UsageError(
      `${source}: the trace would be ${steps} x ${hidden} (T x H = ${steps * hidden} values per key); the CLI writes at most ${MAX_TRACE_VALUES} (2^18): split the sequence`,
    );
  }
}
