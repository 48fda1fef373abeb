import { createHash } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import { createRequire } from "node:module";
import type { Redis, RedisOptions } from "ioredis";
import { SchemaError } from "@porta/ir/errors";
import { LocalResultCache, type LocalResultCacheOptions, type ResultCache, type ResultCacheStats } from "./result-cache.ts";

/** How values travel to and from Redis. */
export interface ResultCodec<T> {
  encode(value: T): Buffer;
  /** May throw on bytes it cannot read: the entry then counts as a miss. */
  decode(bytes: Buffer): T;
}

/**
 * Default codec: V8's structured-clone serialisation. Unlike JSON it keeps NaN (a missing
 * score), ±Infinity, -0, Dates and typed arrays exactly. A process on an older Node that meets a
 * newer format fails to decode and sees a miss.
 */
export const v8Codec: ResultCodec<never> = {
  encode: (value) => serialize(value),
  decode: (bytes) => deserialize(bytes) as never,
};

export interface RedisResultCacheOptions<T extends {}> {
  /**
   * Identity of the model (e.g. its artifact key): keys are stored under
   * `porta:result:<modelHash>:`, so models sharing a Redis never see each other's scores.
   */
  modelHash: string;
  /**
   * A connection URL (`redis://127.0.0.1:6379/0`), ioredis options, or a client you own (it is
   * not closed by `close()`, and should be created with `enableOfflineQueue: false`).
   */
  redis: string | RedisOptions | Redis;
  /** Longest wait for one Redis call before answering from the local cache (default 50 ms). */
  timeoutMs?: number;
  /** Lifetime of an entry, in Redis and locally, in ms; 0 (the default) keeps entries until evicted. */
  ttlMs?: number;
  /**
   * The local LRU: always written (so it is warm when Redis goes away) and read when Redis is
   * unavailable. Options or an instance; default: a `LocalResultCache` with its defaults and `ttlMs`.
   */
  local?: LocalResultCache<T> | LocalResultCacheOptions<T>;
  /**
   * Read the local LRU before Redis (default true): a local hit costs no round trip. Scores are
   * a pure function of model and row, so a local copy is never stale. Turn off to measure Redis.
   */
  nearCache?: boolean;
  /** After this many consecutive Redis failures, skip Redis for `cooldownMs` (default 3). */
  failuresBeforeCooldown?: number;
  /** How long to answer locally only, after repeated failures, before trying Redis again (default 1000 ms). */
  cooldownMs?: number;
  /** Longest pause between reconnection attempts (default 1000 ms). */
  reconnectMaxDelayMs?: number;
  codec?: ResultCodec<T>;
}

export interface RedisResultCacheStats extends ResultCacheStats {
  /** Hits answered by the local LRU (near cache or fallback). */
  localHits: number;
  redisHits: number;
  /** Calls answered locally because Redis was down, timing out, or cooling down. */
  fallbacks: number;
  /** Redis calls that failed or returned bytes the codec could not read. */
  redisErrors: number;
  redisTimeouts: number;
  /** Whether the client is connected and ready now. */
  connected: boolean;
}

/** Keys longer than this are hashed before they go to Redis: bounded memory and bandwidth. */
const MAX_PLAIN_KEY = 200;

const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * A result cache shared across processes through Redis, with the local LRU as near cache and
 * fallback. It never fails a score: any Redis error or a reply slower than `timeoutMs` is a
 * local answer instead, and the client keeps reconnecting in the background.
 */
export class RedisResultCache<T extends {}> implements ResultCache<T> {
  readonly prefix: string;
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #local: LocalResultCache<T>;
  readonly #timeoutMs: number;
  readonly #ttlMs: number;
  readonly #nearCache: boolean;
  readonly #failuresBeforeCooldown: number;
  readonly #cooldownMs: number;
  readonly #codec: ResultCodec<T>;
  #consecutiveFailures = 0;
  #skipRedisUntil = 0;
  #misses = 0;
  #redisHits = 0;
  #localHits = 0;
  #sets = 0;
  #fallbacks = 0;
  #redisErrors = 0;
  #redisTimeouts = 0;

