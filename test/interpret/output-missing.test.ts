import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { interpret } from "@porta/ir";

const doc = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="y" optype="continuous" dataType="double"/>
</DataDictionary>
<RegressionModel functionName="regression">
  <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Output>
    <OutputField name="p" feature="predictedValue" dataType="double"/>
    <OutputField name="t" feature="transformedValue" dataType="double"><Constant dataType="double">7</Constant></OutputField>
    <OutputField name="d" feature="decision" dataType="string"><Constant dataType="string">yes</Constant></OutputField>
  </Output>
  <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
</RegressionModel>
</PMML>`;

describe("OutputField of a missing prediction (PMML 4.4 §Output, JPMML OutputUtil)", () => {
  it('"If the target value is missing, then the result delivered by this OutputField is missing": expressions too', () => {
    const p = parsePmml(doc);
    expect(interpret(p, { x: 1 })).toMatchObject({ y: 3, p: 3, t: 7, d: "yes" });
    // The prediction is missing: transformedValue/decision are missing.
    expect(interpret(p, { x: null })).toEqual({ y: null, p: null, t: null, d: null });
  });
});
