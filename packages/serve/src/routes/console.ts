import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * Where `npm run build` writes the console (packages/serve/console/build.ts): dist/console of this
 * package, the same folder from src/routes (tests, PORTA_SOURCE) and from dist/routes (installed).
 */
export const CONSOLE_DIR = join(import.meta.dirname, "..", "..", "dist", "console");

/**
 * The console's pages may run only their own script and style, talk only to this service, and be
 * framed by no other site: an injected `<script>` or inline handler does not run.
 */
export const CONSOLE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The built console's files by name, read once: a handful of small files. */
function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, type, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` });
  }
  return assets;
}

/**
 * `GET /` (the console's page) and `GET /console/:file` (its script and style). A server from a
 * source tree nobody built answers 503 CONSOLE_NOT_BUILT, naming the command; the API is
 * unaffected either way.
 */
export function consoleRoutes(app: FastifyInstance, dir = CONSOLE_DIR): void {
  const assets = readAssets(dir);
  const send = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    const asset = assets.get(name);
    if (asset === undefined) {
      // Answered here, not thrown: the typed body whatever fastify app the routes are registered on.
      const body =
        assets.size === 0
          ? { code: "CONSOLE_NOT_BUILT", message: `the web console is not built (no ${dir}): run npm run build`, path: "/url", value: request.url }
          : { code: "ROUTE_NOT_FOUND", message: `no console file ${name}`, path: "/url", value: request.url };
      return reply.code(assets.size === 0 ? 503 : 404).send(body);
    }
    reply
      .header("content-security-policy", CONSOLE_POLICY)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      // Revalidated each time (a rebuilt console is seen at once), answered 304 while unchanged.
      .header("cache-control", "no-cache")
      .header("etag", asset.etag)
      .type(asset.type);
    if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
    return reply.send(asset.body);
  };
  const hidden = { hide: true } as const;
  app.get("/", { schema: hidden }, (request, reply) => send(request, reply, "index.html"));
  app.get<{ Params: { file: string } }>("/console/:file", { schema: hidden }, (request, reply) => send(request, reply, request.params.file));
}
