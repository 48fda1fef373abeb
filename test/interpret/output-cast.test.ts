import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { interpret } from "@porta/ir";

const doc = (outputs: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="y" optype="continuous" dataType="double"/>
</DataDictionary>
<RegressionModel functionName="regression">
  <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Output>${outputs}</Output>
  <RegressionTable intercept="0.5"><NumericPredictor name="x" coefficient="1"/></RegressionTable>
</RegressionModel>
</PMML>`;

describe("OutputField dataType (PMML 4.4 §OutputField, JPMML FieldValueUtil.create)", () => {
  it('a value the dataType holds is converted: 3.0 as integer, 2.5 as string, "7" as double', () => {
    const p = parsePmml(
      doc(`<OutputField name="i" feature="predictedValue" dataType="integer"/>
      <OutputField name="s" feature="predictedValue" dataType="string"/>
      <OutputField name="d" feature="transformedValue" dataType="double"><Constant dataType="string">7</Constant></OutputField>`),
    );
    expect(interpret(p, { x: 2.5 })).toMatchObject({ i: 3, s: "3", d: 7 });
  });

  it("a value the dataType cannot hold is an error (TypeCheckException), not the raw value", () => {
    const p = parsePmml(doc(`<OutputField name="i" feature="predictedValue" dataType="integer"/>`));
    expect(() => interpret(p, { x: 2 })).toThrow(expect.objectContaining({ code: "PMML_TYPE_CHECK" }));
    const a = parsePmml(doc(`<OutputField name="d" feature="transformedValue" dataType="double"><Constant dataType="string">A</Constant></OutputField>`));
    expect(() => interpret(a, { x: 2 })).toThrow(expect.objectContaining({ code: "PMML_TYPE_CHECK" }));
    // A missing prediction has no value to convert.
    expect(interpret(p, { x: null })).toEqual({ y: null, i: null });
  });
});

describe("OutputField predictedDisplayValue (JPMML OutputUtil.getPredictedDisplayValue)", () => {
  const labelled = (optype: string, dataType: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="y" optype="${optype}" dataType="double"><Value value="3" displayValue="three"/></DataField>
</DataDictionary>
<RegressionModel functionName="regression">
  <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Output><OutputField name="d" feature="predictedDisplayValue"${dataType}/></Output>
  <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
</RegressionModel>
</PMML>`;

  it("without a display value it is the raw predicted value, converted to the OutputField's dataType", () => {
    expect(interpret(parsePmml(labelled("continuous", "")), { x: 1 }).d).toBe(3);
    expect(interpret(parsePmml(labelled("continuous", ` dataType="string"`)), { x: 1 }).d).toBe("3");
  });

  it("a continuous target does not read its DataField Value displayValues", () => {
    expect(interpret(parsePmml(labelled("continuous", ` dataType="string"`)), { x: 1 }).d).toBe("3");
  });
});
