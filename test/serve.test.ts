/**
 * `porta serve` as a user runs it: the real command in a child process, on loopback, a free port.
 * The 1M-row stream goes through it end to end (budget: 60 s on 2 shared cores; measured 7-18 s on the shared machine, the client in the test process).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { Readable } from "node:stream";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IRIS_ROW, modelsDir, postJson } from "../packages/serve/src/serve.test-helper.ts";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";
import { serve, type Served } from "./serve-process.ts";

let folder: ReturnType<typeof modelsDir>;
let served: Served;

beforeAll(async () => {
  folder = modelsDir();
  served = await serve(["--models", folder.dir]);
});

afterAll(async () => {
  if (served?.child.exitCode === null) await served.stop();
  folder?.remove();
});

describe("porta serve", () => {
  it("serves the folder's models on loopback", async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.stderr()).toContain("serving 3 models (churn, iris-tree, linear)");
    const { status, json } = await postJson(`${served.url}/v1/models/iris-tree/score`, { row: IRIS_ROW });
    expect(status).toBe(200);
    expect(json).toMatchObject({ model: "iris-tree", backend: "js", result: { predicted_species: "setosa" } });
  });

  it("streams 1M rows: every line answered in order, the bad ones in place, memory bounded (budget 60 s)", { timeout: 60_000 }, async () => {
    const total = 1_000_000;
    const bad = new Set([1, 500_000, 999_999]);
    const rows = [IRIS_ROW, { ...IRIS_ROW, petal_length: 5.1, petal_width: 1.9 }].map((r) => JSON.stringify(r));
    async function* lines(): AsyncGenerator<string> {
      for (let start = 1; start <= total; start += 2000) {
        let chunk = "";
        for (let line = start; line < start + 2000 && line <= total; line++) chunk += bad.has(line) ? "{oops\n" : `${rows[line % 2]}\n`;
        yield chunk;
      }
    }
    const t0 = Date.now();
    const answer = await new Promise<{ results: number; errors: { row: number; code: string }[]; end: unknown; order: boolean }>((resolve, reject) => {
      const req = request(`${served.url}/v1/models/iris-tree/stream`, { method: "POST", headers: { "content-type": "application/x-ndjson" } }, (res) => {
        let rest = "";
        let line = 0;
        let results = 0;
        let order = true;
        const errors: { row: number; code: string }[] = [];
        let end: unknown;
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          const text = rest + d;
          let start = 0;
          for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
            const l = text.slice(start, nl);
            start = nl + 1;
            line++;
            if (l.startsWith('{"result":')) {
              results++;
              // Rows alternate setosa / virginica: each answer is its own row's.
              if (line <= total && !l.includes(line % 2 === 1 ? "virginica" : "setosa")) order = false;
            } else if (l.startsWith('{"error":')) errors.push(JSON.parse(l).error);
            else end = JSON.parse(l).end;
          }
          rest = text.slice(start);
        });
        res.on("end", () => resolve({ results, errors, end, order }));
        res.on("error", reject);
      });
      req.on("error", reject);
      Readable.from(lines()).pipe(req);
    });
    const seconds = (Date.now() - t0) / 1000;
    expect(answer.results).toBe(total - bad.size);
    expect(answer.errors.map((e) => [e.row, e.code])).toEqual([...bad].map((row) => [row, "INPUT_JSON_MALFORMED"]));
    expect(answer.end).toEqual({ lines: total, scored: total - bad.size, failed: bad.size });
    expect(answer.order).toBe(true);
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    const rss = Number(/process_resident_memory_bytes (\d+)/.exec(metrics)?.[1]);
    console.log(`1M-row stream: ${seconds.toFixed(1)} s, server RSS after ${(rss / 1e6).toFixed(0)} MB`);
    // The input is ~80 MB and the answer ~150 MB: a server that buffered either would show it.
    expect(rss).toBeLessThan(400e6);
  });

  it("SIGTERM: exits 0 after draining, saying so", async () => {
    const code = await served.stop();
    expect(code).toBe(0);
    expect(served.stderr()).toContain("SIGTERM: draining requests");
  });

  it("refuses to start on a folder with an invalid package or a document that does not load: one typed error line, non-zero exit", async () => {
    const broken = tempFiles("porta-serve-broken-");
    cpSync(join(ROOT, "fixtures", "packages", "churn-pmml"), join(broken.dir, "churn"), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(broken.dir, "churn", "porta.json"), "utf8"));
    manifest.model.builtWith.trainingData = "1999.1";
    writeFileSync(join(broken.dir, "churn", "porta.json"), JSON.stringify(manifest));
    const invalid = await porta("serve", "--models", broken.dir, "--port", "0");
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/^porta: DeployError PACKAGE_INVALID at \S+churn: [\s\S]*PACKAGE_VERSIONS_DISAGREE/m);
    rmSync(join(broken.dir, "churn"), { recursive: true });
    broken.file("hostile.pmml", readFileSync(join(ROOT, "fixtures", "hostile", "billion-laughs-behind-pi.pmml")));
    const unloadable = await porta("serve", "--models", broken.dir, "--port", "0");
    expect(unloadable.code).not.toBe(0);
    expect(unloadable.stderr).toMatch(/^porta: DeployError MODEL_LOAD_FAILED at \S+hostile.pmml/m);
    const missing = await porta("serve", "--models", join(ROOT, "no-such-folder"), "--port", "0");
    expect(missing.stderr).toMatch(/^porta: ParseError MODELS_DIR_NOT_FOUND/m);
    expect(missing.code).not.toBe(0);
    rmSync(broken.dir, { recursive: true, force: true });
  });
});
