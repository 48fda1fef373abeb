import type { FastifyReply, FastifyRequest } from "fastify";
import { HttpError } from "./errors.ts";
import type { RouteMetrics, ServerMetrics } from "./metrics.ts";
import type { Scorer, Scorers } from "./scorer.ts";
import type { LiveModel, ModelSource } from "./source.ts";
import type { StrategyPick, StrategyRouter } from "./strategies/router.ts";

/** Bounds on what one request may ask of the server. */
export interface RequestLimits {
  /** Most rows (or columnar batch length) in one score request. */
  maxRows: number;
  /** Longest line of an NDJSON stream, in characters; a longer line is one LINE_TOO_LONG error. */
  streamLineLength: number;
  /** Lines of a stream scored per batch call (and written per chunk of the answer). */
  streamChunkRows: number;
  /** Deepest nesting of a row's values (ROW_TOO_DEEP beyond). */
  rowDepth: number;
}

/** What the route modules share. */
export interface ServerContext {
  readonly source: ModelSource;
  readonly scorers: Scorers;
  readonly metrics: ServerMetrics;
  readonly limits: RequestLimits;
  /** Set when close() has begun: readyz answers 503. */
  readonly state: { closing: boolean };
  /** Deployment strategies: which version a score request goes to (silent, canary, bandit). */
  readonly strategies: StrategyRouter;
}

/** What a request tells the metrics when it is answered: whose route children, and how many rows it scored. */
export interface RequestRecord {
  metrics: RouteMetrics;
  rows: number;
  /** Set when a strategy routed the request: what its hooks count once it is answered. */
  pick?: StrategyPick;
}

declare module "fastify" {
  interface FastifyRequest {
    porta: RequestRecord | null;
  }
}

/**
 * The live model a request names, or a 404 MODEL_NOT_FOUND. Records the version's route
 * metrics on the request, so its answer is counted under the version that scored it.
 */
export function scorerFor(ctx: ServerContext, request: FastifyRequest, name: string, route: string): Scorer {
  const live: LiveModel | undefined = ctx.source.live(name);
  if (live === undefined) {
    throw new HttpError(404, { code: "MODEL_NOT_FOUND", message: `no live model named "${name}"`, path: "/params/name", value: name });
  }
  const scorer = ctx.scorers.of(live);
  request.porta = { metrics: scorer.metrics(route), rows: 0 };
  return scorer;
}

/**
 * An onResponse hook counting a route's answers and latency under the model version that
 * answered (under no model when none was resolved: a 404, a request refused before its handler).
 */
export function observeRoute(ctx: ServerContext, route: string): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  const unresolved = ctx.metrics.route(route);
  // The callback form: an async hook would cost a promise per request on the single-row path.
  return (request, reply, done) => {
    const record = request.porta;
    (record?.metrics ?? unresolved).observe(reply.elapsedTime / 1000, reply.statusCode, record?.rows ?? 0);
    done();
  };
}
