import { createRequire } from "node:module";

type PmmlModule = typeof import("@porta/pmml");

/**
 * The PMML reader, loaded when the first PMML document is parsed rather than when the runtime is
 * imported: `import("porta")` and a run that restores a cached artifact never pay for it.
 */
let loaded: PmmlModule | undefined;

/** The PMML reader for the async load path (a dynamic import). */
export async function pmmlReader(): Promise<PmmlModule> {
  return (loaded ??= await import("@porta/pmml"));
}

/**
 * The PMML reader for `loadModelSync`: Node's require of an ES module (unflagged from Node 20.19
 * and 22.12, the `engines` range), which shares the module instance an import would give.
 */
export function pmmlReaderSync(): PmmlModule {
  return (loaded ??= createRequire(import.meta.url)("@porta/pmml") as PmmlModule);
}

/** Loads the PMML reader now (see `pmmlReaderSync` for why a test runner of the sources needs it). */
export async function loadReaders(): Promise<void> {
  await pmmlReader();
}
