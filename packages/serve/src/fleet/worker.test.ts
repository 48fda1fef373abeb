/**
 * The fleet worker against a real redis-server on loopback: the atomic write-and-acknowledge
 * step (only the consumer owning an entry writes its result, once), XAUTOCLAIM recovery of a
 * dead consumer's pending entries, error results for bad entries, and a prompt stop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServerHandle } from "@porta/cache/testing";
import { loadModel, type Model } from "@porta/runtime";
import { linearPmml } from "../serve.test-helper.ts";
import type { LiveModel, ModelSource } from "../source.ts";
import { produceAndAck } from "./atomic.ts";
import { fieldMap } from "./entry.ts";
import { StreamWorker } from "./worker.ts";

let redis: RedisServerHandle;
let client: Redis;
let source: ModelSource;
let stream = 0;

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
  const live: LiveModel = { name: "linear", version: "1.0.0", model: await loadModel(linearPmml(1), { scoring: "sync" }) };
  source = { names: () => ["linear"], info: () => undefined, live: (name) => (name === "linear" ? live : undefined), onChange: () => () => undefined };
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

/** Fresh stream names per test. */
function streams(): { input: string; output: string; group: string } {
  stream++;
  return { input: `in${stream}`, output: `out${stream}`, group: "g" };
}

async function outputs(output: string): Promise<Map<string, string>[]> {
  const entries = await client.xrange(output, "-", "+");
  return entries.map(([, fields]) => fieldMap(fields));
}

async function pendingCount(input: string, group: string): Promise<number> {
  const summary = (await client.xpending(input, group)) as [number, ...unknown[]];
  return summary[0];
}

async function until(condition: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the atomic write-and-acknowledge step (Lua)", () => {
  it("writes and acknowledges only while the entry is pending for the consumer: a second write, or another consumer's, writes nothing", async () => {
    const { input, output, group } = streams();
    await client.xgroup("CREATE", input, group, "0", "MKSTREAM");
    const id = (await client.xadd(input, "*", "model", "linear", "row", '{"x":1}'))!;
    await client.call("XREADGROUP", "GROUP", group, "a", "COUNT", 10, "STREAMS", input, ">");
    const entry = { id, fields: ["in", id, "result", '{"y":3}'] };
    // b does not own the entry: nothing written, still pending on a.
    expect(await produceAndAck(client, { input, output, group, consumer: "b" }, [entry])).toEqual([false]);
    expect(await client.xlen(output)).toBe(0);
    expect(await pendingCount(input, group)).toBe(1);
    // a owns it: one result, acknowledged.
    expect(await produceAndAck(client, { input, output, group, consumer: "a" }, [entry])).toEqual([true]);
    expect(await client.xlen(output)).toBe(1);
    expect(await pendingCount(input, group)).toBe(0);
    // A retry (a scored twice, or a claim that raced) finds it acknowledged: still one result.
    expect(await produceAndAck(client, { input, output, group, consumer: "a" }, [entry])).toEqual([false]);
    expect(await client.xlen(output)).toBe(1);
  });

  it("an entry claimed away from a slow consumer is written by the claimer only", async () => {
    const { input, output, group } = streams();
    await client.xgroup("CREATE", input, group, "0", "MKSTREAM");
    const id = (await client.xadd(input, "*", "model", "linear", "row", '{"x":1}'))!;
    await client.call("XREADGROUP", "GROUP", group, "slow", "COUNT", 10, "STREAMS", input, ">");
    await client.xclaim(input, group, "fast", 0, id);
    const entry = (who: string) => ({ id, fields: ["in", id, "consumer", who] });
    expect(await produceAndAck(client, { input, output, group, consumer: "slow" }, [entry("slow")])).toEqual([false]);
    expect(await produceAndAck(client, { input, output, group, consumer: "fast" }, [entry("fast")])).toEqual([true]);
    expect((await outputs(output)).map((o) => o.get("consumer"))).toEqual(["fast"]);
  });
});

