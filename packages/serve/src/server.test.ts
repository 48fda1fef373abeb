import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { request } from "node:http";
import { DirectorySource } from "./directory-source.ts";
import { createServer, type PortaServer } from "./server.ts";
import type { ModelSource } from "./source.ts";
import { IRIS_ROW, modelsDir, postJson } from "./serve.test-helper.ts";

let folder: ReturnType<typeof modelsDir>;
let source: DirectorySource;
let server: PortaServer;
let url: string;

beforeAll(async () => {
  folder = modelsDir();
  source = await DirectorySource.open(folder.dir);
  server = await createServer({ source, bodyLimit: 64 * 1024, limits: { maxRows: 1000, streamLineLength: 1000, streamChunkRows: 3 } });
  url = await server.listen();
});

afterAll(async () => {
  await server?.close();
  await source?.close();
  folder?.remove();
});

describe("POST /v1/models/:name/score", () => {
  it("one row: the result, named by model, version and backend", async () => {
    const { status, json } = await postJson(`${url}/v1/models/iris-tree/score`, { row: IRIS_ROW });
    expect(status).toBe(200);
    expect(json).toMatchObject({ model: "iris-tree", version: expect.stringMatching(/^[0-9a-f]{12}$/), backend: "js" });
    expect(json.result).toMatchObject({ predicted_species: "setosa", p_setosa: 1 });
  });

  it("a bad row is a 422 with the model's code, the row's path and the value", async () => {
    const { status, json } = await postJson(`${url}/v1/models/linear/score`, { row: { x: 500 } });
    expect(status).toBe(422);
    expect(json).toMatchObject({ code: expect.stringMatching(/INVALID/), path: "/row", value: 500 });
    expect(json.message).toContain('"x"');
    expect((await postJson(`${url}/v1/models/linear/score`, { row: { x: 3 } })).json.result).toEqual({ y: 7 });
  });

  it("many rows: good rows answered, a bad row null with its typed error (never loses good rows)", async () => {
    const { status, json } = await postJson(`${url}/v1/models/linear/score`, { rows: [{ x: 1 }, { x: 500 }, { x: 2 }] });
    expect(status).toBe(200);
    expect(json.results).toEqual([{ y: 3 }, null, { y: 5 }]);
    expect(json.errors).toEqual([expect.objectContaining({ row: 1, path: "/rows/1", value: 500, code: expect.stringMatching(/INVALID/) })]);
  });

  it("columnar: field → values in, output field → values out, a failed row's error by index", async () => {
    const { status, json } = await postJson(`${url}/v1/models/linear/score`, { columns: { x: [1, 500, null, 4] } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ model: "linear", length: 4 });
    expect((json.columns as Record<string, unknown[]>).y).toEqual([3, null, null, 9]);
    expect((json.errors as { row: number }[]).map((e) => e.row)).toEqual([1]);
    const mismatch = await postJson(`${url}/v1/models/linear/score`, { columns: { x: [1, 2], z: [1] } });
    expect(mismatch).toMatchObject({ status: 400, json: { code: "COLUMNS_LENGTH_MISMATCH", path: "/columns/z", value: 1 } });
  });

  it("typed 4xx: unknown model, invalid body, malformed JSON, oversized body, too many rows, unknown route", async () => {
    expect(await postJson(`${url}/v1/models/nope/score`, { row: {} })).toMatchObject({
      status: 404,
      json: { code: "MODEL_NOT_FOUND", path: "/params/name", value: "nope" },
    });
    expect(await postJson(`${url}/v1/models/linear/score`, { rows: [{ x: 1 }, 7] })).toMatchObject({
      status: 400,
      json: { code: "REQUEST_INVALID", path: "/body/rows/1", value: 7 },
    });
    expect(await postJson(`${url}/v1/models/linear/score`, { row: {}, rows: [] })).toMatchObject({
      status: 400,
      json: { code: "REQUEST_INVALID", path: "/body" },
    });
    expect(await postJson(`${url}/v1/models/linear/score`, '{"row": {')).toMatchObject({ status: 400, json: { code: "BODY_MALFORMED", path: "/body" } });
    expect(await postJson(`${url}/v1/models/linear/score`, '{"row": {"__proto__": {"x": 1}}}')).toMatchObject({
      status: 400,
      json: { code: "BODY_MALFORMED" },
    });
    const big = { row: { x: "9".repeat(70_000) } };
    expect(await postJson(`${url}/v1/models/linear/score`, big)).toMatchObject({
      status: 413,
      json: { code: "BODY_TOO_LARGE", path: "/body", value: 64 * 1024 },
    });
    const many = { rows: Array.from({ length: 1001 }, () => ({})) };
    expect(await postJson(`${url}/v1/models/linear/score`, many)).toMatchObject({ status: 413, json: { code: "TOO_MANY_ROWS", path: "/rows", value: 1001 } });
    const missing = await fetch(`${url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "ROUTE_NOT_FOUND", path: "/url" });
  });
});

describe("POST /v1/models/:name/stream", () => {
  it("NDJSON in and out, in order; bad lines reported in-stream without stopping the others; an end line with the counts", async () => {
    const input = ['{"x":1}', "not json", "", "[1,2]", '{"x":500}', `{"x":"${"9".repeat(2000)}"}`, '{"x":2}', '{"x":3}'].join("\n");
    const response = await fetch(`${url}/v1/models/linear/stream`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: input });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/x-ndjson/);
    expect(response.headers.get("porta-model-version")).toMatch(/^[0-9a-f]{12}$/);
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { result: { y: 3 } },
      { error: expect.objectContaining({ row: 2, code: "INPUT_JSON_MALFORMED", path: "/lines/2", value: "not json" }) },
      { error: expect.objectContaining({ row: 3, code: "INPUT_ROW_NOT_OBJECT", value: [1, 2] }) },
      { error: expect.objectContaining({ row: 4, code: expect.stringMatching(/INVALID/), path: "/lines/4", value: 500 }) },
      { error: expect.objectContaining({ row: 5, code: "LINE_TOO_LONG", path: "/lines/5" }) },
      { result: { y: 5 } },
      { result: { y: 7 } },
      { end: { lines: 7, scored: 3, failed: 4 } },
    ]);
  });

  it("a line longer than the limit split across chunks is one error, and the line after it is scored", async () => {
    const lines = await streamChunks(url, ['{"x":1}\n{"x":"', "7".repeat(900), "7".repeat(900), '"}\n{"x":4}\n']);
    expect(lines.map((l) => Object.keys(l)[0])).toEqual(["result", "error", "result", "end"]);
    expect(lines[1]).toMatchObject({ error: { code: "LINE_TOO_LONG", row: 2 } });
    expect(lines[2]).toEqual({ result: { y: 9 } });
  });

  it("holds the model it scores on until its answer ends, so a deploy meanwhile cannot dispose it", async () => {
    const calls: string[] = [];
    const holding: ModelSource = source;
    holding.hold = (model) => {
      calls.push(model === source.live("linear")?.model ? "hold linear" : "hold another");
      return () => calls.push("release");
    };
    try {
      const lines = await streamChunks(url, ['{"x":1}\n', '{"x":2}\n']);
      expect(lines.at(-1)).toEqual({ end: { lines: 2, scored: 2, failed: 0 } });
      await vi.waitFor(() => expect(calls).toEqual(["hold linear", "release"]));
    } finally {
      delete holding.hold;
    }
  });

  it("refuses a body that is not NDJSON (415), and an unknown model (404) before reading it", async () => {
    const json = await fetch(`${url}/v1/models/linear/stream`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"x":1}' });
    expect(json.status).toBe(415);
    expect(await json.json()).toMatchObject({ code: "MEDIA_TYPE_UNSUPPORTED", path: "/headers/content-type" });
    const unknown = await fetch(`${url}/v1/models/nope/stream`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: '{"x":1}\n' });
    expect(unknown.status).toBe(404);
  });
});

describe("model metadata, health, metrics, OpenAPI", () => {
  it("GET /v1/models lists every model with its live version and backend", async () => {
    const body = (await (await fetch(`${url}/v1/models`)).json()) as { models: { name: string; live: string }[] };
    expect(body.models.map((m) => m.name)).toEqual(["churn", "iris-tree", "linear"]);
    expect(body.models[0]).toMatchObject({ name: "churn", live: "1.2.0", versions: ["1.2.0"], backend: "js", format: "pmml" });
  });

  it("GET /v1/models/:name and /versions/:v: metadata, audit, fields; unknown version 404", async () => {
    const churn = (await (await fetch(`${url}/v1/models/churn`)).json()) as Record<string, unknown>;
    expect(churn).toMatchObject({ name: "churn", version: "1.2.0", live: true, modelTypes: ["RegressionModel"], audit: { builtBy: "ana.lima@example.com" } });
    expect((churn.fields as { inputs: { name: string }[] }).inputs.map((f) => f.name)).toEqual(["x1", "x2"]);
    expect((churn.versions as unknown[]).length).toBe(1);
    const version = await fetch(`${url}/v1/models/churn/versions/1.2.0`);
    expect(await version.json()).toMatchObject({ name: "churn", version: "1.2.0", manifest: { training: { algorithm: "LogisticRegression" } } });
    const missing = await fetch(`${url}/v1/models/churn/versions/9.9.9`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "VERSION_NOT_FOUND", path: "/params/version", value: "9.9.9" });
    const plain = (await (await fetch(`${url}/v1/models/linear`)).json()) as Record<string, unknown>;
    expect(plain).toMatchObject({ name: "linear", live: true, fields: { inputs: [{ name: "x", dataType: "double" }] } });
    expect(plain.manifest).toBeUndefined();
  });

  it("healthz and readyz answer 200 while running", async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready", models: 3 });
  });

  it("/metrics: requests and latency per model version, errors by code, result cache hits", async () => {
    const row = { x: 42 };
    await postJson(`${url}/v1/models/linear/score`, { row });
    await postJson(`${url}/v1/models/linear/score`, { row });
    const text = await (await fetch(`${url}/metrics`)).text();
    const version = (await (await fetch(`${url}/v1/models/linear`)).json()) as { version: string };
    const labels = `model="linear",version="${version.version}"`;
    expect(text).toMatch(new RegExp(`porta_requests_total\\{route="score",${labels},status="200"\\} \\d+`));
    expect(text).toMatch(new RegExp(`porta_request_duration_seconds_bucket\\{le="0.005",route="score",${labels}\\} \\d+`));
    expect(text).toMatch(/porta_errors_total\{route="score",code="MODEL_NOT_FOUND"\} [1-9]/);
    expect(text).toMatch(/porta_errors_total\{route="stream",code="INPUT_JSON_MALFORMED"\} [1-9]/);
    const hits = new RegExp(`porta_result_cache_hits_total\\{${labels}\\} (\\d+)`).exec(text);
    expect(Number(hits?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toContain("porta_deploys_total");
    expect(text).toContain("process_cpu_seconds_total");
  });

  it("/docs/json is the OpenAPI document of every route, with the request schemas", async () => {
    const doc = (await (await fetch(`${url}/docs/json`)).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/models/{name}/score",
        "/v1/models/{name}/stream",
        "/v1/models",
        "/v1/models/{name}",
        "/v1/models/{name}/versions/{version}",
        "/healthz",
        "/readyz",
        "/metrics",
      ]),
    );
    expect(JSON.stringify(doc.paths["/v1/models/{name}/score"]!.post!.requestBody)).toContain('"rows"');
  });
});

/** Posts a stream in the given chunks (each its own write) and returns the answer's lines. */
function streamChunks(base: string, chunks: string[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/v1/models/linear/stream`, { method: "POST", headers: { "content-type": "application/x-ndjson" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () =>
        resolve(
          text
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        ),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}
