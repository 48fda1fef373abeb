import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { isValidRegistryName, Registry, type RegistryEvent } from "./index.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "fixtures", "packages");
const CHURN = join(FIXTURES, "churn-pmml");
const PFA = join(FIXTURES, "logistic-pfa");
const temp = mkdtempSync(join(tmpdir(), "porta-registry-test-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let copies = 0;
/** A copy of a fixture package with porta.json edited, and any other file edited by `files`. */
function packageWith(
  fixture: string,
  // biome-ignore lint/suspicious/noExplicitAny: the tests edit porta.json as untyped JSON, invalid shapes included
  edit: (manifest: Record<string, any>) => void = () => {},
  files: (dir: string) => void = () => {},
): string {
  const dir = join(temp, `pkg-${copies++}`);
  cpSync(fixture, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, "porta.json"), "utf8"));
  edit(manifest);
  writeFileSync(join(dir, "porta.json"), JSON.stringify(manifest));
  files(dir);
  return dir;
}

/** Churn at another model version (the same model, so it passes every gate). */
const churnAt = (version: string) =>
  packageWith(CHURN, (m) => {
    m.model.version = version;
  });

/** A registry in a new folder, recording its events. */
async function openRegistry(dir = join(temp, `reg-${copies++}`)) {
  const events: RegistryEvent[] = [];
  const registry = await Registry.open(dir, { onEvent: (e) => events.push(e) });
  return { registry, events, dir };
}

const ROW = { x1: 1, x2: 2 };
const SCORED = { predicted_churn: "yes", probability_yes: 0.574442516811659 };

