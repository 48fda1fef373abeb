import { describe, expect, it } from "vitest";
import { doc, expectOnnxAgrees, onnxRefusal } from "./agreement.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"><Value value="k1"/><Value value="k2"/><Value value="k3"/></DataField><DataField name="y" optype="continuous" dataType="double"/>`;
const ROWS = [
  { x: -5, c: "k1" },
  { x: 0.5, c: "k2" },
  { x: 2, c: "k3" },
  { x: 7, c: "k1" },
  { x: null, c: null },
  { x: 4, c: "k2" },
];

function linear(transformations: string, predictors: string): string {
  return doc(
    FIELDS,
    `<RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema><RegressionTable intercept="0">${predictors}</RegressionTable></RegressionModel>`,
    transformations,
  );
}

describe("onnx transformations (PMML 4.4 §Transformations) as graph ops", () => {
  for (const outliers of ["asIs", "asMissingValues", "asExtremeValues"]) {
    it(`NormContinuous with three LinearNorms, outliers="${outliers}", mapMissingTo`, async () => {
      const t = `<DerivedField name="n" optype="continuous" dataType="double"><NormContinuous field="x" outliers="${outliers}" mapMissingTo="0.5"><LinearNorm orig="-1" norm="0"/><LinearNorm orig="1" norm="0.25"/><LinearNorm orig="5" norm="1"/></NormContinuous></DerivedField>`;
      await expectOnnxAgrees(linear(t, `<NumericPredictor name="n" coefficient="1"/>`), ROWS);
    });
  }

  it("Discretize to text bins read by a categorical predictor, MapValues, NormDiscrete, Apply arithmetic", async () => {
    const t = `
      <DerivedField name="bin" optype="categorical" dataType="string"><Discretize field="x" defaultValue="mid" mapMissingTo="none"><DiscretizeBin binValue="low"><Interval closure="openClosed" rightMargin="0"/></DiscretizeBin><DiscretizeBin binValue="high"><Interval closure="openOpen" leftMargin="3"/></DiscretizeBin></Discretize></DerivedField>
      <DerivedField name="m" optype="continuous" dataType="double"><MapValues outputColumn="out" defaultValue="-1"><FieldColumnPair field="c" column="in"/><InlineTable><row><in>k1</in><out>10</out></row><row><in>k2</in><out>20</out></row></InlineTable></MapValues></DerivedField>
      <DerivedField name="d" optype="continuous" dataType="double"><NormDiscrete field="c" value="k3"/></DerivedField>
      <DerivedField name="f" optype="continuous" dataType="double"><Apply function="+"><Apply function="*"><FieldRef field="x"/><Constant>2</Constant></Apply><Apply function="max"><FieldRef field="x"/><Constant>1</Constant></Apply></Apply></DerivedField>`;
    const results = await expectOnnxAgrees(
      linear(
        t,
        `<NumericPredictor name="m" coefficient="1"/><NumericPredictor name="d" coefficient="100"/><NumericPredictor name="f" coefficient="0.5"/><CategoricalPredictor name="bin" value="low" coefficient="1000"/><CategoricalPredictor name="bin" value="high" coefficient="2000"/>`,
      ),
      ROWS,
    );
    expect(results[4]).toEqual({ y: null });
  });

  it("refuses a text function, naming the Apply and its DerivedField", async () => {
    const t = `<DerivedField name="s" optype="categorical" dataType="string"><Apply function="substring"><FieldRef field="c"/><Constant>1</Constant><Constant>1</Constant></Apply></DerivedField>`;
    const pmml = doc(
      FIELDS,
      `<TreeModel functionName="regression"><MiningSchema><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema><Node score="1"><True/><Node score="2"><SimplePredicate field="s" operator="equal" value="k"/></Node></Node></TreeModel>`,
      t,
    );
    expect(await onnxRefusal(pmml)).toMatch(/Apply function="substring" in DerivedField "s"/);
  });

  it("refuses the IR's pfa: functions (PFA's int arithmetic and its errors have no graph op)", async () => {
    const t = `<DerivedField name="i" optype="continuous" dataType="double"><Apply function="pfa:int+"><FieldRef field="x"/><Constant>1</Constant></Apply></DerivedField>`;
    expect(await onnxRefusal(linear(t, `<NumericPredictor name="i" coefficient="1"/>`))).toMatch(
      /Apply function="pfa:int\+" in DerivedField "i" is not exported/,
    );
  });
});

describe("onnx graph names", () => {
  it("a field named like a generated tensor (t3, c0) does not collide with it", async () => {
    const fields = `<DataField name="t3" optype="continuous" dataType="double"/><DataField name="c0" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`;
    const pmml = doc(
      fields,
      `<RegressionModel functionName="regression"><MiningSchema><MiningField name="t3"/><MiningField name="c0"/><MiningField name="y" usageType="target"/></MiningSchema><RegressionTable intercept="1"><NumericPredictor name="t3" coefficient="2"/><NumericPredictor name="c0" coefficient="3"/></RegressionTable></RegressionModel>`,
    );
    await expectOnnxAgrees(pmml, [
      { t3: 1, c0: 2 },
      { t3: -1, c0: null },
    ]);
  });
});
