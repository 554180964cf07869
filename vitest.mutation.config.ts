import { defineConfig } from 'vitest/config';

// The suites Stryker runs against each mutant of src/cells and src/numeric/ulp.ts: the tests that
// need no Python, so a mutant costs seconds (Stryker runs only the tests that reach the mutant),
// and the activations' own tests, whose accuracy part asks mpmath (a second) because only it sees
// a mutant that moves σ or tanh by an ULP. The NumPy-backed suites (differential, live verify,
// explore) would kill more, so the score measured here is a lower bound. src/judge's mutants run
// against the judge's own suites instead (vitest.mutation-judge.config.ts).
export default defineConfig({
  test: {
    include: [
      'test/cells.test.ts',
      'test/activations.test.ts',
      'test/reuse.test.ts',
      'test/threads.test.ts',
      'test/schema.test.ts',
      'test/api-input.test.ts',
      'test/fast-cells.test.ts',
      'test/kernel-edges.test.ts',
      'test/backends.test.ts',
      'test/numeric.test.ts',
      'test/exact-facts.test.ts',
      'test/implementation.test.ts',
      'test/noise-floor.test.ts',
      'test/golden.test.ts',
      'test/golden-integrity.test.ts',
      'test/cli-input.test.ts',
      'test/verify-usage.test.ts',
      'properties/bounds.test.ts',
      'properties/fast-apis.test.ts',
      'properties/gates.test.ts',
      'properties/robustness.test.ts',
      'properties/symmetry.test.ts',
      'properties/trace.test.ts',
      'properties/zero-weights.test.ts',
    ],
    testTimeout: 60_000,
  },
});