describe("deploy: validate → load → end-to-end → confidence → store → switch", () => {
  it("the churn package deploys, serves, and is stored under models/NAME/versions/VERSION with state.json", async () => {
    const { registry, events, dir } = await openRegistry();
    const outcome = await registry.deploy(CHURN);
    expect(outcome).toMatchObject({ ok: true, name: "churn", version: "1.2.0", switched: true, report: { ok: true } });
    expect(outcome.ok && outcome.previous).toBe(undefined);
    const live = registry.live("churn")!;
    expect(live).toMatchObject({ name: "churn", version: "1.2.0", manifest: { name: "churn" } });
    expect(live.model.score(ROW)).toMatchObject(SCORED);
    expect(registry.names()).toEqual(["churn"]);
    expect(registry.info("churn")).toMatchObject({
      live: "1.2.0",
      versions: [{ version: "1.2.0", live: true, verification: { endToEnd: { rows: 6, passed: 6 }, confidence: { metric: "accuracy", value: 0.75 } } }],
      history: [{ version: "1.2.0", action: "deploy" }],
    });
    expect(readdirSync(join(dir, "models", "churn", "versions", "1.2.0")).sort()).toEqual(["package", "version.json"]);
    expect(JSON.parse(readFileSync(join(dir, "models", "churn", "state.json"), "utf8"))).toMatchObject({ live: "1.2.0" });
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ kind: "deploy", ok: true, name: "churn", version: "1.2.0" })]);
    await registry.close();
  });

  it("one wrong end-to-end row refuses 1.3.0 at end-to-end: nothing stored, 1.2.0 stays live and scores", async () => {
    const { registry, events, dir } = await openRegistry();
    await registry.deploy(CHURN);
    const before = registry.live("churn");
    const wrong = packageWith(
      CHURN,
      (m) => {
        m.model.version = "1.3.0";
      },
      (d) => {
        const file = join(d, "assets", "end-to-end.ndjson");
        writeFileSync(file, readFileSync(file, "utf8").replace('"predicted_churn": "no"', '"predicted_churn": "yes"'));
      },
    );
    const outcome = await registry.deploy(wrong);
    expect(outcome).toMatchObject({ ok: false, stage: "end-to-end", code: "REGISTRY_END_TO_END_FAILED", name: "churn", version: "1.3.0" });
    expect(!outcome.ok && outcome.reason).toContain("row 3: predicted_churn is no, expected yes");
    expect(!outcome.ok && outcome.report?.endToEnd?.failures).toHaveLength(1);
    expect(registry.live("churn")).toBe(before);
    expect(registry.live("churn")!.model.score(ROW)).toMatchObject(SCORED);
    expect(existsSync(join(dir, "models", "churn", "versions", "1.3.0"))).toBe(false);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
    expect(events.at(-1)).toMatchObject({ kind: "deploy", ok: false, stage: "end-to-end", name: "churn", version: "1.3.0" });
    await registry.close();
  });

  it("a switch that cannot write state.json is refused at switch: the version is kept, the live one keeps serving", async () => {
    const { registry, dir } = await openRegistry();
    await registry.deploy(CHURN);
    const stateFile = join(dir, "models", "churn", "state.json");
    rmSync(stateFile);
    mkdirSync(stateFile); // renaming a file over a folder fails, whoever runs the test (root included)
    const outcome = await registry.deploy(churnAt("1.3.0"));
    expect(outcome).toMatchObject({ ok: false, stage: "switch", code: expect.stringMatching(/^REGISTRY_IO_/), version: "1.3.0" });
    expect(registry.live("churn")?.version).toBe("1.2.0");
    expect(registry.live("churn")?.model.score(ROW)).toMatchObject(SCORED);
    expect(registry.info("churn")?.versions.map((v) => [v.version, v.live])).toEqual([
      ["1.2.0", true],
      ["1.3.0", false],
    ]);
    expect(readdirSync(join(dir, "models", "churn")).sort()).toEqual(["state.json", "versions"]);
    await registry.close();
  });

  it("a package whose declared versions are out of sync is refused at validate, naming both versions", async () => {
    const { registry } = await openRegistry();
    const outcome = await registry.deploy(
      packageWith(CHURN, (m) => {
        m.model.builtWith.trainingData = "2026.10.0";
      }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      stage: "validate",
      code: "PACKAGE_VERSIONS_DISAGREE",
      problems: [{ path: "/model/builtWith/trainingData", value: { declared: "2026.10.0", actual: "2026.11.0" } }],
    });
    expect(registry.names()).toEqual([]);
    await registry.close();
  });

  it("a confidence metric outside its range is refused at confidence", async () => {
    const { registry } = await openRegistry();
    const outcome = await registry.deploy(
      packageWith(CHURN, (m) => {
        m.assets.confidence.range = { min: 0.9 };
      }),
    );
    expect(outcome).toMatchObject({ ok: false, stage: "confidence", code: "REGISTRY_CONFIDENCE_FAILED", report: { confidence: { value: 0.75, ok: false } } });
    expect(registry.live("churn")).toBeUndefined();
    await registry.close();
  });

  it("a model that does not load is refused at load; a missing source at receive", async () => {
    const { registry } = await openRegistry();
    const broken = packageWith(CHURN, undefined, (d) => writeFileSync(join(d, "model.pmml"), "<PMML><oops"));
    expect(await registry.deploy(broken)).toMatchObject({ ok: false, stage: "load", name: "churn" });
    expect(await registry.deploy(join(temp, "no-such-package"))).toMatchObject({ ok: false, stage: "receive", code: "PACKAGE_NOT_FOUND" });
    await registry.close();
  });

  it("the PFA package deploys, from a .tgz path and from .tgz bytes (an upload)", async () => {
    const { registry } = await openRegistry();
    const file = join(temp, "logistic.tgz");
    await tar.c({ gzip: true, file, cwd: PFA }, ["."]);
    const fromPath = await registry.deploy(file);
    // The logistic engine is a recognised model call, lowered into the IR and scored by compile-js.
    expect(fromPath).toMatchObject({ ok: true, report: { backend: "js" } });
    const live = registry.live(fromPath.ok ? fromPath.name : "")!;
    expect(live.model.backend).toBe("js");
    const fromBytes = await registry.deploy(new Uint8Array(readFileSync(file)));
    expect(fromBytes).toMatchObject({ ok: true, switched: false });
    expect(await registry.deploy(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, stage: "receive", code: "PACKAGE_ARCHIVE" });
    await registry.close();
  });
});

describe("versions are immutable", () => {
  it("the same version with identical content just switches to it; with other content it is refused at store", async () => {
    const { registry } = await openRegistry();
    await registry.deploy(CHURN);
    await registry.deploy(churnAt("1.3.0"));
    const again = await registry.deploy(CHURN);
    expect(again).toMatchObject({ ok: true, version: "1.2.0", previous: "1.3.0", switched: true });
    const changed = packageWith(CHURN, (m) => {
      m.description = "another text, another package";
    });
    expect(await registry.deploy(changed)).toMatchObject({ ok: false, stage: "store", code: "REGISTRY_VERSION_CONFLICT", version: "1.2.0" });
    expect(registry.live("churn")?.version).toBe("1.2.0");
    await registry.close();
  });
});

