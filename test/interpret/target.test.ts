import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { interpret } from "@porta/ir";

const regression = (targets: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="y" optype="continuous" dataType="double"/>
</DataDictionary>
<RegressionModel functionName="regression">
  <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Targets><Target field="y" rescaleFactor="2">${targets}</Target></Targets>
  <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
</RegressionModel>
</PMML>`;

const classification = (targets: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="y" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>
</DataDictionary>
<TreeModel functionName="classification">
  <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Output><OutputField name="pa" feature="probability" value="a" dataType="double"/><OutputField name="pb" feature="probability" value="b" dataType="double"/></Output>
  <Targets><Target field="y" optype="categorical">${targets}</Target></Targets>
  <Node score="a"><SimplePredicate field="x" operator="greaterThan" value="0"/></Node>
</TreeModel>
</PMML>`;

describe("Targets for a missing prediction (PMML 4.4 §Targets, JPMML TargetUtil)", () => {
  it("regression: the one TargetValue's defaultValue, then rescaled; no defaultValue is missing", () => {
    expect(interpret(parsePmml(regression(`<TargetValue defaultValue="5"/>`)), { x: null }).y).toBe(10);
    expect(interpret(parsePmml(regression(`<TargetValue defaultValue="5"/>`)), { x: 1 }).y).toBe(6);
    expect(interpret(parsePmml(regression(`<TargetValue displayValue="five"/>`)), { x: null }).y).toBeNull();
  });

  it("regression: several TargetValues, or value/priorProbability on the TargetValue, are refused once the prediction is missing", () => {
    const two = parsePmml(regression(`<TargetValue defaultValue="5"/><TargetValue defaultValue="6"/>`));
    expect(interpret(two, { x: 1 }).y).toBe(6);
    expect(() => interpret(two, { x: null })).toThrow(expect.objectContaining({ code: "PMML_TARGET_VALUES" }));
    expect(() => interpret(parsePmml(regression(`<TargetValue value="1" defaultValue="5"/>`)), { x: null })).toThrow(
      expect.objectContaining({ code: "PMML_TARGET_VALUES" }),
    );
  });

  it("classification: priors divided by their sum unless it is exactly 1; the largest wins, the first of ties", () => {
    const r = interpret(parsePmml(classification(`<TargetValue value="a" priorProbability="1"/><TargetValue value="b" priorProbability="3"/>`)), { x: -1 });
    expect(r).toMatchObject({ y: "b", pa: 0.25, pb: 0.75 });
    const tie = interpret(parsePmml(classification(`<TargetValue value="b" priorProbability="0.5"/><TargetValue value="a" priorProbability="0.5"/>`)), {
      x: -1,
    });
    expect(tie.y).toBe("b");
  });

  it("classification: a TargetValue without priorProbability (a displayValue only) is refused once the prediction is missing; a zero sum is undefined", () => {
    const display = parsePmml(classification(`<TargetValue value="a" displayValue="A"/><TargetValue value="b" displayValue="B"/>`));
    expect(interpret(display, { x: 1 }).y).toBe("a");
    expect(() => interpret(display, { x: -1 })).toThrow(expect.objectContaining({ code: "PMML_MISSING_ATTRIBUTE" }));
    const zero = parsePmml(classification(`<TargetValue value="a" priorProbability="0"/><TargetValue value="b" priorProbability="0"/>`));
    expect(() => interpret(zero, { x: -1 })).toThrow(expect.objectContaining({ code: "PMML_UNDEFINED_RESULT" }));
  });
});
