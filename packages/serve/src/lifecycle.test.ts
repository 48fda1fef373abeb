import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, type ClientRequest } from "node:http";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServerHandle } from "@porta/cache/testing";
import { loadModel } from "@porta/runtime";
import { createServer } from "./server.ts";
import { linearPmml, postJson } from "./serve.test-helper.ts";
import type { LiveModel, ModelChange, ModelSource, ModelSummary } from "./source.ts";

/** A source whose live version the test switches, as a deploy does: what the registry does, in memory. */
class SwitchingSource implements ModelSource {
  #live: LiveModel;
  #versions: LiveModel[];
  readonly #listeners = new Set<(c: ModelChange) => void>();
  constructor(first: LiveModel) {
    this.#live = first;
    this.#versions = [first];
  }
  names(): string[] {
    return [this.#live.name];
  }
  info(name: string): ModelSummary | undefined {
    if (name !== this.#live.name) return undefined;
    return { name, live: this.#live.version, versions: this.#versions.map((v) => ({ version: v.version, live: v === this.#live })) };
  }
  live(name: string): LiveModel | undefined {
    return name === this.#live.name ? this.#live : undefined;
  }
  onChange(listener: (c: ModelChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  switchTo(next: LiveModel): void {
    const previous = this.#live.version;
    if (!this.#versions.includes(next)) this.#versions.push(next);
    this.#live = next;
    for (const l of this.#listeners) l({ name: next.name, version: next.version, previous });
  }
}

async function linear(version: string, intercept: number): Promise<LiveModel> {
  return { name: "linear", version, model: await loadModel(linearPmml(intercept), { scoring: "sync" }) };
}

describe("result cache per model version", () => {
  it("a new live version answers with its own scores at once: the old version's cached results are dropped, never served", async () => {
    const [v1, v2] = [await linear("1.0.0", 1), await linear("2.0.0", 10)];
    const source = new SwitchingSource(v1);
    const server = await createServer({ source });
    const url = await server.listen();
    try {
      const score = () => postJson(`${url}/v1/models/linear/score`, { row: { x: 1 } });
      expect((await score()).json).toMatchObject({ version: "1.0.0", result: { y: 3 } });
      expect((await score()).json).toMatchObject({ version: "1.0.0", result: { y: 3 } });
      let metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/porta_result_cache_hits_total\{model="linear",version="1.0.0"\} 1/);
      source.switchTo(v2);
      expect((await score()).json).toMatchObject({ version: "2.0.0", result: { y: 12 } });
      metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).not.toMatch(/porta_result_cache_entries\{model="linear",version="1.0.0"\}/);
      expect(metrics).toMatch(/porta_result_cache_entries\{model="linear",version="2.0.0"\} 1/);
      source.switchTo(v1);
      expect((await score()).json).toMatchObject({ version: "1.0.0", result: { y: 3 } });
    } finally {
      await server.close();
    }
  });
});

describe("result cache in Redis (--redis): a real redis-server on loopback", () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("scores are shared through Redis under the model version's prefix, between servers; with Redis gone, scoring goes on", async () => {
    const source = new SwitchingSource(await linear("1.0.0", 1));
    const [a, b] = [await createServer({ source, cache: { redis: redis.url } }), await createServer({ source, cache: { redis: redis.url } })];
    const [urlA, urlB] = [await a.listen(), await b.listen()];
    const raw = new Redis(redis.url);
    try {
      // Rows scored before the cache's connection is up are kept locally only: score new rows until one reaches Redis.
      let x = 0;
      while ((await raw.keys("porta:result:linear.*")).length === 0 && x < 100) {
        expect((await postJson(`${urlA}/v1/models/linear/score`, { row: { x } })).json).toMatchObject({ result: { y: 2 * x + 1 } });
        await new Promise((r) => setTimeout(r, 10));
        x++;
      }
      const [key] = await raw.keys("porta:result:linear.*");
      expect(key).toBeDefined();
      const hitsOf = async (url: string) =>
        Number(/porta_result_cache_hits_total\{model="linear",version="1.0.0"\} (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
      // Server B never scored x - 1: its answer comes from what A stored in Redis.
      expect((await postJson(`${urlB}/v1/models/linear/score`, { row: { x: x - 1 } })).json).toMatchObject({ result: { y: 2 * (x - 1) + 1 } });
      expect(await hitsOf(urlB)).toBe(1);
      await redis.kill();
      expect((await postJson(`${urlA}/v1/models/linear/score`, { row: { x: 60 } })).json).toMatchObject({ result: { y: 121 } });
      expect((await postJson(`${urlA}/v1/models/linear/score`, { rows: [{ x: 7 }] })).json).toMatchObject({ results: [{ y: 15 }] });
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("graceful shutdown", () => {
  it("close() drains an in-flight stream: it finishes with every line, close resolves right after, new connections are refused", async () => {
    const source = new SwitchingSource(await linear("1.0.0", 1));
    const server = await createServer({ source, limits: { streamChunkRows: 1 } });
    const url = await server.listen();
    const events: string[] = [];
    const stream = openStream(url);
    stream.req.write('{"x":1}\n');
    await stream.waitFor(1);
    const closed = server.close().then(() => events.push("closed"));
    await new Promise((r) => setTimeout(r, 50));
    stream.req.write('{"x":2}\n{"x":3}\n');
    stream.req.end();
    const lines = await stream.done.then((l) => {
      events.push("stream ended");
      return l;
    });
    const ended = Date.now();
    await closed;
    // Not the keep-alive timeout (5 s): the connection is closed as soon as it falls idle.
    expect(Date.now() - ended).toBeLessThan(1000);
    expect(lines).toEqual([{ result: { y: 3 } }, { result: { y: 5 } }, { result: { y: 7 } }, { end: { lines: 3, scored: 3, failed: 0 } }]);
    expect(events).toEqual(["stream ended", "closed"]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("a request that does not finish within shutdownTimeoutMs has its connection cut: close() is bounded", async () => {
    const source = new SwitchingSource(await linear("1.0.0", 1));
    const server = await createServer({ source, shutdownTimeoutMs: 300, limits: { streamChunkRows: 1 } });
    const url = await server.listen();
    const stream = openStream(url);
    stream.req.write('{"x":1}\n');
    await stream.waitFor(1);
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(5000);
    await expect(stream.done).rejects.toThrow();
  });

  it("readyz is 503 SHUTTING_DOWN once close() has begun", async () => {
    const source = new SwitchingSource(await linear("1.0.0", 1));
    const server = await createServer({ source });
    expect((await server.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    const closing = server.close();
    const answer = await server.app.inject({ method: "GET", url: "/readyz" });
    expect(answer.statusCode).toBe(503);
    await closing;
  });
});

/** An NDJSON stream kept open: write lines when you like, wait for answer lines, get them all at the end. */
function openStream(base: string): { req: ClientRequest; waitFor(n: number): Promise<void>; done: Promise<unknown[]> } {
  const lines: unknown[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let req!: ClientRequest;
  const done = new Promise<unknown[]>((resolve, reject) => {
    req = request(`${base}/v1/models/linear/stream`, { method: "POST", headers: { "content-type": "application/x-ndjson" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
        const nl = text.lastIndexOf("\n");
        if (nl < 0) return;
        for (const l of text.slice(0, nl).split("\n")) lines.push(JSON.parse(l));
        text = text.slice(nl + 1);
        for (const w of waiters) if (lines.length >= w.n) w.resolve();
      });
      res.on("end", () => resolve(lines));
      res.on("error", reject);
      res.on("aborted", () => reject(new Error("aborted")));
    });
    req.on("error", reject);
  });
  done.catch(() => undefined);
  return { req, done, waitFor: (n) => new Promise((resolve) => (lines.length >= n ? resolve() : waiters.push({ n, resolve }))) };
}
