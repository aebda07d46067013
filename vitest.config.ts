import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A run that finds no tests must fail, not pass quietly (CI judges vitest by exit code).
    passWithNoTests: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    pool: 'forks',
    // Chromium and redis-server present, and a private Redis unless REDIS_URL names one.
    globalSetup: ['./test/support/global-setup.ts'],
  },
});
