/**
 * Permutations as sort keys: `permutationKeys()` draws keys, and `permutationOf(keys, n)` is the
 * stable argsort of the first n, a permutation p of 0..n-1 (position k takes the element that
 * was at p[k]). One draw serves any n up to maxSize, so a property need not chain it on a case's
 * shape, and a case that shrinks keeps its permutation; keys shrink toward 0, which sorts into
 * the identity.
 */
import fc from 'fast-check';
import { checkInteger } from '../support/constraints.js';

export interface PermutationKeysConstraints {
  /** The largest n the keys can permute. Default 16, the default largest H. */
  maxSize?: number;
}

export function permutationKeys(constraints: PermutationKeysConstraints = {}): fc.Arbitrary<number[]> {
  const { maxSize = 16 } = constraints;
  checkInteger('permutationKeys', 'maxSize', maxSize, 1);
  return fc.array(fc.nat({ max: 1000 }), { minLength: maxSize, maxLength: maxSize });
}

export function permutationOf(keys: readonly number[], n: number): number[] {
  if (n > keys.length) throw new RangeError(`permutationOf: ${keys.length} keys cannot permute ${n} elements`);
  return Array.from({ length: n }, (_, k) => k).sort((a, b) => keys[a] - keys[b] || a - b);
}
