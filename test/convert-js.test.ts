import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadModel } from "@porta/runtime";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";

const run = promisify(execFile);

/** CSV rows as objects of texts (the fixtures have no quoting; an empty cell is absent). */
function csvRows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const names = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").flatMap((cell, i) => (cell === "" ? [] : [[names[i], cell]]))));
}

/** Converts a model to a standalone module in a folder of its own, outside the repository (no node_modules to find). */
async function convertToModule(model: string): Promise<{ dir: string; file: (name: string, content: string) => string }> {
  const temp = tempFiles("porta-standalone-");
  const result = await porta("convert", model, "--to", "js", "-o", join(temp.dir, "model.mjs"));
  expect(result.code, result.stderr).toBe(0);
  return temp;
}

/** Runs a script beside the module in a fresh Node process; returns its JSON output. */
async function runBeside(temp: { dir: string; file: (name: string, content: string) => string }, script: string): Promise<unknown> {
  const path = temp.file("use.mjs", script);
  const { stdout } = await run(process.execPath, [path], { cwd: temp.dir, maxBuffer: 1 << 26 });
  return JSON.parse(stdout);
}

/** The model's module scores `rows` one by one as the model loaded with compile-js scores the batch. */
async function expectModuleScoresAsJs(model: string, rows: Record<string, unknown>[]): Promise<void> {
  const temp = await convertToModule(model);
  temp.file("rows.json", JSON.stringify(rows));
  const got = await runBeside(
    temp,
    `import { readFileSync } from "node:fs";
     import { score } from "./model.mjs";
     console.log(JSON.stringify(JSON.parse(readFileSync("rows.json", "utf8")).map((r) => score(r))));`,
  );
  const expected = (await loadModel(model, { backend: ["js"] })).scoreBatch(rows).results;
  expect(got, model).toEqual(JSON.parse(JSON.stringify(expected)));
}

describe("porta convert --to js: a standalone ES module", () => {
  it("imports only Node built-ins and gives compile-js's answers, row by row and columnar", async () => {
    const model = join(ROOT, "fixtures", "pmml", "iris-tree.pmml");
    const rows = csvRows(join(ROOT, "fixtures", "pmml", "iris.csv"));
    const temp = await convertToModule(model);
    const code = readFileSync(join(temp.dir, "model.mjs"), "utf8");
    const specifiers = [...code.matchAll(/(?:from|import\(|require\()\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s.startsWith("node:"))).toEqual([]);

    temp.file("rows.json", JSON.stringify(rows));
    const got = (await runBeside(
      temp,
      `import { readFileSync } from "node:fs";
       import { score, scoreColumns, batchFromRows, rowsFromBatch } from "./model.mjs";
       const rows = JSON.parse(readFileSync("rows.json", "utf8"));
       const bad = (() => { try { score({ petal_length: "x" }); } catch (e) { return e.code; } })();
       console.log(JSON.stringify({ rows: rows.map((r) => score(r)), columns: rowsFromBatch(scoreColumns(batchFromRows(rows))), bad }));`,
    )) as { rows: unknown[]; columns: unknown[]; bad: string };
    const expected = (await loadModel(model, { backend: ["js"] })).scoreBatch(rows).results;
    expect(got.rows).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(got.columns).toEqual(got.rows);
    expect(got.bad).toBe("PMML_INVALID_VALUE");
  });

  it("a forest (node-table kernel helpers bundled) scores as compile-js does", async () => {
    const model = join(ROOT, "fixtures", "pmml", "forest.pmml");
    await expectModuleScoresAsJs(model, csvRows(join(ROOT, "fixtures", "pmml", "forest-rows.csv")));
  });

  it("its .d.mts types a consumer: field names and value types, a wrong field is a type error", async () => {
    const temp = await convertToModule(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"));
    const types = readFileSync(join(temp.dir, "model.d.mts"), "utf8");
    expect(types).toContain('"sepal_length"?: number | string | null;');
    expect(types).toContain('"species"?: string | null;');
    temp.file(
      "consumer.mts",
      `import { score, type Result } from "./model.mjs";
       const r: Result = score({ sepal_length: 5.1, petal_width: "0.2" });
       const p: number | null | undefined = r.p_setosa;
       // @ts-expect-error: no such input field
       score({ sepal_lenght: 5.1 });
       export { p };`,
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const out = await run(
      process.execPath,
      [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", join(temp.dir, "consumer.mts")],
      {
        cwd: temp.dir,
      },
    ).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
    expect(out).not.toHaveProperty("failed");
  });

  it("a PFA document (lowered into the IR: a model call, the scalar core) scores as porta score --backend js", async () => {
    for (const [name, rowsFile] of [
      ["forest.pfa.json", "forest-input.ndjson"],
      ["add.pfa.yaml", "add-rows.ndjson"],
    ] as const) {
      await expectModuleScoresAsJs(join(ROOT, "fixtures", "pfa", name), ndjsonRows(join(ROOT, "fixtures", "pfa", rowsFile)));
    }
  });

  it("a PFA program (user functions, cells) is one module importing only Node built-ins: its cells carry from row to row as in the engine; a wrong value is PFA's error", async () => {
    const model = join(ROOT, "fixtures", "pfa", "program.pfa.json");
    const rows = ndjsonRows(join(ROOT, "fixtures", "pfa", "forest-input.ndjson")).slice(0, 50);
    const temp = await convertToModule(model);
    const code = readFileSync(join(temp.dir, "model.mjs"), "utf8");
    const specifiers = [...code.matchAll(/(?:from|import\(|require\()\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(specifiers.filter((s) => !s.startsWith("node:"))).toEqual([]);
    expect(readFileSync(join(temp.dir, "model.d.mts"), "utf8")).toContain('"x0"?: number | string | null;');
    temp.file("rows.json", JSON.stringify(rows));
    const got = (await runBeside(
      temp,
      `import { readFileSync } from "node:fs";
       import { score } from "./model.mjs";
       const rows = JSON.parse(readFileSync("rows.json", "utf8")).map((r) => score(r));
       const bad = (() => { try { score({ x0: "a", x1: 1, x2: 1, x3: 1 }); } catch (e) { return e.code; } })();
       console.log(JSON.stringify({ rows, bad }));`,
    )) as { rows: { n: number }[]; bad: string };
    const engine = await loadModel(model, { backend: ["pfa"] });
    const expected = rows.map((r) => engine.score(r));
    expect(got.rows).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(got.rows.at(-1)!.n).toBe(rows.length);
    expect(got.bad).toBe("PFA_BAD_VALUE");
  });
});

/** The rows of an NDJSON file. */
function ndjsonRows(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
