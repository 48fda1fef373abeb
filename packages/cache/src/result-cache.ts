import { LRUCache } from "lru-cache";
import { SchemaError } from "@porta/ir/errors";

/** Counters every result cache keeps. */
export interface ResultCacheStats {
  hits: number;
  misses: number;
  sets: number;
  /** Entries dropped to stay under `maxEntries`/`maxBytes`. */
  evictions: number;
  /** Entries dropped because their TTL ran out. */
  expirations: number;
  /** Entries held locally now. */
  entries: number;
  /** Estimated bytes held locally now (keys and values). */
  bytes: number;
}

/**
 * Where memoized scores live. `get` answers `undefined` on a miss; a cache may answer
 * synchronously (the local LRU) or with a promise (Redis). A cache never throws or rejects for
 * its own failures: a broken cache costs a miss, never a score.
 */
export interface ResultCache<T> {
  get(key: string): Promise<T | undefined> | T | undefined;
  set(key: string, value: T): Promise<void> | void;
  stats(): ResultCacheStats;
}

/** A result cache that answers synchronously, so that memoizing with it keeps scoring synchronous. */
export interface SyncResultCache<T> extends ResultCache<T> {
  /** Marks the cache as synchronous, for `memoize`'s overloads: a structural match is not enough. */
  readonly synchronous: true;
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

export interface LocalResultCacheOptions<T> {
  /** Most entries held (default 10 000). */
  maxEntries?: number;
  /** Most estimated bytes held, keys included (default 64 MiB). */
  maxBytes?: number;
  /** Lifetime of an entry in ms; 0 (the default) keeps entries until evicted. */
  ttlMs?: number;
  /** Bytes one value takes; the default walks the value (8 per number, 2 per string char, ...). */
  sizeOf?: (value: T) => number;
}

/**
 * In-process LRU of scores (lru-cache), bounded by entries and by estimated bytes, with an
 * optional TTL. Values are returned by reference: callers must not mutate a cached result.
 */
export class LocalResultCache<T extends {}> implements SyncResultCache<T> {
  readonly synchronous = true;
  readonly #lru: LRUCache<string, T>;
  #hits = 0;
  #misses = 0;
  #sets = 0;
  #evictions = 0;
  #expirations = 0;

  constructor(options: LocalResultCacheOptions<T> = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    const ttlMs = options.ttlMs ?? 0;
    requirePositiveInteger("maxEntries", maxEntries);
    requirePositiveInteger("maxBytes", maxBytes);
    if (!(Number.isInteger(ttlMs) && ttlMs >= 0)) {
      throw new SchemaError("CACHE_OPTION_INVALID", "ttlMs must be a non-negative integer", { path: "ttlMs", value: ttlMs });
    }
    const sizeOf = options.sizeOf ?? estimateBytes;
    this.#lru = new LRUCache<string, T>({
      max: maxEntries,
      maxSize: maxBytes,
      // lru-cache wants sizes ≥ 1; the key is stored too (UTF-16, 2 bytes per code unit).
      sizeCalculation: (value, key) => Math.max(1, Math.ceil(sizeOf(value)) + 2 * key.length),
      ...(ttlMs > 0 ? { ttl: ttlMs } : {}),
      dispose: (_value, _key, reason) => {
        if (reason === "evict") this.#evictions++;
        else if (reason === "expire") this.#expirations++;
      },
    });
  }

  get(key: string): T | undefined {
    const value = this.#lru.get(key);
    if (value === undefined) this.#misses++;
    else this.#hits++;
    return value;
  }

  /** Stores `value`; one larger than `maxBytes` on its own is not stored. */
  set(key: string, value: T): void {
    this.#sets++;
    this.#lru.set(key, value);
  }

  /** Whether `key` is held, without touching recency or counters. */
  has(key: string): boolean {
    return this.#lru.has(key);
  }

  clear(): void {
    this.#lru.clear();
  }

  stats(): ResultCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      sets: this.#sets,
      evictions: this.#evictions,
      expirations: this.#expirations,
      entries: this.#lru.size,
      bytes: this.#lru.calculatedSize,
    };
  }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new SchemaError("CACHE_OPTION_INVALID", `${name} must be a positive integer`, { path: name, value });
  }
}

/**
 * Rough heap footprint of a score result: good enough to bound a cache, cheap enough to run on
 * every miss (no serialisation). Shared sub-objects are counted each time they are reached.
 */
export function estimateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case "number":
      return 8;
    case "string":
      return 16 + 2 * value.length;
    case "boolean":
    case "undefined":
      return 4;
    case "bigint":
      return 16 + Math.ceil(value.toString(16).length / 2);
    case "object": {
      if (value === null) return 4;
      if (depth > 32) return 64;
      if (ArrayBuffer.isView(value)) return 64 + value.byteLength;
      if (value instanceof Date) return 32;
      let bytes = 32;
      if (Array.isArray(value)) {
        for (const item of value) bytes += 8 + estimateBytes(item, depth + 1);
        return bytes;
      }
      for (const key in value) {
        bytes += 16 + 2 * key.length + estimateBytes((value as Record<string, unknown>)[key], depth + 1);
      }
      return bytes;
    }
    default:
      return 32;
  }
}
