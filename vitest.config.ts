import { defineConfig } from 'vitest/config';

// Tests import the packages' TypeScript sources through the "@consent-guard/source"
// export condition, so they need no build.
export default defineConfig({
  resolve: { conditions: ['@consent-guard/source'] },
  ssr: { resolve: { conditions: ['@consent-guard/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
