/**
 * Deployment strategies from the command line, as real processes on loopback: `porta serve
 * --registry --seed`, `porta deploy --strategy silent|canary|bandit` with its options, `porta
 * shadow-report` on the logged run, `porta promote` and `porta abort`, and the strategy restored
 * after a restart. (The strategies themselves are tested in packages/serve/src/strategies.)
 * Budget: 90 s on 2 shared cores (every `porta` run starts a process that compiles the sources).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer } from "@porta/cache/testing";
import { Registry } from "@porta/registry";
import { createServer, RedisShadowSink, readShadowStream } from "@porta/serve";
import { postJson } from "../packages/serve/src/serve.test-helper.ts";
import { CHURN, churnVariant, tgzOf } from "../packages/serve/src/strategies/strategies.test-helper.ts";
import { ROOT } from "./porta-cli.ts";
import { type Served, serve } from "./serve-process.ts";

const TOKEN = "strategy-admin-token";
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");

async function porta(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [PORTA, ...args], { cwd: ROOT, env: { ...process.env, PORTA_ADMIN_TOKEN: TOKEN } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let work: string;
let registry: string;
let served: Served;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "porta-serve-strategies-"));
  registry = join(work, "registry");
  served = await serve(["--registry", registry, "--seed", "7"], { PORTA_ADMIN_TOKEN: TOKEN });
});

afterAll(async () => {
  if (served?.child.exitCode === null) await served.stop();
  rmSync(work, { recursive: true, force: true });
});

const strategy = async () => ((await (await fetch(`${served.url}/v1/models/churn`)).json()) as { strategy: Record<string, unknown> }).strategy;

describe("porta deploy --strategy, promote, abort, shadow-report", { timeout: 90_000 }, () => {
  it("silent: the shadow's answers are logged beside the live ones; shadow-report compares them", async () => {
    expect((await porta("deploy", CHURN, "--server", served.url)).code).toBe(0);
    const shadow = churnVariant(work, { version: "1.3.0", intercept: 0.3 });
    const deployed = await porta("deploy", shadow, "--server", served.url, "--strategy", "silent");
    expect(deployed.stdout).toContain("deployed churn 1.3.0 as silent: churn 1.2.0 is live; 1.3.0 scores its traffic silently");
    expect(deployed.code).toBe(0);
    for (let i = 0; i < 30; i++) {
      const { json } = await postJson(`${served.url}/v1/models/churn/score`, { row: { x1: (i - 15) / 5, x2: 0.5 } });
      expect(json).toMatchObject({ version: "1.2.0" });
    }
    const deadline = Date.now() + 5000;
    while ((await strategy()).compared !== 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await strategy()).toMatchObject({ kind: "silent", live: "1.2.0", shadow: "1.3.0", compared: 30, agreement: 0 });
    // The log is written as the server goes (a buffered append): give it a moment, then read it offline.
    await new Promise((r) => setTimeout(r, 200));
    const report = await porta("shadow-report", "churn", "--registry", registry, "--json");
    expect(report.code).toBe(0);
    const json = JSON.parse(report.stdout);
    expect(json).toMatchObject({ model: "churn", versions: { live: ["1.2.0"], shadow: ["1.3.0"] }, requests: 30, rows: 30, agreement: 0 });
    const probability = json.fields.find((f: { field: string }) => f.field === "probability_yes");
    // Intercept 0.3 instead of 0.5: every probability is lower on the shadow.
    expect(probability.difference.max).toBeLessThan(0);
    expect(probability.difference.min).toBeGreaterThan(-0.06);
    const predicted = json.fields.find((f: { field: string }) => f.field === "predicted_churn");
    expect(predicted.agreement).toBeGreaterThan(0.8);
    const text = await porta("shadow-report", "churn", "--registry", registry, "--tolerance", "0.1");
    // Within 0.1 every probability agrees; the one row whose class flips (x1 = 0) does not.
    expect(text.stdout).toMatch(/churn: live 1\.2\.0 vs shadow 1\.3\.0\n30 requests, 30 rows; agreement 96\.67 % \(29 rows/);
    expect(text.stdout).toMatch(/probability_yes\s+100\.00 %\s+30 /);
    expect(text.stdout).toMatch(/predicted_churn\s+96\.67 %\s+30\s+"yes" → "no" ×1/);
    expect(text.stdout).toMatch(/latency ms \(per request\)/);
    expect((await porta("shadow-report", "churn")).code).toBe(64);
  });

  it("canary with its thresholds; abort; a canary promoted; option misuse is a usage error", async () => {
    const misuse = await porta("deploy", CHURN, "--server", served.url, "--strategy", "bandit", "--canary-share", "0.2");
    expect(misuse.code).toBe(64);
    expect(misuse.stderr).toContain("--canary-share goes with --strategy canary");
    const canary = churnVariant(work, { version: "1.4.0", intercept: 0.6 });
    const deployed = await porta(
      "deploy",
      canary,
      "--server",
      served.url,
      "--strategy",
      "canary",
      "--canary-share",
      "0.25",
      "--canary-key",
      "user",
      "--max-error-rate",
      "0.01",
      "--max-p99-ms",
      "2000",
      "--min-requests",
      "50",
    );
    expect(deployed.stdout).toContain("deployed churn 1.4.0 as canary: churn 1.2.0 is live; canary 1.4.0 takes 25.0 % of request keys");
    expect(await strategy()).toMatchObject({ kind: "canary", live: "1.2.0", canary: "1.4.0", share: 0.25 });
    const aborted = await porta("abort", "churn", "--server", served.url, "--reason", "wrong feature set");
    expect(aborted.stdout).toContain("aborted: churn 1.2.0 is live; canary 1.4.0 was aborted: wrong feature set");
    expect(await porta("promote", "churn", "--server", served.url)).toMatchObject({ code: 69, stderr: expect.stringContaining("REGISTRY_CANARY_ABORTED") });
    await porta("deploy", canary, "--server", served.url, "--strategy", "canary", "--canary-share", "1");
    const promoted = await porta("promote", "churn", "--server", served.url);
    expect(promoted.stdout).toContain("promoted: churn 1.4.0 is live (was 1.2.0)");
    expect(await strategy()).toEqual({ kind: "single", live: "1.4.0" });
  });

  it("bandit: an arm per deploy; the arms and their counts are restored after a restart", async () => {
    const arm = churnVariant(work, { version: "2.0.0", intercept: 0.1 });
    const deployed = await porta("deploy", arm, "--server", served.url, "--strategy", "bandit", "--bandit", "ucb1");
    expect(deployed.stdout).toContain("deployed churn 2.0.0 as bandit: churn: ucb1 bandit over 1.4.0, 2.0.0");
    for (let i = 0; i < 10; i++) {
      const { json } = await postJson(`${served.url}/v1/models/churn/score`, { row: { x1: 0, x2: 0 } });
      expect(json.requestId).toEqual(expect.any(String));
      const reward = json.version === "2.0.0" ? 1 : 0;
      expect((await postJson(`${served.url}/v1/models/churn/feedback`, { requestId: json.requestId, reward })).status).toBe(200);
    }
    const before = (await strategy()) as { arms: { version: string; pulls: number; rewards: number }[] };
    expect(before.arms.reduce((s, a) => s + a.pulls, 0)).toBe(10);
    expect(await served.stop()).toBe(0);
    served = await serve(["--registry", registry], { PORTA_ADMIN_TOKEN: TOKEN });
    const after = (await strategy()) as typeof before;
    expect(after).toMatchObject({ kind: "bandit", algorithm: "ucb1" });
    expect(after.arms.map(({ version, pulls, rewards }) => ({ version, pulls, rewards }))).toEqual(
      before.arms.map(({ version, pulls, rewards }) => ({ version, pulls, rewards })),
    );
  });
});

describe("a silent deploy logging to Redis (porta serve --redis): the stream porta:shadow:NAME", { timeout: 60_000 }, () => {
  it("each request is one stream entry; porta shadow-report --redis reads them", async () => {
    const redis = await startRedisServer();
    const registry = await Registry.open(join(work, "registry-redis"));
    const server = await createServer({
      source: registry,
      admin: { token: TOKEN, target: registry },
      strategies: { sink: new RedisShadowSink(redis.url), seed: 1 },
    });
    try {
      const url = await server.listen();
      expect((await registry.deploy(CHURN)).ok).toBe(true);
      const shadow = await tgzOf(churnVariant(work, { version: "1.9.0", intercept: 0.4 }));
      expect((await registry.deploy(shadow, { strategy: { kind: "silent" } })).ok).toBe(true);
      for (let i = 0; i < 12; i++) await postJson(`${url}/v1/models/churn/score`, { row: { x1: i / 3, x2: 1 } });
      await postJson(`${url}/v1/models/churn/score`, {
        rows: [
          { x1: 0, x2: 0 },
          { x1: 1, x2: 1 },
        ],
      });
      let entries: unknown[] = [];
      for (const end = Date.now() + 5000; entries.length < 13 && Date.now() < end; ) {
        await new Promise((r) => setTimeout(r, 20));
        entries = await readShadowStream(redis.url, "churn");
      }
      expect(entries).toHaveLength(13);
      expect(entries[12]).toMatchObject({ model: "churn", rows: 2, live: { version: "1.2.0" }, shadow: { version: "1.9.0" } });
      const report = await porta("shadow-report", "churn", "--redis", redis.url, "--json");
      expect(report.code).toBe(0);
      expect(JSON.parse(report.stdout)).toMatchObject({ requests: 13, rows: 14, versions: { live: ["1.2.0"], shadow: ["1.9.0"] }, agreement: 0 });
    } finally {
      await server.close();
      await registry.close();
      await redis.stop();
    }
  });
});
