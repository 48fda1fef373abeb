/**
 * Porta's public library API: `import { loadModel } from "porta"`.
 */
export { loadModel, loadModelSync, detectFormat, withResultCache, LocalResultCache, ArtifactCache, groupTransactions, groupTransactionsAsync } from "@porta/runtime";
export type { Model, FieldInfo, ScoreResult, BatchResult, BatchOptions, RowError, RowErrorPolicy, LoadOptions, GroupOptions } from "@porta/runtime";
export { DEFAULT_LIMITS } from "@porta/ir";
export type { Limits } from "@porta/ir";
export { PortaError, ParseError, SchemaError, UnsupportedFeatureError, EvaluationError, DeployError, isPortaError } from "@porta/ir";
export type { Value } from "@porta/ir";
