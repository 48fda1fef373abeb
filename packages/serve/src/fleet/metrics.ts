import { Counter, Histogram, type Registry } from "prom-client";

/** What a worker has done since it started (also exported to Prometheus). */
export interface FleetCounts {
  /** Entries read: new ones, this consumer's own pending ones at start, and claimed ones. */
  consumed: number;
  /** Entries taken over from an idle (dead or stuck) consumer with XAUTOCLAIM. */
  claimed: number;
  /** Output entries written (results and error results). */
  produced: number;
  /** Of those, error results (bad entry, bad row, unknown model). */
  errors: number;
  /** Entries scored here but written by no one here: another consumer had claimed them meanwhile. */
  skipped: number;
  /** Batches that failed on Redis (the entries stay pending and are read again). */
  redisFailures: number;
}

/**
 * The fleet worker's Prometheus metrics, on the server's registry (`/metrics`) when the HTTP
 * server runs. Labels are bounded: `stream` is the worker's one input stream, `code` a Porta error code.
 */
export class FleetMetrics {
  readonly counts: FleetCounts = { consumed: 0, claimed: 0, produced: 0, errors: 0, skipped: 0, redisFailures: 0 };
  readonly #consumed: Counter.Internal;
  readonly #claimed: Counter.Internal;
  readonly #produced: Counter<"stream" | "outcome">;
  readonly #errors: Counter<"stream" | "code">;
  readonly #skipped: Counter.Internal;
  readonly #redisFailures: Counter.Internal;
  readonly #batch: Histogram.Internal<"stream">;
  readonly #stream: string;

  constructor(registry: Registry | undefined, stream: string) {
    const registers = registry ? [registry] : [];
    this.#stream = stream;
    const counter = (name: string, help: string) => new Counter({ name, help, labelNames: ["stream"], registers }).labels(stream);
    this.#consumed = counter("porta_fleet_consumed_total", "Input entries read by this worker (new, own pending, claimed), by input stream");
    this.#claimed = counter("porta_fleet_claimed_total", "Input entries claimed from idle consumers (XAUTOCLAIM), by input stream");
    this.#skipped = counter("porta_fleet_skipped_total", "Entries scored here but claimed by another consumer before they were written (not written here)");
    this.#redisFailures = counter("porta_fleet_redis_failures_total", "Batches that failed on Redis (their entries stay pending)");
    this.#produced = new Counter({
      name: "porta_fleet_produced_total",
      help: "Output entries written, by input stream and outcome (result, error)",
      labelNames: ["stream", "outcome"],
      registers,
    });
    this.#errors = new Counter({
      name: "porta_fleet_errors_total",
      help: "Error results written, by input stream and error code",
      labelNames: ["stream", "code"],
      registers,
    });
    this.#batch = new Histogram({
      name: "porta_fleet_batch_seconds",
      help: "Time from reading a batch to its results written and acknowledged",
      labelNames: ["stream"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }).labels(stream);
  }

  consumed(n: number, claimed: number): void {
    this.counts.consumed += n;
    this.counts.claimed += claimed;
    this.#consumed.inc(n);
    if (claimed > 0) this.#claimed.inc(claimed);
  }

  /** A batch written: `errorCodes` are the codes of the error results among the written entries. */
  written(results: number, errorCodes: readonly string[], skipped: number, seconds: number): void {
    this.counts.produced += results + errorCodes.length;
    this.counts.errors += errorCodes.length;
    this.counts.skipped += skipped;
    if (results > 0) this.#produced.inc({ stream: this.#stream, outcome: "result" }, results);
    if (errorCodes.length > 0) this.#produced.inc({ stream: this.#stream, outcome: "error" }, errorCodes.length);
    for (const code of errorCodes) this.#errors.inc({ stream: this.#stream, code });
    if (skipped > 0) this.#skipped.inc(skipped);
    this.#batch.observe(seconds);
  }

  redisFailure(): void {
    this.counts.redisFailures++;
    this.#redisFailures.inc();
  }
}
