import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { PortaModel, pipelineFacts, pmmlModel, type Model } from "@porta/runtime";
import { CompiledSession, compilePipeline, type TreeLayout } from "@porta/compile-js";
import type { Pipeline } from "@porta/ir";

/** compile-js with a chosen tree layout, as a model. */
function compiledAs(pipeline: Pipeline, layout: TreeLayout): Model {
  return new PortaModel("pmml", new CompiledSession(compilePipeline(pipeline, { treeLayout: layout }), pipelineFacts(pipeline)));
}
import { scoreBatchBoth } from "./producers/both-backends.ts";
import { describeEachBackend } from "./each-backend.ts";
import { forestRows, forestText } from "../fixtures/gen/forest.ts";
import { preprocessDocument, readHarnessCsv, readManifest } from "../packages/cli/src/conformance/pmml.ts";

const CORPUS = resolve(import.meta.dirname, "..", process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance", "pmml");

/** Scores rows with both backends; each row's result (or error code) must be identical. */
function expectSameAnswers(text: string, rows: Record<string, unknown>[]): { compiled: boolean } {
  return { compiled: scoreBatchBoth(text, rows).compiled };
}

const forests = new Map<string, { text: string; rows: Record<string, unknown>[] }[]>();

/** Synthetic forests (seeded), every fifth row with two inputs missing; made once (the interpreter's results are kept per document and rows). */
function syntheticForests(task: "regression" | "classification", float = false): { text: string; rows: Record<string, unknown>[] }[] {
  const key = `${task} ${float}`;
  const known = forests.get(key);
  if (known) return known;
  const made = [1, 2, 3].map((seed) => {
    const text = forestText({ trees: 7, depth: 5, features: 6, task, seed, ...(float ? { boosting: { baseScore: 0.5 } } : {}) });
    return {
      text: float ? asFloat(text) : text,
      rows: forestRows(6, 300, seed).map((r, i) => (i % 5 === 0 ? { ...r, x1: null, x3: null } : r)),
    };
  });
  forests.set(key, made);
  return made;
}

/** A regression forest as jpmml-xgboost writes it: float inputs, leaves and sums. */
function asFloat(text: string): string {
  return text
    .replace(`<MiningModel functionName="regression">`, `<MiningModel functionName="regression" mathContext="float">`)
    .replace(/<TreeModel functionName="regression"/g, `<TreeModel functionName="regression" mathContext="float"`)
    .replace(/dataType="double"/g, `dataType="float"`);
}

describeEachBackend("synthetic forests give the interpreter's answers, with missing inputs (defaultChild strategy)", (backend) => {
  for (const task of ["regression", "classification"] as const) {
    it(`${task} forests`, async () => {
      for (const { text, rows } of syntheticForests(task)) await backend.expectSameAnswers(text, rows);
    });
  }
  it("boosted forests in float (jpmml-xgboost's shape)", async () => {
    for (const { text, rows } of syntheticForests("regression", true)) await backend.expectSameAnswers(text, rows);
  });
});

describe("compile-js gives the interpreter's answers in each tree layout", () => {
  for (const layout of ["branches", "table"] as TreeLayout[]) {
    for (const [task, float] of [
      ["regression", false],
      ["classification", false],
      ["regression", true],
    ] as const) {
      it(`synthetic ${float ? "float boosted" : task} forests as ${layout}`, () => {
        for (const { text, rows } of syntheticForests(task, float)) {
          const pipeline = parsePmml(text);
          expect(compiledAs(pipeline, layout).scoreBatch(rows).results).toEqual(pmmlModel(pipeline, ["interp"]).scoreBatch(rows).results);
        }
      });
    }
  }
});

describeEachBackend("RegressionModel classification gives the interpreter's answers (JPMML's normalisations)", (backend) => {
  const doc = (method: string, tables: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
    <DataDictionary>
      <DataField name="x" optype="continuous" dataType="double"/>
      <DataField name="c" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField>
      <DataField name="k" optype="categorical" dataType="string"><Value value="A"/><Value value="B"/><Value value="C"/></DataField>
    </DataDictionary>
    <RegressionModel functionName="classification" normalizationMethod="${method}">
      <MiningSchema><MiningField name="x"/><MiningField name="c"/><MiningField name="k" usageType="target"/></MiningSchema>
      <Output><OutputField name="pA" feature="probability" value="A"/><OutputField name="pB" feature="probability" value="B"/></Output>
      ${tables}
    </RegressionModel></PMML>`;
  const A = `<RegressionTable intercept="0.1" targetCategory="A"><NumericPredictor name="x" coefficient="1"/><CategoricalPredictor name="c" value="u" coefficient="0.5"/></RegressionTable>`;
  const rows = [-3, -0.2, 0, 0.4, 0.9, 2, 40].flatMap((x) => [
    { x, c: "u" },
    { x, c: "v" },
    { x, c: null },
    { x: null, c: "u" },
  ]);
  for (const [method, tables] of [
    ["none", A + `<RegressionTable intercept="0.2" targetCategory="B"/>`],
    ["none", A + `<RegressionTable intercept="0.2" targetCategory="B"/><RegressionTable intercept="0.1" targetCategory="C"/>`],
    ["softmax", A + `<RegressionTable intercept="0" targetCategory="B"/>`],
    ["softmax", A + `<RegressionTable intercept="0.3" targetCategory="B"/>`],
    ["logit", A + `<RegressionTable intercept="0" targetCategory="B"/>`],
  ]) {
    it(`${method} over ${tables.split("<RegressionTable").length - 1} tables, missing categorical inputs ignored`, async () => {
      await backend.expectSameAnswers(doc(method, tables), rows);
    });
  }
});

describeEachBackend('mathContext="float" models give the interpreter\'s bits', (backend) => {
  it("float inputs, leaves and sums", async () => {
    const text = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
      <DataDictionary><DataField name="x" optype="continuous" dataType="float"/><DataField name="y" optype="continuous" dataType="float"/></DataDictionary>
      <MiningModel functionName="regression" mathContext="float">
        <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
        <Segmentation multipleModelMethod="sum">
          <Segment><True/><TreeModel functionName="regression" mathContext="float"><MiningSchema><MiningField name="x"/></MiningSchema>
            <Node score="0.1"><True/><Node score="0.7"><SimplePredicate field="x" operator="lessThan" value="1"/></Node></Node></TreeModel></Segment>
          <Segment><True/><TreeModel functionName="regression" mathContext="float"><MiningSchema><MiningField name="x"/></MiningSchema>
            <Node score="0.2"><True/></Node></TreeModel></Segment>
        </Segmentation>
      </MiningModel></PMML>`;
    await backend.expectSameAnswers(text, [{ x: 0 }, { x: 2 }, { x: null }, { x: 1.0000000001 }, { x: 0.99999999 }]);
  });
});

