/**
 * Builds the web console that `porta serve` answers at `/` (src/routes/console.ts) into
 * packages/serve/dist/console/: index.html, console.js (app.ts, uPlot and csv-parse bundled by
 * esbuild: the page loads nothing from another site) and console.css. Part of `npm run build`;
 * dist/ is published, so an installed `porta serve` has its console.
 *
 *   npx tsx packages/serve/console/build.ts [OUT_DIR]
 *
 * Each file is written beside and renamed, so a server reading the folder meanwhile (a test that
 * builds while `npm run build` runs) never reads half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const HERE = import.meta.dirname;
export const CONSOLE_DIST = join(HERE, "..", "dist", "console");

/** uPlot's licence (MIT) asks for its notice in every copy; its header comment is not kept by esbuild. */
function licenceBanner(): string {
  const licence = readFileSync(join(HERE, "..", "..", "..", "node_modules", "uplot", "LICENSE"), "utf8")
    .trim()
    .split("\n");
  return `/*\n * Porta web console. Bundled here: uPlot (https://github.com/leeoniya/uPlot), under this licence:\n *\n${licence.map((l) => ` * ${l}`.trimEnd()).join("\n")}\n *\n * and csv-parse (MIT, https://csv.js.org/parse/).\n */`;
}

/** Writes the console into `out` (default: dist/console) and returns the files written. */
export async function buildConsole(out = CONSOLE_DIST): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { console: join(HERE, "app.ts") },
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    banner: { js: licenceBanner() },
    write: false,
    logLevel: "warning",
  });
  const written: string[] = [];
  // A temporary name of this process's own: two builds at once (a test and npm run build) never write one file.
  const put = (path: string, contents: Uint8Array | string) => {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, path);
    written.push(path);
  };
  // console.js, and console.css from the CSS the entry imports (the page's and uPlot's).
  for (const file of result.outputFiles) put(file.path, file.contents);
  put(join(out, "index.html"), readFileSync(join(HERE, "index.html")));
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await buildConsole(process.argv[2]);
  process.stdout.write(`wrote ${files.map((f) => relative(process.cwd(), f)).join(", ")}\n`);
}
