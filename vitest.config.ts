import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the `@spillway/source`
// export condition), so `pnpm test` needs no build step.
// No 'module' condition: Node never uses it, and packages such as @opentelemetry/api point it at a
// bundler-only build (extensionless imports) that Node cannot load.
const conditions = ['@spillway/source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@spillway/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A few end-to-end tests race real sockets and child processes; on a starved machine one can miss
    // a window. CI retries a failed test once, so a load spike cannot block a landing; locally a
    // failure is reported as it happened. Retried tests are listed in the report.
    retry: process.env.CI ? 1 : 0,
    typecheck: { enabled: false },
  },
});
