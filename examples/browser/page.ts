/**
 * The demo page for a test or a script: its bundle written into a folder beside the model
 * modules, and a loopback HTTP server for that folder (a page cannot import modules from file:).
 */
import { copyFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { build } from "esbuild";

const HERE = import.meta.dirname;

/** Writes the page into `dir`: app.js, bundled from app.ts, and index.html where `dir` is not this folder. */
export async function buildPage(dir: string): Promise<void> {
  await build({
    entryPoints: [join(HERE, "app.ts")],
    outfile: join(dir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    logLevel: "silent",
  });
  if (resolve(dir) !== HERE) copyFileSync(join(HERE, "index.html"), join(dir, "index.html"));
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};

/** Serves the files of `dir` on 127.0.0.1 at `port` (0: a free one); `close` stops it. */
export async function servePage(dir: string, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    try {
      const path = resolve(root, `.${decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)}`);
      const file = path === root ? join(root, "index.html") : path;
      // Only files inside the folder, and only the kinds the page loads.
      const type = TYPES[extname(file)];
      if (!file.startsWith(root + sep) || type === undefined) throw new Error("not served");
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(readFileSync(file));
    } catch {
      // A malformed path, a file outside the folder or of another kind, or none there.
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done, fail) => server.once("error", fail).listen(port, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((done, fail) => server.close((e) => (e ? fail(e) : done()))),
  };
}
