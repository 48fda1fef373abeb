import { canonicalRowKey } from "./row-key.ts";
import type { ResultCache, SyncResultCache } from "./result-cache.ts";

export interface MemoizeOptions<Row> {
  /** Key of a row; `undefined` scores the row without caching it. Default: `canonicalRowKey`. */
  keyOf?: (row: Row) => string | undefined;
}

/**
 * Wraps a scoring function so that rows seen before are answered from `cache`.
 *
 * - With a synchronous cache (`LocalResultCache`) and a synchronous `score`, the memoized
 *   function stays synchronous.
 * - With an asynchronous cache (`RedisResultCache`) it returns a promise; the write of a fresh
 *   score is not awaited, so a slow cache never delays the answer.
 * - A score that throws is not cached: the error reaches the caller, the next call retries.
 * - Rows without a canonical key (see `canonicalRowKey`) are scored uncached.
 * The cache is keyed by the row only: use one cache (or one Redis prefix) per model.
 */
export function memoize<Row, R extends {}>(score: (row: Row) => R, cache: SyncResultCache<R>, options?: MemoizeOptions<Row>): (row: Row) => R;
export function memoize<Row, R extends {}>(score: (row: Row) => R | Promise<R>, cache: ResultCache<R>, options?: MemoizeOptions<Row>): (row: Row) => Promise<R>;
export function memoize<Row, R extends {}>(
  score: (row: Row) => R | Promise<R>,
  cache: ResultCache<R>,
  options: MemoizeOptions<Row> = {},
): (row: Row) => R | Promise<R> {
  const keyOf = options.keyOf ?? (canonicalRowKey as (row: Row) => string | undefined);
  return (row: Row) => {
    const key = keyOf(row);
    if (key === undefined) return score(row);
    const cached = cache.get(key);
    if (isPromise(cached)) return cached.then((hit) => (hit !== undefined ? hit : scoreAndStore(row, key)));
    if (cached !== undefined) return cached;
    return scoreAndStore(row, key);
  };

  function scoreAndStore(row: Row, key: string): R | Promise<R> {
    const value = score(row);
    if (isPromise(value)) {
      return value.then((resolved) => {
        store(key, resolved);
        return resolved;
      });
    }
    store(key, value);
    return value;
  }

  function store(key: string, value: R): void {
    const written = cache.set(key, value);
    // Caches promise never to reject; this guard keeps a broken custom cache from surfacing as
    // an unhandled rejection far from its cause.
    if (isPromise(written)) written.catch(() => undefined);
  }
}

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
