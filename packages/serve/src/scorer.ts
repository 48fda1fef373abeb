import { createHash } from "node:crypto";
import { LocalResultCache, RedisResultCache, memoize, type ResultCache, type ResultCacheStats } from "@porta/cache";
import type { ScoreResult } from "@porta/runtime";
import { rowErrorBody, type ErrorBody } from "./errors.ts";
import type { CacheStatsSource, RouteMetrics, ServerMetrics } from "./metrics.ts";
import type { LiveModel } from "./source.ts";

/** The result cache of a server: one per live model version, local LRU or Redis (with the LRU as near cache). */
export interface ResultCacheOptions {
  /** Entries held locally per model version (default 10 000). */
  maxEntries?: number;
  /** Lifetime of an entry in ms; 0 (default) keeps entries until evicted. */
  ttlMs?: number;
  /** A Redis URL (`redis://127.0.0.1:6379/0`): scores shared between servers, keyed by model name and version. */
  redis?: string;
}

type Row = Readonly<Record<string, unknown>>;

/**
 * What the routes use to score with one live model version: its single-row scorer (memoized
 * when the cache is on), the metric children of each route, and names for answers. Built once
 * per version, on its first request.
 */
export class Scorer {
  readonly name: string;
  readonly version: string;
  readonly backend: string;
  readonly live: LiveModel;
  /** One row, through the result cache when there is one; a promise only with Redis on a near-cache miss. */
  readonly score: (row: Row) => ScoreResult | Promise<ScoreResult>;
  /** Results as JSON can carry them: PFA longs beyond 2^53 are bigints, written as decimal strings. */
  readonly jsonSafe: (result: ScoreResult) => ScoreResult;
  readonly cache?: ResultCache<ScoreResult> & { close?(): Promise<void> };
  /** What the metrics read of the cache at scrape time, while this version is live. */
  readonly watched?: CacheStatsSource;
  readonly #metrics: ServerMetrics;
  readonly #routes = new Map<string, RouteMetrics>();

  constructor(live: LiveModel, metrics: ServerMetrics, cacheOptions: ResultCacheOptions | false) {
    this.live = live;
    this.name = live.name;
    this.version = live.version;
    this.backend = live.model.backend;
    this.#metrics = metrics;
    const model = live.model;
    const plain = model.synchronous ? (row: Row) => model.score(row) : (row: Row) => model.scoreAsync(row);
    if (cacheOptions === false) {
      this.score = plain;
    } else if (cacheOptions.redis !== undefined) {
      const cache = new RedisResultCache<ScoreResult>({
        modelHash: cacheKeyOf(live.name, live.version),
        redis: cacheOptions.redis,
        ttlMs: cacheOptions.ttlMs,
        local: { maxEntries: cacheOptions.maxEntries, ttlMs: cacheOptions.ttlMs },
      });
      this.cache = cache;
      this.score = memoize(plain, cache);
    } else {
      const cache = new LocalResultCache<ScoreResult>({ maxEntries: cacheOptions.maxEntries, ttlMs: cacheOptions.ttlMs });
      this.cache = cache;
      this.score = model.synchronous ? memoize((row: Row) => model.score(row), cache) : memoize(plain, cache);
    }
    this.jsonSafe = live.model.format === "pfa" ? (result) => jsonSafe(result, 0) as ScoreResult : (result) => result;
    const cache = this.cache;
    if (cache) {
      this.watched = { model: this.name, version: this.version, stats: (): ResultCacheStats => cache.stats() };
      metrics.watchCache(this.watched);
    }
  }

  /** This version's metrics of a route. */
  metrics(route: string): RouteMetrics {
    let m = this.#routes.get(route);
    if (m === undefined) {
      m = this.#metrics.route(route, this.name, this.version);
      this.#routes.set(route, m);
    }
    return m;
  }

  /**
   * The typed error of a row a batch could not score. A batch reports code and message only, so
   * the row is scored alone once more (uncached) for the error's path into the model and its value.
   */
  async explain(row: Row, path: string, failure: { code: string; message: string }): Promise<ErrorBody> {
    const model = this.live.model;
    try {
      if (model.synchronous) model.score(row);
      else await model.scoreAsync(row);
    } catch (e) {
      const body = rowErrorBody(e, path);
      if (body.code === failure.code) return body;
    }
    return { code: failure.code, message: failure.message, path };
  }

  /** Whether this scorer was built for exactly this live model (same version, same loaded model). */
  serves(live: LiveModel): boolean {
    return this.live === live || (this.version === live.version && this.live.model === live.model);
  }
}

/**
 * The scorers of the live versions, one per model name: a request finds its scorer in O(1), and
 * a deploy (the source's live version changing) replaces it, dropping the old version's cache.
 */
export class Scorers {
  readonly #byName = new Map<string, Scorer>();
  readonly #retired = new Set<Scorer>();

  constructor(
    private readonly metrics: ServerMetrics,
    private readonly cacheOptions: ResultCacheOptions | false,
  ) {}

  of(live: LiveModel): Scorer {
    const current = this.#byName.get(live.name);
    if (current?.serves(live)) return current;
    const scorer = new Scorer(live, this.metrics, this.cacheOptions);
    this.#byName.set(live.name, scorer);
    if (current !== undefined) this.#retire(current);
    return scorer;
  }

  /** A model's live version changed: its old scorer's cache goes now, not on the next request. */
  invalidate(name: string): void {
    const current = this.#byName.get(name);
    if (current === undefined) return;
    this.#byName.delete(name);
    this.#retire(current);
  }

  async close(): Promise<void> {
    for (const scorer of this.#byName.values()) this.#retire(scorer);
    this.#byName.clear();
    await Promise.all([...this.#retired].map((s) => s.cache?.close?.()));
    this.#retired.clear();
  }

  #retire(scorer: Scorer): void {
    if (scorer.watched) this.metrics.unwatchCache(scorer.watched);
    const closing = scorer.cache?.close?.();
    if (closing) {
      this.#retired.add(scorer);
      void closing.finally(() => this.#retired.delete(scorer));
    }
  }
}

/** A Redis key prefix of a model version: readable, and never mixing versions whose names sanitise alike. */
function cacheKeyOf(name: string, version: string): string {
  const digest = createHash("sha256").update(`${name}\0${version}`).digest("hex").slice(0, 16);
  return `${name.slice(0, 64)}.${digest}`;
}

/** A copy of a PFA result that JSON.stringify can write: bigints as decimal text, bytes as arrays, maps as objects. */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object" || depth > 256) return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1));
  if (value instanceof Map) return jsonSafe(Object.fromEntries(value), depth + 1);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = jsonSafe((value as Record<string, unknown>)[key], depth + 1);
  return out;
}
