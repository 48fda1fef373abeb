/**
 * Writes packages/cli/dist/main.bundle.cjs, the front of the `porta` command: dist/main.js and its
 * static imports (the command definitions, commander, `@porta/ir/limits`) in one CommonJS file,
 * which the bin (packages/cli/bin/porta.cjs) requires. Every dynamic import stays an `import()` of
 * the built module, so a command still loads its own modules only when it runs (issue 13).
 *
 * Why: `porta --help` spent ~40 ms above a bare `node -e 0`, mostly in Node 20's ESM loader
 * (resolving, reading and linking each module, the loader's own start-up) and commander's seven
 * `require`s; one CommonJS file read by a CommonJS bin skips both. The modules stay built by tsc,
 * one per source (README "Build and packages"); this file is a second, derived output.
 *
 *   npm run build       # tsc -b tsconfig.build.json, then this script
 *
 * The bundle records its inputs (package, path); the bin runs it only when no input is newer than
 * it, and otherwise imports dist/main.js: a dist/ rebuilt by `tsc -b` alone (watch mode) never runs
 * an old bundle.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { build, type Plugin } from "esbuild";

const ROOT = join(import.meta.dirname, "..");
const DIST = join(ROOT, "packages", "cli", "dist");
export const BUNDLE = join(DIST, "main.bundle.cjs");
/** The bundle's entry, written here and named as if in dist/ (no such file). */
const ENTRY = "main.bundle.js";

const COMMANDER_LICENSE = readFileSync(join(ROOT, "node_modules", "commander", "LICENSE"), "utf8")
  .trim()
  .split("\n");

/** An input of the bundle as the bin finds it again: a package name and a path in that package. */
export type BundleInput = [pkg: string, path: string];

/**
 * `import()` stays `import()` of the built module, resolved from dist/ as before: only a module of
 * dist/ itself may import lazily, so that the relative specifier means the same from the bundle.
 */
const lazyImports: Plugin = {
  name: "lazy-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      if (args.path.startsWith(".") && dirname(args.importer) !== DIST) {
        return { errors: [{ text: `${args.importer}: a relative import() outside packages/cli/dist would resolve from the wrong folder in the bundle` }] };
      }
      return { path: args.path, external: true };
    });
  },
};

/**
 * commander requires child_process when it loads, for executable subcommands (`.command(name,
 * description)` running `porta-name`), which porta never declares; loading it (and net, streams,
 * …) is ~15% of `porta --help`. In the bundle commander gets it on first use instead.
 */
const lazyChildProcess: Plugin = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.split(/[\\/]/).includes("commander") ? { path: "child_process", namespace: "lazy-child-process" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });`,
      loader: "js",
    }));
  },
};

/** The package holding `file` (the nearest package.json): its name and folder. */
function packageOf(file: string): { name: string; root: string } {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    let text: string;
    try {
      text = readFileSync(join(dir, "package.json"), "utf8");
    } catch {
      continue;
    }
    return { name: (JSON.parse(text) as { name: string }).name, root: dir };
  }
  throw new Error(`${file}: in no package`);
}

/** Bundles the front; `inputs` is what the bundle records for the bin's freshness check. */
async function bundle(inputs: BundleInput[]) {
  return build({
    stdin: {
      contents: `export { main } from "./main.js";\nexport const inputs = ${JSON.stringify(inputs)};\n`,
      resolveDir: DIST,
      sourcefile: ENTRY,
      loader: "js",
    },
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    plugins: [lazyImports, lazyChildProcess],
    outfile: BUNDLE,
    sourcemap: "linked",
    // No comments and no line breaks: the file is then ASCII only (esbuild escapes the rest), which
    // V8 scans as one-byte text; one "–" left in a comment made it two-byte (4% of the start-up).
    minifyWhitespace: true,
    // commander's licence (MIT) asks for its notice in every copy.
    banner: { js: `/*\n * Bundled here: commander, under this licence:\n *\n${COMMANDER_LICENSE.map((l) => ` * ${l}`.trimEnd()).join("\n")}\n */` },
    metafile: true,
    write: false,
    logLevel: "warning",
  });
}

export async function bundleCliFront(): Promise<BundleInput[]> {
  // First pass for the inputs, which the second writes into the entry (a list adds no import).
  const probe = await bundle([]);
  const inputs: BundleInput[] = Object.keys(probe.metafile.inputs)
    // Not files: the entry and "lazy-child-process:…"; third-party code (commander) is pinned by the lockfile, not rebuilt.
    .filter((p) => !p.startsWith("lazy-child-process:") && resolve(ROOT, p) !== join(DIST, ENTRY) && !p.split(/[\\/]/).includes("node_modules"))
    .map((p) => {
      const file = resolve(ROOT, p);
      const { name, root } = packageOf(file);
      return [name, relative(root, file).split(sep).join("/")];
    });
  const out = await bundle(inputs);
  // Written beside and renamed: a `porta` started meanwhile reads the old file or the new one, never half of one.
  for (const file of out.outputFiles!) {
    writeFileSync(`${file.path}.tmp`, file.contents);
    renameSync(`${file.path}.tmp`, file.path);
  }
  return inputs;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const inputs = await bundleCliFront();
  process.stdout.write(`wrote ${relative(ROOT, BUNDLE)} (${inputs.map(([pkg, path]) => `${pkg}/${path}`).join(", ")} and commander)\n`);
}
