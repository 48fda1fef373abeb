import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Dictionary, Float64, Int32, makeVector, Table, tableFromIPC, tableToIPC, Type, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";

/**
 * `porta score` with Apache Arrow IPC in and out (issue 13): record batches go to the model as
 * columns and come back as record batches; the answers are the CSV path's, cell for cell.
 */
const TREE = join(ROOT, "fixtures", "pmml", "iris-tree.pmml");
const IRIS_CSV = join(ROOT, "fixtures", "pmml", "iris.csv");
const { file } = tempFiles("porta-arrow-");

/** A table of named columns (a Float64Array becomes a Float64 vector). */
function tableOf(columns: Record<string, Vector | Float64Array>): Table {
  return new Table(Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, c instanceof Float64Array ? makeVector(c) : c])));
}

/** The iris rows as Arrow Float64 columns; the fixture's empty cell (a missing petal_length) is a null. */
function irisTable() {
  const [header, ...lines] = readFileSync(IRIS_CSV, "utf8").trim().split("\n");
  const names = header.split(",");
  const cell = (text: string): number | null => (text === "" ? null : Number(text));
  const columns = Object.fromEntries(
    names.map((name, k) => [
      name,
      vectorFromArray(
        lines.map((l) => cell(l.split(",")[k])),
        new Float64(),
      ),
    ]),
  );
  return { table: tableOf(columns) };
}

function csvOf(text: string): string[][] {
  return text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
}