describe("rollback", () => {
  it("goes back through the versions that were live, or to a named one; onChange sees each switch", async () => {
    const { registry } = await openRegistry();
    const changes: unknown[] = [];
    registry.onChange((c) => changes.push(c));
    for (const v of ["1.0.0", "1.1.0", "1.2.0"]) expect((await registry.deploy(churnAt(v))).ok).toBe(true);
    expect(await registry.rollback("churn")).toEqual({ ok: true, name: "churn", version: "1.1.0", previous: "1.2.0" });
    expect(await registry.rollback("churn")).toEqual({ ok: true, name: "churn", version: "1.0.0", previous: "1.1.0" });
    expect(await registry.rollback("churn")).toMatchObject({ ok: false, code: "REGISTRY_NO_EARLIER_VERSION" });
    expect(await registry.rollback("churn", "1.2.0")).toEqual({ ok: true, name: "churn", version: "1.2.0", previous: "1.0.0" });
    expect(registry.live("churn")?.model.score(ROW)).toMatchObject(SCORED);
    expect(await registry.rollback("churn", "9.9.9")).toMatchObject({ ok: false, code: "REGISTRY_UNKNOWN_VERSION" });
    expect(await registry.rollback("churn", "1.2.0")).toMatchObject({ ok: false, code: "REGISTRY_ALREADY_LIVE" });
    expect(await registry.rollback("nobody")).toMatchObject({ ok: false, code: "REGISTRY_UNKNOWN_MODEL" });
    expect(changes).toEqual([
      { name: "churn", version: "1.0.0" },
      { name: "churn", version: "1.1.0", previous: "1.0.0" },
      { name: "churn", version: "1.2.0", previous: "1.1.0" },
      { name: "churn", version: "1.1.0", previous: "1.2.0" },
      { name: "churn", version: "1.0.0", previous: "1.1.0" },
      { name: "churn", version: "1.2.0", previous: "1.0.0" },
    ]);
    expect(registry.info("churn")?.history.map((h) => `${h.action} ${h.version}`)).toEqual([
      "deploy 1.0.0",
      "deploy 1.1.0",
      "deploy 1.2.0",
      "rollback 1.1.0",
      "rollback 1.0.0",
      "rollback 1.2.0",
    ]);
    await registry.close();
  });
});

describe("retiring a replaced model", () => {
  it("is disposed after its grace period, unless held: a held model waits for its last release", async () => {
    const registry = await Registry.open(join(temp, `reg-${copies++}`), { retireAfterMs: 10 });
    const disposedOf = async (version: string) => {
      await registry.deploy(churnAt(version));
      const model = registry.live("churn")!.model;
      const disposed = { count: 0 };
      const dispose = model.dispose.bind(model);
      model.dispose = () => {
        disposed.count++;
        return dispose();
      };
      return { model, disposed };
    };
    const plain = await disposedOf("1.0.0");
    const held = await disposedOf("1.1.0");
    expect(plain.disposed.count).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(plain.disposed.count).toBe(1);
    const release = registry.hold(held.model);
    const again = registry.hold(held.model);
    await registry.deploy(churnAt("1.2.0"));
    await new Promise((r) => setTimeout(r, 60));
    expect(held.disposed.count).toBe(0);
    expect(held.model.score(ROW)).toMatchObject(SCORED);
    release();
    release();
    expect(held.disposed.count).toBe(0);
    again();
    expect(held.disposed.count).toBe(1);
    await registry.close();
  });
});