  constructor(options: RedisResultCacheOptions<T>) {
    if (typeof options.modelHash !== "string" || !/^[\w.-]{1,128}$/.test(options.modelHash)) {
      throw new SchemaError("CACHE_OPTION_INVALID", "modelHash must be 1-128 characters of [A-Za-z0-9_.-]", {
        path: "modelHash",
        value: options.modelHash,
      });
    }
    this.prefix = `porta:result:${options.modelHash}:`;
    this.#timeoutMs = options.timeoutMs ?? 50;
    this.#ttlMs = options.ttlMs ?? 0;
    this.#nearCache = options.nearCache ?? true;
    this.#failuresBeforeCooldown = options.failuresBeforeCooldown ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 1000;
    this.#codec = options.codec ?? (v8Codec as ResultCodec<T>);
    this.#local = options.local instanceof LocalResultCache ? options.local : new LocalResultCache<T>({ ttlMs: this.#ttlMs, ...options.local });

    // ioredis (CommonJS) is loaded on first use, not at import: it is most of `import("porta")`'s
    // cost, and only a RedisResultCache needs it.
    const { Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
    if (options.redis instanceof Redis) {
      this.#client = options.redis;
      this.#ownsClient = false;
    } else {
      const maxDelay = options.reconnectMaxDelayMs ?? 1000;
      const tuned: RedisOptions = {
        // Fail fast while disconnected instead of queueing: the local cache answers meanwhile.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        commandTimeout: this.#timeoutMs,
        connectTimeout: Math.max(1000, this.#timeoutMs * 20),
        // Reconnect forever: the cache heals itself when Redis comes back.
        retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
      };
      this.#client = typeof options.redis === "string" ? new Redis(options.redis, tuned) : new Redis({ ...tuned, ...pickDefined(options.redis) });
      this.#ownsClient = true;
    }
    // Without a listener ioredis logs every failed reconnection attempt; the failures that
    // matter surface per call and are counted there.
    this.#client.on("error", ignoreClientError);
  }

  get(key: string): Promise<T | undefined> | T | undefined {
    if (this.#nearCache) {
      const near = this.#local.get(key);
      if (near !== undefined) {
        this.#localHits++;
        return near;
      }
      if (!this.#redisUsable()) return this.#missFallback();
    } else if (!this.#redisUsable()) {
      return this.#fromLocal(key);
    }
    return this.#getFromRedis(key);
  }

  async #getFromRedis(key: string): Promise<T | undefined> {
    const reply = await this.#call(() => this.#client.getBuffer(this.#redisKey(key)));
    if (reply === TIMED_OUT || reply instanceof Error) {
      return this.#nearCache ? this.#missFallback() : this.#fromLocal(key);
    }
    if (reply === null) {
      this.#misses++;
      return undefined;
    }
    let value: T;
    try {
      value = this.#codec.decode(reply);
    } catch {
      this.#redisErrors++;
      this.#misses++;
      return undefined;
    }
    this.#redisHits++;
    if (this.#nearCache) this.#local.set(key, value);
    return value;
  }

  /** The local cache answers; the near cache has already been asked when `nearCache` is on. */
  #fromLocal(key: string): T | undefined {
    this.#fallbacks++;
    const value = this.#local.get(key);
    if (value === undefined) this.#misses++;
    else this.#localHits++;
    return value;
  }

  #missFallback(): undefined {
    this.#fallbacks++;
    this.#misses++;
    return undefined;
  }

  /** Stores locally at once and in Redis when it is usable; resolves when Redis answered or gave up. Never rejects. */
  set(key: string, value: T): Promise<void> | void {
    this.#sets++;
    this.#local.set(key, value);
    if (!this.#redisUsable()) return;
    let bytes: Buffer;
    try {
      bytes = this.#codec.encode(value);
    } catch {
      this.#redisErrors++;
      return;
    }
    const redisKey = this.#redisKey(key);
    const ttl = this.#ttlMs;
    return this.#call(() => (ttl > 0 ? this.#client.set(redisKey, bytes, "PX", ttl) : this.#client.set(redisKey, bytes))).then(() => undefined);
  }

  stats(): RedisResultCacheStats {
    const local = this.#local.stats();
    return {
      hits: this.#localHits + this.#redisHits,
      misses: this.#misses,
      sets: this.#sets,
      evictions: local.evictions,
      expirations: local.expirations,
      entries: local.entries,
      bytes: local.bytes,
      localHits: this.#localHits,
      redisHits: this.#redisHits,
      fallbacks: this.#fallbacks,
      redisErrors: this.#redisErrors,
      redisTimeouts: this.#redisTimeouts,
      connected: this.#client.status === "ready",
    };
  }

  /** Whether Redis is connected now. */
  get connected(): boolean {
    return this.#client.status === "ready";
  }

  /** Resolves once the client is connected, or false after `withinMs`. */
  async waitUntilConnected(withinMs = 5000): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    while (this.#client.status !== "ready") {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  /** Closes the connection when this cache opened it. */
  async close(): Promise<void> {
    if (!this.#ownsClient) {
      this.#client.off("error", ignoreClientError);
      return;
    }
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #redisUsable(): boolean {
    if (this.#client.status !== "ready") return false;
    if (this.#skipRedisUntil !== 0) {
      if (Date.now() < this.#skipRedisUntil) return false;
      this.#skipRedisUntil = 0; // cooled down: the next call probes Redis again
    }
    return true;
  }

  /** Runs one Redis command with the per-call timeout; returns its reply, the error, or TIMED_OUT. */
  #call<R>(command: () => Promise<R>): Promise<R | Error | typeof TIMED_OUT> {
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.#redisTimeouts++;
        this.#failed();
        resolve(TIMED_OUT);
      }, this.#timeoutMs);
      let pending: Promise<R>;
      try {
        pending = command();
      } catch (e) {
        pending = Promise.reject(e);
      }
      pending.then(
        (reply) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.#consecutiveFailures = 0;
          resolve(reply);
        },
        (e: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (e instanceof Error && /timed out/i.test(e.message)) this.#redisTimeouts++;
          else this.#redisErrors++;
          this.#failed();
          resolve(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  #failed(): void {
    if (++this.#consecutiveFailures >= this.#failuresBeforeCooldown) {
      this.#consecutiveFailures = 0;
      this.#skipRedisUntil = Date.now() + this.#cooldownMs;
    }
  }

  #redisKey(key: string): string {
    // "=" and "#" keep a plain key from ever spelling a hashed one.
    if (key.length <= MAX_PLAIN_KEY) return `${this.prefix}=${key}`;
    return `${this.prefix}#${createHash("sha256").update(key).digest("base64url")}`;
  }
}

function ignoreClientError(): void {}

function pickDefined(options: RedisOptions): RedisOptions {
  // Options the caller set explicitly win over the tuned defaults.
  const picked: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) picked[k] = v;
  return picked as RedisOptions;
}
