/**
 * A scoring worker of a fleet on Redis Streams: reads input entries with a consumer group
 * (XREADGROUP), scores them in batches, and writes each entry's result to the output stream and
 * acknowledges it in one atomic step (atomic.ts). Entries left pending by a consumer that died are
 * taken over with XAUTOCLAIM once idle for `claimIdleMs`. Entry formats: entry.ts.
 */
import { hostname } from "node:os";
import { createRequire } from "node:module";
import type { Redis, RedisOptions } from "ioredis";
import type { Registry as PromRegistry } from "prom-client";
import { SchemaError } from "@porta/ir/errors";
import { DEFAULT_LIMITS } from "@porta/ir/limits";
import type { ModelSource } from "../source.ts";
import { defineProduce, produceAndAck } from "./atomic.ts";
import type { ErrorBody } from "../errors.ts";
import { type InputItem, outcomeFields, readEntry, type RawEntry } from "./entry.ts";
import { FleetMetrics, type FleetCounts } from "./metrics.ts";
import { scoreItems } from "./score.ts";

export interface StreamWorkerOptions {
  /** The models (a DirectorySource, the registry, …): entries name one by `model`. */
  source: ModelSource;
  /** A Redis URL (`redis://127.0.0.1:6379/0`) or ioredis options; the worker opens two connections. */
  redis: string | RedisOptions;
  /** The input stream (IN) and the output stream (OUT). */
  input: string;
  output: string;
  /** The consumer group on IN, created (at the stream's start, with MKSTREAM) when missing. */
  group: string;
  /** This worker's consumer name (default `<hostname>-<pid>`): restarting with the same name resumes its pending entries. */
  consumer?: string;
  /** Entries read per batch (default 256). */
  batch?: number;
  /** An entry pending this long (ms) on another consumer is claimed (default 30 000). */
  claimIdleMs?: number;
  /**
   * An entry delivered more often than this without being written (each consumer that read it
   * died or stalled: a row that crashes the process) gets a FLEET_DELIVERY_LIMIT error result
   * instead of being scored again (default 5). Claimed entries already delivered more than twice
   * are scored one at a time, so such a row does not take its batch-mates down with it.
   */
  maxDeliveries?: number;
  /** Longest wait of one blocking read (ms, default 1000). */
  blockMs?: number;
  /** Deepest nesting of a row (default Limits.rowDepth). */
  rowDepth?: number;
  /** The Prometheus registry for the fleet metrics (the server's, for its /metrics). */
  metrics?: PromRegistry;
  /** Called with each Redis failure (the batch's entries stay pending and are read again). */
  onError?: (error: Error) => void;
}

const DEFAULT_BATCH = 256;
const DEFAULT_CLAIM_IDLE_MS = 30_000;
const DEFAULT_BLOCK_MS = 1000;
const DEFAULT_MAX_DELIVERIES = 5;
/** Longest pause after a Redis failure before the next try. */
const MAX_BACKOFF_MS = 2000;

/** A stream, group or consumer name: what Redis accepts, bounded, and readable in logs and labels. */
const NAME = /^[\w.:{}-]{1,200}$/;

export class StreamWorker {
  readonly consumer: string;
  readonly metrics: FleetMetrics;
  readonly #options: Required<Pick<StreamWorkerOptions, "input" | "output" | "group" | "batch" | "claimIdleMs" | "blockMs" | "rowDepth" | "maxDeliveries">>;
  readonly #source: ModelSource;
  readonly #onError: (error: Error) => void;
  /** Blocking reads only; `#commands` runs everything else, including CLIENT UNBLOCK of the reader. */
  readonly #reader: Redis;
  readonly #commands: Redis;
  #readerId: number | undefined;
  #claimCursor = "0-0";
  #stopping = false;
  #loop: Promise<void> | undefined;

