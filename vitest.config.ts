import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: two workers keep the PGlite-heavy suite busy without thrashing.
    maxWorkers: 2,
    globalSetup: ['tests/helpers/global-setup.ts'],
  },
});
