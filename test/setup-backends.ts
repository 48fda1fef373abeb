/**
 * Every test process registers the backends `porta` ships, as `import "porta"` does for a user:
 * package tests reach the runtime through @porta/runtime, which names no backend itself.
 * The backends and the PMML reader load lazily; a lazy load on the synchronous path
 * (`loadModelSync`) is Node's require, which resolves to dist/, not to the sources the tests run,
 * so they are loaded here, through the test runner's import.
 */
import { loadBackends } from "porta/backends";
import { loadReaders } from "@porta/runtime";

await Promise.all([loadBackends(), loadReaders()]);
