import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServerHandle } from "./testing/redis-server.ts";
import { RedisResultCache } from "./redis-cache.ts";
import { memoize } from "./memoize.ts";

// These tests need a real redis-server (Debian package). Without it, startRedisServer throws
// and every test here fails with its message: a missing server must never look like a pass or
// a skip (a throwing beforeAll would report the tests as skipped).
let server: RedisServerHandle;
let raw: Redis;
let startError: unknown;
const caches: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  try {
    server = await startRedisServer();
  } catch (e) {
    startError = e;
    return;
  }
  raw = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: true });
  raw.on("error", () => undefined);
  await raw.connect();
});

beforeEach(() => {
  if (startError) throw startError;
});

afterAll(async () => {
  await Promise.all(caches.map((c) => c.close()));
  raw?.disconnect();
  await server?.stop();
});

function openCache<T extends {}>(modelHash: string, extra: Partial<ConstructorParameters<typeof RedisResultCache<T>>[0]> = {}) {
  const cache = new RedisResultCache<T>({ modelHash, redis: server.url, timeoutMs: 50, ...extra });
  caches.push(cache);
  return cache;
}

type Score = { y: number; label: string };
const score = (row: { x: number }): Score => ({ y: row.x * 3 + 1, label: row.x % 2 ? "odd" : "even" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scores fresh rows until one is answered by Redis again (the cache has recovered). */
async function untilRedisAnswers(cache: RedisResultCache<Score>, cached: (row: { x: number }) => Promise<Score>, withinMs = 8000) {
  const deadline = Date.now() + withinMs;
  for (let x = 1e6; Date.now() < deadline; x++) {
    const before = cache.stats().redisHits;
    await cached({ x });
    await sleep(5); // let the un-awaited SET land
    await cached({ x });
    if (cache.stats().redisHits > before) return true;
    await sleep(50);
  }
  return false;
}

describe("RedisResultCache (real redis-server)", () => {
  it("shares scores across clients (processes), under a prefix per model", async () => {
    const a = openCache<Score>("model-a", { nearCache: false });
    const b = openCache<Score>("model-a", { nearCache: false });
    const other = openCache<Score>("model-b", { nearCache: false });
    await Promise.all([a.waitUntilConnected(), b.waitUntilConnected(), other.waitUntilConnected()]);
    await a.set("row-1", { y: 1, label: "one" });
    expect(await b.get("row-1")).toEqual({ y: 1, label: "one" });
    expect(await other.get("row-1")).toBeUndefined();
    expect(await raw.keys("porta:result:model-a:*")).toEqual(["porta:result:model-a:=row-1"]);
    expect(b.stats()).toMatchObject({ redisHits: 1, connected: true });
  });

  it("keeps NaN, -0, Infinity and Dates exactly (V8 serialisation, not JSON)", async () => {
    const cache = openCache<object>("exact", { nearCache: false });
    await cache.waitUntilConnected();
    const value = { p: NaN, z: -0, inf: -Infinity, at: new Date(5), probs: [0.25, 0.75] };
    await cache.set("k", value);
    const back = (await cache.get("k")) as typeof value;
    expect(Object.is(back.z, -0)).toBe(true);
    expect(back).toEqual(value);
  });

  it("sets a TTL in Redis, and hashes long keys", async () => {
    const cache = openCache<Score>("ttl", { ttlMs: 60_000, nearCache: false });
    await cache.waitUntilConnected();
    const longKey = "s".repeat(5000);
    await cache.set(longKey, { y: 1, label: "x" });
    const [stored] = await raw.keys("porta:result:ttl:*");
    expect(stored!.length).toBeLessThan(100);
    expect(await raw.pttl(stored!)).toBeGreaterThan(50_000);
    expect(await cache.get(longKey)).toEqual({ y: 1, label: "x" });
  });

  it("rejects a model hash that could break out of its prefix", () => {
    expect(() => new RedisResultCache({ modelHash: "a:*", redis: server.url })).toThrow(expect.objectContaining({ code: "CACHE_OPTION_INVALID" }));
  });

  it("loses no score when Redis is killed mid-run, and uses Redis again after it restarts", async () => {
    // A generous timeout: on a loaded machine a 50 ms one could fall back before the kill.
    const cache = openCache<Score>("crash", { nearCache: false, cooldownMs: 200, timeoutMs: 500 });
    await cache.waitUntilConnected();
    const cached = memoize(score, cache);
    const phases = { before: 0, down: 0, after: 0 };
    let fallbacksBeforeKill = 0;
    let fallbacksWhileDown = 0;
    for (let batch = 0; batch < 30; batch++) {
      if (batch === 10) {
        fallbacksBeforeKill = cache.stats().fallbacks;
        await server.kill();
      }
      if (batch === 20) {
        fallbacksWhileDown = cache.stats().fallbacks - fallbacksBeforeKill;
        await server.restart();
      }
      // 20 rows in flight at once, half of them repeats of earlier rows.
      const rows = Array.from({ length: 20 }, (_, i) => ({ x: (batch * 20 + i) % 250 }));
      const results = await Promise.all(rows.map((row) => cached(row)));
      results.forEach((result, i) => expect(result).toEqual(score(rows[i]!)));
      phases[batch < 10 ? "before" : batch < 20 ? "down" : "after"] += results.length;
    }
    expect(phases).toEqual({ before: 200, down: 200, after: 200 });
    // Every call made while Redis was dead was answered locally (whether the client had already
    // seen the connection drop, or found out from a failed command).
    expect(fallbacksBeforeKill).toBe(0);
    expect(fallbacksWhileDown).toBe(200);
    // Recovery: the client reconnected by itself and fresh scores are shared through Redis again.
    expect(await untilRedisAnswers(cache, cached)).toBe(true);
    expect(cache.stats().connected).toBe(true);
    expect((await raw.keys("porta:result:crash:*")).length).toBeGreaterThan(0);
  });

  it("answers within the per-call timeout when Redis hangs (SIGSTOP), then recovers (SIGCONT)", async () => {
    const cache = openCache<Score>("hang", { nearCache: false, timeoutMs: 50, cooldownMs: 200 });
    await cache.waitUntilConnected();
    const cached = memoize(score, cache);
    await cached({ x: 1 }); // stored in Redis and locally
    await sleep(10);
    server.pause();
    try {
      for (let x = 0; x < 10; x++) {
        const started = performance.now();
        expect(await cached({ x })).toEqual(score({ x }));
        expect(performance.now() - started).toBeLessThan(500);
      }
      expect(cache.stats().redisTimeouts).toBeGreaterThan(0);
    } finally {
      server.resume();
    }
    expect(await untilRedisAnswers(cache, cached)).toBe(true);
  });

  it("works from the local cache when Redis was never reachable", async () => {
    const cache = new RedisResultCache<Score>({ modelHash: "nowhere", redis: { host: "127.0.0.1", port: 1, reconnectOnError: null }, timeoutMs: 20 });
    caches.push(cache);
    let calls = 0;
    const cached = memoize((row: { x: number }) => {
      calls++;
      return score(row);
    }, cache);
    expect(await cached({ x: 2 })).toEqual(score({ x: 2 }));
    expect(await cached({ x: 2 })).toEqual(score({ x: 2 }));
    expect(calls).toBe(1);
    expect(cache.stats()).toMatchObject({ connected: false, localHits: 1 });
  });

  it("startRedisServer fails loudly when redis-server is not installed", async () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(startRedisServer()).rejects.toThrow(/redis-server is not on PATH/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
