/**
 * An implementation as the conformance properties see it: each generated case runs through
 * `runImplementation` (so every reply is checked as the judge checks it), outputs come back flat by
 * seed key, and the subject knows, per cell, which keys the implementation returns, its
 * precision, the tolerance policy of that precision, and how large an input it can hold.
 *
 * Keys come from the implementation's `keys` when it declares them, else from one small case per
 * cell asked at start. A property that reads a key the implementation does not return is skipped
 * and listed by the suite, never passed.
 */
import { WEIGHT_KEYS, type CellType } from '../cells/schema.js';
import { toFlatCase, type FlatOutputs } from '../judge/flat-case.js';
import { runImplementation, seedKeysOf, type CaseInput, type Implementation } from '../judge/implementation.js';
import { toleranceFor, type Dtype, type Tolerance } from '../judge/tolerance.js';

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** How {@link openSubject} prepares an implementation for the properties. */
export interface SubjectOptions {
  /**
   * Hold arithmetic identities (the c_t recurrence, h_t from o_t and c_t with this package's tanh,
   * the exact saturation constants of σ) bit for bit, as this package's cells and any float64 port
   * that computes left to right with lstm-parity's exp, σ and tanh meet them. Default false: they are
   * then held within the tolerance policy, or skipped where no tolerance makes sense.
   */
  exactArithmetic?: boolean;
}

/** An implementation as the properties run it: its keys, dtype, tolerance and a `run` that checks each reply. */
export interface Subject {
  readonly impl: Implementation;
  readonly dtype: Dtype;
  readonly tolerance: Tolerance;
  readonly exact: boolean;
  /** The seed keys the implementation returns for a cell, in the seed's order. */
  keys(cell: CellType): readonly string[];
  /** Input magnitudes: below `noOverflow` no product of a property's cases overflows; `anyFinite` is the largest finite value. */
  readonly limits: { noOverflow: number; anyFinite: number };
  /** Runs one case; outputs flat (T x H per key), checked as the judge checks them. */
  run(cell: CellType, value: { S: number[][]; W: object }, options?: { allowNonFinite?: boolean }): Promise<FlatOutputs>;
}

function smallCase(cell: CellType): CaseInput {
  const W: CaseInput['W'] = {};
  for (const key of WEIGHT_KEYS[cell]) {
    W[key] = key.startsWith('b_') ? [0.1, -0.2] : key.startsWith('u_') ? [[0.1, 0.2], [-0.3, 0.4]] : [[0.5, -0.1], [0.2, 0.3]];
  }
  return { S: [[0.1, 0.2], [0.3, -0.4]], W };
}

/** Learns what the implementation returns and wraps it for the properties. */
export async function openSubject(impl: Implementation, options: SubjectOptions = {}): Promise<Subject> {
  const keys = new Map<CellType, readonly string[]>();
  for (const cell of impl.cells) {
    if (impl.keys !== undefined) {
      keys.set(cell, seedKeysOf(cell).filter((key) => impl.keys!.includes(key)));
      continue;
    }
    const input = smallCase(cell);
    const outputs = await runImplementation(impl, toFlatCase(cell, input), `conformance: a ${cell} case of T = 2, H = 2, X = 2 to learn its keys`, input);
    keys.set(cell, Object.keys(outputs));
  }
  const float32 = impl.dtype === 'float32';
  return {
    impl,
    dtype: impl.dtype,
    tolerance: toleranceFor(impl.dtype),
    // Bit-for-bit identities are float64 facts: a float32 implementation is held within its policy.
    exact: (options.exactArithmetic ?? impl.exactArithmetic) === true && impl.dtype === 'float64',
    keys: (cell) => keys.get(cell) ?? [],
    // float32: S up to 1e30 with weights up to 1000 over 25 terms stays below FLOAT32_MAX.
    limits: float32 ? { noOverflow: 1e30, anyFinite: FLOAT32_MAX } : { noOverflow: 1e300, anyFinite: Number.MAX_VALUE },
    run: (cell, value, runOptions = {}) => {
      // Only S and W: a generated case also carries its shape and scale.
      const input = { S: value.S, W: value.W } as CaseInput;
      return runImplementation(impl, toFlatCase(cell, input, { allowNonFinite: runOptions.allowNonFinite }), `a ${cell} case`, input);
    },
  };
}
