import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Registry, type RegistryEvent } from "./index.ts";

const CHURN = join(import.meta.dirname, "..", "..", "..", "fixtures", "packages", "churn-pmml");
const temp = mkdtempSync(join(tmpdir(), "porta-strategy-state-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let copies = 0;
/** Churn at another version (the same model: it passes every gate). */
function churnAt(version: string): string {
  const dir = join(temp, `pkg-${copies++}`);
  cpSync(CHURN, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, "porta.json"), "utf8"));
  manifest.model.version = version;
  writeFileSync(join(dir, "porta.json"), JSON.stringify(manifest));
  return dir;
}

async function open(dir: string) {
  const events: RegistryEvent[] = [];
  const registry = await Registry.open(dir, { onEvent: (e) => events.push(e), strategyFlushMs: 10 });
  return { registry, events };
}

const ROW = { x1: 1, x2: 2 };
const strategyFile = (dir: string) => join(dir, "models", "churn", "strategy.json");
const readStrategy = (dir: string) => JSON.parse(readFileSync(strategyFile(dir), "utf8"));

describe("strategies in the registry: strategy.json beside state.json", () => {
  it("a canary deploy stores and loads the version beside the live one without switching; it is restored, counters included, at open", async () => {
    const dir = join(temp, `reg-${copies++}`);
    let { registry, events } = await open(dir);
    await registry.deploy(CHURN);
    const outcome = await registry.deploy(churnAt("1.3.0"), { strategy: { kind: "canary", share: 0.2, thresholds: { minRequests: 10 } } });
    expect(outcome).toMatchObject({
      ok: true,
      version: "1.3.0",
      switched: false,
      strategy: { kind: "canary", live: "1.2.0", canary: "1.3.0", share: 0.2, thresholds: { maxErrorRate: 0.05, minRequests: 10 } },
    });
    expect(events.at(-1)).toMatchObject({ kind: "deploy", ok: true, version: "1.3.0", switched: false, strategy: "canary" });
    expect(registry.live("churn")?.version).toBe("1.2.0");
    const active = registry.strategy("churn")!;
    expect(active.model("1.3.0")?.model.score(ROW)).toMatchObject({ predicted_churn: "yes" });
    expect(active.model("1.2.0")).toBe(registry.live("churn"));
    expect(active.model("9.9.9")).toBeUndefined();
    // Counters are the server's to update in place; touched() writes them within strategyFlushMs.
    if (active.record.kind !== "canary") throw new Error("not a canary");
    active.record.requests.canary = 7;
    active.touched();
    await new Promise((r) => setTimeout(r, 100));
    expect(readStrategy(dir).strategy.requests).toEqual({ live: 0, canary: 7 });
    active.record.requests.live = 3;
    active.touched();
    await registry.close(); // flushes at once
    expect(readStrategy(dir).strategy.requests).toEqual({ live: 3, canary: 7 });

    ({ registry, events } = await open(dir));
    const restored = registry.strategy("churn")!;
    expect(restored.record).toMatchObject({ kind: "canary", canary: "1.3.0", requests: { live: 3, canary: 7 } });
    expect(restored.model("1.3.0")?.model.score(ROW)).toMatchObject({ predicted_churn: "yes" });
    await registry.close();
  });

  it("a record naming another live version is stale (a crash after a switch); a damaged one is reported; a version that does not load aborts the canary", async () => {
    const dir = join(temp, `reg-${copies++}`);
    let { registry, events } = await open(dir);
    await registry.deploy(CHURN);
    await registry.deploy(churnAt("1.3.0"), { strategy: { kind: "canary" } });
    await registry.close();
    const record = readStrategy(dir);

    writeFileSync(strategyFile(dir), JSON.stringify({ ...record, strategy: { ...record.strategy, live: "1.1.0" } }));
    ({ registry, events } = await open(dir));
    expect(registry.strategy("churn")).toBeUndefined();
    expect(registry.live("churn")?.version).toBe("1.2.0");
    await registry.close();

    writeFileSync(strategyFile(dir), "{ not json");
    ({ registry, events } = await open(dir));
    expect(registry.strategy("churn")).toBeUndefined();
    expect(registry.live("churn")?.version).toBe("1.2.0");
    expect(events).toContainEqual(
      expect.objectContaining({ kind: "restore", ok: false, name: "churn", reason: expect.stringContaining("strategy.json is unreadable") }),
    );
    await registry.close();

    writeFileSync(strategyFile(dir), JSON.stringify(record));
    writeFileSync(join(dir, "models", "churn", "versions", "1.3.0", "package", "model.pmml"), "<PMML/>");
    ({ registry, events } = await open(dir));
    const active = registry.strategy("churn")!;
    expect(active.record).toMatchObject({ kind: "canary", abortedReason: expect.stringContaining("canary version 1.3.0 did not load at open") });
    expect(active.model("1.3.0")).toBeUndefined();
    expect(events).toContainEqual(expect.objectContaining({ kind: "restore", ok: false, version: "1.3.0" }));
    await registry.close();
  });

  it("bandit: each deploy adds an arm (counts kept), the algorithm may change; promote picks the best mean reward; a rollback ends the strategy", async () => {
    const dir = join(temp, `reg-${copies++}`);
    const { registry, events } = await open(dir);
    await registry.deploy(CHURN);
    await registry.deploy(churnAt("2.0.0"), { strategy: { kind: "bandit" } });
    const active = registry.strategy("churn")!;
    if (active.record.kind !== "bandit") throw new Error("not a bandit");
    expect(active.record.algorithm).toBe("thompson");
    active.record.arms[0]!.pulls = 10;
    active.record.arms[0]!.rewards = 2;
    active.record.arms[1]!.pulls = 10;
    active.record.arms[1]!.rewards = 6;
    const generation = active.generation;
    await registry.deploy(churnAt("2.1.0"), { strategy: { kind: "bandit", algorithm: "ucb1" } });
    expect(registry.strategy("churn")).toBe(active);
    expect(active.generation).toBeGreaterThan(generation);
    expect(active.record).toMatchObject({
      algorithm: "ucb1",
      arms: [
        { version: "1.2.0", pulls: 10, rewards: 2 },
        { version: "2.0.0", pulls: 10, rewards: 6 },
        { version: "2.1.0", pulls: 0, rewards: 0 },
      ],
    });
    expect(readStrategy(dir).strategy.arms).toHaveLength(3);
    // The same arm again changes nothing: the freshly loaded copy is not kept.
    expect(await registry.deploy(churnAt("2.1.0"), { strategy: { kind: "bandit" } })).toMatchObject({ ok: true, switched: false });
    expect(await registry.promote("churn", "7.0.0")).toMatchObject({ ok: false, code: "REGISTRY_UNKNOWN_VERSION" });
    expect(await registry.promote("churn")).toEqual({ ok: true, name: "churn", live: "2.0.0", previous: "1.2.0" });
    expect(registry.live("churn")?.version).toBe("2.0.0");
    expect(registry.strategy("churn")).toBeUndefined();
    expect(readStrategy(dir).strategy).toEqual({ kind: "single" });
    expect(registry.info("churn")?.history.at(-1)).toMatchObject({ version: "2.0.0", action: "deploy", previous: "1.2.0" });
    expect(events.at(-1)).toMatchObject({ kind: "promote", ok: true, version: "2.0.0", previous: "1.2.0" });

    await registry.deploy(churnAt("2.2.0"), { strategy: { kind: "silent" } });
    expect(registry.strategy("churn")?.record).toMatchObject({ kind: "silent", live: "2.0.0", shadow: "2.2.0" });
    await registry.rollback("churn");
    expect(registry.live("churn")?.version).toBe("1.2.0");
    expect(registry.strategy("churn")).toBeUndefined();
    expect(await registry.abort("churn")).toMatchObject({ ok: false, code: "REGISTRY_NO_STRATEGY" });
    expect(events.at(-1)).toMatchObject({ kind: "abort", ok: false, code: "REGISTRY_NO_STRATEGY" });
    await registry.close();
  });

  it("ActiveStrategy.abort (the server's automatic abort) keeps the canary on record; it is a no-op once another strategy replaced it", async () => {
    const dir = join(temp, `reg-${copies++}`);
    const { registry, events } = await open(dir);
    await registry.deploy(CHURN);
    await registry.deploy(churnAt("1.3.0"), { strategy: { kind: "canary" } });
    const first = registry.strategy("churn")!;
    await registry.deploy(churnAt("1.4.0"), { strategy: { kind: "canary" } });
    expect(await first.abort("too slow")).toMatchObject({ ok: false, code: "REGISTRY_STRATEGY_CHANGED" });
    const second = registry.strategy("churn")!;
    expect(await second.abort("error rate 0.5 > 0.05 over 100 requests")).toMatchObject({ ok: true, live: "1.2.0" });
    expect(second.record).toMatchObject({ kind: "canary", canary: "1.4.0", abortedReason: "error rate 0.5 > 0.05 over 100 requests" });
    expect(second.model("1.4.0")).toBeUndefined();
    expect(readStrategy(dir).strategy).toMatchObject({ abortedReason: "error rate 0.5 > 0.05 over 100 requests", abortedAt: expect.any(String) });
    expect(events.at(-1)).toMatchObject({ kind: "abort", ok: true, name: "churn", version: "1.2.0" });
    await registry.close();
  });
});
