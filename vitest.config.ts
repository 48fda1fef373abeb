import { defineConfig } from "vitest/config";

// Tests run the TypeScript sources, never dist/: the "@porta/source" export condition resolves
// every @porta/* package (and `porta`) to its src/, and PORTA_SOURCE=1 makes the `porta` bin the
// tests spawn do the same (packages/cli/bin/sources.mjs).
const conditions = ["@porta/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    setupFiles: ["./test/setup-backends.ts"],
    env: { PORTA_SOURCE: "1" },
  },
});
