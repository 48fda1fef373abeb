import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPackage } from "@porta/model-package";
import { porta, ROOT } from "./porta-cli.ts";

const FIXTURES = join(ROOT, "fixtures", "packages");
const CHURN = join(FIXTURES, "churn-pmml");
const PFA = join(FIXTURES, "logistic-pfa");
const temp = mkdtempSync(join(tmpdir(), "porta-packages-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let copies = 0;
/** A copy of a fixture package, with `edit` applied to its files. */
function copyOf(fixture: string, edit: (dir: string) => void): string {
  const dir = join(temp, `pkg-${copies++}`);
  cpSync(fixture, dir, { recursive: true });
  edit(dir);
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: the tests edit porta.json as untyped JSON, invalid shapes included
function editJson(file: string, edit: (json: Record<string, any>) => void): void {
  const json = JSON.parse(readFileSync(file, "utf8"));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

describe("porta package verify: the model against its end-to-end and confidence sets", () => {
  it("both fixture packages pass: a PMML one on compile-js (accuracy) and a PFA one (AUC; lowered into the IR, on compile-js too)", async () => {
    const pmml = await verifyPackage(CHURN);
    expect(pmml).toMatchObject({ ok: true, name: "churn", version: "1.2.0", backend: "js", problems: [] });
    expect(pmml.endToEnd).toMatchObject({ rows: 6, passed: 6, failures: [] });
    expect(pmml.confidence).toMatchObject({ metric: "accuracy", value: 0.75, rows: 40, ok: true });
    const pfa = await verifyPackage(PFA);
    expect(pfa).toMatchObject({ ok: true, backend: "js" });
    expect(pfa.confidence?.value).toBeCloseTo(0.9915110356536503, 12);
  });

  it("one wrong end-to-end row fails the package, naming the row, field and both values", async () => {
    const dir = copyOf(CHURN, (d) => {
      const file = join(d, "assets", "end-to-end.ndjson");
      writeFileSync(file, readFileSync(file, "utf8").replace('"predicted_churn": "no"', '"predicted_churn": "yes"'));
    });
    const report = await verifyPackage(dir);
    expect(report.ok).toBe(false);
    expect(report.endToEnd?.failures).toEqual([
      { row: 2, field: "predicted_churn", expected: "yes", actual: "no", message: "row 3: predicted_churn is no, expected yes" },
    ]);
  });

  it("a number outside the stated tolerance fails; within it passes", async () => {
    const shifted = (tolerance: object) =>
      copyOf(CHURN, (d) => {
        const file = join(d, "assets", "end-to-end.ndjson");
        const rows = readFileSync(file, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        rows[0].expected.probability_yes *= 1 + 1e-7;
        writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
        editJson(join(d, "porta.json"), (m) => (m.assets.endToEnd.tolerance = tolerance));
      });
    expect((await verifyPackage(shifted({ relative: 1e-9 }))).endToEnd?.failures).toMatchObject([{ row: 0, field: "probability_yes" }]);
    expect((await verifyPackage(shifted({ relative: 1e-6 }))).ok).toBe(true);
  });

  it("a metric outside its range fails with the value and the range", async () => {
    const dir = copyOf(CHURN, (d) => editJson(join(d, "porta.json"), (m) => (m.assets.confidence.range = { min: 0.8 })));
    const report = await verifyPackage(dir);
    expect(report.ok).toBe(false);
    expect(report.confidence).toMatchObject({ value: 0.75, ok: false, message: "accuracy 0.75 is outside [0.8, ∞]" });
  });

  it("declared fields the model lacks, and a metric naming no output field, are failures", async () => {
    const dir = copyOf(CHURN, (d) =>
      editJson(join(d, "porta.json"), (m) => {
        m.inputs.push({ name: "tenure", type: "double" });
        m.assets.confidence.metric.prediction = "predicted_class";
      }),
    );
    const report = await verifyPackage(dir);
    expect(report.problems).toEqual([expect.objectContaining({ code: "PACKAGE_FIELD_UNKNOWN", path: "/inputs/2/name", value: "tenure" })]);
    expect(report.confidence).toMatchObject({ ok: false, message: "the model has no output field predicted_class for accuracy" });
  });

  it("a model that does not load is reported with its error's code", async () => {
    const dir = copyOf(CHURN, (d) => writeFileSync(join(d, "model.pmml"), "<PMML version='4.4'><Header/></PMML>"));
    const report = await verifyPackage(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toMatchObject([{ path: "/model/file", message: expect.stringContaining("the model does not load") }]);
    expect(report.endToEnd).toBeUndefined();
  });
});

describe("porta package (CLI)", () => {
  it("validate and verify a folder and a .tgz; exit 66 for an invalid package, 68 for a failing set", async () => {
    const tgz = join(temp, "churn.tgz");
    await tar.c({ gzip: true, file: tgz, cwd: CHURN }, ["porta.json", "model.pmml", "assets"]);
    const valid = await porta("package", "validate", tgz);
    expect(valid).toMatchObject({ code: 0, stdout: "ok: churn 1.2.0 (pmml model.pmml)\n" });
    const verified = await porta("package", "verify", PFA);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/end-to-end: 6\/6 rows agree[\s\S]*confidence: auc 0\.99151\d*, acceptable \[0\.9, ∞\], over 50 rows[\s\S]*PASS\n$/);

    const outOfSync = copyOf(CHURN, (d) => editJson(join(d, "porta.json"), (m) => (m.trainingData.version = "2026.12.0")));
    const invalid = await porta("package", "validate", outOfSync);
    expect(invalid.code).toBe(66);
    expect(invalid.stdout).toContain("PACKAGE_VERSIONS_DISAGREE at /model/builtWith/trainingData");
    expect((await porta("package", "verify", outOfSync)).code).toBe(66);

    const failing = copyOf(CHURN, (d) => editJson(join(d, "porta.json"), (m) => (m.assets.confidence.range = { max: 0.5 })));
    const failed = await porta("package", "verify", "--json", failing);
    expect(failed.code).toBe(68);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, confidence: { value: 0.75, ok: false } });
  });

  it("init copies the model, writes what the model tells and lists what is left to fill in", async () => {
    const dir = join(temp, "new-package");
    const init = await porta("package", "init", dir, "--model", join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), "--author", "ci@example.com");
    expect(init.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "porta.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "iris-tree",
      model: { file: "model.pmml", format: "pmml", version: "0.1.0" },
      audit: { builtBy: "ci@example.com" },
    });
    expect(manifest.inputs.map((f: { name: string }) => f.name)).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
    expect(readFileSync(join(dir, "model.pmml"), "utf8")).toBe(readFileSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), "utf8"));
    expect(init.stdout).toContain("PACKAGE_SCHEMA at /trainingData");
    expect(init.stdout).toContain("PACKAGE_SCHEMA at /assets");
    const again = await porta("package", "init", dir, "--model", join(ROOT, "fixtures", "pmml", "iris-tree.pmml"));
    expect(again.code).toBe(65);
    expect(again.stderr).toContain("PACKAGE_EXISTS");
  });
});
