/**
 * `@porta/runtime/load`: loading and scoring models without the result caches (the index also
 * exports `withResultCache` and `LocalResultCache`, which load lru-cache and the Redis client).
 * The `porta` command imports this entry, so `porta score` loads only what it uses (issue 13).
 */
export {
  loadModel,
  loadModelSync,
  loadModelVerified,
  modelFromText,
  readModelSource,
  detectFormat,
  type LoadOptions,
  type ModelFormat,
  type BackendChoice,
} from "./load.ts";
export type { Model, FieldInfo, ScoreResult, BatchResult, BatchOptions, RowError, RowErrorPolicy } from "./model.ts";
export { PortaModel } from "./porta-model.ts";
export { groupTransactions, groupTransactionsAsync, TransactionGrouper, type GroupOptions } from "./transactions.ts";
export { registeredBackends } from "@porta/backend";
