import { execFile } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");
const TREE = join(ROOT, "fixtures", "pmml", "iris-tree.pmml");
const dir = mkdtempSync(join(tmpdir(), "porta-stream-"));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Runs the CLI; `nodeArgs` go before the script (a preload). Never throws: exit code, stdout and stderr. */
async function porta(args: string[], nodeArgs: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs, PORTA, ...args], { cwd: ROOT, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const SETOSA = '{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}';
const VIRGINICA = '{"sepal_length":6.3,"sepal_width":3.3,"petal_length":6.0,"petal_width":2.5}';
const DEEP = `${"[".repeat(100_000)}1${"]".repeat(100_000)}`;

/** Every stderr line is one typed `porta:` line: no stack trace, no internal error. */
function expectOneLineErrors(stderr: string): void {
  for (const line of stderr.trim().split("\n")) expect(line).toMatch(/^porta: \S+:\d+: |^porta: (Parse|Evaluation)Error [A-Z_]+ at \S+:\d+: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
}

describe("porta score --on-error: a bad input row costs only itself", () => {
  const ndjson = file("mixed.ndjson", [SETOSA, '{"sepal_length":5.1,', "[1,2,3]", '"text"', VIRGINICA].join("\n") + "\n");

  it("skip: every good NDJSON row is scored; each bad line is reported with its line and code and written as an empty result", async () => {
    const r = await porta(["score", TREE, "--input", ndjson, "--on-error", "skip"]);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o.species ?? null)).toEqual(["setosa", null, null, null, "virginica"]);
    expect(r.stderr).toMatch(/mixed\.ndjson:2: cannot read line 2 as JSON/);
    expect(r.stderr).toMatch(/INPUT_JSON_MALFORMED at \S+mixed\.ndjson:2/);
    expect(r.stderr).toMatch(/INPUT_ROW_NOT_OBJECT at \S+mixed\.ndjson:3/);
    expect(r.stderr).toMatch(/INPUT_ROW_NOT_OBJECT at \S+mixed\.ndjson:4/);
    expectOneLineErrors(r.stderr);
    expect(r.code).toBe(65);
  });

  it("fail (default): stops at the first bad line, naming it; the rows before it are written", async () => {
    const r = await porta(["score", TREE, "--input", ndjson]);
    expect(r.code).toBe(65);
    expect(r.stderr.trim()).toMatch(/^porta: ParseError INPUT_JSON_MALFORMED at \S+mixed\.ndjson:2: /);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("a transaction that fails is reported at its first line and written with its group value, on both backends", async () => {
    const model = file(
      "grouped.pmml",
      `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
      <DataDictionary><DataField name="t" optype="categorical" dataType="string"/><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
      <RegressionModel functionName="regression"><MiningSchema><MiningField name="t" usageType="group"/><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable></RegressionModel></PMML>`,
    );
    const rows = file("grouped.csv", "t,x\na,1\na,2\nb,3\n");
    for (const backend of ["js", "interp"]) {
      // A list of values for a continuous field is invalid (as in JPMML): the group is scored, and fails, as one record.
      const r = await porta(["score", model, "--input", rows, "--on-error", "skip", "--backend", backend]);
      expect(r.stdout).toBe("t,y\na,\nb,\n");
      expect(r.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/^porta: \S+grouped\.csv:2: EvaluationError PMML_INVALID_VALUE: .*\["1","2"\]/),
        expect.stringMatching(/^porta: \S+grouped\.csv:4: EvaluationError PMML_INVALID_VALUE: .*\["3"\]/),
      ]);
      expect(r.code).toBe(68);
    }
  });

  it("CSV rows with the wrong number of cells: skipped and reported by line, or the error naming the line", async () => {
    const csv = file("width.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.1,3.5\n6.3,3.3,6.0,2.5,9\n6.3,3.3,6.0,2.5\n");
    const skipped = await porta(["score", TREE, "--input", csv, "--on-error", "skip"]);
    expect(
      skipped.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(",")[0]),
    ).toEqual(["species", "setosa", "", "", "virginica"]);
    expect(skipped.stderr).toMatch(/CSV_COLUMN_COUNT at \S+width\.csv:3: CSV row has 2 cells; the header has 4/);
    expect(skipped.stderr).toMatch(/CSV_COLUMN_COUNT at \S+width\.csv:4: CSV row has 5 cells/);
    expectOneLineErrors(skipped.stderr);
    const failed = await porta(["score", TREE, "--input", csv]);
    expect(failed.code).toBe(65);
    expect(failed.stderr.trim()).toMatch(/^porta: ParseError CSV_COLUMN_COUNT at \S+width\.csv:3: /);
  });

  it("a scoring error under skip names the input line too (exit 68)", async () => {
    const rows = file("invalid.ndjson", `${SETOSA}\n{"petal_length":"x","petal_width":1}\n${VIRGINICA}\n`);
    const r = await porta(["score", TREE, "--input", rows, "--on-error", "skip"]);
    expect(r.code).toBe(68);
    expect(r.stderr.trim()).toMatch(/^porta: \S+invalid\.ndjson:2: EvaluationError PMML_INVALID_VALUE/);
    expect(r.stdout.trim().split("\n")).toHaveLength(3);
  });
});

