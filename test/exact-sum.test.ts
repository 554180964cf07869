/**
 * Exact sums of products: hand-worked edge cases first (zero signs, overflow, NaN, the spacing of
 * subnormals), then random sums across the whole exponent range against Python's `fractions`,
 * an exact rational arithmetic independent of this code (with IEEE 754's rule for the sign of an
 * exact zero written out beside it): the sign, zero-ness and class must be equal, the value within a few ULP (the fast path is faithful, not always correctly rounded), and
 * equal bit for bit wherever the exact path is forced (cancellation, underflow, overflow).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sumOfProducts } from '../src/numeric/exact-sum.js';
import { ulpDistance } from '../src/numeric/ulp.js';
import { numpy } from './helpers/numpy.js';
import { readSettings } from '../src/conformance/runner.js';

const sum = (pairs: [number, number][]) => sumOfProducts(pairs.map((p) => p[0]), pairs.map((p) => p[1]));

describe('sumOfProducts on worked cases', () => {
  it('should give a zero the sign exact arithmetic gives it', () => {
    // An underflowing product is a tiny negative number, so -0; a running sum from +0 would say +0.
    expect(Object.is(sum([[-1e-200, 1e-200]]), -0)).toBe(true);
    expect(Object.is(sum([[-1e-200, 1e-200], [-1e-200, 1e-200]]), -0)).toBe(true);
    // Exact zeros: -0 only when every term is -0.
    expect(Object.is(sum([[-1, 0], [2, -0]]), -0)).toBe(true);
    expect(Object.is(sum([[-1, 0], [2, 0]]), 0)).toBe(true);
    expect(Object.is(sum([]), 0)).toBe(true);
    // Nonzero terms that cancel exactly give +0.
    expect(Object.is(sum([[-3, 1], [3, 1]]), 0)).toBe(true);
    // A tiny positive term decides what the large ones cancel to.
    expect(sum([[1e300, 1], [-1e300, 1], [1e-300, 1e-20]])).toBe(1e-320);
    expect(Object.is(sum([[1e300, 1], [-1e300, 1], [-1e-300, 1e-30]]), -0)).toBe(true);
  });

  it('should overflow only where the exact sum does', () => {
    // Left to right, 1e308 + 1e308 is already Infinity.
    expect(sum([[1e308, 1], [1e308, 1], [-1e308, 1]])).toBe(1e308);
    expect(sum([[1e308, 10], [-1e308, 9]])).toBe(1e308);
    expect(sum([[1e308, 2], [1e308, -1]])).toBe(1e308);
    expect(sum([[Number.MAX_VALUE, 1], [Number.MAX_VALUE, 1e-16]])).toBe(Infinity);
    // The largest double plus half an ULP rounds to even, which is Infinity.
    expect(sum([[Number.MAX_VALUE, 1], [2 ** 970, 1]])).toBe(Infinity);
    expect(sum([[Number.MAX_VALUE, 1], [2 ** 969, 1]])).toBe(Number.MAX_VALUE);
  });

  it('should give NaN only for NaN, ∞ · 0, and ∞ - ∞', () => {
    expect(sum([[Infinity, 0]])).toBeNaN();
    expect(sum([[0, -Infinity], [1, 1]])).toBeNaN();
    expect(sum([[Infinity, 1], [Infinity, -1]])).toBeNaN();
    expect(sum([[NaN, 0]])).toBeNaN();
    expect(sum([[Infinity, 2], [1e308, 1e10]])).toBe(Infinity);
    expect(sum([[-5e-324, Infinity], [1, 1]])).toBe(-Infinity);
  });

  it('should round to even at the subnormals, and carry into the normals', () => {
    expect(sum([[5e-324, 0.5]])).toBe(0);
    expect(sum([[5e-324, 1.5]])).toBe(1e-323);
    expect(sum([[5e-324, 2.5]])).toBe(1e-323);
    expect(sum([[2 ** -1022 - 5e-324, 1], [5e-324, 1]])).toBe(2 ** -1022);
    expect(sum([[1 + 2 ** -52, 1 + 2 ** -52]])).toBe(1 + 2 ** -51);
  });
});

/** A double from anywhere in the range: sign, exponent across normals and subnormals, mantissa. */
const anyDouble = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.tuple(fc.integer({ min: -1074, max: 1023 }), fc.double({ min: 1, max: 2, maxExcluded: true, noNaN: true }), fc.boolean()).map(([e, m, negative]) => {
    const x = m * 2 ** e;
    return negative ? -x : x;
  }),
  fc.constantFrom(0, -0, 5e-324, -5e-324, 1, -1, Number.MAX_VALUE, -Number.MAX_VALUE),
);

/** Sums that cancel: terms and the same terms negated, plus one small term. */
const cancelling = fc.tuple(fc.array(fc.tuple(anyDouble, anyDouble), { maxLength: 6 }), anyDouble, anyDouble).map(([pairs, a, b]) => [...pairs, ...pairs.map(([x, y]) => [-x, y] as [number, number]), [a, b] as [number, number]]);

/** The 64 bits of a double, as 16 hex digits: how both sides name a double exactly. */
function bitsOf(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** The exact sums by Python's fractions, rounded once by float(): bits, or "inf" / "-inf". */
function exactByPython(cases: [number, number][][]): string[] {
  const script = `
import json, math, struct, sys
from fractions import Fraction
double = lambda bits: struct.unpack('>d', bytes.fromhex(bits))[0]
out = []
for terms in json.loads(sys.stdin.read()):
    pairs = [(double(a), double(b)) for a, b in terms]
    total = sum((Fraction(a) * Fraction(b) for a, b in pairs), Fraction(0))
    try:
        rounded = float(total)
    except OverflowError:
        out.append('inf' if total > 0 else '-inf')
        continue
    if total == 0:
        # IEEE 754: an exact zero sum is -0 only when every term is -0.
        negative = len(pairs) > 0 and all((a == 0 or b == 0) and math.copysign(1, a) * math.copysign(1, b) < 0 for a, b in pairs)
        rounded = -0.0 if negative else 0.0
    elif rounded == 0:
        rounded = math.copysign(0.0, total)
    out.append(struct.pack('>d', rounded).hex())
print(json.dumps(out))
`;
  const input = JSON.stringify(cases.map((terms) => terms.map(([a, b]) => [bitsOf(a), bitsOf(b)])));
  return JSON.parse(execFileSync(process.env.LSTM_PARITY_PYTHON || 'python3', ['-c', script], { input }).toString()) as string[];
}

describe.skipIf(!numpy.ok)('sumOfProducts against Python fractions', () => {
  it('should agree in sign, zero-ness and class, and within a few ULP in value', () => {
    const { seed, numRuns } = readSettings(3000);
    const cases = fc.sample(fc.oneof(fc.array(fc.tuple(anyDouble, anyDouble), { maxLength: 12 }), cancelling), { seed, numRuns });
    const expected = exactByPython(cases).map((text) => (text === 'inf' ? Infinity : text === '-inf' ? -Infinity : fromBits(text)));
    cases.forEach((terms, k) => {
      const got = sum(terms);
      const want = expected[k];
      const where = `FC_SEED=${seed} FC_RUNS=${numRuns}, case ${k}: terms ${JSON.stringify(terms)}: got ${got}, exact ${want}`;
      if (want === 0) {
        expect(got, where).toBe(want);
      } else {
        expect(Math.sign(got), where).toBe(Math.sign(want));
        expect(Number.isFinite(got), where).toBe(Number.isFinite(want));
        if (Number.isFinite(want)) expect(ulpDistance(got, want), where).toBeLessThanOrEqual(2);
      }
    });
  });
});

