import { describe, expect, it } from "vitest";
import { doc, expectOnnxAgrees, onnxRefusal } from "../agreement.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="z" optype="continuous" dataType="double"/>
  <DataField name="c" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
  <DataField name="y" optype="continuous" dataType="double"/>
  <DataField name="k" optype="categorical" dataType="string"><Value value="lo"/><Value value="mid"/><Value value="hi"/></DataField>`;
const LISTS = `<ParameterList><Parameter name="p0"/><Parameter name="p1"/><Parameter name="p2"/><Parameter name="p3"/></ParameterList>
  <FactorList><Predictor name="c"/></FactorList>
  <CovariateList><Predictor name="x"/><Predictor name="z"/></CovariateList>
  <PPMatrix><PPCell value="2" predictorName="x" parameterName="p1"/><PPCell value="b" predictorName="c" parameterName="p2"/>
    <PPCell value="b" predictorName="c" parameterName="p3"/><PPCell value="1" predictorName="z" parameterName="p3"/></PPMatrix>`;
const ROWS = [
  { x: 3, z: 4, c: "b" },
  { x: 3, z: 4, c: "a" },
  { x: -0.5, z: 0.25, c: "c" },
  { x: null, z: 4, c: "b" },
  { x: 1, z: null, c: "a" },
  { x: 1, z: null, c: "b" },
  { x: 1, z: 2, c: null },
  { x: 2, z: 1, c: "other" },
];

function regression(attrs: string, cells: string): string {
  return doc(
    FIELDS,
    `<GeneralRegressionModel functionName="regression" ${attrs}>
    <MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
    ${LISTS}<ParamMatrix>${cells}</ParamMatrix></GeneralRegressionModel>`,
  );
}
const BETAS = `<PCell parameterName="p0" beta="1.5"/><PCell parameterName="p1" beta="0.2"/><PCell parameterName="p2" beta="-3"/><PCell parameterName="p3" beta="0.5"/>`;

function classifier(attrs: string, cells: string): string {
  return doc(
    FIELDS,
    `<GeneralRegressionModel functionName="classification" ${attrs}>
    <MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="c"/><MiningField name="k" usageType="target"/></MiningSchema>
    <Output><OutputField name="plo" feature="probability" value="lo"/><OutputField name="phi" feature="probability" value="hi"/><OutputField name="pred" feature="predictedValue"/></Output>
    ${LISTS}<ParamMatrix>${cells}</ParamMatrix></GeneralRegressionModel>`,
  );
}

describe("onnx GeneralRegressionModel (PMML 4.4 §GeneralRegression): η in the graph, link and categories by the interpreter's rule", () => {
  it("generalLinear: factors, covariates with exponents, intercept; a missing predictor is missing, a zero factor ignores its covariates", async () => {
    const results = await expectOnnxAgrees(regression(`modelType="generalLinear"`, BETAS), ROWS);
    expect(results[3]).toEqual({ y: null });
    expect(results[4]).toEqual({ y: 1.5 + 0.2 });
  });
  it("a covariate to the power 0 is 1, and missing when its field is (Pow(NaN, 0) would be 1)", async () => {
    const results = await expectOnnxAgrees(
      regression(`modelType="generalLinear"`, BETAS).replace(`<PPCell value="2" predictorName="x"`, `<PPCell value="0" predictorName="x"`),
      ROWS,
    );
    expect(results[0]).toEqual({ y: 1.5 + 0.2 - 3 + 0.5 * 4 });
    expect(results[3]).toEqual({ y: null });
  });
  for (const link of [
    `linkFunction="log"`,
    `linkFunction="logit" offsetValue="0.25"`,
    `linkFunction="power" linkParameter="0.5"`,
    `linkFunction="probit" trialsValue="3"`,
  ]) {
    it(`generalizedLinear ${link}`, async () => {
      await expectOnnxAgrees(regression(`modelType="generalizedLinear" ${link}`, BETAS), ROWS);
    });
  }
  it("multinomialLogistic: one η per category but the reference", async () => {
    const cells = ["lo", "mid"]
      .map((k, j) =>
        BETAS.replace(/beta="([^"]+)"/g, (_m, b: string) => `beta="${Number(b) * (j + 1) * 0.3}"`).replace(/<PCell /g, `<PCell targetCategory="${k}" `),
      )
      .join("");
    await expectOnnxAgrees(classifier(`modelType="multinomialLogistic"`, cells), ROWS);
  });
  it("ordinalMultinomial: per-category intercepts, common slopes, cumulative logit", async () => {
    const cells = `<PCell targetCategory="lo" parameterName="p0" beta="-1"/><PCell targetCategory="mid" parameterName="p0" beta="0.5"/>
      <PCell parameterName="p1" beta="0.2"/><PCell parameterName="p2" beta="-0.7"/><PCell parameterName="p3" beta="0.1"/>`;
    await expectOnnxAgrees(classifier(`modelType="ordinalMultinomial" cumulativeLink="logit" targetReferenceCategory="hi"`, cells), ROWS);
  });
  it("refuses CoxRegression and contrast matrices, naming them", async () => {
    expect(await onnxRefusal(regression(`modelType="CoxRegression" endTimeVariable="x"`, BETAS))).toMatch(/modelType="CoxRegression"/);
    const contrast = regression(`modelType="generalLinear"`, BETAS).replace(
      `<Predictor name="c"/></FactorList>`,
      `<Predictor name="c" contrastMatrixType="dummy"><Categories><Category value="a"/><Category value="b"/><Category value="c"/></Categories><Matrix><Array n="3" type="real">1 0 0</Array><Array n="3" type="real">0 1 0</Array><Array n="3" type="real">0 0 1</Array></Matrix></Predictor></FactorList>`,
    );
    expect(await onnxRefusal(contrast)).toMatch(/Predictor name="c" with a contrast matrix/);
  });
});