describe("porta score: hostile input is a typed one-line error for its row only", () => {
  it("a 100k-deep array in an NDJSON or JSON row is ROW_TOO_DEEP for that row; the other rows are scored", async () => {
    const ndjson = file("deep.ndjson", `${SETOSA}\n{"petal_length":${DEEP}}\n${VIRGINICA}\n`);
    const json = file("deep.json", `[${SETOSA},\n{"petal_length":${DEEP}},\n${VIRGINICA}]`);
    for (const [input, name] of [
      [ndjson, "deep.ndjson"],
      [json, "deep.json"],
    ] as const) {
      const r = await porta(["score", TREE, "--input", input, "--on-error", "skip", "--format", "ndjson"]);
      expect(r.stderr.trim()).toMatch(new RegExp(`^porta: ParseError ROW_TOO_DEEP at \\S+${name.replace(".", "\\.")}:2: `));
      expectOneLineErrors(r.stderr);
      expect(
        r.stdout
          .trim()
          .split("\n")
          .map((l) => (JSON.parse(l) as { species?: string }).species ?? null),
      ).toEqual(["setosa", null, "virginica"]);
    }
    const limited = await porta(["score", TREE, "--input", file("two.ndjson", '{"petal_length":[[1]]}\n'), "--limit", "rowDepth=1"]);
    expect(limited.stderr).toMatch(/ROW_TOO_DEEP .*deeper than 1 levels/);
  });

  it("a CSV without a header row is CSV_NO_HEADER naming the expected fields; a duplicated column is CSV_DUPLICATE_COLUMN", async () => {
    const headless = await porta(["score", TREE, "--input", file("headless.csv", "5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5\n")]);
    expect(headless.code).toBe(65);
    expect(headless.stderr.trim()).toMatch(
      /^porta: ParseError CSV_NO_HEADER at \S+headless\.csv:1: .*\(sepal_length, sepal_width, petal_length, petal_width\)/,
    );
    const duplicated = await porta(["score", TREE, "--input", file("dup.csv", "sepal_length,petal_length,petal_length\n1,2,3\n")]);
    expect(duplicated.code).toBe(65);
    expect(duplicated.stderr.trim()).toMatch(/^porta: ParseError CSV_DUPLICATE_COLUMN at \S+dup\.csv:1: .*"petal_length"/);
  });

  it("a DataField named __proto__ (or constructor) is read from CSV and JSON like any other field", async () => {
    const model = file(
      "proto.pmml",
      `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
      <DataDictionary><DataField name="__proto__" optype="continuous" dataType="double"/><DataField name="constructor" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
      <RegressionModel functionName="regression"><MiningSchema><MiningField name="__proto__"/><MiningField name="constructor"/><MiningField name="y" usageType="target"/></MiningSchema>
      <RegressionTable intercept="1"><NumericPredictor name="__proto__" coefficient="2"/><NumericPredictor name="constructor" coefficient="10"/></RegressionTable></RegressionModel></PMML>`,
    );
    const csv = await porta(["score", model, "--input", file("proto.csv", "__proto__,constructor\n3,1\n0.5,0\n")]);
    expect(csv.stdout).toBe("y\n17\n2\n");
    const ndjson = await porta(["score", model, "--input", file("proto.ndjson", '{"__proto__":3,"constructor":1}\n')]);
    expect(ndjson.stdout).toBe('{"y":17}\n');
  });

  it("a PFA engine whose input is a map takes NDJSON and JSON objects as the map", async () => {
    const engine = file(
      "map.pfa.json",
      JSON.stringify({
        input: { type: "map", values: "double" },
        output: "double",
        action: [{ "+": [{ attr: "input", path: [{ string: "x" }] }, { "map.len": ["input"] }] }],
      }),
    );
    const ndjson = await porta(["score", engine, "--input", file("map.ndjson", '{"x":1.5,"y":2}\n{"x":10}\n')]);
    expect(ndjson.stdout).toBe("3.5\n11\n");
    const json = await porta(["score", engine, "--input", file("map.json", '[{"x":1.5,"y":2},{"x":10}]'), "--format", "ndjson"]);
    expect(json.stdout).toBe("3.5\n11\n");
  });
});