describe("porta score: Arrow IPC input and output", () => {
  it("an Arrow file and an Arrow stream of the iris rows score as the CSV does", async () => {
    const { table } = irisTable();
    const fromCsv = await porta("score", TREE, "--input", IRIS_CSV);
    expect(fromCsv.code).toBe(0);
    for (const [name, format] of [
      ["iris.arrow", "file"],
      ["iris.arrows", "stream"],
    ] as const) {
      const input = file(name, Buffer.from(tableToIPC(table, format)));
      const r = await porta("score", TREE, "--input", input, "--format", "csv");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(fromCsv.stdout);
    }
  });

  it("-o out.arrow / out.arrows write IPC (format from the extension) that reads back with the CSV's values; numbers Float64, text Utf8", async () => {
    const expected = csvOf((await porta("score", TREE, "--input", IRIS_CSV)).stdout);
    const [header, ...rows] = expected;
    for (const name of ["out.arrow", "out.arrows"]) {
      const out = join(tempFiles("porta-arrow-out-").dir, name);
      const r = await porta("score", TREE, "--input", IRIS_CSV, "-o", out);
      expect(r.code, r.stderr).toBe(0);
      const bytes = readFileSync(out);
      // The file format starts with its magic; the stream format with a message.
      expect(bytes.subarray(0, 6).toString("latin1") === "ARROW1").toBe(name === "out.arrow");
      const table = tableFromIPC(bytes);
      expect(table.schema.fields.map((f) => f.name)).toEqual(header);
      expect(table.numRows).toBe(rows.length);
      expect(table.getChild("p_setosa")!.type.typeId).toBe(Type.Float);
      expect(table.getChild("predicted_species")!.type.typeId).toBe(Type.Utf8);
      for (const [k, name] of header.entries()) {
        const column = table.getChild(name)!;
        expect(rows.map((_row, i) => String(column.get(i)))).toEqual(rows.map((row) => row[k]));
      }
    }
  });

  it("Arrow in, Arrow out: dictionary-encoded strings and nulls are read as categories and missing values", async () => {
    const input = file(
      "mixed.arrows",
      Buffer.from(
        tableToIPC(
          tableOf({
            sepal_length: Float64Array.from([5.1, 6.3]),
            sepal_width: Float64Array.from([3.5, 3.3]),
            // Text and dictionary columns for double fields: parsed per field, as CSV cells are.
            petal_length: vectorFromArray(["1.4", "6.0"], new Dictionary(new Utf8(), new Int32())),
            petal_width: vectorFromArray([null, 2.5], new Float64()),
            unused: vectorFromArray([new Date(0), new Date(1)]),
          }),
          "stream",
        ),
      ),
    );
    const out = join(tempFiles("porta-arrow-mixed-").dir, "out.arrow");
    const r = await porta("score", TREE, "--input", input, "-o", out);
    expect(r.code, r.stderr).toBe(0);
    const table = tableFromIPC(readFileSync(out));
    const csv = csvOf(
      (await porta("score", TREE, "--input", file("mixed.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,\n6.3,3.3,6.0,2.5\n"))).stdout,
    );
    expect([0, 1].map((i) => String(table.getChild("predicted_species")!.get(i)))).toEqual([csv[1][1], csv[2][1]]);
    expect([0, 1].map((i) => String(table.getChild("node")!.get(i)))).toEqual([csv[1][5], csv[2][5]]);
  });

  it("--on-error skip on Arrow input: the bad row is reported by its 1-based row number and written as missing", async () => {
    const input = file(
      "bad-row.arrow",
      Buffer.from(
        tableToIPC(
          tableOf({
            sepal_length: Float64Array.from([5.1, 5.1, 6.3]),
            sepal_width: Float64Array.from([3.5, 3.5, 3.3]),
            petal_length: vectorFromArray(["1.4", "not a number", "6.0"], new Utf8()),
            petal_width: Float64Array.from([0.2, 0.2, 2.5]),
          }),
          "file",
        ),
      ),
    );
    const skipped = await porta("score", TREE, "--input", input, "--on-error", "skip", "--format", "csv");
    const lines = skipped.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^,+$/);
    expect(skipped.stderr).toMatch(new RegExp(`^porta: ${input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: `));
    expect(skipped.code).not.toBe(0);
    const failed = await porta("score", TREE, "--input", input, "--format", "csv");
    expect(failed.code).toBe(skipped.code);
    expect(failed.stdout.trim().split("\n")).toEqual(lines.slice(0, 2));
  });

  it("a file that is not Arrow, a truncated one and an empty one are INPUT_ARROW_MALFORMED (exit 65), never a crash or a hang", async () => {
    const good = Buffer.from(tableToIPC(irisTable().table, "stream"));
    const cases = {
      "text.arrow": Buffer.from("sepal_length\n5.1\n"),
      "truncated.arrows": good.subarray(0, good.length - 40),
      "truncated.arrow": Buffer.from(tableToIPC(irisTable().table, "file")).subarray(0, 100),
      "empty.arrows": Buffer.alloc(0),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const path = file(name, bytes);
      const r = await porta("score", TREE, "--input", path);
      expect(r.code, name).toBe(65);
      expect(r.stderr.trim(), name).toMatch(
        new RegExp(`^porta: ParseError INPUT_ARROW_MALFORMED at ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*\\(value: `),
      );
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });

  it("a model input in an Arrow type Porta does not read is ARROW_UNSUPPORTED_TYPE naming file:column and the type", async () => {
    const input = file("dates.arrow", Buffer.from(tableToIPC(tableOf({ sepal_length: vectorFromArray([new Date(0)]) }), "file")));
    const r = await porta("score", TREE, "--input", input);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/^porta: ParseError ARROW_UNSUPPORTED_TYPE at \S+dates\.arrow:sepal_length: .*\(value: "Timestamp/);
  });

  it("an unknown --format or --input-format is a usage error (exit 64) listing the formats", async () => {
    for (const flag of ["--format", "--input-format"]) {
      const r = await porta("score", TREE, "--input", IRIS_CSV, flag, "parquet");
      expect(r.code).toBe(64);
      expect(r.stderr).toBe(`porta: unknown ${flag} "parquet" (csv, json, ndjson, arrow, arrows)\n`);
    }
  });
});

describe("porta score: the progress bar", () => {
  it("is never drawn when stderr is not a terminal (a pipe here), with or without --quiet; stdout holds only the results", async () => {
    const plain = await porta("score", TREE, "--input", IRIS_CSV);
    const quiet = await porta("score", TREE, "--input", IRIS_CSV, "--quiet");
    expect(plain.stderr).toBe("");
    expect(quiet.stderr).toBe("");
    expect(plain.stdout).toBe(quiet.stdout);
    expect(plain.stdout.split("\n")[0]).toBe("species,predicted_species,p_setosa,p_versicolor,p_virginica,node");
  });
});
