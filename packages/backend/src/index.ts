export {
  registerBackend, unregisterBackend, lazyBackend, type BackendDescriptor, registeredBackends, resolveBackend, resolveBackendSync, candidates, refuse, isRefusal, NoBackendError, scoreRowsEach,
  type ArtifactHooks, type Backend, type BackendHints, type BackendRefusal, type ModelFacts, type Refusal, type Resolved, type RowsOutcome, type ScoringPlan,
  type Session, type SessionArtifact,
} from "./backend.ts";
export {
  batchFromRows, rowsFromBatch, scoredBatchFromResults, categoryColumn, numberColumn, valueAt, isMissingAt, textOf, MISSING,
  type Batch, type Column, type ScoredBatch,
} from "./batch.ts";
export {
  applyRowErrorPolicy, checkRowDepth, rowErrorOf, scoreEachRow,
  type BatchOptions, type BatchResult, type FieldInfo, type RowError, type RowErrorPolicy, type ScoreResult,
} from "./rows.ts";
export { rowDepthError, rowDepthExceeds } from "./row-depth.ts";
export { modelElementName, modelTypesOf, pipelineFacts } from "./facts.ts";
