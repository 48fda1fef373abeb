/**
 * The layering rule: a package imports only packages of lower layers, its tests included.
 *
 *   ir ← pmml ← backend, cache ← pfa ← compile-js, compile-gpu, interp, onnx ← runtime ← model-package ← registry ← serve ← cli (`porta`)
 *
 * Formats sit below backends (a backend's tests may parse PMML); pfa is a format and a backend
 * (the PFA engine registers as backend "pfa", so it imports backend), and sits below the IR
 * backends: a PFA program lowered into the IR calls PFA's function library and Avro value
 * runtime (`@porta/pfa/runtime`), which compile-js links into its code; cache knows only ir and the
 * runtime uses it. Packages of one layer do not import each other, and the runtime, model-package
 * and registry import no backend (EXCLUDED: backends register themselves; the cli imports them). Every import is checked:
 * `@porta/NAME…` and `porta…` specifiers, static, dynamic and `export … from`, and relative paths
 * that lead into another package's folder, or into test/ and bench/, which sit above everything.
 *
 *   npx tsx scripts/check-layers.ts      # one line per back edge and exit 1, or a one-line summary
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** Package folders, lowest layer first. */
export const LAYERS: readonly (readonly string[])[] = [
  ["ir"],
  ["pmml"],
  ["backend", "cache"],
  ["pfa"],
  ["compile-js", "compile-gpu", "interp", "onnx"],
  ["runtime"],
  ["model-package"],
  ["registry"],
  ["serve"],
  ["cli"],
];

/** Lower packages a package still may not import: the runtime, model-package and registry name no backend (each registers itself; cli imports them). */
export const EXCLUDED: Readonly<Record<string, readonly string[]>> = {
  runtime: ["pfa", "compile-js", "compile-gpu", "interp", "onnx"],
  "model-package": ["pfa", "compile-js", "compile-gpu", "interp", "onnx"],
  registry: ["pfa", "compile-js", "compile-gpu", "interp", "onnx"],
  serve: ["pfa", "compile-js", "compile-gpu", "interp", "onnx"],
};

/** Each package folder → the packages it may import: those of every lower layer, less its exclusions. */
export function allowedImports(layers: readonly (readonly string[])[] = LAYERS, excluded = EXCLUDED): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  layers.forEach((layer, i) => {
    for (const name of layer)
      out[name] = layers
        .slice(0, i)
        .flat()
        .filter((p) => !excluded[name]?.includes(p));
  });
  return out;
}

export const ALLOWED: Readonly<Record<string, readonly string[]>> = allowedImports();

/** npm name of a package folder: `porta` is packages/cli. */
const FOLDER_OF_NAME: Readonly<Record<string, string>> = { porta: "cli" };

export interface SourceFile {
  /** Path relative to the repository root, `/`-separated. */
  path: string;
  text: string;
}

export interface LayerViolation {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

/** The package folder a repository path lies in (`packages/ir/src/x.ts` → "ir"), if any. */
export function packageOfPath(path: string): string | undefined {
  const m = /^packages\/([^/]+)\//.exec(path);
  return m ? m[1] : undefined;
}

/** The package an import specifier of `file` names: a workspace package name, or a relative path into a package folder (or into test/ or bench/). */
export function packageOfImport(file: string, specifier: string): string | undefined {
  if (specifier.startsWith(".")) {
    const target = relative(".", join(dirname(file), specifier))
      .split(sep)
      .join("/");
    // test/ and bench/ sit above every package: a package reaching into them is a back edge too.
    return packageOfPath(target) ?? /^(test|bench)\//.exec(target)?.[1];
  }
  const m = /^(@porta\/([^/]+)|porta)(\/|$)/.exec(specifier);
  if (!m) return undefined;
  return m[2] ?? FOLDER_OF_NAME[m[1]!];
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * Back edges that exist today, as "file -> package": backend packages' tests that compare backends
 * through the runtime's Model, and a compile-js benchmark on bench/'s corpus reader (to be moved
 * to test/ and bench/, which sit above everything). Any other back
 * edge fails the check; test/layering.test.ts fails on an entry here that no longer exists, so the
 * list only shrinks.
 */
export const KNOWN_BACK_EDGES: readonly string[] = [
  "packages/compile-js/bench/exact-exp.bench.ts -> runtime",
  "packages/compile-js/bench/exact-exp.bench.ts -> bench",
  "packages/compile-js/src/exp-sites.test.ts -> runtime",
  "packages/compile-js/src/expressions.test.ts -> runtime",
  "packages/compile-js/src/families/same-answers.test-helper.ts -> runtime",
  "packages/compile-js/src/ordinal.test.ts -> runtime",
  "packages/compile-js/src/outputs.test.ts -> runtime",
  "packages/onnx/src/agreement.test-helper.ts -> runtime",
  "packages/pfa/src/budgets.test.ts -> runtime",
];

export const edgeKey = (v: Pick<LayerViolation, "file" | "to">): string => `${v.file} -> ${v.to}`;

/** Imports that go against `allowed` (ALLOWED); a package missing from it may import nothing. */
export function layerViolations(files: readonly SourceFile[], allowed: Readonly<Record<string, readonly string[]>> = ALLOWED): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const file of files) {
    const from = packageOfPath(file.path);
    if (from === undefined) continue;
    for (const specifier of importsOf(file.text)) {
      const to = packageOfImport(file.path, specifier);
      if (to === undefined || to === from) continue;
      if (!allowed[from]?.includes(to)) out.push({ file: file.path, specifier, from, to });
    }
  }
  return out;
}

/** The TypeScript and JavaScript sources of every package (src, tests, bin), relative to `root`. */
export function packageSources(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist") continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|mjs|js)$/.test(entry.name)) files.push({ path: relative(root, full).split(sep).join("/"), text: readFileSync(full, "utf8") });
    }
  };
  walk(join(root, "packages"));
  return files;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  // The repository root: this script's parent, or the first argument (the tests plant back edges in a copy).
  const root = process.argv[2] ?? join(import.meta.dirname, "..");
  const started = performance.now();
  const files = packageSources(root);
  const unknown = [...new Set(files.map((f) => packageOfPath(f.path)!))].filter((p) => !(p in ALLOWED));
  const known = new Set(KNOWN_BACK_EDGES);
  const violations = layerViolations(files).filter((v) => !known.has(edgeKey(v)));
  for (const p of unknown) process.stderr.write(`layers: packages/${p} has no layer: add it to LAYERS in scripts/check-layers.ts\n`);
  for (const v of violations) {
    process.stderr.write(
      `layers: ${v.file} imports "${v.specifier}": ${v.from} may not depend on ${v.to} (it may import: ${ALLOWED[v.from]?.join(", ") || "nothing"})\n`,
    );
  }
  const ms = (performance.now() - started).toFixed(0);
  if (violations.length > 0 || unknown.length > 0) process.exit(1);
  process.stdout.write(`layers: ${files.length} files, no back edge beyond the ${known.size} known ones (${ms} ms)\n`);
}