describe("restart", () => {
  it("a new registry on the same folder restores exactly the live versions, scoring", async () => {
    const first = await openRegistry();
    await first.registry.deploy(churnAt("1.0.0"));
    await first.registry.deploy(churnAt("1.1.0"));
    await first.registry.rollback("churn");
    await first.registry.deploy(PFA);
    await first.registry.close();
    const { registry, events } = await openRegistry(first.dir);
    expect(registry.names()).toEqual(["churn", "upsell-logistic"]);
    expect(registry.live("churn")?.version).toBe("1.0.0");
    expect(registry.live("churn")?.model.score(ROW)).toMatchObject(SCORED);
    expect(registry.live("upsell-logistic")?.model.backend).toBe("js");
    expect(events).toEqual([
      { kind: "restore", ok: true, name: "churn", version: "1.0.0" },
      { kind: "restore", ok: true, name: "upsell-logistic", version: expect.any(String) },
    ]);
    expect(registry.info("churn")?.versions.map((v) => v.version)).toEqual(["1.0.0", "1.1.0"]);
    await registry.close();
  });

  it("leftovers of an interrupted deploy (a staging folder, a half-written state file) are removed and ignored", async () => {
    const first = await openRegistry();
    await first.registry.deploy(CHURN);
    await first.registry.close();
    const staging = join(first.dir, "tmp", "deploy-crashed", "package");
    cpSync(churnAt("2.0.0"), staging, { recursive: true });
    writeFileSync(join(first.dir, "models", "churn", "state.json.tmp-1-abcd"), '{"schemaVersion": 1, "live": "2.0');
    const { registry } = await openRegistry(first.dir);
    expect(readdirSync(join(first.dir, "tmp"))).toEqual([]);
    expect(readdirSync(join(first.dir, "models", "churn")).sort()).toEqual(["state.json", "versions"]);
    expect(registry.live("churn")?.version).toBe("1.2.0");
    expect(registry.info("churn")?.versions.map((v) => v.version)).toEqual(["1.2.0"]);
    await registry.close();
  });

  it("a crash after a version was stored but before state.json switched: the old version stays live, the new one is kept, and a redeploy switches", async () => {
    const first = await openRegistry();
    await first.registry.deploy(CHURN);
    const stateFile = join(first.dir, "models", "churn", "state.json");
    const before = readFileSync(stateFile, "utf8");
    const next = churnAt("1.3.0");
    await first.registry.deploy(next);
    await first.registry.close();
    writeFileSync(stateFile, before); // state.json as it was when the process died
    const { registry } = await openRegistry(first.dir);
    expect(registry.live("churn")?.version).toBe("1.2.0");
    expect(registry.info("churn")?.versions.map((v) => [v.version, v.live])).toEqual([
      ["1.2.0", true],
      ["1.3.0", false],
    ]);
    expect(await registry.deploy(next)).toMatchObject({ ok: true, version: "1.3.0", previous: "1.2.0", switched: true });
    await registry.close();
  });

  it("a live version whose stored files changed on disk is reported and not served; a rollback brings the model back", async () => {
    const first = await openRegistry();
    await first.registry.deploy(churnAt("1.0.0"));
    await first.registry.deploy(churnAt("1.1.0"));
    await first.registry.close();
    writeFileSync(join(first.dir, "models", "churn", "versions", "1.1.0", "package", "model.pmml"), "<PMML>");
    const { registry, events } = await openRegistry(first.dir);
    expect(events).toEqual([expect.objectContaining({ kind: "restore", ok: false, name: "churn", version: "1.1.0" })]);
    expect(registry.live("churn")).toBeUndefined();
    expect(registry.info("churn")?.problem).toMatch(/live version 1\.1\.0 cannot be served: the stored files of churn 1\.1\.0 changed/);
    expect(await registry.rollback("churn")).toEqual({ ok: true, name: "churn", version: "1.0.0", previous: "1.1.0" });
    expect(registry.live("churn")?.model.score(ROW)).toMatchObject(SCORED);
    expect(registry.info("churn")?.problem).toBeUndefined();
    expect(await registry.rollback("churn", "1.1.0")).toMatchObject({ ok: false, code: "REGISTRY_VERSION_CHANGED" });
    expect(registry.live("churn")?.version).toBe("1.0.0");
    await registry.close();
  });

  it("a damaged state.json: that model is reported and not served, others are; deploys to it are refused", async () => {
    const first = await openRegistry();
    await first.registry.deploy(CHURN);
    await first.registry.deploy(PFA);
    await first.registry.close();
    writeFileSync(join(first.dir, "models", "churn", "state.json"), '{"schemaVersion": 1, "name": "churn", "live": "../../etc"');
    const { registry, events } = await openRegistry(first.dir);
    expect(events).toContainEqual(expect.objectContaining({ kind: "restore", ok: false, name: "churn", version: "" }));
    expect(registry.live("churn")).toBeUndefined();
    expect(registry.live("upsell-logistic")).toBeDefined();
    expect(registry.info("churn")?.problem).toMatch(/state\.json is unreadable/);
    expect(await registry.deploy(churnAt("1.3.0"))).toMatchObject({ ok: false, stage: "store", code: "REGISTRY_STATE_UNREADABLE" });
    expect(await registry.rollback("churn", "1.2.0")).toMatchObject({ ok: false, code: "REGISTRY_STATE_UNREADABLE" });
    await registry.close();
  });
});

