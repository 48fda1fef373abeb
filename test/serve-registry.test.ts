/**
 * `porta serve --registry` with `porta deploy` and `porta rollback`, all as real processes on
 * loopback: a deploy, a failed deploy (one wrong end-to-end row: refused, the live version
 * unchanged and still answering), a package with out-of-sync declared versions refused, deploys under load (every answer a 200), rollbacks, the admin
 * token, and restart recovery.
 * Budget: 150 s on 2 shared cores (every `porta` run starts a process that compiles the sources).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as tar from "tar";
import { postJson } from "../packages/serve/src/serve.test-helper.ts";
import { ROOT } from "./porta-cli.ts";
import { serve, type Served } from "./serve-process.ts";

const TOKEN = "test-admin-token";
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");
const CHURN = join(ROOT, "fixtures", "packages", "churn-pmml");
const ROW = { x1: 1, x2: 2 };

/**
 * `porta ARGS…` with PORTA_ADMIN_TOKEN = token (unset when undefined). A run past 60 s is killed
 * and answers code "timed out" with what it printed, so a hung client names itself in the failure.
 */
async function portaWith(token: string | undefined, ...args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const env = { ...process.env };
  if (token === undefined) delete env.PORTA_ADMIN_TOKEN;
  else env.PORTA_ADMIN_TOKEN = token;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [PORTA, ...args], { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number | null; killed?: boolean; stdout: string; stderr: string };
    const code = err.killed ? `timed out: porta ${args.join(" ")}` : (err.code ?? "no exit code");
    return { code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The churn package at another version; `breakRow` makes one end-to-end expectation wrong. */
function churnVersion(dir: string, version: string, breakRow = false): string {
  const root = join(dir, `churn-${version}`);
  cpSync(CHURN, root, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, "porta.json"), "utf8"));
  manifest.model.version = version;
  writeFileSync(join(root, "porta.json"), JSON.stringify(manifest, null, 2));
  if (breakRow) {
    const file = join(root, "assets", "end-to-end.ndjson");
    const lines = readFileSync(file, "utf8").trim().split("\n");
    const first = JSON.parse(lines[0]!);
    first.expected.probability_yes = 0.25;
    lines[0] = JSON.stringify(first);
    writeFileSync(file, `${lines.join("\n")}\n`);
  }
  return root;
}

let work: string;
let registry: string;
let served: Served;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "porta-serve-registry-"));
  registry = join(work, "registry");
  served = await serve(["--registry", registry], { PORTA_ADMIN_TOKEN: TOKEN });
});

afterAll(async () => {
  if (served?.child.exitCode === null) await served.stop();
  rmSync(work, { recursive: true, force: true });
});

const liveVersion = async (url: string) => ((await postJson(`${url}/v1/models/churn/score`, { row: ROW })).json as { version?: string }).version;