  private constructor(options: StreamWorkerOptions) {
    for (const key of ["input", "output", "group"] as const) checkName(key, options[key]);
    if (options.input === options.output) {
      throw new SchemaError("FLEET_OPTION_INVALID", "the input and output streams must differ", { path: "output", value: options.output });
    }
    this.consumer = checkName("consumer", options.consumer ?? `${hostname()}-${process.pid}`);
    this.#options = {
      input: options.input,
      output: options.output,
      group: options.group,
      batch: positive("batch", options.batch ?? DEFAULT_BATCH),
      claimIdleMs: positive("claimIdleMs", options.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS),
      blockMs: positive("blockMs", options.blockMs ?? DEFAULT_BLOCK_MS),
      maxDeliveries: positive("maxDeliveries", options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES),
      rowDepth: options.rowDepth ?? DEFAULT_LIMITS.rowDepth,
    };
    this.#source = options.source;
    this.#onError = options.onError ?? (() => undefined);
    this.metrics = new FleetMetrics(options.metrics, options.input);
    // ioredis (CommonJS) is loaded on first use, as the Redis result cache does: most servers never need it.
    const { Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
    const connect = (name: string) =>
      typeof options.redis === "string" ? new Redis(options.redis, { connectionName: name }) : new Redis({ ...options.redis, connectionName: name });
    this.#reader = connect(`porta-fleet-read-${this.consumer}`);
    this.#commands = connect(`porta-fleet-${this.consumer}`);
    for (const client of [this.#reader, this.#commands]) client.on("error", () => undefined); // failures surface per call
    defineProduce(this.#commands);
  }

  /** Connects, creates the consumer group when missing, and starts consuming. */
  static async start(options: StreamWorkerOptions): Promise<StreamWorker> {
    const worker = new StreamWorker(options);
    try {
      await worker.#ensureGroup();
      worker.#readerId = Number(await worker.#reader.client("ID"));
    } catch (e) {
      await worker.#disconnect();
      throw e;
    }
    worker.#loop = worker.#run();
    return worker;
  }

  /** What the worker has done so far. */
  get counts(): FleetCounts {
    return { ...this.metrics.counts };
  }

  /**
   * Stops after the batch in flight is written and acknowledged (a blocking read waiting for
   * entries is interrupted), then closes the connections. Entries not yet read stay for the others.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    const unblock = () => {
      if (this.#readerId !== undefined) void this.#commands.client("UNBLOCK", this.#readerId, "TIMEOUT").catch(() => undefined);
    };
    unblock();
    // The reader may send its read just after this unblock: ask again until the loop is out.
    const again = setInterval(unblock, 50);
    try {
      await this.#loop;
    } finally {
      clearInterval(again);
      await this.#disconnect();
    }
  }

  async #disconnect(): Promise<void> {
    await Promise.all([this.#reader, this.#commands].map((c) => c.quit().catch(() => c.disconnect())));
  }

  async #ensureGroup(): Promise<void> {
    const { input, group } = this.#options;
    try {
      // From the stream's start: entries added before the first worker ran are scored too.
      await this.#commands.xgroup("CREATE", input, group, "0", "MKSTREAM");
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith("BUSYGROUP"))) throw e;
    }
  }

  async #run(): Promise<void> {
    const { blockMs, claimIdleMs } = this.#options;
    // First this consumer's own pending entries (a restart under the same name), then new ones.
    let backlog = true;
    let nextClaim = 0;
    let failures = 0;
    const claimEvery = Math.max(50, Math.min(claimIdleMs / 2, 5000));
    while (!this.#stopping) {
      try {
        if (Date.now() >= nextClaim) {
          const claimed = await this.#claim();
          if (this.#claimCursor === "0-0") nextClaim = Date.now() + claimEvery;
          if (claimed.length > 0) {
            await this.#processClaimed(claimed);
            failures = 0;
            continue;
          }
        }
        const entries = await this.#read(backlog ? "0" : ">", Math.min(blockMs, Math.max(1, nextClaim - Date.now())));
        if (backlog && entries !== undefined && entries.length === 0) backlog = false;
        if (entries !== undefined && entries.length > 0) await this.#process(entries, 0);
        failures = 0;
      } catch (e) {
        if (this.#stopping) break;
        this.metrics.redisFailure();
        this.#onError(e instanceof Error ? e : new Error(String(e)));
        // What was read and not written is pending on this consumer: read it again first.
        backlog = true;
        await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** Math.min(failures++, 6)));
      }
    }
  }

  /** Up to a batch of entries idle on any consumer for claimIdleMs, now this consumer's (XAUTOCLAIM). */
  async #claim(): Promise<RawEntry[]> {
    const { input, group, claimIdleMs, batch } = this.#options;
    const reply = (await this.#commands.xautoclaim(input, group, this.consumer, claimIdleMs, this.#claimCursor, "COUNT", batch)) as unknown[];
    this.#claimCursor = typeof reply[0] === "string" ? reply[0] : "0-0";
    const entries = rawEntries(reply[1]);
    // Redis 7 lists ids deleted while pending apart (and has already removed them from the pending list).
    for (const id of Array.isArray(reply[2]) ? reply[2] : []) if (typeof id === "string") entries.push({ id, fields: null, unowned: true });
    return entries;
  }

  /** One read of the group: `>` new entries (blocking up to `blockMs`), `0` this consumer's pending ones. undefined: none came. */
  async #read(id: "0" | ">", blockMs: number): Promise<RawEntry[] | undefined> {
    const { input, group, batch } = this.#options;
    const args: (string | number)[] = ["GROUP", group, this.consumer, "COUNT", batch];
    if (id === ">") args.push("BLOCK", blockMs);
    const reply = await this.#reader.call("XREADGROUP", ...args, "STREAMS", input, id);
    if (!Array.isArray(reply) || reply.length === 0) return undefined;
    // RESP2: [[stream, entries]]; RESP3 (ioredis 6's default): a map, flattened to [stream, entries].
    return rawEntries(typeof reply[0] === "string" ? reply[1] : Array.isArray(reply[0]) ? reply[0][1] : undefined);
  }

  /**
   * Claimed entries: first claim (delivered twice) scored as a batch; delivered more often, one
   * at a time; past maxDeliveries, answered with FLEET_DELIVERY_LIMIT without scoring.
   */
  async #processClaimed(claimed: RawEntry[]): Promise<void> {
    const deliveries = await this.#deliveries(claimed);
    const batch: RawEntry[] = [];
    const alone: RawEntry[] = [];
    for (const entry of claimed) ((deliveries.get(entry.id) ?? 0) > 2 ? alone : batch).push(entry);
    if (batch.length > 0) await this.#process(batch, batch.length);
    for (const entry of alone) {
      const count = deliveries.get(entry.id)!;
      if (count <= this.#options.maxDeliveries) await this.#process([entry], 1);
      else {
        await this.#process([entry], 1, {
          code: "FLEET_DELIVERY_LIMIT",
          message: `entry ${entry.id} was delivered ${count} times without a result (each consumer that read it died or stalled); not scored again`,
          path: "/",
          value: count,
        });
      }
    }
  }