describe("names", () => {
  it("a registry name is one path segment of letters, digits, '.', '_', '-'", () => {
    for (const ok of ["churn", "Churn-2", "a", "1.2.0", "v1_rc.1", "x".repeat(128)]) expect(isValidRegistryName(ok), ok).toBe(true);
    for (const bad of ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "-flag", "x".repeat(129), "a b", "é", "a\0b"]) {
      expect(isValidRegistryName(bad), bad).toBe(false);
    }
  });

  it("a version that would leave the registry folder is refused at validate, also inside an uploaded archive", async () => {
    const { registry, dir } = await openRegistry();
    const evil = packageWith(CHURN, (m) => {
      m.model.version = "../../../escaped";
    });
    expect(await registry.deploy(evil)).toMatchObject({
      ok: false,
      stage: "validate",
      code: "REGISTRY_VERSION_INVALID",
      problems: [{ path: "/model/version", value: "../../../escaped" }],
    });
    const file = join(temp, "evil.tgz");
    await tar.c({ gzip: true, file, cwd: evil }, ["."]);
    expect(await registry.deploy(new Uint8Array(readFileSync(file)))).toMatchObject({ ok: false, stage: "validate", code: "REGISTRY_VERSION_INVALID" });
    expect(await registry.rollback("../churn")).toMatchObject({ ok: false, code: "REGISTRY_NAME_INVALID" });
    expect(await registry.rollback("churn", "../1.2.0")).toMatchObject({ ok: false, code: "REGISTRY_VERSION_INVALID" });
    expect(readdirSync(join(dir, "models"))).toEqual([]);
    expect(existsSync(join(dir, "..", "escaped"))).toBe(false);
    await registry.close();
  });

  it("a package folder holding a link is refused at receive (a stored version holds plain files only)", async () => {
    const { registry } = await openRegistry();
    const linked = packageWith(CHURN, undefined, (d) => symlinkSync("/etc/hostname", join(d, "assets", "extra")));
    expect(await registry.deploy(linked)).toMatchObject({ ok: false, stage: "receive", code: "REGISTRY_NOT_PLAIN_FILE" });
    await registry.close();
  });
});

describe("concurrency", () => {
  it("deploys of one name run one after the other; another name deploys alongside", async () => {
    const { registry } = await openRegistry();
    const [a, b, c] = await Promise.all([registry.deploy(churnAt("1.0.0")), registry.deploy(churnAt("1.1.0")), registry.deploy(PFA)]);
    expect(a).toMatchObject({ ok: true, version: "1.0.0" });
    expect(b).toMatchObject({ ok: true, version: "1.1.0" });
    // Serialised (in the order they reach the queue, after receive and validate): the later saw
    // the earlier live; run together, both would have seen none.
    const previous = [a, b].map((o) => (o.ok ? o.previous : "refused")).sort();
    expect(previous).toEqual(previous[0] === "1.0.0" ? ["1.0.0", undefined] : ["1.1.0", undefined]);
    const history = registry.info("churn")!.history;
    expect(history).toHaveLength(2);
    expect(history[1]!.previous).toBe(history[0]!.version);
    expect(c).toMatchObject({ ok: true, name: "upsell-logistic" });
    await registry.close();
  });

  it("one Registry owns a folder: a second open is refused until the first closes", async () => {
    const { registry, dir } = await openRegistry();
    await expect(Registry.open(dir)).rejects.toMatchObject({ code: "REGISTRY_LOCKED", path: join(dir, "registry.lock") });
    await registry.close();
    const again = await Registry.open(dir);
    await again.close();
  });

  it("a folder that cannot be a registry (a file is there) is a typed error naming it", async () => {
    const file = join(temp, "not-a-folder");
    writeFileSync(file, "");
    await expect(Registry.open(file)).rejects.toMatchObject({ kind: "deploy", code: expect.stringMatching(/^REGISTRY_IO_/), path: file });
  });

  it("close waits for a deploy still receiving its package; it is then refused, leaving nothing in tmp", async () => {
    const { registry, dir } = await openRegistry();
    const deploying = registry.deploy(CHURN);
    await registry.close();
    expect(await deploying).toMatchObject({ ok: false, code: "REGISTRY_CLOSED" });
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  it("after close, deploys are refused and live models are gone", async () => {
    const { registry } = await openRegistry();
    await registry.deploy(CHURN);
    await registry.close();
    expect(registry.live("churn")).toBeUndefined();
    expect(await registry.deploy(CHURN)).toMatchObject({ ok: false, code: "REGISTRY_CLOSED" });
  });
});
