import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { healthSchema } from "../schemas.ts";

/** `/healthz`, `/readyz`, `/metrics` (Prometheus text) and `/docs/json` (the OpenAPI document). */
export function operationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Liveness: the process answers. Nothing here may fail while the event loop turns.
  app.get("/healthz", { schema: healthSchema }, () => ({ status: "ok" }));

  // Readiness: take traffic. Off as soon as shutdown begins, so a balancer stops sending before the drain ends.
  app.get("/readyz", { schema: healthSchema }, () => {
    if (ctx.state.closing) throw new HttpError(503, { code: "SHUTTING_DOWN", message: "the server is draining its requests", path: "/readyz" });
    return { status: "ready", models: ctx.source.names().length };
  });

  app.get("/metrics", { schema: { summary: "Prometheus metrics", tags: ["operations"] } }, async (_request, reply) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get("/docs/json", { schema: { summary: "This OpenAPI document", tags: ["operations"] } }, () => app.swagger());
}
