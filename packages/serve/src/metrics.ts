import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ResultCacheStats } from "@porta/cache";

/** Latency buckets in seconds: fine below 5 ms, where a single row lives, coarse up to a 10 s batch. */
const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Per model version and route: the children of the labelled metrics, looked up once, not per request. */
export interface RouteMetrics {
  observe(seconds: number, status: number, rows: number): void;
}

/** A cache whose counters the metrics read at scrape time. */
export interface CacheStatsSource {
  readonly model: string;
  readonly version: string;
  stats(): ResultCacheStats;
}

/**
 * The server's Prometheus metrics (prom-client, on a registry of its own so two servers in one
 * process do not share counters). Labels are bounded: `model` and `version` only ever name
 * models the source serves (an unknown name is counted under `model=""`), `code` is a Porta error
 * code, `route` a route pattern.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"route" | "model" | "version" | "status">;
  readonly #latency: Histogram<"route" | "model" | "version">;
  readonly #rows: Counter<"route" | "model" | "version">;
  readonly #errors: Counter<"route" | "code">;
  readonly #deploys: Counter<"kind" | "outcome" | "stage">;
  readonly #caches = new Set<CacheStatsSource>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: "porta_requests_total",
      help: "Requests answered, by route, model, version and HTTP status",
      labelNames: ["route", "model", "version", "status"],
      registers,
    });
    this.#latency = new Histogram({
      name: "porta_request_duration_seconds",
      help: "Time from request to the end of the answer, by route, model and version",
      labelNames: ["route", "model", "version"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#rows = new Counter({
      name: "porta_rows_scored_total",
      help: "Rows scored (failed rows included), by route, model and version",
      labelNames: ["route", "model", "version"],
      registers,
    });
    this.#errors = new Counter({
      name: "porta_errors_total",
      help: "Typed errors answered, whole requests and single rows, by route and error code",
      labelNames: ["route", "code"],
      registers,
    });
    this.#deploys = new Counter({
      name: "porta_deploys_total",
      help: "Deploys, rollbacks, promotions and aborts through the admin API, by kind, outcome (ok, failed) and the stage a failed deploy stopped at",
      labelNames: ["kind", "outcome", "stage"],
      registers,
    });
    const caches = this.#caches;
    const cacheCounter = (name: string, help: string, read: (s: ResultCacheStats) => number) =>
      new Counter({
        name,
        help,
        labelNames: ["model", "version"],
        registers,
        // Read at scrape time: the caches count for themselves, the hot path does nothing extra.
        collect() {
          this.reset();
          for (const cache of caches) this.inc({ model: cache.model, version: cache.version }, read(cache.stats()));
        },
      });
    cacheCounter("porta_result_cache_hits_total", "Result cache hits of the live caches, by model and version", (s) => s.hits);
    cacheCounter("porta_result_cache_misses_total", "Result cache misses of the live caches, by model and version", (s) => s.misses);
    new Gauge({
      name: "porta_result_cache_entries",
      help: "Entries held by the live result caches",
      labelNames: ["model", "version"],
      registers,
      collect() {
        this.reset();
        for (const cache of caches) this.set({ model: cache.model, version: cache.version }, cache.stats().entries);
      },
    });
  }

  /** The metrics of one route for one model version (empty model and version: no model resolved). */
  route(route: string, model = "", version = ""): RouteMetrics {
    const latency = this.#latency.labels(route, model, version);
    const rows = this.#rows.labels(route, model, version);
    const byStatus = new Map<number, Counter.Internal>();
    return {
      observe: (seconds, status, rowCount) => {
        latency.observe(seconds);
        let counter = byStatus.get(status);
        if (counter === undefined) {
          counter = this.#requests.labels(route, model, version, String(status));
          byStatus.set(status, counter);
        }
        counter.inc();
        if (rowCount > 0) rows.inc(rowCount);
      },
    };
  }

  error(route: string, code: string, count = 1): void {
    this.#errors.inc({ route, code }, count);
  }

  deploy(kind: "deploy" | "rollback" | "promote" | "abort", outcome: "ok" | "failed", stage: string): void {
    this.#deploys.inc({ kind, outcome, stage });
  }

  watchCache(cache: CacheStatsSource): void {
    this.#caches.add(cache);
  }

  unwatchCache(cache: CacheStatsSource): void {
    this.#caches.delete(cache);
  }
}
