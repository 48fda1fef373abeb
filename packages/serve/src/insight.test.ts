/**
 * The routes the web console reads besides the model routes (`/v1/models/:name/structure`,
 * `/v1/metrics/summary`), the console's own files at `/`, and the structure of a model as
 * structure.ts bounds it. In process, through fastify's inject.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TreeNode } from "@porta/ir";
import { DirectorySource } from "./directory-source.ts";
import { CONSOLE_POLICY } from "./routes/console.ts";
import { createServer, type PortaServer } from "./server.ts";
import { IRIS_ROW, ROOT, linearPmml } from "./serve.test-helper.ts";
import { boundedTree, predicateText, treeStats } from "./structure.ts";

let dir: string;
/** A record field whose default is a long beyond 2^53 (no JSON number holds it: no lowering takes the document). */
const BIG_DEFAULT_PFA = `{"input": {"type": "record", "name": "Row", "fields": [{"name": "id", "type": "long", "default": 9223372036854775807},
  {"name": "x", "type": "double"}]}, "output": "double", "action": {"*": ["input.x", 2]}}`;

let source: DirectorySource;
let server: PortaServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "porta-insight-"));
  cpSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), join(dir, "iris-tree.pmml"));
  cpSync(join(ROOT, "fixtures", "pmml", "forest.pmml"), join(dir, "forest.pmml"));
  cpSync(join(ROOT, "fixtures", "packages", "logistic-pfa"), join(dir, "upsell-logistic"), { recursive: true });
  // its input is an array, which only the program lowering holds: compile-js scores it as a program
  cpSync(join(ROOT, "fixtures", "pfa", "titus-kmeans.pfa.json"), join(dir, "kmeans-engine.json"));
  // one no lowering takes: the PFA engine scores it
  writeFileSync(join(dir, "big-default.json"), BIG_DEFAULT_PFA);
  writeFileSync(join(dir, "linear.pmml"), linearPmml());
  source = await DirectorySource.open(dir);
  server = await createServer({ source });
});

