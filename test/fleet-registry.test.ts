/**
 * Registry state shared through Redis (RegistrySync), in process on a real redis-server: two
 * instances, each with its own registry folder and HTTP server. A deploy through one instance's
 * admin API reaches the other, a rollback through the other comes back; an instance started
 * later serves the fleet's live version from the start; a fleet version an instance cannot load
 * leaves it serving what it served, and it says so (status, and its hash in Redis).
 * Then the same as users start it: two `porta serve --registry DIR --redis URL` processes.
 * Budget: 30 s per test (each instance verifies each version it receives).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import * as tar from "tar";
import { startRedisServer, type RedisServerHandle } from "@porta/cache/testing";
import { Registry, RegistrySync } from "@porta/registry";
import { createServer, type PortaServer } from "@porta/serve";
import { postJson } from "../packages/serve/src/serve.test-helper.ts";
import { ROOT } from "./porta-cli.ts";
import { serve } from "./serve-process.ts";

const TOKEN = "fleet-token";
const CHURN = join(ROOT, "fixtures", "packages", "churn-pmml");
const ROW = { x1: 1, x2: 2 };

interface Instance {
  registry: Registry;
  sync: RegistrySync;
  server: PortaServer;
  url: string;
}

let redis: RedisServerHandle;
let raw: Redis;
let work: string;
const instances: Instance[] = [];

async function instance(id: string): Promise<Instance> {
  const registry = await Registry.open(join(work, id));
  const sync = await RegistrySync.start(registry, { redis: redis.url, instance: id });
  const server = await createServer({ source: registry, admin: { token: TOKEN, target: sync } });
  const started = { registry, sync, server, url: await server.listen() };
  instances.push(started);
  return started;
}

/** The churn package at `version`, as the .tgz bytes an upload carries. */
async function churnTgz(version: string): Promise<Buffer> {
  const root = join(work, `churn-${version}`);
  cpSync(CHURN, root, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, "porta.json"), "utf8"));
  manifest.model.version = version;
  writeFileSync(join(root, "porta.json"), JSON.stringify(manifest, null, 2));
  const file = join(work, `churn-${version}.tgz`);
  await tar.c({ gzip: true, file, cwd: root }, ["porta.json", "model.pmml", "assets"]);
  return readFileSync(file);
}

async function admin(url: string, path: string, body: Buffer | object): Promise<{ status: number; json: Record<string, unknown> }> {
  const bytes = Buffer.isBuffer(body);
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": bytes ? "application/gzip" : "application/json" },
    body: bytes ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const liveVersion = async (url: string) => ((await postJson(`${url}/v1/models/churn/score`, { row: ROW })).json as { version?: string }).version;

async function until(condition: () => Promise<boolean> | boolean, withinMs = 15_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url);
  work = mkdtempSync(join(tmpdir(), "porta-fleet-registry-"));
});

afterAll(async () => {
  for (const i of instances) {
    await i.server.close();
    await i.sync.close();
    await i.registry.close();
  }
  raw?.disconnect();
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("registry state shared through Redis", { timeout: 30_000 }, () => {
  it("a deploy through one instance's admin API reaches the other; a rollback through the other comes back; a late instance starts on the fleet's version", async () => {
    const [a, b] = [await instance("a"), await instance("b")];
    expect((await admin(a.url, "/v1/admin/deploy", await churnTgz("1.2.0"))).json).toMatchObject({ ok: true, version: "1.2.0" });
    await until(async () => (await liveVersion(b.url)) === "1.2.0");
    expect(b.sync.status().churn).toMatchObject({ version: "1.2.0", ok: true, live: "1.2.0" });
    // B ran the gates itself: the version is stored in its own folder, with the same content hash.
    expect(b.registry.info("churn")?.versions.map((v) => v.hash)).toEqual(a.registry.info("churn")?.versions.map((v) => v.hash));

    expect((await admin(b.url, "/v1/admin/deploy", await churnTgz("1.3.0"))).json).toMatchObject({ ok: true, version: "1.3.0", previous: "1.2.0" });
    await until(async () => (await liveVersion(a.url)) === "1.3.0");

    expect((await admin(a.url, "/v1/admin/models/churn/rollback", {})).json).toMatchObject({ ok: true, version: "1.2.0", previous: "1.3.0" });
    await until(async () => (await liveVersion(b.url)) === "1.2.0");
    expect(b.registry.info("churn")?.history.at(-1)).toMatchObject({ version: "1.2.0", action: "rollback" });

    const c = await instance("c");
    expect(await liveVersion(c.url)).toBe("1.2.0");
    expect(JSON.parse((await raw.hget("porta:registry:instance:c", "churn"))!)).toMatchObject({ version: "1.2.0", ok: true });
  });

  it("a fleet version an instance cannot load: it keeps serving its version and reports the refusal", async () => {
    const [a, b] = instances;
    const hash = "sha256:not-a-package";
    await raw.set(`porta:registry:package:${hash}`, "these bytes are not a .tgz");
    await raw.hset("porta:registry:live", "churn", JSON.stringify({ version: "9.9.9", hash, at: new Date().toISOString(), by: "test" }));
    await raw.publish("porta:registry:changes", "churn");
    for (const i of [a!, b!]) {
      await until(() => i.sync.status().churn?.version === "9.9.9");
      expect(i.sync.status().churn).toMatchObject({ ok: false, live: "1.2.0" });
      expect(await liveVersion(i.url)).toBe("1.2.0");
    }
    const reported = JSON.parse((await raw.hget("porta:registry:instance:b", "churn"))!) as { ok: boolean; code: string; live: string };
    expect(reported).toMatchObject({ ok: false, live: "1.2.0" });
    expect(reported.code).toMatch(/^[A-Z_]+$/);
  });
});

describe("porta serve --registry DIR --redis URL", { timeout: 30_000 }, () => {
  it("a deploy through one process's admin API reaches the other process", async () => {
    const own = await startRedisServer();
    const [p, q] = await Promise.all(
      ["p", "q"].map((id) => serve(["--registry", join(work, `process-${id}`), "--redis", own.url], { PORTA_ADMIN_TOKEN: TOKEN })),
    );
    try {
      expect((await admin(p!.url, "/v1/admin/deploy", await churnTgz("1.4.0"))).json).toMatchObject({ ok: true, version: "1.4.0" });
      await until(async () => (await liveVersion(q!.url)) === "1.4.0");
      // the line is written once the deploy returns, which may be after the new version answers
      await until(() => /porta: fleet apply ok: churn 1\.4\.0/.test(q!.stderr()));
      expect(p!.stderr()).toMatch(/porta: fleet publish ok: churn 1\.4\.0/);
    } finally {
      await Promise.all([p!.stop(), q!.stop()]);
      await own.stop();
    }
  });
});
