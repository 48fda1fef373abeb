/**
 * The strategy routes: `POST /v1/models/:name/feedback` (a bandit's reward), and in the admin
 * scope `POST /v1/admin/models/:name/promote` and `…/abort`; the query of `POST /v1/admin/deploy`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { StrategyOutcome, StrategySpec } from "@porta/registry";
import { observeRoute, type ServerContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { abortSchema, deployQuerystring, feedbackSchema, promoteSchema } from "./schemas.ts";

/** What promote and abort act on (`Registry` has both). */
export interface StrategyTarget {
  promote?(name: string, version?: string): Promise<StrategyOutcome>;
  abort?(name: string, reason?: string): Promise<StrategyOutcome>;
}

export function feedbackRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { name: string }; Body: { requestId: string; reward: number } }>(
    "/v1/models/:name/feedback",
    { schema: feedbackSchema, onResponse: observeRoute(ctx, "feedback") },
    (request) => {
      const { requestId, reward } = request.body;
      const { version } = ctx.strategies.feedback(request.params.name, requestId, reward);
      return { ok: true, model: request.params.name, version, requestId, reward };
    },
  );
}

/** Registered inside the admin scope (its bearer check runs first); `authorize` returns the registry. */
export function strategyAdminRoutes(app: FastifyInstance, ctx: ServerContext, authorize: (request: FastifyRequest) => StrategyTarget): void {
  const answer = (outcome: StrategyOutcome, kind: "promote" | "abort", path: string, value: unknown, reply: FastifyReply) => {
    ctx.metrics.deploy(kind, outcome.ok ? "ok" : "failed", "strategy");
    if (outcome.ok) return { ok: true, name: outcome.name, live: outcome.live, previous: outcome.previous, strategy: ctx.strategies.describe(outcome.name) };
    ctx.metrics.error(kind, outcome.code);
    const status = outcome.code === "REGISTRY_UNKNOWN_MODEL" || outcome.code === "REGISTRY_UNKNOWN_VERSION" ? 404 : 409;
    return reply.code(status).send({ code: outcome.code, message: outcome.reason, path, value });
  };
  const unsupported = (what: string): never => {
    throw new HttpError(501, { code: "STRATEGIES_UNSUPPORTED", message: `this server's registry cannot ${what}`, path: "/url" });
  };

  app.post<{ Params: { name: string }; Body: { version?: string } | undefined }>(
    "/v1/admin/models/:name/promote",
    { schema: promoteSchema, onResponse: observeRoute(ctx, "promote") },
    async (request, reply) => {
      const target = authorize(request);
      if (target.promote === undefined) return unsupported("promote");
      const version = request.body?.version;
      const outcome = await target.promote(request.params.name, version);
      return answer(outcome, "promote", version === undefined ? "/params/name" : "/body/version", version ?? request.params.name, reply);
    },
  );

  app.post<{ Params: { name: string }; Body: { reason?: string } | undefined }>(
    "/v1/admin/models/:name/abort",
    { schema: abortSchema, onResponse: observeRoute(ctx, "abort") },
    async (request, reply) => {
      const target = authorize(request);
      if (target.abort === undefined) return unsupported("abort");
      const outcome = await target.abort(request.params.name, request.body?.reason);
      return answer(outcome, "abort", "/params/name", request.params.name, reply);
    },
  );
}

const QUERY_KEYS = new Set(Object.keys(deployQuerystring.properties));
const CANARY_KEYS = ["share", "key", "maxErrorRate", "maxP99Ms", "minRequests"] as const;

export interface DeployQuery {
  strategy?: StrategySpec["kind"];
  share?: number;
  key?: string;
  maxErrorRate?: number;
  maxP99Ms?: number;
  minRequests?: number;
  algorithm?: "thompson" | "ucb1";
}

/**
 * The strategy a deploy's query asks for (types already checked by the route's schema), or
 * undefined for a plain deploy. A parameter that is unknown, or that does not apply to the
 * strategy (`share` without `strategy=canary`), is a 400 STRATEGY_OPTION_INVALID: a typo must
 * not deploy with defaults.
 */
export function strategyOfQuery(url: string, query: DeployQuery): StrategySpec | undefined {
  const q = url.indexOf("?");
  for (const key of new URLSearchParams(q < 0 ? "" : url.slice(q + 1)).keys()) {
    if (!QUERY_KEYS.has(key)) invalid(`unknown deploy parameter "${key}" (${[...QUERY_KEYS].join(", ")})`, key, key);
  }
  const kind = query.strategy ?? "single";
  for (const key of CANARY_KEYS) {
    if (query[key] !== undefined && kind !== "canary") invalid(`${key} applies to strategy=canary, not ${kind}`, key, query[key]);
  }
  if (query.algorithm !== undefined && kind !== "bandit") invalid(`algorithm applies to strategy=bandit, not ${kind}`, "algorithm", query.algorithm);
  switch (kind) {
    case "single":
      return query.strategy === undefined ? undefined : { kind };
    case "silent":
      return { kind };
    case "bandit":
      return { kind, ...(query.algorithm === undefined ? {} : { algorithm: query.algorithm }) };
    case "canary": {
      const thresholds = {
        ...(query.maxErrorRate === undefined ? {} : { maxErrorRate: query.maxErrorRate }),
        ...(query.maxP99Ms === undefined ? {} : { maxP99Ms: query.maxP99Ms }),
        ...(query.minRequests === undefined ? {} : { minRequests: query.minRequests }),
      };
      return {
        kind,
        ...(query.share === undefined ? {} : { share: query.share }),
        ...(query.key === undefined ? {} : { keyField: query.key }),
        ...(Object.keys(thresholds).length === 0 ? {} : { thresholds }),
      };
    }
  }
}

function invalid(message: string, key: string, value: unknown): never {
  throw new HttpError(400, { code: "STRATEGY_OPTION_INVALID", message, path: `/querystring/${key}`, value });
}