afterAll(async () => {
  await server?.close();
  await source?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (url: string) => {
  const r = await server.app.inject({ method: "GET", url });
  return { status: r.statusCode, json: r.json() as Record<string, unknown> & { model?: Record<string, never> } };
};

describe("GET /v1/models/:name/structure", () => {
  it("a tree: every node with its predicate, score and distribution, and its size", async () => {
    const { status, json } = await get("/v1/models/iris-tree/structure");
    expect(status).toBe(200);
    expect(json).toMatchObject({ name: "iris-tree", available: true, format: "pmml", model: { kind: "tree", segment: "" } });
    const tree = json.model!.tree as { nodes: number; shown: number; leaves: number; root: { predicate: string; children: { predicate: string }[] } };
    expect(tree.shown).toBe(tree.nodes);
    expect(tree.root.predicate).toBe("true");
    expect(tree.root.children.map((c) => c.predicate)).toEqual(["petal_length < 2.45", "petal_length ≥ 2.45"]);
  });

  it("an ensemble: its segments with their sizes; `segment` opens one, a missing one is a typed 404", async () => {
    const top = await get("/v1/models/forest/structure");
    const mining = top.json.model!.mining as {
      multipleModelMethod: string;
      segmentCount: number;
      segments: { index: number; id: string; kind: string; nodes: number }[];
    };
    expect(mining).toMatchObject({ multipleModelMethod: "majorityVote", segmentCount: 10 });
    expect(mining.segments.map((s) => [s.index, s.id, s.kind])).toEqual(Array.from({ length: 10 }, (_, i) => [i, String(i + 1), "tree"]));
    const one = await get("/v1/models/forest/structure?segment=3&maxNodes=5");
    const tree = one.json.model!.tree as { nodes: number; shown: number; root: unknown };
    expect(one.json.model).toMatchObject({ kind: "tree", segment: "3" });
    expect(tree).toMatchObject({ nodes: mining.segments[3]!.nodes, shown: 5 });
    // What was cut is counted where it was cut: shown + hidden = every node.
    const hidden = (n: { hidden?: number; children: unknown[] }): number =>
      (n.hidden ?? 0) + n.children.reduce<number>((sum, c) => sum + hidden(c as never), 0);
    expect(tree.shown + hidden(tree.root as never)).toBe(tree.nodes);

    expect(await get("/v1/models/forest/structure?segment=3.0")).toMatchObject({
      status: 404,
      json: { code: "SEGMENT_NOT_FOUND", path: "/querystring/segment", value: "3.0" },
    });
    expect(await get("/v1/models/forest/structure?segment=10")).toMatchObject({ status: 404, json: { code: "SEGMENT_NOT_FOUND" } });
    expect(await get("/v1/models/forest/structure?segment=a.b")).toMatchObject({ status: 400, json: { code: "REQUEST_INVALID" } });
    expect(await get("/v1/models/forest/structure?maxNodes=0")).toMatchObject({ status: 400, json: { code: "REQUEST_INVALID" } });
    expect(await get("/v1/models/nope/structure")).toMatchObject({ status: 404, json: { code: "MODEL_NOT_FOUND", value: "nope" } });
  });

  it("another family: the sizes of its parts; a PFA document lowered into the IR: its model, or its program; one the PFA engine scores: none, and why", async () => {
    expect((await get("/v1/models/linear/structure")).json.model).toMatchObject({ kind: "regression", facts: { tables: 1, inputs: 2 } });
    const pfa = await get("/v1/models/upsell-logistic/structure");
    // A PFA document the runtime lowers into the IR (this logistic regression) shows its model as PMML does.
    expect(pfa).toMatchObject({ status: 200, json: { format: "pfa", available: true, model: { kind: "regression", facts: { tables: 1 } } } });
    // One lowered as a program: its size (cells, pools, statements).
    expect(await get("/v1/models/kmeans-engine/structure")).toMatchObject({
      status: 200,
      json: { available: true, model: { kind: "program", facts: { method: "map", cells: 1, pools: 1 } } },
    });
    // One the PFA engine scores keeps no IR: no structure, and why.
    expect(await get("/v1/models/big-default/structure")).toMatchObject({
      status: 200,
      json: { available: false, reason: expect.stringMatching(/PFA engine/) },
    });
  });
});

describe("GET /v1/metrics/summary", () => {
  it("per route, model and version: requests, errors, rows, seconds and cumulative latency buckets", async () => {
    for (const row of [IRIS_ROW, IRIS_ROW, { ...IRIS_ROW, petal_length: "x" }]) {
      await server.app.inject({ method: "POST", url: "/v1/models/iris-tree/score", payload: { row } });
    }
    await server.app.inject({ method: "POST", url: "/v1/models/linear/score", payload: { rows: [{ x: 1 }, { x: 2 }] } });
    await server.app.inject({ method: "GET", url: "/v1/models/nope" });
    const { status, json } = await get("/v1/metrics/summary");
    expect(status).toBe(200);
    const { buckets, series } = json as unknown as {
      buckets: number[];
      series: { model: string; route: string; version: string; requests: number; errors: number; rows: number; counts: number[] }[];
    };
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    // Only what a model answered: the 404 for "nope" is no model's traffic.
    expect(series.map((s) => `${s.route} ${s.model}`).sort()).toEqual(["score iris-tree", "score linear"]);
    const iris = series.find((s) => s.model === "iris-tree")!;
    expect(iris).toMatchObject({ version: source.live("iris-tree")!.version, requests: 3, errors: 1, rows: 3 });
    expect(iris.counts).toHaveLength(buckets.length);
    expect(iris.counts).toEqual([...iris.counts].sort((a, b) => a - b));
    expect(iris.counts.at(-1)).toBeLessThanOrEqual(3);
    expect(series.find((s) => s.model === "linear")).toMatchObject({ requests: 1, errors: 0, rows: 2 });
  });
});

describe("the console's files at /", () => {
  it("the page and its assets under a Content-Security-Policy, revalidated by ETag; 503 CONSOLE_NOT_BUILT without a build", async () => {
    const built = mkdtempSync(join(tmpdir(), "porta-console-files-"));
    const empty = join(built, "none");
    mkdirSync(join(built, "console"));
    writeFileSync(join(built, "console", "index.html"), "<!doctype html><title>c</title>");
    writeFileSync(join(built, "console", "console.js"), "export {};");
    const { consoleRoutes } = await import("./routes/console.ts");
    const Fastify = (await import("fastify")).default;
    try {
      const app = Fastify();
      await app.register(async (scope) => consoleRoutes(scope, join(built, "console")));
      const page = await app.inject({ method: "GET", url: "/" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(page.headers["content-security-policy"]).toBe(CONSOLE_POLICY);
      expect(CONSOLE_POLICY).not.toContain("unsafe");
      const again = await app.inject({ method: "GET", url: "/", headers: { "if-none-match": String(page.headers.etag) } });
      expect(again.statusCode).toBe(304);
      expect((await app.inject({ method: "GET", url: "/console/console.js" })).headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect((await app.inject({ method: "GET", url: "/console/..%2Fpackage.json" })).statusCode).toBe(404);

      const bare = Fastify();
      await bare.register(async (scope) => consoleRoutes(scope, empty));
      const unbuilt = await bare.inject({ method: "GET", url: "/" });
      expect(unbuilt.statusCode).toBe(503);
      expect(unbuilt.json()).toMatchObject({ code: "CONSOLE_NOT_BUILT" });
    } finally {
      rmSync(built, { recursive: true, force: true });
    }
  });

  it("the OpenAPI document describes the two JSON routes, not the console's files", async () => {
    const paths = Object.keys(((await get("/docs/json")).json as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(["/v1/models/{name}/structure", "/v1/metrics/summary"]));
    expect(paths.filter((p) => p === "/" || p.startsWith("/console"))).toEqual([]);
  });

  it("createServer({ console: false }) serves no page at /", async () => {
    const off = await createServer({ source, console: false, cache: false });
    try {
      expect((await off.app.inject({ method: "GET", url: "/" })).statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });
});

describe("structure.ts", () => {
  const leaf = (id: string): TreeNode => ({ id, predicate: { kind: "true" }, scoreDistributions: [], children: [], path: "" });
  const node = (id: string, ...children: TreeNode[]): TreeNode => ({ ...leaf(id), children });

  it("bounds a tree breadth first: the top levels whole, each cut node counting what it hides", () => {
    const root = node("r", node("a", leaf("a1"), leaf("a2")), node("b", node("b1", leaf("b11"))));
    expect(treeStats(root)).toEqual({ nodes: 7, leaves: 3, depth: 4 });
    const { root: view, shown } = boundedTree(root, 4);
    expect(shown).toBe(4);
    expect(view.children.map((c) => c.id)).toEqual(["a", "b"]);
    expect(view.children[0]!.children.map((c) => c.id)).toEqual(["a1"]);
    expect(view.children[0]!.hidden).toBe(1);
    expect(view.children[1]!.hidden).toBe(2);
    expect(boundedTree(root, 100).shown).toBe(7);
  });

  it("writes predicates as one short line, a long set shortened", () => {
    expect(predicateText({ kind: "simple", field: "x", operator: "lessOrEqual", value: "2.5" })).toBe("x ≤ 2.5");
    expect(predicateText({ kind: "simple", field: "x", operator: "isMissing" })).toBe("x is missing");
    expect(
      predicateText({
        kind: "compound",
        booleanOperator: "and",
        predicates: [
          { kind: "simpleSet", field: "c", booleanOperator: "isNotIn", values: ["a", "b"] },
          { kind: "compound", booleanOperator: "or", predicates: [{ kind: "true" }, { kind: "simple", field: "y", operator: "equal", value: "1" }] },
        ],
      }),
    ).toBe("c ∉ {a, b} and (true or y = 1)");
    const many = predicateText({ kind: "simpleSet", field: "c", booleanOperator: "isIn", values: Array.from({ length: 100_000 }, (_, i) => `v${i}`) });
    expect(many.length).toBeLessThanOrEqual(240);
    expect(many).toMatch(/^c ∈ \{v0, v1, /);
  });
});
