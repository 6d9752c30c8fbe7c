import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the `@llm-router/source`
// export condition), so `pnpm test` needs no build step.
const conditions = ['@llm-router/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@llm-router/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    typecheck: { enabled: false },
  },
});
