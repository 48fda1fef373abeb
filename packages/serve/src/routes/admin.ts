import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PackageVerification } from "@porta/model-package";
import type { DeployOptions, DeployOutcome, RollbackOutcome } from "@porta/registry";
import { observeRoute, type ServerContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { deploySchema, rollbackSchema } from "../schemas.ts";
import { type DeployQuery, type StrategyTarget, strategyAdminRoutes, strategyOfQuery } from "../strategies/routes.ts";

/** What the admin API acts on: the registry (`Registry` satisfies it). */
export interface DeployTarget extends StrategyTarget {
  /** `options.strategy`: deployed beside the live version (silent, canary, bandit) instead of replacing it. */
  deploy(source: Uint8Array, options?: DeployOptions): Promise<DeployOutcome>;
  rollback(name: string, version?: string): Promise<RollbackOutcome>;
}

export interface AdminOptions {
  /** The bearer token every admin request must carry (`PORTA_ADMIN_TOKEN`). Without one the admin API is off. */
  token?: string;
  target?: DeployTarget;
  /** Largest uploaded package, bytes. */
  uploadLimit: number;
}

/** Media types of an uploaded package (.tgz or .tar). */
const PACKAGE_TYPES = ["application/gzip", "application/x-gzip", "application/octet-stream", "application/x-tar"];

/**
 * `POST /v1/admin/deploy` (the package .tgz as the body) and `POST /v1/admin/models/:name/rollback`
 * (`{version?}`). Both want `Authorization: Bearer <token>`; with no token configured, or no
 * registry to deploy into, every admin request is a 403 ADMIN_API_OFF.
 */
export function adminRoutes(app: FastifyInstance, ctx: ServerContext, options: AdminOptions): void {
  const expected = options.token ? digest(options.token) : undefined;
  const target = options.target;
  app.addContentTypeParser(PACKAGE_TYPES, { parseAs: "buffer", bodyLimit: options.uploadLimit }, (_request, body, done) => done(null, body));

  const authorize = (request: FastifyRequest): DeployTarget => {
    if (expected === undefined || target === undefined) {
      throw new HttpError(403, {
        code: "ADMIN_API_OFF",
        message:
          target === undefined
            ? "this server serves a fixed folder: nothing to deploy into"
            : "the admin API is off: start the server with PORTA_ADMIN_TOKEN set",
        path: "/headers/authorization",
      });
    }
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
    // Compared as digests, in constant time: neither the length nor a prefix of the token leaks.
    if (token === undefined || !timingSafeEqual(digest(token), expected)) {
      throw new HttpError(401, {
        code: "UNAUTHORIZED",
        message: token === undefined ? "an admin request needs Authorization: Bearer <PORTA_ADMIN_TOKEN>" : "wrong admin token",
        path: "/headers/authorization",
      });
    }
    return target;
  };

  // Before the body is read: an upload without the token is refused, not buffered first.
  app.addHook("onRequest", (request, _reply, done) => {
    authorize(request);
    done();
  });

  app.post<{ Body: Buffer }>("/v1/admin/deploy", { schema: deploySchema, onResponse: observeRoute(ctx, "deploy") }, async (request, reply) => {
    const registry = authorize(request);
    const strategy = strategyOfQuery(request.url, request.query as DeployQuery);
    if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
      throw new HttpError(400, { code: "BODY_EMPTY", message: "the body must be the package .tgz", path: "/body" });
    }
    const outcome = await registry.deploy(request.body, strategy === undefined ? undefined : { strategy });
    ctx.metrics.deploy("deploy", outcome.ok ? "ok" : "failed", outcome.ok ? "switch" : outcome.stage);
    if (outcome.ok) {
      return {
        ok: true,
        name: outcome.name,
        version: outcome.version,
        previous: outcome.previous,
        switched: outcome.switched,
        verification: summary(outcome.report),
        strategy: outcome.strategy === undefined ? undefined : ctx.strategies.describe(outcome.name),
      };
    }
    ctx.metrics.error("deploy", outcome.code);
    return reply.code(422).send({
      ok: false,
      code: outcome.code,
      message: outcome.reason,
      path: `/deploy/${outcome.stage}`,
      value: outcome.version,
      stage: outcome.stage,
      name: outcome.name,
      version: outcome.version,
      problems: outcome.problems,
      verification: outcome.report ? summary(outcome.report) : undefined,
    });
  });

  strategyAdminRoutes(app, ctx, authorize);

  app.post<{ Params: { name: string }; Body: { version?: string } | undefined }>(
    "/v1/admin/models/:name/rollback",
    { schema: rollbackSchema, onResponse: observeRoute(ctx, "rollback") },
    async (request, reply) => {
      const registry = authorize(request);
      const version = request.body?.version;
      const outcome = await registry.rollback(request.params.name, version);
      ctx.metrics.deploy("rollback", outcome.ok ? "ok" : "failed", "switch");
      if (outcome.ok) return { ok: true, name: outcome.name, version: outcome.version, previous: outcome.previous };
      ctx.metrics.error("rollback", outcome.code);
      const status = outcome.code === "REGISTRY_UNKNOWN_MODEL" || outcome.code === "REGISTRY_UNKNOWN_VERSION" ? 404 : 409;
      return reply.code(status).send({
        ok: false,
        code: outcome.code,
        message: outcome.reason,
        path: version === undefined ? "/params/name" : "/body/version",
        value: version ?? outcome.name,
      });
    },
  );
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** What the verification showed, without the rows: counts, the first failures, the confidence metric. */
function summary(report: PackageVerification): object {
  const e2e = report.endToEnd;
  const c = report.confidence;
  return {
    backend: report.backend,
    endToEnd: e2e ? { file: e2e.file, rows: e2e.rows, passed: e2e.passed, failures: e2e.failures.slice(0, 10) } : undefined,
    confidence: c ? { file: c.file, metric: c.metric, value: c.value, range: c.range, ok: c.ok } : undefined,
    problems: report.problems,
  };
}
