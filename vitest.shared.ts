// Shared vitest settings: tests resolve sibling packages to their TypeScript sources
// (the "@hawq-ts/source" export condition), so a test never runs against a stale dist/.
import { defineConfig } from 'vitest/config';

export const sourceConditions = ['@hawq-ts/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@hawq-ts/source'] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // generous: CI runs every package's suite at once on 2 cores (a heavy test takes 10–60 s alone)
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest-result.json' },
  },
});
