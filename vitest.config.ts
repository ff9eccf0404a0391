import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tooling/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests spawn processes and servers; two cores do not profit from more workers.
    maxWorkers: 2,
    globalSetup: ['./tooling/test/global-setup.ts'],
    reporters: ['default', './tooling/test/summary-reporter.ts'],
  },
});
