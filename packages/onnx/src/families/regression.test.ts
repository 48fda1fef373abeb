import { describe, expect, it } from "vitest";
import { doc, expectOnnxAgrees, onnxRefusal } from "../agreement.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="z" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField>`;
const ROWS = [
  { x: 1, z: 2, c: "u" },
  { x: -0.5, z: 0.25, c: "v" },
  { x: 3, z: null, c: "u" },
  { x: 0.1, z: 1, c: null },
  { x: 2, z: -1, c: "w" },
];

describe("onnx RegressionModel (PMML 4.4 §Regression): table sums in the graph, normalisation by the interpreter's rule", () => {
  it("regression: numeric (with exponent), categorical and term predictors, a missing numeric input is missing", async () => {
    const pmml = doc(
      `${FIELDS}<DataField name="y" optype="continuous" dataType="double"/>`,
      `<RegressionModel functionName="regression">
      <MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
      <Targets><Target field="y" rescaleFactor="2" rescaleConstant="1"/></Targets>
      <RegressionTable intercept="0.5"><NumericPredictor name="x" coefficient="1.5"/><NumericPredictor name="z" exponent="2" coefficient="-0.25"/>
      <CategoricalPredictor name="c" value="v" coefficient="3"/><PredictorTerm coefficient="0.1"><FieldRef field="x"/><FieldRef field="z"/></PredictorTerm></RegressionTable></RegressionModel>`,
    );
    const results = await expectOnnxAgrees(pmml, ROWS);
    expect(results[2]).toEqual({ y: null });
  });

  for (const method of ["softmax", "logit", "probit", "none"]) {
    it(`classification normalizationMethod="${method}" with probability outputs`, async () => {
      const three = method === "softmax" || method === "none";
      const pmml = doc(
        `${FIELDS}<DataField name="y" optype="categorical" dataType="string"><Value value="p"/><Value value="q"/>${three ? '<Value value="r"/>' : ""}</DataField>`,
        `<RegressionModel functionName="classification" normalizationMethod="${method}">
        <MiningSchema><MiningField name="x"/><MiningField name="z" missingValueReplacement="0.5"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
        <Output><OutputField name="pp" feature="probability" value="p"/><OutputField name="pred" feature="predictedValue"/></Output>
        <RegressionTable intercept="0.2" targetCategory="p"><NumericPredictor name="x" coefficient="0.7"/><CategoricalPredictor name="c" value="u" coefficient="-0.4"/></RegressionTable>
        ${three ? '<RegressionTable intercept="-0.1" targetCategory="q"><NumericPredictor name="z" coefficient="0.3"/></RegressionTable><RegressionTable intercept="0" targetCategory="r"/>' : '<RegressionTable intercept="0" targetCategory="q"/>'}
        </RegressionModel>`,
      );
      await expectOnnxAgrees(pmml, ROWS);
    });
  }

  it('refuses mathContext="float" (single precision is not reproduced)', async () => {
    const pmml = doc(
      `${FIELDS}<DataField name="y" optype="continuous" dataType="double"/>`,
      `<RegressionModel functionName="regression" x-mathContext="float" mathContext="float"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema><RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable></RegressionModel>`,
    );
    expect(await onnxRefusal(pmml)).toMatch(/RegressionModel mathContext="float"/);
  });
});
