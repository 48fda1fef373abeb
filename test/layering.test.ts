/**
 * The layering rule (scripts/check-layers.ts): the real tree has no back edge beyond the known
 * ones, and a planted back edge, of every import form, is caught. Planted files live in memory or
 * in a temporary copy; the real tree is never modified.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ALLOWED,
  KNOWN_BACK_EDGES,
  LAYERS,
  edgeKey,
  importsOf,
  layerViolations,
  packageOfImport,
  packageSources,
  type SourceFile,
} from "../scripts/check-layers.ts";
import { ROOT } from "./porta-cli.ts";

describe("layering: ir ← pmml ← backend, cache ← pfa, compile-js, compile-gpu, interp, onnx ← runtime ← model-package ← registry ← serve ← cli", () => {
  const files = packageSources(ROOT);

  it("every package folder has a layer, and the real tree has no back edge beyond the known ones", () => {
    const packages = new Set(files.map((f) => f.path.split("/")[1]!));
    expect([...packages].filter((p) => !LAYERS.flat().includes(p))).toEqual([]);
    const known = new Set(KNOWN_BACK_EDGES);
    expect(layerViolations(files).filter((v) => !known.has(edgeKey(v)))).toEqual([]);
  });

  it("each known back edge still exists (a moved test leaves the list)", () => {
    const seen = new Set(layerViolations(files).map(edgeKey));
    expect(KNOWN_BACK_EDGES.filter((k) => !seen.has(k))).toEqual([]);
  });

  it("ir imports nothing of Porta; the runtime names no backend; cli may import every other package", () => {
    expect(ALLOWED.ir).toEqual([]);
    expect([...ALLOWED.cli!].sort()).toEqual(
      LAYERS.flat()
        .filter((p) => p !== "cli")
        .sort(),
    );
    expect(ALLOWED.runtime).toEqual(["ir", "pmml", "backend", "cache"]);
    expect(ALLOWED.onnx).not.toContain("compile-js");
  });

  it("a planted back edge is caught in every import form, tests included", () => {
    const planted: SourceFile[] = [
      { path: "packages/ir/src/planted.ts", text: 'import { parsePmml } from "@porta/pmml";\n' },
      { path: "packages/ir/src/planted.test.ts", text: 'const m = await import("@porta/onnx");\n' },
      { path: "packages/ir/src/interpret/planted.ts", text: 'export { registerBackend } from "../../../backend/src/backend.ts";\n' },
      { path: "packages/runtime/src/planted.ts", text: 'import type { Command } from "porta/chart";\n' },
      { path: "packages/compile-js/src/planted.ts", text: 'import "@porta/onnx";\n' },
      { path: "packages/pmml/src/planted.test.ts", text: 'import { porta } from "../../../test/porta-cli.ts";\n' },
    ];
    expect(layerViolations(planted).map((v) => [v.file, v.to])).toEqual([
      ["packages/ir/src/planted.ts", "pmml"],
      ["packages/ir/src/planted.test.ts", "onnx"],
      ["packages/ir/src/interpret/planted.ts", "backend"],
      ["packages/runtime/src/planted.ts", "cli"],
      ["packages/compile-js/src/planted.ts", "onnx"],
      ["packages/pmml/src/planted.test.ts", "test"],
    ]);
  });

  it("downward imports, a package's own files and third-party packages pass", () => {
    const fine: SourceFile[] = [
      { path: "packages/pmml/src/a.ts", text: 'import { ParseError } from "@porta/ir";\nimport { b } from "./b.ts";\n' },
      { path: "packages/cli/src/a.ts", text: 'import "@porta/onnx";\nimport { Command } from "commander";\nimport "../../runtime/src/load.ts";\n' },
      { path: "packages/ir/src/a.ts", text: 'import { readFileSync } from "node:fs";\nimport "porta-not-ours";\n' },
    ];
    expect(layerViolations(fine)).toEqual([]);
    expect(packageOfImport("packages/ir/src/a.ts", "porta-not-ours")).toBeUndefined();
    expect(importsOf('export * from "@porta/ir";\nconst x = require("@porta/pmml");')).toEqual(["@porta/ir", "@porta/pmml"]);
  });

  it("the command exits 1 naming the file and the edge when a copy of a tree holds a back edge", () => {
    const root = mkdtempSync(join(tmpdir(), "porta-layers-"));
    try {
      const plant = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      plant("packages/ir/src/index.ts", 'export { parsePmml } from "@porta/pmml";\n');
      plant("packages/pmml/src/index.ts", 'export * from "@porta/ir";\n');
      const run = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "check-layers.ts"), root], { encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('layers: packages/ir/src/index.ts imports "@porta/pmml": ir may not depend on pmml (it may import: nothing)');
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
