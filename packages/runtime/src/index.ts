export {
  loadModel,
  loadModelSync,
  loadModelVerified,
  modelFromText,
  pmmlModel,
  detectFormat,
  readModelSource,
  backendHints,
  type LoadOptions,
  type ModelFormat,
  type BackendChoice,
} from "./load.ts";
export type { Model, FieldInfo, ScoreResult, BatchResult, BatchOptions, RowError, RowErrorPolicy } from "./model.ts";
export { PortaModel } from "./porta-model.ts";
export { groupTransactions, groupTransactionsAsync, TransactionGrouper, type GroupOptions } from "./transactions.ts";
export { rowDepthError, modelTypesOf, pipelineFacts, batchFromRows, rowsFromBatch, registeredBackends } from "@porta/backend";
export type { Batch, Column, ScoredBatch, BackendRefusal, Session } from "@porta/backend";
export { backendArtifactKey, PORTA_VERSION, type ArtifactLoad } from "./artifacts.ts";
export { ArtifactCache } from "@porta/cache/artifacts";
export { loadReaders } from "./pmml-reader.ts";
export { withResultCache } from "./memoized-model.ts";
export { LocalResultCache } from "@porta/cache";
export {
  acceptable,
  assertVerified,
  verificationPlan,
  verifyModel,
  verifyModelSync,
  type VerificationFailure,
  type VerificationPlan,
  type VerificationReport,
} from "./verify.ts";
