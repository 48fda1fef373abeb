import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { errorResponses } from "../schemas.ts";
import { STRUCTURE_LIMITS, modelAt, modelTreeOf, viewOf } from "../structure.ts";

/**
 * What the web console reads besides the model routes, useful to any client too:
 * `GET /v1/models/:name/structure` (the live version's trees and segments, bounded) and
 * `GET /v1/metrics/summary` (the scoring counters and latency histograms as JSON, which a page
 * turns into rates without parsing Prometheus text).
 */
export function insightRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { name: string }; Querystring: { segment?: string; maxNodes?: number } }>(
    "/v1/models/:name/structure",
    { schema: structureSchema },
    (request) => {
      const { name } = request.params;
      const live = ctx.source.live(name);
      if (live === undefined) {
        throw new HttpError(404, { code: "MODEL_NOT_FOUND", message: `no live model named "${name}"`, path: "/params/name", value: name });
      }
      const answer = { name, version: live.version, format: live.model.format };
      const top = modelTreeOf(live.model);
      if (top === undefined) {
        const reason =
          live.model.format === "pfa"
            ? "a PFA document scored by the PFA engine: no tree or segments to show (porta inspect describes its cells, pools and functions)"
            : "the model's structure was not kept when it loaded (restored from the artifact cache)";
        return { ...answer, available: false, reason };
      }
      const segment = request.query.segment ?? "";
      const found = modelAt(top, segment);
      if ("error" in found) throw new HttpError(404, { code: "SEGMENT_NOT_FOUND", message: found.error, path: "/querystring/segment", value: segment });
      const limits = { ...STRUCTURE_LIMITS, maxNodes: request.query.maxNodes ?? STRUCTURE_LIMITS.maxNodes };
      return { ...answer, available: true, model: viewOf(found.model, segment, limits) };
    },
  );

  app.get("/v1/metrics/summary", { schema: summarySchema }, async () => {
    const registry = ctx.metrics.registry;
    const latency = await registry.getSingleMetric("porta_request_duration_seconds")?.get();
    const requests = await registry.getSingleMetric("porta_requests_total")?.get();
    const rows = await registry.getSingleMetric("porta_rows_scored_total")?.get();
    const series = new Map<
      string,
      { model: string; version: string; route: string; requests: number; errors: number; rows: number; seconds: number; counts: number[] }
    >();
    const bounds: number[] = [];
    const seriesOf = (labels: Record<string, string | number | undefined>) => {
      const model = String(labels.model ?? "");
      const version = String(labels.version ?? "");
      const route = String(labels.route ?? "");
      const key = `${route}\u0000${model}\u0000${version}`;
      let s = series.get(key);
      if (s === undefined) series.set(key, (s = { model, version, route, requests: 0, errors: 0, rows: 0, seconds: 0, counts: [] }));
      return s;
    };
    for (const v of latency?.values ?? []) {
      // Requests no model answered (404s, refused bodies) are not a model's traffic.
      if (!v.labels.model) continue;
      const s = seriesOf(v.labels);
      const metricName = (v as { metricName?: string }).metricName ?? "";
      if (metricName.endsWith("_bucket")) {
        if (v.labels.le === "+Inf") continue;
        const le = Number(v.labels.le);
        if (!bounds.includes(le)) bounds.push(le);
        s.counts[bounds.indexOf(le)] = v.value;
      } else if (metricName.endsWith("_sum")) s.seconds = v.value;
      else if (metricName.endsWith("_count")) s.requests = v.value;
    }
    for (const v of requests?.values ?? []) {
      if (!v.labels.model || Number(v.labels.status) < 400) continue;
      seriesOf(v.labels).errors += v.value;
    }
    for (const v of rows?.values ?? []) if (v.labels.model) seriesOf(v.labels).rows = v.value;
    return { at: Date.now(), buckets: bounds, series: [...series.values()].filter((s) => s.counts.length === bounds.length) };
  });
}

const structureSchema = {
  summary: "What the live version is made of: a tree's nodes, an ensemble's segments (bounded)",
  description:
    "For the web console's tree viewer. `segment` walks into an ensemble: `2` is the top model's segment 2, `2.15` that segment's segment 15. A tree answers at most `maxNodes` nodes breadth first (default 1000); a node whose subtree was cut has `hidden`, the count of nodes left out. An ensemble lists at most 1000 segments with their predicate and size. A PFA document scored by the PFA engine answers `available: false` with the reason.",
  tags: ["models"],
  params: { type: "object", properties: { name: { type: "string", maxLength: 200 } }, required: ["name"] },
  querystring: {
    type: "object",
    properties: {
      segment: { type: "string", maxLength: 200, pattern: "^(\\d{1,9}(\\.\\d{1,9})*)?$" },
      maxNodes: { type: "integer", minimum: 1, maximum: 20000 },
    },
    additionalProperties: false,
  },
  response: {
    200: {
      type: "object",
      properties: {
        name: { type: "string" },
        version: { type: "string" },
        format: { type: "string" },
        available: { type: "boolean" },
        reason: { type: "string" },
        // Nested trees: written as they are (JSON.stringify), not described field by field.
        model: { type: "object", additionalProperties: true },
      },
      required: ["name", "version", "available"],
    },
    ...errorResponses,
  },
} as const;

const summarySchema = {
  summary: "Scoring counters and latency histograms as JSON, per route, model and version",
  description:
    "The figures behind `/metrics` that the web console charts: per (route, model, version) the requests answered, those with a 4xx/5xx status, rows scored, total seconds and the cumulative count of requests at or below each latency bound of `buckets` (seconds; the +Inf bucket is `requests`). Rates and quantiles come from the difference between two answers (`at` is the server's clock in ms).",
  tags: ["operations"],
  response: {
    200: {
      type: "object",
      properties: {
        at: { type: "number" },
        buckets: { type: "array", items: { type: "number" } },
        series: {
          type: "array",
          items: {
            type: "object",
            properties: {
              model: { type: "string" },
              version: { type: "string" },
              route: { type: "string" },
              requests: { type: "number" },
              errors: { type: "number" },
              rows: { type: "number" },
              seconds: { type: "number" },
              counts: { type: "array", items: { type: "number" } },
            },
            required: ["model", "version", "route", "requests", "errors", "rows", "seconds", "counts"],
          },
        },
      },
      required: ["at", "buckets", "series"],
    },
  },
} as const;
