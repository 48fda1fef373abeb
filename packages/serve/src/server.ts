import type { AddressInfo } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from "fastify";
import swagger from "@fastify/swagger";
import { DEFAULT_LIMITS } from "@porta/ir/limits";
import type { ServerContext, RequestLimits } from "./context.ts";
import { HttpError, echoValue, type ErrorBody } from "./errors.ts";
import { ServerMetrics } from "./metrics.ts";
import { errorSchema, rowErrorSchema } from "./schemas.ts";
import { Scorers, type ResultCacheOptions } from "./scorer.ts";
import type { ModelSource } from "./source.ts";
import { modelRoutes } from "./routes/models.ts";
import { operationRoutes } from "./routes/operations.ts";
import { scoreRoutes } from "./routes/score.ts";
import { streamRoutes } from "./routes/stream.ts";
import { adminRoutes, type DeployTarget } from "./routes/admin.ts";
import { consoleRoutes } from "./routes/console.ts";
import { insightRoutes } from "./routes/insight.ts";
import { StrategyRouter, type StrategyOptions } from "./strategies/router.ts";
import { feedbackRoutes } from "./strategies/routes.ts";
import { MAX_UPLOAD_BYTES } from "@porta/registry";

export interface ServeOptions {
  /** The models: a `DirectorySource`, the registry, or any `ModelSource`. The server does not close it. */
  source: ModelSource;
  /** Largest request body in bytes (score requests; a stream is bounded per line). Default 10 MiB. */
  bodyLimit?: number;
  /** Per-request bounds (rows per request, stream line length and chunk, row depth). */
  limits?: Partial<RequestLimits>;
  /** The result cache per model version: options, or false for none. Default: a local LRU of 10 000 entries. */
  cache?: ResultCacheOptions | false;
  /** How long close() waits for in-flight requests before cutting their connections (ms, default 10 000). */
  shutdownTimeoutMs?: number;
  /**
   * The admin API (deploy, rollback): the bearer token (`PORTA_ADMIN_TOKEN`) and the registry to
   * deploy into. Without both, every admin request is a 403 ADMIN_API_OFF.
   */
  admin?: { token?: string; target?: DeployTarget; uploadLimit?: number };
  /** The web console at `/` (default on; it reads the same API any client may). */
  console?: boolean;
  /** fastify's logger option (default off). */
  logger?: FastifyServerOptions["logger"];
  /** Deployment strategies (a source with `strategy(name)`, the registry): shadow log folder, seed, feedback window. */
  strategies?: StrategyOptions;
}

/** A running (or ready to run) scoring service. */
export interface PortaServer {
  /** The fastify instance: `inject()` for tests, hooks and routes for embedding. */
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  /** Listens (default 127.0.0.1, port 0: any free port) and resolves to the base URL. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Stops taking requests (readyz 503), lets in-flight ones finish (within shutdownTimeoutMs), closes the result caches. */
  close(): Promise<void>;
}

const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxRows: 100_000,
  streamLineLength: 1024 * 1024,
  streamChunkRows: 1024,
  rowDepth: DEFAULT_LIMITS.rowDepth,
};

/**
 * The scoring service on fastify: score, stream, model metadata, health, Prometheus metrics and
 * the OpenAPI document (`/docs/json`). Register the backends first (`import "porta"`); the
 * server scores whatever the source loaded.
 */
