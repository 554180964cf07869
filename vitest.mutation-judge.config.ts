import { defineConfig } from 'vitest/config';

// The suites Stryker runs against each mutant of src/judge: the judge's own tests, which need no
// Python. The conformance and property suites of vitest.mutation.config.ts reach most of the judge
// too, through the cells, at 15 to 20 s a mutant on two loaded cores, so that the 1793 mutants of
// src/judge outlasted any run here; against these a mutant costs about a second. A mutant only
// those suites would kill counts as a survivor here, so this score is a lower bound too.
export default defineConfig({
  test: {
    include: [
      'test/exact-facts.test.ts',
      'test/implementation.test.ts',
      'test/noise-floor.test.ts',
      'test/numeric.test.ts',
      'test/golden-integrity.test.ts',
    ],
    testTimeout: 60_000,
  },
});
