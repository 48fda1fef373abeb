export { loadModel, loadModelSync, modelFromText, detectFormat, readModelSource, type LoadOptions, type ModelFormat } from "./load.ts";
export type { Model, FieldInfo, ScoreResult, BatchResult, RowErrorPolicy } from "./model.ts";
export { PmmlModel, modelTypesOf } from "./pmml-model.ts";
export { PfaModel } from "./pfa-model.ts";