export async function createServer(options: ServeOptions): Promise<PortaServer> {
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
  const bodyLimit = options.bodyLimit ?? 10 * 1024 * 1024;
  const metrics = new ServerMetrics();
  const scorers = new Scorers(metrics, options.cache ?? {});
  const strategies = new StrategyRouter(options.source, metrics, options.cache ?? {}, options.strategies);
  const ctx: ServerContext = { source: options.source, scorers, metrics, limits, state: { closing: false }, strategies };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // `value` in validation errors: the typed error echoes what was refused.
    ajv: { customOptions: { verbose: true, allErrors: false } },
    return503OnClosing: true,
  });
  app.decorateRequest("porta", null);
  app.addSchema(errorSchema);
  app.addSchema(rowErrorSchema);
  await app.register(swagger, {
    openapi: {
      info: { title: "Porta scoring service", version: "1", description: "PMML and PFA models scored over HTTP." },
      tags: [
        { name: "scoring", description: "score rows, batches and NDJSON streams" },
        { name: "models", description: "what is served: versions, metadata, audit, fields" },
        { name: "operations", description: "health, readiness, metrics" },
        { name: "admin", description: "deploy and roll back (bearer PORTA_ADMIN_TOKEN)" },
      ],
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const { status, body } = answerOf(error, bodyLimit);
    const route = request.routeOptions.url ?? "unknown";
    metrics.error(routeName(route), body.code);
    if (status >= 500) request.log.error(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.error("unknown", "ROUTE_NOT_FOUND");
    return reply
      .code(404)
      .send({ code: "ROUTE_NOT_FOUND", message: `no route ${request.method} ${request.url.split("?")[0]}`, path: "/url", value: echoValue(request.url) });
  });

  // Scorers are made before the first request (a Redis cache connects meanwhile), and again as
  // soon as a live version changes: the old version's scorer and cached results go at once.
  const prepare = (name: string): void => {
    const live = options.source.live(name);
    if (live !== undefined) scorers.of(live);
  };
  for (const name of options.source.names()) prepare(name);
  const unsubscribe = options.source.onChange((change) => {
    scorers.invalidate(change.name);
    prepare(change.name);
  });

  await app.register(async (scope) => scoreRoutes(scope, ctx));
  await app.register(async (scope) => streamRoutes(scope, ctx));
  await app.register(async (scope) => modelRoutes(scope, ctx));
  await app.register(async (scope) => feedbackRoutes(scope, ctx));
  await app.register(async (scope) => operationRoutes(scope, ctx));
  await app.register(async (scope) => insightRoutes(scope, ctx));
  if (options.console !== false) await app.register(async (scope) => consoleRoutes(scope));
  await app.register(async (scope) =>
    adminRoutes(scope, ctx, {
      token: options.admin?.token,
      target: options.admin?.target,
      uploadLimit: Math.min(options.admin?.uploadLimit ?? 256 * 1024 * 1024, MAX_UPLOAD_BYTES),
    }),
  );

  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  let closing: Promise<void> | undefined;
  return {
    app,
    metrics,
    async listen({ port = 0, host = "127.0.0.1" } = {}) {
      await app.listen({ port, host });
      const address = app.server.address() as AddressInfo;
      const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return `http://${shown}:${address.port}`;
    },
    close() {
      closing ??= (async () => {
        ctx.state.closing = true;
        unsubscribe();
        // fastify's close stops accepting, answers 503 to new requests on open connections and
        // waits for the in-flight ones; past the timeout their connections are cut.
        const cut = setTimeout(() => app.server.closeAllConnections(), shutdownTimeoutMs);
        cut.unref();
        // A kept-alive connection whose request finishes during the drain would hold close()
        // until its keep-alive timeout: close connections as they fall idle.
        const idle = setInterval(() => app.server.closeIdleConnections(), 50);
        idle.unref();
        try {
          await app.close();
        } finally {
          clearTimeout(cut);
          clearInterval(idle);
          await scorers.close();
          await strategies.close();
        }
      })();
      return closing;
    },
  };
}

/** The status and typed body of anything a handler or fastify threw. */
function answerOf(error: FastifyError | HttpError, bodyLimit: number): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) return { status: error.status, body: error.body };
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0]!;
    const where = error.validationContext ?? "body";
    const pointer = `/${where}${first.instancePath}`;
    const missing = (first.params as { missingProperty?: string }).missingProperty;
    return {
      status: 400,
      body: {
        code: "REQUEST_INVALID",
        message: `${pointer} ${first.message ?? "is invalid"}`,
        path: missing === undefined ? pointer : `${pointer}/${missing}`,
        value: echoValue((first as { data?: unknown }).data),
      },
    };
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        status: 413,
        body: { code: "BODY_TOO_LARGE", message: `the body is larger than ${bodyLimit} bytes (option bodyLimit)`, path: "/body", value: bodyLimit },
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, body: { code: "MEDIA_TYPE_UNSUPPORTED", message: error.message, path: "/headers/content-type" } };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return { status: 400, body: { code: "BODY_MALFORMED", message: `the body is not JSON: ${error.message}`, path: "/body" } };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, body: { code: "BODY_EMPTY", message: "the body is empty", path: "/body" } };
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return { status: 400, body: { code: "CONTENT_LENGTH_INVALID", message: error.message, path: "/headers/content-length" } };
  }
  const status = error.statusCode ?? 500;
  if (status === 400 && error instanceof SyntaxError) {
    return { status: 400, body: { code: "BODY_MALFORMED", message: `the body is not JSON: ${error.message}`, path: "/body" } };
  }
  if (status < 500) return { status, body: { code: error.code ?? "REQUEST_INVALID", message: error.message, path: "/" } };
  return { status: 500, body: { code: "INTERNAL", message: "internal error (see the server log)", path: "/" } };
}

/** A route pattern as its metrics label: `/v1/models/:name/score` → `score`. */
function routeName(url: string): string {
  if (url.endsWith("/score")) return "score";
  if (url.endsWith("/stream")) return "stream";
  if (url.endsWith("/feedback")) return "feedback";
  if (url.startsWith("/v1/admin")) return /\/(rollback|promote|abort)$/.exec(url)?.[1] ?? "deploy";
  if (url.startsWith("/v1/models")) return url.includes("versions") ? "version" : url === "/v1/models" ? "models" : "model";
  return url;
}
