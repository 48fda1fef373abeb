/**
 * The scoring service under load: `porta serve` in a child process, autocannon in this one, on
 * loopback, 10 connections, no pipelining, 20 s per case (smoke: 1 s, 2 connections). Client and
 * server share the machine's cores (2 on the reference machine): req/s is what both together
 * leave, not the server's ceiling.
 *
 *   single-row tree: POST /v1/models/iris/score {row} on fixtures/pmml/iris-tree.pmml, served
 *     from a registry (the rows rotate through iris.csv, so most requests hit the result cache,
 *     as repeated rows do in production; a second run with --no-cache is the scoring path alone);
 *   single-row forest: the 500-tree forest of fixtures/gen/forest.ts (depth 8, 50 features);
 *   tree during deploys: the tree case while new versions of its package are deployed through
 *     the admin API one after another (each: receive, validate, load, end-to-end, confidence,
 *     store, switch); every answer must be a 2xx.
 *
 * Ratios: `tree-rps`, `tree-p99-ms`, `tree-nocache-rps`, `forest-rps`, `forest-p99-ms`,
 * `deploy-rps`, `deploy-2xx-share` (2xx answers ÷ all answers during the deploys: 1 when none failed).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import * as tar from "tar";
import { loadModel } from "@porta/runtime";
import { forestText } from "../../fixtures/gen/forest.ts";
import { serve, type Served } from "../../test/serve-process.ts";
import { defineSuite, type BenchResult } from "../harness.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TOKEN = "bench-admin-token";

/** `porta serve ARGS… --port 0` from the sources, with the admin token; resolves with its URL. */
function startServer(args: string[]): Promise<Served> {
  return serve(args, { PORTA_SOURCE: "1", PORTA_ADMIN_TOKEN: TOKEN });
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** autocannon against one route: single-row bodies, rotating through `bodies`. */
async function load(url: string, bodies: string[], seconds: number, connections: number): Promise<Load> {
  if (seconds === 0) return { rps: 0, p50: 0, p99: 0, mean: 0, total: 0, non2xx: 0, errors: 0 };
  let next = 0;
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    pipelining: 1,
    duration: seconds,
    headers: { "content-type": "application/json" },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** autocannon's percentiles are whole milliseconds: a p50 below 1 ms reads 0, so the table shows the mean latency there. */
function resultOf(name: string, l: Load): BenchResult {
  return { case: name, meanMs: l.mean, medianMs: l.p50 > 0 ? l.p50 : l.mean, rme: 0, samples: l.total, hz: l.rps };
}

/** The iris tree as a package whose end-to-end and confidence sets are its own answers on iris.csv. */
async function irisPackage(dir: string, version: string): Promise<void> {
  mkdirSync(join(dir, "assets"), { recursive: true });
  cpSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), join(dir, "model.pmml"));
  const rows = irisRows();
  const model = await loadModel(join(dir, "model.pmml"));
  const results = model.scoreBatch(rows).results;
  writeFileSync(
    join(dir, "assets", "end-to-end.ndjson"),
    rows.map((input, i) => `${JSON.stringify({ input, expected: { predicted_species: results[i]!.predicted_species } })}\n`).join(""),
  );
  writeFileSync(
    join(dir, "assets", "confidence.ndjson"),
    rows.map((input, i) => `${JSON.stringify({ ...input, species: results[i]!.predicted_species })}\n`).join(""),
  );
  const churn = JSON.parse(readFileSync(join(ROOT, "fixtures", "packages", "churn-pmml", "porta.json"), "utf8"));
  const manifest = {
    ...churn,
    $schema: undefined,
    name: "iris",
    description: "The iris tree, packaged for the serve benchmark.",
    model: { ...churn.model, version },
    inputs: ["sepal_length", "sepal_width", "petal_length", "petal_width"].map((name) => ({ name, type: "double" })),
    outputs: [{ name: "predicted_species", type: "string" }],
    assets: {
      endToEnd: { file: "assets/end-to-end.ndjson" },
      confidence: { file: "assets/confidence.ndjson", metric: { name: "accuracy", label: "species", prediction: "predicted_species" }, range: { min: 0.99 } },
    },
  };
  writeFileSync(join(dir, "porta.json"), JSON.stringify(manifest, null, 2));
  await model.dispose();
}

function irisRows(): Record<string, number>[] {
  const [header, ...lines] = readFileSync(join(ROOT, "fixtures", "pmml", "iris.csv"), "utf8")
    .trim()
    .split("\n");
  const names = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i]!, Number(v)])));
}

async function tgzOf(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tar.c({ gzip: true, cwd: dir, portable: true }, ["porta.json", "model.pmml", "assets"]) as AsyncIterable<Buffer>)
    chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function deploy(url: string, bytes: Buffer): Promise<{ ok: boolean; ms: number; reason?: string }> {
  const t0 = performance.now();
  const response = await fetch(`${url}/v1/admin/deploy`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/gzip" },
    body: bytes,
  });
  const body = (await response.json()) as { ok?: boolean; message?: string };
  return { ok: response.status === 200 && body.ok === true, ms: performance.now() - t0, reason: body.message };
}

