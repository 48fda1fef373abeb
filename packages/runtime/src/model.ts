import type { Batch, BackendRefusal, ScoredBatch } from "@porta/backend";
import type { BatchOptions, BatchResult, FieldInfo, ScoreResult } from "@porta/backend";

export type { BatchOptions, BatchResult, FieldInfo, RowError, RowErrorPolicy, ScoreResult } from "@porta/backend";
export { checkRowDepth, rowErrorOf, scoreEachRow } from "@porta/backend";

/**
 * A loaded model: one interface whatever backend scores it.
 *
 * The row API (`score`, `scoreBatch`) and `scoreColumns` are synchronous: they are the latency
 * path, and every backend `loadModel` picks by default (scoring "sync") has a synchronous path.
 * The `…Async` methods work on every backend, including those that only score asynchronously
 * (onnxruntime), which `loadModel` picks only with `scoring: "async"`.
 */
export interface Model {
  readonly format: "pmml" | "pfa";
  /** Which backend scores it (a registered backend's name: "js", "interp", "onnx", "pfa", …). */
  readonly backend: string;
  /** Backends tried before it, each with the reason it refused. */
  readonly refusals: readonly BackendRefusal[];
  /** One-line notices: the document's, and why faster backends refused. */
  readonly notices: string[];
  /** How the model was loaded (artifact cache hit or miss, timings), when a cache was used. */
  readonly loadInfo?: { artifactCache?: import("./artifacts.ts").ArtifactLoad };
  /** Model families present, top-level first (e.g. ["MiningModel", "TreeModel"]). */
  readonly modelTypes: string[];
  readonly inputFields: FieldInfo[];
  /** Target fields and final OutputFields, in result order. */
  readonly outputFields: FieldInfo[];
  /**
   * The `usageType="group"` MiningField of a transactional model (an AssociationModel scored on
   * baskets), or undefined. Rows written one item per row become one record per transaction
   * with `groupTransactions(rows, model.groupField)`; `porta score` does so by itself.
   */
  readonly groupField?: string;
  /** Whether the synchronous methods work (the backend has a synchronous path). */
  readonly synchronous: boolean;
  /** Scores one row: field name → raw value (strings are parsed per the field's data type). */
  score(row: Readonly<Record<string, unknown>>): ScoreResult;
  /** Scores many rows; with policy "collect", a failing row yields null and an entry in `errors`. */
  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options?: BatchOptions): BatchResult;
  /** Scores a columnar batch: one column per output field, failed rows in `errors`. */
  scoreColumns(batch: Batch): ScoredBatch;
  scoreAsync(row: Readonly<Record<string, unknown>>): Promise<ScoreResult>;
  scoreBatchAsync(rows: readonly Readonly<Record<string, unknown>>[], options?: BatchOptions): Promise<BatchResult>;
  scoreColumnsAsync(batch: Batch): Promise<ScoredBatch>;
  /** Releases the backend's native resources, if it holds any. */
  dispose(): Promise<void>;
}
