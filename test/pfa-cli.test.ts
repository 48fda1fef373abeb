import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");

function close(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

describe("porta score and inspect on PFA model documents", () => {
  for (const name of ["tree", "forest", "kmeans", "logistic"]) {
    it(`${name}: scores every fixture row as expected`, async () => {
      const { stdout } = await run(process.execPath, [
        PORTA,
        "score",
        join(ROOT, "fixtures", "pfa", `${name}.pfa.json`),
        "--input",
        join(ROOT, "fixtures", "pfa", `${name}-input.ndjson`),
      ]);
      const got = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown);
      const want = readFileSync(join(ROOT, "fixtures", "pfa", `${name}-expected.ndjson`), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown);
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => expect(close(g, want[i]), `row ${i + 1}: ${JSON.stringify(g)} vs ${JSON.stringify(want[i])}`).toBe(true));
    });
  }

  it("a document whose output is not a record writes its values in a CSV table's output column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "porta-pfa-csv-"));
    try {
      const out = join(dir, "forest.csv");
      await run(process.execPath, [
        PORTA,
        "score",
        join(ROOT, "fixtures", "pfa", "forest.pfa.json"),
        "--input",
        join(ROOT, "fixtures", "pfa", "forest-input.ndjson"),
        "-o",
        out,
      ]);
      const [header, ...cells] = readFileSync(out, "utf8").trim().split("\n");
      const want = readFileSync(join(ROOT, "fixtures", "pfa", "forest-expected.ndjson"), "utf8")
        .trim()
        .split("\n")
        .map(Number);
      expect(header).toBe("output");
      expect(cells.map(Number)).toEqual(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("CSV rows reach inputs typed as a union with null (what porta convert --to pfa writes): numbers as numbers, empty cells as null", async () => {
    const dir = mkdtempSync(join(tmpdir(), "porta-pfa-csv-"));
    try {
      const pfa = join(dir, "iris.pfa.json");
      await run(process.execPath, [PORTA, "convert", join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), "--to", "pfa", "-o", pfa]);
      const rows = join(dir, "rows.csv");
      writeFileSync(rows, "petal_length,petal_width\n1.4,0.2\n4.7,1.4\n,\n");
      const { stdout } = await run(process.execPath, [PORTA, "score", pfa, "--input", rows, "--format", "ndjson"]);
      const got = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const { stdout: pmml } = await run(process.execPath, [
        PORTA,
        "score",
        join(ROOT, "fixtures", "pmml", "iris-tree.pmml"),
        "--input",
        rows,
        "--format",
        "ndjson",
      ]);
      const want = pmml
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(got).toHaveLength(3);
      got.forEach((g, i) => {
        const untagged = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, v !== null && typeof v === "object" ? Object.values(v)[0] : v]));
        expect(untagged).toEqual(want[i]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("inspect prints types, cells and the library functions used", async () => {
    const { stdout } = await run(process.execPath, [PORTA, "inspect", join(ROOT, "fixtures", "pfa", "kmeans.pfa.json")]);
    expect(stdout).toMatch(/method map/);
    expect(stdout).toMatch(/cell clusters:/);
    expect(stdout).toMatch(/model\.cluster\.closest/);
  });

  it("inspect says which lowering made a PFA document's pipeline (a model call, the scalar core, a program)", async () => {
    const forest = await run(process.execPath, [PORTA, "inspect", join(ROOT, "fixtures", "pfa", "forest.pfa.json")]);
    expect(forest.stdout).toMatch(/^backend: js \(lowered into the IR: model call\)$/m);
    const add = await run(process.execPath, [PORTA, "inspect", join(ROOT, "fixtures", "pfa", "add.pfa.yaml")]);
    expect(add.stdout).toMatch(/^backend: js \(lowered into the IR: scalar core\)$/m);
  });

  it("CSV input is typed by the PFA input record (double fields get numbers)", async () => {
    const { stdout } = await run(process.execPath, [
      PORTA,
      "score",
      join(ROOT, "fixtures", "pfa", "add.pfa.yaml"),
      "--input",
      join(ROOT, "fixtures", "pfa", "add-rows.csv"),
    ]);
    expect(stdout.trim().split("\n")).toEqual(["z,big", "3,false", "11.5,true"]);
  });

  it("a YAML document scores too", async () => {
    const { stdout } = await run(process.execPath, [
      PORTA,
      "score",
      join(ROOT, "fixtures", "pfa", "add.pfa.yaml"),
      "--input",
      join(ROOT, "fixtures", "pfa", "add-rows.ndjson"),
    ]);
    expect(
      stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { z: 3, big: false },
      { z: 11.5, big: true },
    ]);
  });
});
