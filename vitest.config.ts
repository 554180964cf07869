import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.test.ts'],
    // Two cores here: two workers keep the machine responsive and each runs one NumPy worker.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
