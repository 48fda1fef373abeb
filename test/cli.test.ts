import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");
const TREE = join(ROOT, "fixtures", "pmml", "iris-tree.pmml");
const ROWS = join(ROOT, "fixtures", "pmml", "iris.csv");

async function porta(...args: string[]) {
  return run(process.execPath, [PORTA, ...args], { cwd: ROOT });
}

describe("porta CLI", () => {
  it("score writes one CSV row per input row with the target and final outputs", async () => {
    const { stdout } = await porta("score", TREE, "--input", ROWS);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("species,predicted_species,p_setosa,p_versicolor,p_virginica,node");
    expect(lines).toHaveLength(9);
    expect(lines[1]).toBe("setosa,setosa,1,0,0,small-petals");
    // An empty CSV cell is missing: lastPrediction stops at the root.
    expect(lines[8]).toMatch(/,root$/);
  });

  it("score reads JSON and NDJSON and writes to --output in the extension's format", async () => {
    const dir = mkdtempSync(join(tmpdir(), "porta-cli-"));
    const input = join(dir, "rows.ndjson");
    writeFileSync(
      input,
      '{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}\n{"sepal_length":6.3,"sepal_width":3.3,"petal_length":6.0,"petal_width":2.5}\n',
    );
    const out = join(dir, "out.json");
    await porta("score", TREE, "--input", input, "--output", out);
    const results = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>[];
    expect(results.map((r) => r.species)).toEqual(["setosa", "virginica"]);
  });

  it('score groups item-per-row transactional input into one basket per group value (usageType="group")', async () => {
    const model = join(ROOT, "fixtures", "pmml", "basket-rules.pmml");
    const items = join(ROOT, "fixtures", "pmml", "basket-items.csv");
    const expected = readFileSync(join(ROOT, "fixtures", "pmml", "basket-expected.csv"), "utf8");
    for (const backend of ["js", "interp"]) {
      const { stdout } = await porta("score", model, "--input", items, "--backend", backend);
      expect(stdout).toBe(expected);
    }
  });

  it("score refuses a transaction longer than --limit groupRows with GROUP_TOO_LARGE, naming its first line", async () => {
    const model = join(ROOT, "fixtures", "pmml", "basket-rules.pmml");
    const items = join(ROOT, "fixtures", "pmml", "basket-items.csv");
    const failed = await porta("score", model, "--input", items, "--limit", "groupRows=3").then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(65);
    expect(failed?.stderr).toMatch(/^porta: ParseError GROUP_TOO_LARGE at .*basket-items\.csv:7: transaction "t4" has more than 3 rows/);
  });

  it("inspect lists inputs, outputs and the tree's size", async () => {
    const { stdout } = await porta("inspect", TREE);
    expect(stdout).toMatch(/model types: TreeModel/);
    expect(stdout).toMatch(/petal_width: double continuous/);
    expect(stdout).toMatch(/nodes=5 leaves=3 depth=3/);
    const json = JSON.parse((await porta("inspect", TREE, "--json")).stdout) as { inputs: unknown[] };
    expect(json.inputs).toHaveLength(4);
  });

  it("validate prints ok and exits 0 for a good model", async () => {
    const { stdout } = await porta("validate", TREE);
    expect(stdout).toMatch(/^ok: pmml TreeModel/);
  });

  it("--help works on every command", async () => {
    for (const cmd of ["score", "inspect", "validate", "conformance"]) {
      const { stdout } = await porta(cmd, "--help");
      expect(stdout).toMatch(new RegExp(`Usage: porta ${cmd}`));
    }
  });
});
