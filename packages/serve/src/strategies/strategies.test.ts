/**
 * Deployment strategies end to end, on a real server on loopback over a real registry (in this
 * process): deploys through the admin API with `?strategy=…`, scoring, `GET /v1/models/:name`'s
 * `strategy`, promote and abort, bandit feedback, and the strategy's state across a reopen.
 * Seeded (the server's routing draws and the simulated users' rewards): every run is the same.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "@porta/registry";
import { postJson } from "../serve.test-helper.ts";
import { createServer, type PortaServer } from "../server.ts";
import { shadowReport } from "./compare.ts";
import { seededRandom } from "./random.ts";
import type { StrategyView } from "./router.ts";
import { shadowLogFile } from "./shadow-log.ts";
import { CHURN, churnProbability, churnVariant, tgzOf } from "./strategies.test-helper.ts";

const TOKEN = "strategy-token";
let work: string;
const packages = new Map<string, Buffer>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "porta-strategies-"));
  packages.set("1.2.0", await tgzOf(CHURN));
  for (const variant of [
    { version: "1.3.0", intercept: 0.3 },
    { version: "1.4.0", x1Limit: 10 },
    { version: "1.5.0", intercept: 0.6 },
    { version: "1.6.0", intercept: 0.7 },
    { version: "2.0.0", intercept: 0.1 },
    { version: "2.1.0", intercept: 0.15 },
  ]) {
    packages.set(variant.version, await tgzOf(churnVariant(work, variant)));
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Running {
  registry: Registry;
  server: PortaServer;
  url: string;
  dir: string;
  logDir: string;
  close(): Promise<void>;
}

async function start(dir = join(work, `registry-${Math.random().toString(36).slice(2)}`), feedbackTtlMs?: number): Promise<Running> {
  const registry = await Registry.open(dir, { strategyFlushMs: 20 });
  const logDir = join(dir, "logs");
  const server = await createServer({
    source: registry,
    admin: { token: TOKEN, target: registry },
    strategies: { logDir, seed: 1234, ...(feedbackTtlMs === undefined ? {} : { feedbackTtlMs }) },
  });
  const url = await server.listen();
  return {
    registry,
    server,
    url,
    dir,
    logDir,
    close: async () => {
      await server.close();
      await registry.close();
    },
  };
}

async function admin(url: string, path: string, body: Buffer | object = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const bytes = Buffer.isBuffer(body);
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": bytes ? "application/gzip" : "application/json" },
    body: bytes ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const deploy = (url: string, version: string, query = "") => admin(url, `/v1/admin/deploy${query}`, packages.get(version)!);

async function strategyOf(url: string): Promise<StrategyView> {
  return ((await (await fetch(`${url}/v1/models/churn`)).json()) as { strategy: StrategyView }).strategy;
}

async function score(url: string, row: object, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/v1/models/churn/score`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ row }),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> & { version: string } };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("single: the plain transactional replace", () => {
  it("a plain deploy, and ?strategy=single, switch the live version; the strategy says single", async () => {
    const run = await start();
    try {
      expect((await deploy(run.url, "1.2.0")).json).toMatchObject({ ok: true, version: "1.2.0", switched: true });
      expect(await strategyOf(run.url)).toEqual({ kind: "single", live: "1.2.0" });
      const second = await deploy(run.url, "1.3.0", "?strategy=single");
      expect(second.json).toMatchObject({ ok: true, version: "1.3.0", previous: "1.2.0", switched: true });
      expect(second.json.strategy).toBeUndefined();
      expect(await strategyOf(run.url)).toEqual({ kind: "single", live: "1.3.0" });
      expect((await score(run.url, { x1: 1, x2: 2 })).json.version).toBe("1.3.0");
      expect(existsSync(join(run.dir, "models", "churn", "strategy.json"))).toBe(false);
    } finally {
      await run.close();
    }
  });

  it("a deploy's strategy options are checked: unknown, misplaced or out of range is a 400; a silent deploy of the live version or of a model with nothing live is refused", async () => {
    const run = await start();
    try {
      expect((await deploy(run.url, "1.3.0", "?strategy=silent")).json).toMatchObject({ code: "REGISTRY_NOTHING_LIVE", stage: "switch" });
      await deploy(run.url, "1.2.0");
      expect(await deploy(run.url, "1.3.0", "?strategy=canary&algorithm=ucb1")).toMatchObject({
        status: 400,
        json: { code: "STRATEGY_OPTION_INVALID", path: "/querystring/algorithm" },
      });
      expect(await deploy(run.url, "1.3.0", "?strategy=bandit&share=0.2")).toMatchObject({ status: 400, json: { code: "STRATEGY_OPTION_INVALID" } });
      expect(await deploy(run.url, "1.3.0", "?strategy=canary&shares=0.2")).toMatchObject({ status: 400, json: { code: "STRATEGY_OPTION_INVALID" } });
      expect(await deploy(run.url, "1.3.0", "?strategy=canary&share=2")).toMatchObject({ status: 400, json: { code: "REQUEST_INVALID" } });
      expect(await deploy(run.url, "1.3.0", "?strategy=blue-green")).toMatchObject({ status: 400, json: { code: "REQUEST_INVALID" } });
      expect(await deploy(run.url, "1.2.0", "?strategy=silent")).toMatchObject({ status: 422, json: { code: "REGISTRY_ALREADY_LIVE", stage: "switch" } });
      expect(await admin(run.url, "/v1/admin/models/churn/promote")).toMatchObject({ status: 409, json: { code: "REGISTRY_NO_STRATEGY" } });
      expect(await admin(run.url, "/v1/admin/models/nope/abort")).toMatchObject({ status: 404, json: { code: "REGISTRY_UNKNOWN_MODEL" } });
      expect(await strategyOf(run.url)).toEqual({ kind: "single", live: "1.2.0" });
    } finally {
      await run.close();
    }
  });
});

describe("silent: the shadow scores live traffic after each answer", () => {
  it("only the live answer is returned; both are compared and logged; shadow-report reads the log; promote makes the shadow live", async () => {
    const run = await start();
    try {
      await deploy(run.url, "1.2.0");
      // 1.4.0 answers as 1.2.0 does, but refuses x1 outside [-10, 10].
      const deployed = await deploy(run.url, "1.4.0", "?strategy=silent");
      expect(deployed.json).toMatchObject({
        ok: true,
        version: "1.4.0",
        switched: false,
        strategy: { kind: "silent", live: "1.2.0", shadow: "1.4.0", compared: 0 },
      });
      const rows = [...Array.from({ length: 16 }, (_, i) => ({ x1: i / 4 - 2, x2: 1 })), { x1: 50, x2: 0 }, { x1: -40, x2: 0 }];
      for (const row of rows) {
        const answer = await score(run.url, row);
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ version: "1.2.0", result: { probability_yes: expect.closeTo(churnProbability(row.x1, row.x2), 12) } });
        expect(answer.headers.get("x-porta-request-id")).toBeNull();
      }
      const batch = await postJson(`${run.url}/v1/models/churn/score`, {
        rows: [
          { x1: 0, x2: 0 },
          { x1: 20, x2: 0 },
        ],
      });
      expect(batch.json).toMatchObject({ version: "1.2.0", errors: [] });
      const view = await until(
        () => strategyOf(run.url),
        (s) => s.kind === "silent" && s.compared === 20,
      );
      expect(view).toEqual({ kind: "silent", live: "1.2.0", shadow: "1.4.0", compared: 20, agreement: 17 / 20 });

      await run.server.close(); // the sink is flushed at close
      const lines = readFileSync(shadowLogFile(run.logDir, "churn"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(19);
      expect(lines[16]).toMatchObject({
        model: "churn",
        rows: 1,
        live: { version: "1.2.0", results: [{ predicted_churn: "yes" }] },
        shadow: { version: "1.4.0", results: [null], errors: [{ row: 0, code: expect.stringMatching(/INVALID/) }] },
      });
      const report = shadowReport("churn", lines);
      expect(report).toMatchObject({
        versions: { live: ["1.2.0"], shadow: ["1.4.0"] },
        requests: 19,
        rows: 20,
        agreed: 17,
        agreement: 0.85,
        errors: { live: 0, shadow: 3, both: 0 },
      });
      expect(report.fields.find((f) => f.field === "probability_yes")).toMatchObject({ compared: 17, agreement: 1, difference: { max: 0, min: 0 } });
      expect(report.latencyMs.live.count).toBe(19);
    } finally {
      await run.close();
    }
  });

  it("promote: the shadow becomes live; abort: the live version stays and the shadow is dropped", async () => {
    const run = await start();
    try {
      await deploy(run.url, "1.2.0");
      await deploy(run.url, "1.3.0", "?strategy=silent");
      expect(await admin(run.url, "/v1/admin/models/churn/abort")).toMatchObject({
        status: 200,
        json: { ok: true, live: "1.2.0", strategy: { kind: "single" } },
      });
      await deploy(run.url, "1.3.0", "?strategy=silent");
      const promoted = await admin(run.url, "/v1/admin/models/churn/promote", {});
      expect(promoted).toMatchObject({
        status: 200,
        json: { ok: true, name: "churn", live: "1.3.0", previous: "1.2.0", strategy: { kind: "single", live: "1.3.0" } },
      });
      expect((await score(run.url, { x1: 0, x2: 0 })).json).toMatchObject({
        version: "1.3.0",
        result: { probability_yes: expect.closeTo(churnProbability(0, 0, 0.3), 12) },
      });
      expect(JSON.parse(readFileSync(join(run.dir, "models", "churn", "strategy.json"), "utf8"))).toMatchObject({ strategy: { kind: "single" } });
      const metrics = await (await fetch(`${run.url}/metrics`)).text();
      expect(metrics).toMatch(/porta_deploys_total\{kind="promote",outcome="ok",stage="strategy"\} 1/);
    } finally {
      await run.close();
    }
  });
});

describe("canary: a sticky share of traffic, promote, abort, automatic abort", () => {
  it("a request key (x-porta-key, else the key field) stays on one version; about `share` of the keys go to the canary; no key: at random", async () => {
    const run = await start();
    try {
      await deploy(run.url, "1.2.0");
      const deployed = await deploy(run.url, "1.3.0", "?strategy=canary&share=0.3&key=user");
      expect(deployed.json.strategy).toEqual({
        kind: "canary",
        live: "1.2.0",
        canary: "1.3.0",
        share: 0.3,
        requests: { live: 0, canary: 0 },
        errors: { live: 0, canary: 0 },
        p99Ms: { live: 0, canary: 0 },
      });
      const versionOf = async (key: string) => (await score(run.url, { x1: 1, x2: 1 }, { "x-porta-key": key })).json.version;
      const first = new Map<string, string>();
      for (let i = 0; i < 100; i++) first.set(`user-${i}`, await versionOf(`user-${i}`));
      for (let i = 0; i < 100; i++) expect(await versionOf(`user-${i}`)).toBe(first.get(`user-${i}`));
      const canaries = [...first.values()].filter((v) => v === "1.3.0").length;
      expect(canaries).toBeGreaterThan(15);
      expect(canaries).toBeLessThan(45);
      // The key field of the row, when there is no header: the same user, the same version.
      const byField = await score(run.url, { x1: 1, x2: 1, user: "user-7" });
      expect(byField.json.version).toBe(first.get("user-7"));
      const keyless = new Set<string>();
      for (let i = 0; i < 40; i++) keyless.add((await score(run.url, { x1: 1, x2: 1 })).json.version);
      expect([...keyless].sort()).toEqual(["1.2.0", "1.3.0"]);
      const view = (await strategyOf(run.url)) as Extract<StrategyView, { kind: "canary" }>;
      expect(view.requests.live + view.requests.canary).toBe(241);
      expect(view.errors).toEqual({ live: 0, canary: 0 });
      expect(view.p99Ms.live).toBeGreaterThan(0);
      expect(view.p99Ms.canary).toBeGreaterThan(0);
      const metrics = await (await fetch(`${run.url}/metrics`)).text();
      expect(metrics).toMatch(/porta_requests_total\{route="score",model="churn",version="1.3.0",status="200"\} \d+/);
    } finally {
      await run.close();
    }
  });

  it("a canary failing on some input is aborted on its own past its error-rate threshold: then every request goes to the live version", async () => {
    const run = await start();
    try {
      await deploy(run.url, "1.2.0");
      await deploy(run.url, "1.4.0", "?strategy=canary&share=0.5&minRequests=20&maxErrorRate=0.2&maxP99Ms=5000");
      const statuses = new Map<string, number[]>();
      let i = 0;
      for (; i < 400; i++) {
        const view = await strategyOf(run.url);
        if (view.kind === "canary" && view.abortedReason !== undefined) break;
        // x1 = 50 is an invalid value for 1.4.0 only: a 422 from the canary, a score from the live version.
        const answer = await score(run.url, { x1: i % 2 === 0 ? 50 : 0.5, x2: 0 }, { "x-porta-key": `user-${i}` });
        const version = answer.status === 200 ? answer.json.version : "1.4.0";
        statuses.set(version, [...(statuses.get(version) ?? []), answer.status]);
      }
      const view = (await strategyOf(run.url)) as Extract<StrategyView, { kind: "canary" }>;
      expect(view.abortedReason).toMatch(/^automatic: error rate 0\.\d+ > 0\.2 over 2\d requests$/);
      expect(view.requests.canary).toBeGreaterThanOrEqual(20);
      expect(view.errors.canary / view.requests.canary).toBeGreaterThan(0.2);
      expect(view.errors.live).toBe(0);
      expect(statuses.get("1.2.0")!.every((s) => s === 200)).toBe(true);
      expect(statuses.get("1.4.0")!.filter((s) => s === 422).length).toBe(view.errors.canary);
      for (let k = 0; k < 30; k++) {
        const answer = await score(run.url, { x1: 50, x2: 0 }, { "x-porta-key": `user-${k}` });
        expect(answer).toMatchObject({ status: 200, json: { version: "1.2.0" } });
      }
      expect(await admin(run.url, "/v1/admin/models/churn/promote")).toMatchObject({ status: 409, json: { code: "REGISTRY_CANARY_ABORTED" } });
      const record = JSON.parse(readFileSync(join(run.dir, "models", "churn", "strategy.json"), "utf8"));
      expect(record.strategy).toMatchObject({ kind: "canary", canary: "1.4.0", abortedReason: view.abortedReason });
    } finally {
      await run.close();
    }
  });

  it("promote makes the canary live; abort by hand keeps the live version with the reason on record", async () => {
    const run = await start();
    try {
      await deploy(run.url, "1.2.0");
      await deploy(run.url, "1.5.0", "?strategy=canary&share=0.5");
      expect(await admin(run.url, "/v1/admin/models/churn/promote", { version: "9.9.9" })).toMatchObject({
        status: 404,
        json: { code: "REGISTRY_UNKNOWN_VERSION" },
      });
      expect(await admin(run.url, "/v1/admin/models/churn/promote", { version: "1.5.0" })).toMatchObject({
        status: 200,
        json: { live: "1.5.0", previous: "1.2.0", strategy: { kind: "single", live: "1.5.0" } },
      });
      for (let k = 0; k < 10; k++) expect((await score(run.url, { x1: 0, x2: 0 }, { "x-porta-key": `u${k}` })).json.version).toBe("1.5.0");
      await deploy(run.url, "1.6.0", "?strategy=canary&share=1");
      expect((await score(run.url, { x1: 0, x2: 0 })).json.version).toBe("1.6.0");
      const aborted = await admin(run.url, "/v1/admin/models/churn/abort", { reason: "rollout paused" });
      expect(aborted).toMatchObject({ status: 200, json: { live: "1.5.0", strategy: { kind: "canary", canary: "1.6.0", abortedReason: "rollout paused" } } });
      expect((await score(run.url, { x1: 0, x2: 0 })).json.version).toBe("1.5.0");
      expect(await admin(run.url, "/v1/admin/models/churn/abort")).toMatchObject({ status: 409, json: { code: "REGISTRY_CANARY_ABORTED" } });
      // A plain deploy ends whatever ran.
      await deploy(run.url, "2.0.0");
      expect(await strategyOf(run.url)).toEqual({ kind: "single", live: "2.0.0" });
    } finally {
      await run.close();
    }
  });
});

describe("bandit: arms, rewards, persistence", () => {
  it("every answer carries a request id; rewards move traffic to the best arm; the arms' counts survive a reopen of the registry", async () => {
    let run = await start(undefined, 60_000);
    const dir = run.dir;
    try {
      await deploy(run.url, "1.2.0");
      const first = await deploy(run.url, "2.0.0", "?strategy=bandit");
      expect(first.json.strategy).toMatchObject({
        kind: "bandit",
        algorithm: "thompson",
        arms: [
          { version: "1.2.0", pulls: 0, rewards: 0 },
          { version: "2.0.0", pulls: 0, rewards: 0 },
        ],
      });
      const added = await deploy(run.url, "2.1.0", "?strategy=bandit");
      expect((added.json.strategy as { arms: { version: string }[] }).arms.map((a) => a.version)).toEqual(["1.2.0", "2.0.0", "2.1.0"]);
      expect((await deploy(run.url, "2.1.0", "?strategy=bandit")).json).toMatchObject({ ok: true, switched: false });

      // Simulated users: 2.1.0's answers are rewarded 90 % of the time, the others' 20 %.
      const users = seededRandom(99);
      const rewardOf: Record<string, number> = { "1.2.0": 0.2, "2.0.0": 0.2, "2.1.0": 0.9 };
      const ids: string[] = [];
      const served = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const answer = await score(run.url, { x1: 0, x2: 0 });
        const id = answer.headers.get("x-porta-request-id")!;
        expect(answer.json.requestId).toBe(id);
        ids.push(id);
        served.set(answer.json.version, (served.get(answer.json.version) ?? 0) + 1);
        const reward = users() < rewardOf[answer.json.version]! ? 1 : 0;
        const fed = await postJson(`${run.url}/v1/models/churn/feedback`, { requestId: id, reward });
        expect(fed).toMatchObject({ status: 200, json: { ok: true, model: "churn", version: answer.json.version, requestId: id, reward } });
      }
      const view = (await strategyOf(run.url)) as Extract<StrategyView, { kind: "bandit" }>;
      const best = view.arms.find((a) => a.version === "2.1.0")!;
      expect(best.pulls).toBe(served.get("2.1.0"));
      expect(best.pulls).toBeGreaterThan(200);
      expect(best.probability).toBeGreaterThan(0.9);
      expect(view.arms.reduce((s, a) => s + a.pulls, 0)).toBe(300);
      expect(view.arms.reduce((s, a) => s + a.probability, 0)).toBeCloseTo(1, 6);

      // Typed refusals: a second reward, an unknown id, a reward out of [0, 1], a model without a bandit.
      expect(await postJson(`${run.url}/v1/models/churn/feedback`, { requestId: ids[0], reward: 1 })).toMatchObject({
        status: 409,
        json: { code: "FEEDBACK_DUPLICATE", path: "/body/requestId" },
      });
      expect(await postJson(`${run.url}/v1/models/churn/feedback`, { requestId: "no-such-request", reward: 1 })).toMatchObject({
        status: 404,
        json: { code: "REQUEST_UNKNOWN" },
      });
      expect(await postJson(`${run.url}/v1/models/churn/feedback`, { requestId: ids[1], reward: 1.5 })).toMatchObject({
        status: 400,
        json: { code: "REQUEST_INVALID", path: "/body/reward" },
      });
      expect(await postJson(`${run.url}/v1/models/nope/feedback`, { requestId: ids[1], reward: 1 })).toMatchObject({
        status: 404,
        json: { code: "MODEL_NOT_FOUND" },
      });

      const before = view.arms.map(({ version, pulls, rewards }) => ({ version, pulls, rewards }));
      await run.close();
      const stored = JSON.parse(readFileSync(join(dir, "models", "churn", "strategy.json"), "utf8"));
      expect(stored.strategy).toMatchObject({ kind: "bandit", algorithm: "thompson", live: "1.2.0", arms: before });
      run = await start(dir);
      const reopened = (await strategyOf(run.url)) as Extract<StrategyView, { kind: "bandit" }>;
      expect(reopened.arms.map(({ version, pulls, rewards }) => ({ version, pulls, rewards }))).toEqual(before);
      // Request ids are not kept across a restart.
      expect(await postJson(`${run.url}/v1/models/churn/feedback`, { requestId: ids[299], reward: 1 })).toMatchObject({
        status: 404,
        json: { code: "REQUEST_UNKNOWN" },
      });
      // Promote with no version: the arm with the best mean reward.
      expect(await admin(run.url, "/v1/admin/models/churn/promote")).toMatchObject({ status: 200, json: { live: "2.1.0", previous: "1.2.0" } });
      expect((await score(run.url, { x1: 0, x2: 0 })).headers.get("x-porta-request-id")).toBeNull();
    } finally {
      await run.close();
    }
  });

  it("feedback after the window is REQUEST_EXPIRED; after the bandit ended, STRATEGY_CHANGED; UCB1's probability is its share of recent traffic", async () => {
    const run = await start(undefined, 150);
    try {
      await deploy(run.url, "1.2.0");
      await deploy(run.url, "2.0.0", "?strategy=bandit&algorithm=ucb1");
      const late = (await score(run.url, { x1: 0, x2: 0 })).json.requestId as string;
      await new Promise((r) => setTimeout(r, 200));
      expect(await postJson(`${run.url}/v1/models/churn/feedback`, { requestId: late, reward: 1 })).toMatchObject({
        status: 409,
        json: { code: "REQUEST_EXPIRED" },
      });
      for (let i = 0; i < 9; i++) await score(run.url, { x1: 0, x2: 0 });
      const view = (await strategyOf(run.url)) as Extract<StrategyView, { kind: "bandit" }>;
      expect(view.algorithm).toBe("ucb1");
      expect(view.arms.map((a) => a.pulls).reduce((s, n) => s + n)).toBe(10);
      expect(view.arms.map((a) => a.probability).reduce((s, n) => s + n)).toBeCloseTo(1, 10);
      const pending = (await score(run.url, { x1: 0, x2: 0 })).json.requestId as string;
      await admin(run.url, "/v1/admin/models/churn/abort");
      expect(await strategyOf(run.url)).toEqual({ kind: "single", live: "1.2.0" });
      expect(await postJson(`${run.url}/v1/models/churn/feedback`, { requestId: pending, reward: 1 })).toMatchObject({
        status: 409,
        json: { code: "STRATEGY_CHANGED" },
      });
    } finally {
      await run.close();
    }
  });
});
