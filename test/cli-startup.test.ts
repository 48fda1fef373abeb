/**
 * Start-up guard (issue 13): the modules each `porta` path loads, in fresh processes. `--help`
 * loads the command line only; a repeat `porta score` (the artifact cache warm) restores the
 * compiled kernel without the PMML reader, the IR's index, the interpreter or any compiler, and
 * loads a helper's module (category tables, which evaluate through the interpreter) only when
 * the artifact calls it. Timings are in bench/suites/cli.ts; this checks what is loaded.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { modulesLoadedByPorta } from "../packages/cli/src/loaded-modules.test-helper.ts";

const ROOT = join(import.meta.dirname, "..");
const IRIS = ["score", join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), "--input", join(ROOT, "fixtures", "pmml", "iris.csv")];

/** Modules that no start-up path below needs: the formats, the other backends, Arrow, the progress bar. */
const NEVER = /\/packages\/(pmml|pfa|onnx|interp)\/|onnxruntime|apache-arrow|cli-progress|fast-xml-parser|js-yaml/;
/** What compiling needs and restoring does not: the IR's index (and through it the interpreter and regexes), the compilers. */
const COMPILER =
  /\/packages\/ir\/src\/(index|interpret\/expression|lower\/index)\.ts|\/packages\/compile-js\/src\/(backend|compile|expressions|category-tables)\.ts|\/re2js\//;

const dir = mkdtempSync(join(tmpdir(), "porta-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `porta ARGS…` with its own artifact cache folder. */
const porta = (args: string[], cache: string) => modulesLoadedByPorta(args, { PORTA_CACHE_DIR: join(dir, cache) });
const matching = (loaded: string[], pattern: RegExp) => loaded.filter((u) => pattern.test(u));

describe("porta start-up loads only what the command uses (issue 13)", () => {
  it("--help loads the command line: no runtime, backend, IR index, reader or Arrow", async () => {
    const { loaded, stdout } = await porta(["--help"], "help");
    expect(stdout).toMatch(/^Usage: porta/);
    expect(loaded.some((u) => u.endsWith("/packages/cli/src/main.ts"))).toBe(true); // the probe works
    expect(
      matching(loaded, /\/packages\/(?!cli\/src\/(main|formats|exit-codes)\.ts|ir\/src\/limits\.ts)[^/]+\/|apache-arrow|cli-progress|onnxruntime/),
    ).toEqual([]);
    // commander is the one dependency: these modules are what the built bin's front bundle holds (scripts/bundle-cli-front.ts).
    expect(matching(loaded, /\/node_modules\//).map((u) => u.replace(/.*\/node_modules\//, ""))).toEqual(["commander/esm.mjs", "commander/index.js"]);
  });

  it("score with the artifact cache warm restores the kernel: no PMML reader, IR index, interpreter or compiler", async () => {
    const cold = await porta(IRIS, "iris");
    expect(matching(cold.loaded, /\/packages\/pmml\/src\/index\.ts/)).toHaveLength(1); // a miss parses and compiles
    const warm = await porta(IRIS, "iris");
    expect(warm.stdout).toBe(cold.stdout);
    expect(matching(warm.loaded, /\/packages\/compile-js\/src\/restore\.ts/)).toHaveLength(1);
    expect(matching(warm.loaded, NEVER)).toEqual([]);
    expect(matching(warm.loaded, COMPILER)).toEqual([]);
    expect(matching(warm.loaded, /lru-cache|ioredis|\/packages\/cache\/src\/(index|result-cache|redis-cache)\.ts/)).toEqual([]);
  });

  it("an artifact that calls a category table loads that helper's module on restore, and scores as compiled", async () => {
    // uppercase(z) is evaluated per category by the interpreter's evaluateExpr (category-tables.ts).
    const model = join(dir, "upper.pmml");
    writeFileSync(
      model,
      `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="z" optype="categorical" dataType="string"/><DataField name="r" optype="continuous" dataType="double"/></DataDictionary>
<TransformationDictionary><DerivedField name="s" optype="categorical" dataType="string"><Apply function="uppercase"><FieldRef field="z"/></Apply></DerivedField></TransformationDictionary>
<RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>
<RegressionTable intercept="0.5"><NumericPredictor name="x" coefficient="2"/><CategoricalPredictor name="s" value="B" coefficient="100"/></RegressionTable></RegressionModel></PMML>`,
    );
    const rows = join(dir, "upper.csv");
    writeFileSync(rows, "x,z\n1,a\n2,b\n3,B\n4,\n");
    const args = ["score", model, "--input", rows, "--backend", "js"];
    const cold = await porta(args, "upper");
    const warm = await porta(args, "upper");
    expect(cold.stdout.trim().split("\n")).toEqual(["r", "2.5", "104.5", "106.5", "8.5"]);
    expect(warm.stdout).toBe(cold.stdout);
    expect(matching(warm.loaded, /\/packages\/compile-js\/src\/category-tables\.ts/)).toHaveLength(1);
    expect(matching(warm.loaded, NEVER)).toEqual([]);
    expect(matching(warm.loaded, /\/packages\/compile-js\/src\/(backend|compile|expressions)\.ts/)).toEqual([]);
  });
});