export default defineSuite({
  name: "serve",
  description: "porta serve under autocannon (loopback, 10 connections, no pipelining, 20 s): single-row tree, 500-tree forest, tree during deploys",
  async run(ctx) {
    const full = ctx.size === "full";
    const seconds = full ? 20 : 1;
    const warmup = full ? 3 : 0;
    const connections = full ? 10 : 2;
    const work = mkdtempSync(join(tmpdir(), "porta-bench-serve-"));
    const servers: Served[] = [];
    try {
      const results: BenchResult[] = [];
      const notes: string[] = [];
      const irisBodies = irisRows().map((row) => JSON.stringify({ row }));

      // A registry holding the iris package 1.0.0, and a models folder with the forest.
      const registry = join(work, "registry");
      const pkg = join(work, "iris-package");
      await irisPackage(pkg, "1.0.0");
      const trees = full ? 500 : 4;
      const models = join(work, "models");
      mkdirSync(models);
      writeFileSync(join(models, "forest.pmml"), forestText({ trees, depth: full ? 8 : 3, features: 50, task: "regression", seed: 1 }));

      const tree = await startServer(["--registry", registry]);
      servers.push(tree);
      const first = await deploy(tree.url, await tgzOf(pkg));
      if (!first.ok) throw new Error(`serve bench: deploying iris 1.0.0 failed: ${first.reason}`);
      const treeUrl = `${tree.url}/v1/models/iris/score`;
      ctx.log(`serve: tree, ${connections} connections, ${seconds} s (after ${warmup} s warm-up)`);
      await load(treeUrl, irisBodies, warmup, connections);
      const treeLoad = await load(treeUrl, irisBodies, seconds, connections);
      results.push(resultOf("single-row tree (iris), result cache on", treeLoad));

      ctx.log(`serve: tree during deploys, ${seconds} s`);
      // Deploys one after another for as long as the load runs (at least one): version 1.i.0 each.
      const deploys: { ok: boolean; ms: number }[] = [];
      const manifest = JSON.parse(readFileSync(join(pkg, "porta.json"), "utf8"));
      let stop = false;
      const during = load(treeUrl, irisBodies, seconds, connections).finally(() => {
        stop = true;
      });
      const deploying = (async () => {
        for (let i = 1; i === 1 || !stop; i++) {
          manifest.model.version = `1.${i}.0`;
          writeFileSync(join(pkg, "porta.json"), JSON.stringify(manifest));
          deploys.push(await deploy(tree.url, await tgzOf(pkg)));
        }
      })();
      const deployLoad = await during;
      await deploying;
      const okDeploys = deploys.filter((d) => d.ok).length;
      results.push(resultOf(`single-row tree during ${deploys.length} deploys`, deployLoad));
      notes.push(
        `during deploys: ${deploys.length} deploys (${okDeploys} ok, median ${median(deploys.map((d) => d.ms)).toFixed(0)} ms each), ${deployLoad.total} requests, ${deployLoad.non2xx} non-2xx, ${deployLoad.errors} errors/timeouts`,
      );
      if (okDeploys !== deploys.length) throw new Error("serve bench: a deploy under load failed");
      await tree.stop();
      servers.pop();

      const nocache = await startServer(["--registry", registry, "--no-cache"]);
      servers.push(nocache);
      await load(`${nocache.url}/v1/models/iris/score`, irisBodies, warmup, connections);
      const nocacheLoad = await load(`${nocache.url}/v1/models/iris/score`, irisBodies, seconds, connections);
      results.push(resultOf("single-row tree (iris), no result cache", nocacheLoad));
      await nocache.stop();
      servers.pop();

      const forest = await startServer(["--models", models, "--no-cache"]);
      servers.push(forest);
      const forestBodies = Array.from({ length: 256 }, (_, r) =>
        JSON.stringify({ row: Object.fromEntries(Array.from({ length: 50 }, (_, f) => [`x${f}`, Math.sin(r * 50 + f) * 2])) }),
      );
      ctx.log(`serve: ${trees}-tree forest, ${seconds} s`);
      await load(`${forest.url}/v1/models/forest/score`, forestBodies, warmup, connections);
      const forestLoad = await load(`${forest.url}/v1/models/forest/score`, forestBodies, seconds, connections);
      results.push(resultOf(`single-row ${trees}-tree forest, no result cache`, forestLoad));
      await forest.stop();
      servers.pop();

      for (const [name, l] of [
        ["tree", treeLoad],
        ["tree, no cache", nocacheLoad],
        ["forest", forestLoad],
        ["tree during deploys", deployLoad],
      ] as const) {
        notes.push(`${name}: ${l.rps.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, ${l.total} requests, ${l.non2xx} non-2xx, ${l.errors} errors`);
      }
      notes.push(
        `client (autocannon, this process) and server (porta serve, a child process) share the machine's ${cpus().length} cores; load average at the end ${loadavg()
          .map((x) => x.toFixed(1))
          .join(", ")} (other work on the machine counts too)`,
      );
      const share = deployLoad.total === 0 ? 0 : (deployLoad.total - deployLoad.non2xx - deployLoad.errors) / deployLoad.total;
      return {
        ratios: {
          "tree-rps": Math.round(treeLoad.rps),
          "tree-p99-ms": Math.max(treeLoad.p99, 0.001),
          "tree-nocache-rps": Math.round(nocacheLoad.rps),
          "forest-rps": Math.round(forestLoad.rps),
          "forest-p99-ms": Math.max(forestLoad.p99, 0.001),
          "deploy-rps": Math.round(deployLoad.rps),
          "deploy-2xx-share": share,
        },
        results,
        chart: {
          kind: "bars",
          title: "porta serve, single-row req/s (autocannon, 10 connections)",
          yLabel: "req/s",
          bars: results.map((r) => ({ label: r.case, value: r.hz })),
        },
        notes,
      };
    } finally {
      for (const s of servers) await s.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[sorted.length >> 1]!;
}
