import { join } from "node:path";
import { defineConfig } from "vitest/config";
import rootConfig from "../vitest.config.ts";

// The root config only collects package and test/ files; the harness's own smoke tests run
// with this one (`npm run test:bench`, part of `npm test`), same settings otherwise.
export default defineConfig({
  root: join(import.meta.dirname, ".."),
  test: { ...rootConfig.test, include: ["bench/**/*.test.ts"] },
});
