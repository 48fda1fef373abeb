import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { numbersEquivalent, readHarnessCsv, readManifest, runCase, runPmmlConformance } from "../packages/cli/src/conformance/pmml.ts";
import { supportedModelElements } from "@porta/pmml";
import { modelFromText } from "@porta/runtime";

const ROOT = resolve(import.meta.dirname, "..");
const CORPUS = resolve(ROOT, process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance");

describe("the conformance runner itself", () => {
  it("implements jpmml PMMLEquivalence (relative, inclusive, zero threshold both sides)", () => {
    expect(numbersEquivalent(100, 100 + 1e-12, 1e-15, 1e-15)).toBe(false);
    expect(numbersEquivalent(100, 100 * (1 + 1e-15), 1e-15, 1e-15)).toBe(true);
    expect(numbersEquivalent(0, 1e-16, 1e-15, 1e-15)).toBe(true);
    expect(numbersEquivalent(0, 2e-15, 1e-15, 1e-15)).toBe(false);
    expect(numbersEquivalent(-2, -2.0000001, 1e-5, 1e-5)).toBe(true);
  });

  it("reads the harness CSV dialect: NA is missing, empty is the empty string, stops at a blank line", () => {
    const { header, rows } = readHarnessCsv("a,b\r\n1,NA\r\n,x\r\n\r\n9,9\r\n");
    expect(header).toEqual(["a", "b"]);
    expect(rows).toEqual([["1", null], ["", "x"]]);
    // A manifest's csv.emptyIsMissing adds the empty cell to the missing tokens.
    expect(readHarnessCsv("a,b\n1,\n", ["NA", ""]).rows).toEqual([["1", null]]);
  });

  it("passes the bundled fixture manifest", () => {
    const report = runPmmlConformance(join(ROOT, "fixtures", "conformance", "pmml"));
    expect(report.cases[0]).toMatchObject({ id: "porta/IrisTree", passed: true, rows: 8, mismatches: 0 });
  });

  it("groups transactional input by the manifest's groupField: one expected row per basket", () => {
    const dir = join(ROOT, "fixtures", "conformance", "pmml");
    const grouped = runPmmlConformance(dir, undefined, "BasketRules");
    expect(grouped.cases).toHaveLength(1);
    expect(grouped.cases[0]).toMatchObject({ id: "porta/BasketRules", passed: true, rows: 4, mismatches: 0 });
    // Without groupField the same case is nine item rows against four expected baskets.
    const { cases } = readManifest(dir);
    const ungrouped = runCase(dir, { ...cases.find((c) => c.id === "porta/BasketRules")!, groupField: undefined });
    expect(ungrouped.passed).toBe(false);
    expect(ungrouped.error).toMatch(/input has 9 rows, expected output 4/);
  });
});

/**
 * Each PMML corpus, through each backend: `pmml/` (JPMML's test resources) and `pmml-wild/`
 * (R pmml and nyoka exports, expected from R and scikit-learn). On `js`, a document compile-js
 * cannot compile falls back to the interpreter and counts, as `porta conformance` counts it.
 */
for (const corpus of ["pmml", "pmml-wild"]) {
  const dir = join(CORPUS, corpus);
  if (!existsSync(join(dir, "manifest.json"))) {
    console.warn(`\n${"!".repeat(78)}\n!! PMML conformance corpus NOT FOUND at ${dir}\n!! Set PORTA_CONFORMANCE_DIR; the corpus checks did not run.\n${"!".repeat(78)}\n`);
    continue;
  }
  for (const backend of ["interp", "js"] as const) {
    describe(`PMML conformance corpus ${corpus}/ through ${backend} (${dir})`, () => {
      const report = runPmmlConformance(dir, (text) => modelFromText(text, "pmml", backend));
      const supported = new Set(supportedModelElements());
      for (const c of report.cases) {
        const unsupported = c.modelTypes.filter((t) => !supported.has(t));
        if (unsupported.length === 0) {
          it(`${c.id} matches the reference results`, () => {
            expect({ error: c.error, firstMismatch: c.firstMismatch, mismatches: c.mismatches }).toEqual({ error: undefined, firstMismatch: undefined, mismatches: 0 });
            expect(c.passed).toBe(true);
          });
        } else {
          it(`${c.id} fails with UnsupportedFeatureError naming ${unsupported.join(", ")}`, () => {
            expect(c.passed).toBe(false);
            expect(c.error).toMatch(/^UnsupportedFeatureError UNSUPPORTED_FEATURE/);
            expect(unsupported.some((t) => c.error?.includes(t))).toBe(true);
          });
        }
      }
    });
  }
}