  /** How often each claimed entry has been delivered (XPENDING over their range, this consumer's). */
  async #deliveries(entries: readonly RawEntry[]): Promise<Map<string, number>> {
    const owned = entries.filter((e) => !e.unowned);
    const counts = new Map<string, number>();
    if (owned.length === 0) return counts;
    const { input, group } = this.#options;
    const reply = (await this.#commands.xpending(input, group, owned[0]!.id, owned.at(-1)!.id, owned.length * 2, this.consumer)) as unknown[];
    for (const row of reply) if (Array.isArray(row) && typeof row[0] === "string") counts.set(row[0], Number(row[3]));
    return counts;
  }

  async #process(entries: RawEntry[], claimed: number, refusal?: ErrorBody): Promise<void> {
    const started = performance.now();
    this.metrics.consumed(entries.length, claimed);
    const { input, output, group, rowDepth } = this.#options;
    const items = entries.map((e): InputItem => {
      const item = readEntry(e, rowDepth);
      return refusal === undefined ? item : { id: item.id, model: item.model, error: refusal };
    });
    const outcomes = await scoreItems(items, this.#source, rowDepth);
    const produced = outcomes.map((o, i) => ({ id: o.id, fields: outcomeFields(o, this.consumer), unowned: entries[i]!.unowned === true }));
    const written = await produceAndAck(this.#commands, { input, output, group, consumer: this.consumer }, produced);
    let results = 0;
    let skipped = 0;
    const errorCodes: string[] = [];
    written.forEach((ok, i) => {
      const error = outcomes[i]!.error;
      if (!ok) skipped++;
      else if (error !== undefined) errorCodes.push(error.code);
      else results++;
    });
    this.metrics.written(results, errorCodes, skipped, (performance.now() - started) / 1000);
  }
}

/** Entries of an XREADGROUP or XAUTOCLAIM reply: [[id, [field, value, …] | null], …]. */
function rawEntries(value: unknown): RawEntry[] {
  if (!Array.isArray(value)) return [];
  const entries: RawEntry[] = [];
  for (const item of value) {
    if (!Array.isArray(item) || typeof item[0] !== "string") continue;
    const fields = Array.isArray(item[1]) ? (item[1] as unknown[]).map(String) : null;
    entries.push({ id: item[0], fields });
  }
  return entries;
}

function checkName(option: string, value: string): string {
  if (typeof value !== "string" || !NAME.test(value)) {
    throw new SchemaError("FLEET_OPTION_INVALID", `${option} must be 1-200 characters of letters, digits and _ . : { } -`, { path: option, value });
  }
  return value;
}

function positive(option: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new SchemaError("FLEET_OPTION_INVALID", `${option} must be a positive integer`, { path: option, value });
  }
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