describe("porta serve --registry, porta deploy, porta rollback", { timeout: 150_000 }, () => {
  it("deploys a package folder: verified, stored, live, scoring", async () => {
    expect(served.stderr()).toContain("admin API on");
    const deployed = await portaWith(TOKEN, "deploy", CHURN, "--server", served.url);
    expect(deployed.stderr).toBe("");
    expect(deployed.stdout).toContain("deployed churn 1.2.0");
    expect(deployed.code).toBe(0);
    const { status, json } = await postJson(`${served.url}/v1/models/churn/score`, { row: ROW });
    expect(status).toBe(200);
    expect(json).toMatchObject({ model: "churn", version: "1.2.0", result: { predicted_churn: "yes" } });
  });

  it("a failed deploy (one wrong end-to-end row) is refused with the reason, exit 69; the live version is unchanged and answering", async () => {
    const bad = churnVersion(work, "1.4.0", true);
    const refused = await portaWith(TOKEN, "deploy", bad, "--server", served.url);
    expect(refused.code).toBe(69);
    expect(refused.stderr).toMatch(/deploy refused at end-to-end: REGISTRY_END_TO_END_FAILED/);
    expect(refused.stderr).toMatch(/end-to-end row 0 probability_yes/);
    expect(refused.stderr).toContain("live version of churn is unchanged");
    expect(await liveVersion(served.url)).toBe("1.2.0");
    const info = (await (await fetch(`${served.url}/v1/models/churn`)).json()) as { versions: { version: string }[] };
    expect(info.versions.map((v) => v.version)).toEqual(["1.2.0"]);
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/porta_deploys_total\{kind="deploy",outcome="failed",stage="end-to-end"\} 1/);
    expect(metrics).toMatch(/porta_deploys_total\{kind="deploy",outcome="ok",stage="switch"\} 1/);
  });

  it("a package whose declared versions disagree (training data built with another feature extractor) is refused at validate; live unchanged", async () => {
    const bad = churnVersion(work, "1.5.0");
    const manifest = JSON.parse(readFileSync(join(bad, "porta.json"), "utf8"));
    manifest.trainingData.builtWith.featureExtractor = "2.9.0";
    writeFileSync(join(bad, "porta.json"), JSON.stringify(manifest, null, 2));
    const refused = await portaWith(TOKEN, "deploy", bad, "--server", served.url);
    expect(refused.code).toBe(69);
    expect(refused.stderr).toMatch(/deploy refused at validate: PACKAGE_VERSIONS_DISAGREE/);
    expect(refused.stderr).toContain("/trainingData/builtWith/featureExtractor");
    expect(refused.stderr).toMatch(/live version of .* is unchanged/);
    expect(await liveVersion(served.url)).toBe("1.2.0");
  });

  it("deploys a .tgz; rolls back to the previous version and forward to a named one", async () => {
    const good = churnVersion(work, "1.3.0");
    const tgz = join(work, "churn-1.3.0.tgz");
    await tar.c({ gzip: true, file: tgz, cwd: good }, ["porta.json", "model.pmml", "assets"]);
    const deployed = await portaWith(TOKEN, "deploy", tgz, "--server", served.url);
    expect(deployed.stdout).toContain("deployed churn 1.3.0 (was 1.2.0)");
    expect(await liveVersion(served.url)).toBe("1.3.0");
    const back = await portaWith(TOKEN, "rollback", "churn", "--server", served.url);
    expect(back.stdout).toContain("churn 1.2.0 is live (was 1.3.0)");
    expect(back.code).toBe(0);
    expect(await liveVersion(served.url)).toBe("1.2.0");
    const forward = await fetch(`${served.url}/v1/admin/models/churn/rollback`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ version: "1.3.0" }),
    });
    expect(await forward.json()).toEqual({ ok: true, name: "churn", version: "1.3.0", previous: "1.2.0" });
    expect(await liveVersion(served.url)).toBe("1.3.0");
    const unknown = await portaWith(TOKEN, "rollback", "churn", "--version", "9.9.9", "--server", served.url);
    expect(unknown.code).toBe(69);
    expect(unknown.stderr).toMatch(/HTTP 404\): REGISTRY_UNKNOWN_VERSION/);
  });

  it("deploys under load: every scoring request during three deploys is a 200, and versions only move forward", async () => {
    const packages = await Promise.all(
      ["2.0.0", "2.1.0", "2.2.0"].map(async (v) => {
        const root = churnVersion(work, v);
        const file = join(work, `churn-${v}.tgz`);
        await tar.c({ gzip: true, file, cwd: root }, ["porta.json", "model.pmml", "assets"]);
        return readFileSync(file);
      }),
    );
    let deploying = true;
    const seen: string[][] = [];
    const statuses = new Map<number, number>();
    const client = async (k: number) => {
      seen[k] = [];
      while (deploying) {
        const response = await fetch(`${served.url}/v1/models/churn/score`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ row: ROW }),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        seen[k]!.push(((await response.json()) as { version: string }).version);
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    for (const bytes of packages) {
      const response = await fetch(`${served.url}/v1/admin/deploy`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/gzip" },
        body: bytes,
      });
      expect(response.status).toBe(200);
    }
    deploying = false;
    await Promise.all(clients);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(10);
    const order = ["1.3.0", "2.0.0", "2.1.0", "2.2.0"];
    for (const versions of seen)
      for (let i = 1; i < versions!.length; i++) expect(order.indexOf(versions![i]!)).toBeGreaterThanOrEqual(order.indexOf(versions![i - 1]!));
    expect(await liveVersion(served.url)).toBe("2.2.0");
    const back = await fetch(`${served.url}/v1/admin/models/churn/rollback`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ version: "1.3.0" }),
    });
    expect(back.status).toBe(200);
  });

  it("the admin API wants the token: none or a wrong one is 401, and porta deploy says so without one", async () => {
    const wrong = await portaWith("not-the-token", "deploy", CHURN, "--server", served.url);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/HTTP 401\): UNAUTHORIZED: wrong admin token/);
    const none = await fetch(`${served.url}/v1/admin/models/churn/rollback`, { method: "POST" });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: "UNAUTHORIZED", path: "/headers/authorization" });
    const unset = await portaWith(undefined, "rollback", "churn", "--server", served.url);
    expect(unset.code).toBe(64);
    expect(unset.stderr).toContain("needs PORTA_ADMIN_TOKEN");
  });

  it("restart recovery: after SIGTERM the registry's live versions serve again", async () => {
    expect(await served.stop()).toBe(0);
    served = await serve(["--registry", registry]);
    expect(served.stderr()).toContain("serving 1 model (churn)");
    expect(await liveVersion(served.url)).toBe("1.3.0");
    const info = (await (await fetch(`${served.url}/v1/models/churn`)).json()) as { versions: { version: string; live: boolean }[] };
    expect(info.versions.map((v) => [v.version, v.live])).toEqual([
      ["1.2.0", false],
      ["1.3.0", true],
      ["2.0.0", false],
      ["2.1.0", false],
      ["2.2.0", false],
    ]);
    // Started without PORTA_ADMIN_TOKEN: the admin API is off.
    expect(served.stderr()).toContain("admin API off");
    const off = await fetch(`${served.url}/v1/admin/deploy`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/gzip" },
      body: "x",
    });
    expect(off.status).toBe(403);
    expect(await off.json()).toMatchObject({ code: "ADMIN_API_OFF" });
  });
});
