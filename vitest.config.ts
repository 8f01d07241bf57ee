import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Integration and e2e tests talk to real Postgres, Redis and HTTP servers; these bound a hung test, they
    // are not performance assertions (those live in bench/).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
