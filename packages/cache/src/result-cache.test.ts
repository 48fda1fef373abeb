import { describe, expect, it } from "vitest";
import { LocalResultCache, estimateBytes } from "./result-cache.ts";
import { memoize } from "./memoize.ts";
import type { ResultCache, ResultCacheStats } from "./result-cache.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("LocalResultCache", () => {
  it("counts hits and misses", () => {
    const cache = new LocalResultCache<{ y: number }>();
    expect(cache.get("a")).toBeUndefined();
    cache.set("a", { y: 1 });
    expect(cache.get("a")).toEqual({ y: 1 });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, sets: 1, entries: 1 });
  });

  it("is bounded by entries, dropping the least recently used", () => {
    const cache = new LocalResultCache<number[]>({ maxEntries: 2 });
    cache.set("a", [1]);
    cache.set("b", [2]);
    cache.get("a"); // a is now more recent than b
    cache.set("c", [3]);
    expect(cache.has("a")).toBe(true);
    expect(cache.has("b")).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 2, evictions: 1 });
  });

  it("is bounded by bytes (keys included)", () => {
    const cache = new LocalResultCache<string>({ maxBytes: 1000 });
    for (let i = 0; i < 50; i++) cache.set(`k${i}`, "x".repeat(100)); // ~220 bytes each
    const { bytes, entries, evictions } = cache.stats();
    expect(bytes).toBeLessThanOrEqual(1000);
    expect(entries).toBeLessThanOrEqual(4);
    expect(evictions).toBeGreaterThan(40);
    // One value larger than the whole budget is not stored at all.
    cache.set("huge", "x".repeat(10_000));
    expect(cache.has("huge")).toBe(false);
  });

  it("expires entries after ttlMs", async () => {
    const cache = new LocalResultCache<number[]>({ ttlMs: 30 });
    cache.set("a", [1]);
    expect(cache.get("a")).toEqual([1]);
    await sleep(80);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.stats().expirations).toBe(1);
  });

  it("rejects nonsense bounds with a PortaError", () => {
    expect(() => new LocalResultCache({ maxEntries: 0 })).toThrow(expect.objectContaining({ code: "CACHE_OPTION_INVALID", path: "maxEntries" }));
    expect(() => new LocalResultCache({ ttlMs: -1 })).toThrow(expect.objectContaining({ code: "CACHE_OPTION_INVALID" }));
  });

  it("estimates bytes from the value's shape", () => {
    expect(estimateBytes(1)).toBe(8);
    expect(estimateBytes("abcd")).toBe(24);
    expect(estimateBytes({ p: 0.5, label: "yes" })).toBeGreaterThan(estimateBytes({ p: 0.5 }));
    expect(estimateBytes(new Float64Array(100))).toBeGreaterThanOrEqual(800);
  });
});

describe("memoize", () => {
  it("scores a row once and answers repeats from the cache, synchronously with a local cache", () => {
    let calls = 0;
    const score = (row: { x: number; c: string }) => {
      calls++;
      return { y: row.x * 2, c: row.c };
    };
    const cache = new LocalResultCache<{ y: number; c: string }>();
    const cached = memoize(score, cache);
    expect(cached({ x: 1, c: "a" })).toEqual({ y: 2, c: "a" });
    expect(cached({ c: "a", x: 1 })).toEqual({ y: 2, c: "a" }); // same row, other key order
    expect(cached({ x: 1, c: "b" })).toEqual({ y: 2, c: "b" });
    expect(calls).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it("does not confuse 1 and '1'", () => {
    const cached = memoize((row: { x: unknown }) => ({ t: typeof row.x }), new LocalResultCache<{ t: string }>());
    expect(cached({ x: 1 }).t).toBe("number");
    expect(cached({ x: "1" }).t).toBe("string");
  });

  it("does not cache errors", () => {
    let fail = true;
    const cached = memoize(() => {
      if (fail) throw new Error("boom");
      return { ok: true };
    }, new LocalResultCache<{ ok: boolean }>());
    expect(() => cached({ a: 1 })).toThrow("boom");
    fail = false;
    expect(cached({ a: 1 })).toEqual({ ok: true });
  });

  it("scores rows that have no canonical key without caching them", () => {
    let calls = 0;
    const cache = new LocalResultCache<{ n: number }>();
    const cached = memoize((_row: { f: () => void }) => ({ n: ++calls }), cache);
    const row = { f: () => undefined };
    cached(row);
    cached(row);
    expect(calls).toBe(2);
    expect(cache.stats().sets).toBe(0);
  });

  it("returns promises with an asynchronous cache and an async scorer", async () => {
    const store = new Map<string, { y: number }>();
    const counters: ResultCacheStats = { hits: 0, misses: 0, sets: 0, evictions: 0, expirations: 0, entries: 0, bytes: 0 };
    const asyncCache: ResultCache<{ y: number }> = {
      get: async (key) => store.get(key),
      set: async (key, value) => void store.set(key, value),
      stats: () => counters,
    };
    let calls = 0;
    const cached = memoize(async (row: { x: number }) => ({ y: row.x + ++calls * 0 }), asyncCache);
    await expect(cached({ x: 3 })).resolves.toEqual({ y: 3 });
    await expect(cached({ x: 3 })).resolves.toEqual({ y: 3 });
    expect(calls).toBe(1);
  });

  it("survives a custom cache whose set rejects", async () => {
    const broken: ResultCache<{ y: number }> = {
      get: async () => undefined,
      set: async () => {
        throw new Error("disk on fire");
      },
      stats: () => ({ hits: 0, misses: 0, sets: 0, evictions: 0, expirations: 0, entries: 0, bytes: 0 }),
    };
    const cached = memoize((row: { x: number }) => ({ y: row.x }), broken);
    await expect(cached({ x: 1 })).resolves.toEqual({ y: 1 });
  });
});
