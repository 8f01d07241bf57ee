import { defineConfig } from 'vitest/config';

/**
 * `npm run chaos:fuzz`: the properties of test/fuzz in their long form (the script sets FUZZ_RUNS and
 * FUZZ_HTTP_RUNS; each run draws a fresh seed). `npm test` runs the same files in their smoke form.
 */
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Ten thousand runs of a property take minutes on a busy machine; this bounds a hung run, nothing more.
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
