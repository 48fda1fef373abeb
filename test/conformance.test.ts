import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type PmmlCase,
  numbersEquivalent,
  readHarnessCsv,
  readManifest,
  runCase,
  runPmmlConformance,
  runPmmlConformanceAsync,
} from "../packages/cli/src/conformance/pmml.ts";
import { supportedModelElements } from "@porta/pmml";
import { loadModel, registeredBackends } from "@porta/runtime";
import { namedInDocument, scopeOf } from "./backend-scope.ts";

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
    expect(rows).toEqual([
      ["1", null],
      ["", "x"],
    ]);
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
 * One test body for every registered backend (tfjs's describeWithFlags): each PMML corpus,
 * `pmml/` (JPMML's test resources) and `pmml-wild/` (R pmml and nyoka exports, expected from R
 * and scikit-learn), through each backend that scores PMML, that backend alone (no fallback).
 * A case either matches the reference results, or the backend refuses it with a reason naming
 * an element or attribute value of the document; BACKEND_SCOPE (test/backend-scope.ts) is what
 * each backend declares about its refusals and how many cases it must accept at least.
 */
for (const corpus of ["pmml", "pmml-wild"] as const) {
  const dir = join(CORPUS, corpus);
  if (!existsSync(join(dir, "manifest.json"))) {
    console.warn(
      `\n${"!".repeat(78)}\n!! PMML conformance corpus NOT FOUND at ${dir}\n!! Set PORTA_CONFORMANCE_DIR; the corpus checks did not run.\n${"!".repeat(78)}\n`,
    );
    continue;
  }
  const { dir: caseDir, cases } = readManifest(dir);
  // A float32 backend (BackendScope.ownSuite) is compared with compile-js by its own suite instead.
  for (const { name } of registeredBackends().filter((b) => b.backend.formats.includes("pmml") && scopeOf(b.name).ownSuite === undefined)) {
    const scope = scopeOf(name);
    const widened = (c: PmmlCase): PmmlCase => {
      const w = scope.widened?.[c.id];
      return w ? { ...c, tolerance: { ...c.tolerance, precision: w.precision } } : c;
    };
    const report = await runPmmlConformanceAsync(dir, (text) => loadModel(text, { format: "pmml", backend: [name], scoring: "async" }), undefined, widened);
    describe(`PMML conformance corpus ${corpus}/ through ${name} alone (${dir})`, () => {
      const supported = new Set(supportedModelElements());
      for (const c of report.cases) {
        const unsupported = c.modelTypes.filter((t) => !supported.has(t));
        if (unsupported.length > 0) {
          it(`${c.id} fails with UnsupportedFeatureError naming ${unsupported.join(", ")}`, () => {
            expect(c.passed).toBe(false);
            expect(c.error).toMatch(/^UnsupportedFeatureError UNSUPPORTED_FEATURE/);
            expect(unsupported.some((t) => c.error?.includes(t))).toBe(true);
          });
        } else if (c.error?.startsWith("NoBackendError NO_BACKEND") && scope.refuses) {
          it(`${c.id}: ${name} refuses it, naming what it cannot score (${scope.refuses})`, () => {
            const text = readFileSync(join(caseDir, cases.find((k) => k.id === c.id)!.model), "utf8");
            expect(namedInDocument(c.error!, text), c.error).toBe(true);
          });
        } else {
          it(`${c.id} matches the reference results`, () => {
            expect({ error: c.error, firstMismatch: c.firstMismatch, mismatches: c.mismatches }).toEqual({
              error: undefined,
              firstMismatch: undefined,
              mismatches: 0,
            });
            expect(c.passed).toBe(true);
            expect(c.backend).toBe(name);
          });
        }
      }
      it(`${name} accepts at least ${scope.accepts[corpus] ?? "every"} supported case`, () => {
        const accepted = report.cases.filter((c) => c.backend === name).length;
        const supportedCases = report.cases.filter((c) => c.modelTypes.every((t) => supported.has(t))).length;
        expect(accepted).toBeGreaterThanOrEqual(scope.accepts[corpus] ?? supportedCases);
      });
    });
  }
}
