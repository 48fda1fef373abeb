import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { CompiledPmmlModel, PmmlModel, pmmlModel } from "@porta/runtime";
import { compilePipeline, type TreeLayout } from "@porta/compile-js";
import { forestRows, forestText } from "../fixtures/gen/forest.ts";
import { preprocessDocument, readHarnessCsv, readManifest } from "../packages/cli/src/conformance/pmml.ts";

const CORPUS = resolve(import.meta.dirname, "..", process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance", "pmml");

/** Scores rows with both backends; each row's result (or error code) must be identical. */
function expectSameAnswers(text: string, rows: Record<string, unknown>[]): { compiled: boolean } {
  const pipeline = parsePmml(text);
  const interp = pmmlModel(pipeline, "interp");
  const js = pmmlModel(pipeline, "js");
  const a = interp.scoreBatch(rows, { onError: "collect" });
  const b = js.scoreBatch(rows, { onError: "collect" });
  expect(b.results).toEqual(a.results);
  expect(b.errors.map((e) => [e.row, e.code])).toEqual(a.errors.map((e) => [e.row, e.code]));
  expect(js.outputFields).toEqual(interp.outputFields);
  return { compiled: js.backend === "js" };
}

describe("compile-js gives the interpreter's answers", () => {
  for (const task of ["regression", "classification"] as const) {
    for (const layout of ["branches", "table"] as TreeLayout[]) {
      it(`on synthetic ${task} forests as ${layout}, with missing inputs (defaultChild strategy)`, () => {
        for (const seed of [1, 2, 3]) {
          const pipeline = parsePmml(forestText({ trees: 7, depth: 5, features: 6, task, seed }));
          const rows = forestRows(6, 300, seed).map((r, i) => (i % 5 === 0 ? { ...r, x1: null, x3: null } : r));
          const reference = new PmmlModel(pipeline);
          const compiled = new CompiledPmmlModel(pipeline, compilePipeline(pipeline, { treeLayout: layout }), reference);
          expect(compiled.scoreBatch(rows).results).toEqual(reference.scoreBatch(rows).results);
        }
      });
    }
  }
});

/**
 * Corpus cases compile-js must compile (no silent fallback to the interpreter). Grow it as
 * families are compiled.
 */
const MUST_COMPILE = new Set([
  "knime/DecisionTreeIris", "knime/DecisionTreeEnsembleIris", "knime/NeuralNetworkIris", "knime/ModelEnsembleIris", "knime/SupportVectorMachineIris", "knime/DecisionTreeAudit",
  "knime/DecisionTreeEnsembleAudit", "knime/DecisionTreeAuto", "knime/GBTAuto", "knime/PolynomialRegressionAuto",
  "knime/GeneralRegressionIris", "knime/GeneralRegressionAudit", "knime/GeneralRegressionAuto", "knime/ModelEnsembleAuto", "knime/RegressionEnsembleAuto",
  "rapidminer/DecisionTreeIris", "rapidminer/NeuralNetworkIris", "rapidminer/DecisionTreeAudit", "rapidminer/RegressionAuto",
  "sas/LogisticRegressionIris", "sas/LogisticRegressionAudit", "sas/ProbitRegressionAudit", "bigml/ModelIris", "bigml/ModelAudit", "bigml/ModelGrades",
  "knime/KMeansIris", "knime/KMeansEnsembleIris", "rapidminer/KMeansIris", "bigml/ClusterDiabetes",
  "knime/RuleSetIris", "knime/RuleSetAudit", "rapidminer/RuleSetIris", "rapidminer/RuleSetAudit",
]);

if (!existsSync(join(CORPUS, "manifest.json"))) {
  console.warn(`\n!! PMML conformance corpus NOT FOUND at ${CORPUS}: cross-backend corpus checks did not run.\n`);
} else {
  describe("compile-js and the interpreter agree on every conformance case", () => {
    const { dir, cases } = readManifest(CORPUS);
    for (const c of cases) {
      it(c.id, () => {
        const input = readHarnessCsv(readFileSync(join(dir, c.input), "utf8"));
        const rows = input.rows.map((r) => Object.fromEntries(input.header.map((h, i) => [h, r[i]])));
        const { compiled } = expectSameAnswers(preprocessDocument(readFileSync(join(dir, c.model), "utf8"), c.preprocess), rows);
        expect({ id: c.id, compiled }).toEqual({ id: c.id, compiled: MUST_COMPILE.has(c.id) });
      });
    }
  });
}