describe("porta score streams: memory does not grow with the input", () => {
  /** Writes `rows` iris rows, each with a wide unused column so a small row count makes many bytes. */
  async function bigCsv(name: string, rows: number): Promise<string> {
    const path = join(dir, name);
    const out = createWriteStream(path);
    out.write("sepal_length,sepal_width,petal_length,petal_width,note\n");
    const note = "x".repeat(300);
    for (let i = 0; i < rows; i++) {
      if (
        !out.write(
          `${(4 + (i % 40) / 10).toFixed(1)},${(2 + (i % 23) / 10).toFixed(1)},${(1 + (i % 59) / 10).toFixed(1)},${((i % 25) / 10).toFixed(1)},${note}\n`,
        )
      )
        await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    return path;
  }

  it("a 40 MB CSV scores with about the peak memory of a 0.4 MB one (the whole file was once held in memory several times over)", async () => {
    const preload = file(
      "max-rss.mjs",
      'import { writeSync } from "node:fs";\nprocess.on("exit", () => writeSync(2, `maxRSS=${process.resourceUsage().maxRSS}\\n`));\n',
    );
    const peakKb = async (input: string, output: string): Promise<number> => {
      const r = await porta(["score", TREE, "--input", input, "--output", output], ["--import", preload]);
      expect(r.code).toBe(0);
      return Number(/maxRSS=(\d+)/.exec(r.stderr)![1]);
    };
    const small = await peakKb(await bigCsv("small.csv", 1_300), join(dir, "small-out.csv"));
    // Peak RSS depends on when V8 collects, which lags on a loaded machine: the lower of two runs.
    const bigInput = await bigCsv("big.csv", 130_000);
    const big = Math.min(await peakKb(bigInput, join(dir, "big-out.csv")), await peakKb(bigInput, join(dir, "big-out.csv")));
    const written = readFileSync(join(dir, "big-out.csv"), "utf8");
    expect(written.split("\n")).toHaveLength(130_002);
    expect(written.slice(0, 200)).toMatch(/^species,predicted_species,p_setosa,p_versicolor,p_virginica,node\n/);
    // 40 MB of input held as text, rows and results would cost hundreds of MB; streamed, the peak stays
    // near the small run's (48-63 MB above it on an idle machine, up to 85 once under a loaded CI run).
    expect((big - small) / 1024).toBeLessThan(100);
  });
});
