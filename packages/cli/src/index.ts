/**
 * Porta's public library API: `import { loadModel } from "porta"`.
 */
export { loadModel, loadModelSync, detectFormat, withResultCache, LocalResultCache, ArtifactCache } from "@porta/runtime";
export type { Model, FieldInfo, ScoreResult, BatchResult, RowErrorPolicy, LoadOptions } from "@porta/runtime";
export { PortaError, ParseError, SchemaError, UnsupportedFeatureError, EvaluationError, DeployError, isPortaError } from "@porta/ir";
export type { Value } from "@porta/ir";
