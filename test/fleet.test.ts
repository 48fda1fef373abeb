/**
 * Acceptance: a scoring fleet on Redis Streams, as users run it. Three `porta serve --stream`
 * processes share one consumer group on a real redis-server (loopback); 20 000 entries are
 * added while they run (every 1000th row out of the model's valid range: an error result), and
 * one worker is killed with SIGKILL while it holds entries it has read and not written. After
 * XAUTOCLAIM, every input entry has exactly one output entry (by input id), nothing is lost or
 * written twice, and the group's pending list is empty. The survivors stop on SIGTERM with exit 0.
 * Budget: 60 s on 2 shared cores (three processes start from the TypeScript sources).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServerHandle } from "@porta/cache/testing";
import { linearPmml } from "../packages/serve/src/serve.test-helper.ts";
import { porta } from "./porta-cli.ts";
import { serve, type Served } from "./serve-process.ts";

const N = 20_000;
const BAD_EVERY = 1000;
const CLAIM_IDLE_MS = 1000;

let redis: RedisServerHandle;
let client: Redis;
let models: string;
const workers: Served[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
  models = mkdtempSync(join(tmpdir(), "porta-fleet-"));
  writeFileSync(join(models, "linear.pmml"), linearPmml(1));
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  client?.disconnect();
  await redis?.stop();
  rmSync(models, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pending(consumer?: string): Promise<number> {
  if (consumer === undefined) return ((await client.xpending("in", "g")) as [number])[0];
  return ((await client.xpending("in", "g", "-", "+", N, consumer)) as unknown[]).length;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, "gm"))].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe("porta serve --stream: three workers, one killed mid-run", { timeout: 60_000 }, () => {
  it("every input entry gets exactly one result; none lost, none doubled; nothing stays pending", async () => {
    const args = (id: string) => ["--models", models, "--no-cache", "--stream", "in:out", "--group", "g", "--redis", redis.url, "--consumer", id];
    const extra = ["--claim-idle-ms", String(CLAIM_IDLE_MS), "--batch", "100"];
    workers.push(...(await Promise.all(["w1", "w2", "w3"].map((id) => serve([...args(id), ...extra])))));
    for (const w of workers) expect(w.stderr()).toContain("scoring stream in into out");

    // The producer adds entries while the workers score.
    const ids: string[] = [];
    const produced = (async () => {
      for (let start = 0; start < N; start += 1000) {
        const batch = client.pipeline();
        for (let i = start; i < start + 1000; i++) {
          const x = i % BAD_EVERY === 0 ? 500 : i % 100;
          batch.xadd("in", "*", "model", "linear", "row", JSON.stringify({ x }));
        }
        for (const [error, id] of (await batch.exec())!) {
          if (error) throw error;
          ids.push(id as string);
        }
        await sleep(5);
      }
    })();

    // Kill w1 while it holds entries read and not yet written: frozen first, so the count is exact.
    while ((await client.xlen("out")) < N / 4) await sleep(10);
    const victim = workers[0]!;
    let heldAtKill = 0;
    for (let tries = 0; tries < 500 && heldAtKill === 0; tries++) {
      victim.child.kill("SIGSTOP");
      heldAtKill = await pending("w1");
      if (heldAtKill === 0) {
        victim.child.kill("SIGCONT");
        await sleep(2);
      }
    }
    victim.child.kill("SIGKILL");
    expect(heldAtKill).toBeGreaterThan(0);
    await produced;

    const deadline = Date.now() + 40_000;
    while ((await client.xlen("out")) < N || (await pending()) > 0) {
      if (Date.now() > deadline) throw new Error(`results ${await client.xlen("out")} of ${N}, pending ${await pending()}`);
      await sleep(50);
    }
    // Nothing more comes: every entry is acknowledged, so no claim can hand one out again.
    await sleep(CLAIM_IDLE_MS + 200);
    expect(await client.xlen("out")).toBe(N);
    expect(await pending()).toBe(0);

    const outputs = (await client.xrange("out", "-", "+")).map(([, f]) => Object.fromEntries(f.flatMap((v, i) => (i % 2 === 0 ? [[v, f[i + 1]]] : []))));
    const byInput = new Map<string, Record<string, string>>();
    for (const o of outputs) {
      expect(byInput.has(o.in!)).toBe(false);
      byInput.set(o.in!, o);
    }
    expect(byInput.size).toBe(N);
    let errors = 0;
    ids.forEach((id, i) => {
      const o = byInput.get(id);
      expect(o).toBeDefined();
      if (i % BAD_EVERY === 0) {
        errors++;
        expect(JSON.parse(o!.error!)).toMatchObject({ code: "PMML_INVALID_VALUE", path: "/row", value: 500 });
      } else expect(JSON.parse(o!.result!)).toEqual({ y: 2 * (i % 100) + 1 });
    });

    const perWorker: Record<string, number> = {};
    for (const o of outputs) perWorker[o.consumer!] = (perWorker[o.consumer!] ?? 0) + 1;
    const [w2, w3] = [workers[1]!, workers[2]!];
    const claimed = (await metric(w2.url, "porta_fleet_claimed_total")) + (await metric(w3.url, "porta_fleet_claimed_total"));
    const producedBySurvivors = (await metric(w2.url, "porta_fleet_produced_total")) + (await metric(w3.url, "porta_fleet_produced_total"));
    // What w1 held when it died was claimed by the others (they may also claim each other's slow entries).
    expect(claimed).toBeGreaterThanOrEqual(heldAtKill);
    expect(producedBySurvivors).toBe((perWorker.w2 ?? 0) + (perWorker.w3 ?? 0));
    expect(perWorker.w1).toBeGreaterThan(0);
    expect(errors).toBe(N / BAD_EVERY);
    console.log(
      `fleet acceptance: inputs ${N}, results ${outputs.length} (${errors} error results), w1 held ${heldAtKill} at SIGKILL, ` +
        `claimed ${claimed}, per worker ${JSON.stringify(perWorker)}`,
    );

    // The survivors stop gracefully on SIGTERM.
    expect(await Promise.all([w2.stop(), w3.stop()])).toEqual([0, 0]);
  });
});

describe("porta serve --stream: options", () => {
  it("a fleet option without what it needs is a usage error (exit 64) naming it (every case: fleet-options.test.ts)", async () => {
    const { code, stderr } = await porta("serve", "--models", models, "--port", "0", "--stream", "in:out", "--group", "g");
    expect(stderr).toMatch(/--stream needs --redis URL/);
    expect(code).toBe(64);
  });
});
