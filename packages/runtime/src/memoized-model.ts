import { memoize, type SyncResultCache } from "@porta/cache";
import { scoreEachRow, type BatchResult, type Model, type BatchOptions, type ScoreResult } from "./model.ts";

/**
 * A model whose `score` answers repeated rows from a result cache (keyed by the canonical row
 * encoding). Use one cache per model. Errors are never cached. Results are shared objects:
 * treat them as read-only. The async row methods share the cache (synchronous backends).
 */
export function withResultCache(model: Model, cache: SyncResultCache<ScoreResult>): Model {
  const score = memoize((row: Readonly<Record<string, unknown>>) => model.score(row), cache);
  const scoreBatch = (rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions = {}): BatchResult => scoreEachRow(rows, score, options);
  return Object.create(model, {
    score: { value: score },
    scoreBatch: { value: scoreBatch },
    scoreAsync: { value: async (row: Readonly<Record<string, unknown>>) => score(row) },
    scoreBatchAsync: { value: async (rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions = {}) => scoreBatch(rows, options) },
  }) as Model;
}
