/**
 * Porta's public library API: `import { loadModel } from "porta"`. Importing it registers the
 * backends porta ships (see ./backends.ts); their implementations load on first use.
 */
import "./backends.ts";

export {
  loadModel,
  loadModelSync,
  loadModelVerified,
  detectFormat,
  withResultCache,
  LocalResultCache,
  ArtifactCache,
  groupTransactions,
  groupTransactionsAsync,
} from "@porta/runtime";
export { batchFromRows, rowsFromBatch, registeredBackends } from "@porta/runtime";
export type {
  Model,
  FieldInfo,
  ScoreResult,
  BatchResult,
  BatchOptions,
  RowError,
  RowErrorPolicy,
  LoadOptions,
  GroupOptions,
  BackendChoice,
  VerificationReport,
  VerificationFailure,
} from "@porta/runtime";
export type { Batch, Column, ScoredBatch, BackendRefusal } from "@porta/runtime";
export { registerBackend, NoBackendError, numberColumn, categoryColumn, type Backend, type Session, type ScoringPlan, type Refusal } from "@porta/backend";
// The IR's light entry points, not its index: importing porta does not load the interpreter.
export { DEFAULT_LIMITS } from "@porta/ir/limits";
export type { Limits } from "@porta/ir/limits";
export { PortaError, ParseError, SchemaError, UnsupportedFeatureError, EvaluationError, DeployError, isPortaError } from "@porta/ir/errors";
export type { Value } from "@porta/ir/values";
