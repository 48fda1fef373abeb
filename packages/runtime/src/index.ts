export { loadModel, loadModelSync, modelFromText, pmmlModel, detectFormat, readModelSource, type LoadOptions, type ModelFormat, type Backend } from "./load.ts";
export { CompiledPmmlModel } from "./compiled-model.ts";
export type { Model, FieldInfo, ScoreResult, BatchResult, RowErrorPolicy } from "./model.ts";
export { PmmlModel, modelTypesOf } from "./pmml-model.ts";
export { PfaModel } from "./pfa-model.ts";
export { loadPmmlWithArtifacts, PORTA_VERSION, type ArtifactLoad } from "./artifacts.ts";
export { ArtifactCache } from "@porta/cache";
export { withResultCache } from "./memoized-model.ts";
export { LocalResultCache } from "@porta/cache";