describe("StreamWorker", () => {
  it("claims a dead consumer's pending entries with XAUTOCLAIM: every input gets exactly one result and nothing stays pending", async () => {
    const { input, output, group } = streams();
    await client.xgroup("CREATE", input, group, "0", "MKSTREAM");
    const ids: string[] = [];
    for (let x = 0; x < 50; x++) ids.push((await client.xadd(input, "*", "model", "linear", "row", JSON.stringify({ x })))!);
    // A consumer reads 20 entries and dies: they stay pending on it.
    await client.call("XREADGROUP", "GROUP", group, "dead", "COUNT", 20, "STREAMS", input, ">");
    expect(await pendingCount(input, group)).toBe(20);
    const worker = await StreamWorker.start({ source, redis: redis.url, input, output, group, consumer: "alive", batch: 16, claimIdleMs: 200 });
    try {
      await until(async () => (await client.xlen(output)) === 50 && (await pendingCount(input, group)) === 0, 10_000);
    } finally {
      await worker.stop();
    }
    const results = await outputs(output);
    expect(results.map((r) => r.get("in")).sort()).toEqual([...ids].sort());
    for (const r of results) {
      const x = ids.indexOf(r.get("in")!);
      expect(JSON.parse(r.get("result")!)).toEqual({ y: 2 * x + 1 });
      expect(r.get("consumer")).toBe("alive");
      expect(r.get("version")).toBe("1.0.0");
    }
    expect(worker.counts).toEqual({ consumed: 50, claimed: 20, produced: 50, errors: 0, skipped: 0, redisFailures: 0 });
  });

  it("an entry delivered more than maxDeliveries times (its readers died) gets FLEET_DELIVERY_LIMIT instead of another try; its batch-mates are scored", async () => {
    const { input, output, group } = streams();
    await client.xgroup("CREATE", input, group, "0", "MKSTREAM");
    const ids: string[] = [];
    for (let x = 0; x < 4; x++) ids.push((await client.xadd(input, "*", "model", "linear", "row", JSON.stringify({ x })))!);
    await client.call("XREADGROUP", "GROUP", group, "dead", "COUNT", 10, "STREAMS", input, ">");
    // Delivered 9 times and 3 times before (XCLAIM's RETRYCOUNT sets the count): claimed once more, 10 and 4.
    await client.xclaim(input, group, "dead", 0, ids[1]!, "RETRYCOUNT", 9);
    await client.xclaim(input, group, "dead", 0, ids[2]!, "RETRYCOUNT", 3);
    const worker = await StreamWorker.start({ source, redis: redis.url, input, output, group, consumer: "w", claimIdleMs: 100, maxDeliveries: 5 });
    try {
      await until(async () => (await client.xlen(output)) === 4 && (await pendingCount(input, group)) === 0, 10_000);
    } finally {
      await worker.stop();
    }
    const byInput = new Map((await outputs(output)).map((o) => [o.get("in")!, o]));
    expect(JSON.parse(byInput.get(ids[1]!)!.get("error")!)).toMatchObject({ code: "FLEET_DELIVERY_LIMIT", path: "/", value: 10 });
    for (const i of [0, 2, 3]) expect(JSON.parse(byInput.get(ids[i]!)!.get("result")!)).toEqual({ y: 2 * i + 1 });
    expect(worker.counts).toMatchObject({ claimed: 4, produced: 4, errors: 1 });
  });

  it("writes a typed error result for each bad entry (code, path, value) and acknowledges it", async () => {
    const { input, output, group } = streams();
    const bad: [string, ...string[]][] = [
      ["FLEET_ENTRY_INVALID", "row", '{"x":1}'],
      ["FLEET_ENTRY_INVALID", "model", "linear"],
      ["INPUT_JSON_MALFORMED", "model", "linear", "row", "{x:1"],
      ["INPUT_ROW_NOT_OBJECT", "model", "linear", "row", "[1,2]"],
      ["MODEL_NOT_FOUND", "model", "nope", "row", '{"x":1}'],
      ["MODEL_VERSION_NOT_LIVE", "model", "linear", "version", "0.9.0", "row", '{"x":1}'],
      ["PMML_INVALID_VALUE", "model", "linear", "row", '{"x":500}'],
    ];
    const ids: string[] = [];
    for (const [, ...fields] of bad) ids.push((await client.xadd(input, "*", ...fields))!);
    const good = (await client.xadd(input, "*", "model", "linear", "row", '{"x":2}'))!;
    const worker = await StreamWorker.start({ source, redis: redis.url, input, output, group, consumer: "w", claimIdleMs: 60_000 });
    try {
      await until(async () => (await client.xlen(output)) === bad.length + 1, 10_000);
    } finally {
      await worker.stop();
    }
    const byInput = new Map((await outputs(output)).map((o) => [o.get("in")!, o]));
    const errors = ids.map((id) => JSON.parse(byInput.get(id)!.get("error")!) as { code: string; path: string; value?: unknown });
    expect(errors.map((e) => e.code)).toEqual(bad.map(([code]) => code));
    expect(errors.map((e) => e.path)).toEqual(["/model", "/row", "/row", "/row", "/model", "/version", "/row"]);
    expect(errors[2]!.value).toBe("{x:1");
    expect(errors[4]!.value).toBe("nope");
    expect(errors[6]!.value).toBe(500);
    expect(JSON.parse(byInput.get(good)!.get("result")!)).toEqual({ y: 5 });
    expect(await pendingCount(input, group)).toBe(0);
    expect(worker.counts).toMatchObject({ produced: bad.length + 1, errors: bad.length });
  });

  it("stop() during a batch: the batch is scored, written and acknowledged before stop resolves", async () => {
    const { input, output, group } = streams();
    let scoring: () => void = () => undefined;
    const inBatch = new Promise<void>((resolve) => (scoring = resolve));
    const linear = source.live("linear")!;
    // The live model, asynchronous and slow: stop() is called while its batch call is in flight.
    const slow = {
      ...linear,
      model: {
        ...linear.model,
        synchronous: false,
        format: linear.model.format,
        scoreBatchAsync: async (rows: readonly Record<string, unknown>[], options: Parameters<Model["scoreBatch"]>[1]) => {
          scoring();
          await new Promise((r) => setTimeout(r, 300));
          return linear.model.scoreBatch(rows, options);
        },
      } as Model,
    };
    const slowSource: ModelSource = { ...source, live: (name) => (name === "linear" ? slow : undefined) };
    for (let x = 0; x < 10; x++) await client.xadd(input, "*", "model", "linear", "row", JSON.stringify({ x }));
    const worker = await StreamWorker.start({ source: slowSource, redis: redis.url, input, output, group, consumer: "w", batch: 10 });
    await inBatch;
    await worker.stop();
    expect(await client.xlen(output)).toBe(10);
    expect(await pendingCount(input, group)).toBe(0);
    expect(worker.counts).toMatchObject({ consumed: 10, produced: 10, errors: 0 });
  });

  it("stop() interrupts a blocking read at once and leaves later entries to the group", async () => {
    const { input, output, group } = streams();
    const worker = await StreamWorker.start({ source, redis: redis.url, input, output, group, consumer: "w", blockMs: 30_000 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    await client.xadd(input, "*", "model", "linear", "row", '{"x":1}');
    expect(await client.xlen(output)).toBe(0);
    const [[, , , , , pending]] = (await client.xinfo("GROUPS", input)) as [unknown[]];
    expect(pending).toBe(0);
  });
});