describeEachBackend("Apply pow: a missing base or exponent is missing (IEEE pow makes NaN^0 and 1^NaN 1)", (backend) => {
  it("pow(x, 0), pow(x, z) and pow(1, x) as regression predictors over missing inputs", async () => {
    // Predictors, not output expressions: a missing predictor makes the prediction missing, so a
    // power that comes out 1 instead of missing changes the answer.
    const text = `<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4"><Header/>
      <DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="z" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
      <TransformationDictionary>
        <DerivedField name="p0" optype="continuous" dataType="double"><Apply function="pow"><FieldRef field="x"/><Constant>0</Constant></Apply></DerivedField>
        <DerivedField name="pz" optype="continuous" dataType="double"><Apply function="pow"><FieldRef field="x"/><FieldRef field="z"/></Apply></DerivedField>
        <DerivedField name="p1" optype="continuous" dataType="double"><Apply function="pow"><Constant>1</Constant><FieldRef field="x"/></Apply></DerivedField>
      </TransformationDictionary>
      <RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="y" usageType="target"/></MiningSchema>
        <RegressionTable intercept="0.5"><NumericPredictor name="p0" coefficient="1"/><NumericPredictor name="pz" coefficient="2"/><NumericPredictor name="p1" coefficient="4"/></RegressionTable></RegressionModel></PMML>`;
    await backend.expectSameAnswers(text, [
      { x: null, z: 0 },
      { x: 1, z: null },
      { x: 2, z: null },
      { x: 0, z: 0 },
      { x: 1.5, z: 2 },
      { x: null, z: null },
    ]);
  });
});

/**
 * Corpus cases compile-js must compile (no silent fallback to the interpreter). Grow it as
 * families are compiled.
 */
const MUST_COMPILE = new Set([
  "knime/DecisionTreeIris",
  "knime/DecisionTreeEnsembleIris",
  "knime/NeuralNetworkIris",
  "knime/ModelEnsembleIris",
  "knime/SupportVectorMachineIris",
  "knime/DecisionTreeAudit",
  "knime/DecisionTreeEnsembleAudit",
  "knime/DecisionTreeAuto",
  "knime/GBTAuto",
  "knime/PolynomialRegressionAuto",
  "knime/GeneralRegressionIris",
  "knime/GeneralRegressionAudit",
  "knime/GeneralRegressionAuto",
  "knime/ModelEnsembleAuto",
  "knime/RegressionEnsembleAuto",
  "rapidminer/DecisionTreeIris",
  "rapidminer/NeuralNetworkIris",
  "rapidminer/DecisionTreeAudit",
  "rapidminer/RegressionAuto",
  "sas/LogisticRegressionIris",
  "sas/LogisticRegressionAudit",
  "sas/ProbitRegressionAudit",
  "bigml/ModelIris",
  "bigml/ModelAudit",
  "bigml/ModelGrades",
  "knime/KMeansIris",
  "knime/KMeansEnsembleIris",
  "rapidminer/KMeansIris",
  "bigml/ClusterDiabetes",
  "knime/RuleSetIris",
  "knime/RuleSetAudit",
  "rapidminer/RuleSetIris",
  "rapidminer/RuleSetAudit",
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
