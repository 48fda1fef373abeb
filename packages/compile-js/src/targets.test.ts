import { describe, it } from "vitest";
import { expectSameAnswers } from "./families/same-answers.test-helper.ts";

const regression = (targets: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
<RegressionModel functionName="regression">
  <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Targets><Target field="y" rescaleFactor="2">${targets}</Target></Targets>
  <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
</RegressionModel></PMML>`;

const classification = (targets: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField></DataDictionary>
<TreeModel functionName="classification">
  <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Output><OutputField name="pa" feature="probability" value="a" dataType="double"/><OutputField name="pb" feature="probability" value="b" dataType="double"/></Output>
  <Targets><Target field="y" optype="categorical">${targets}</Target></Targets>
  <Node score="a"><SimplePredicate field="x" operator="greaterThan" value="0"/></Node>
</TreeModel></PMML>`;

const rows = [{ x: 1 }, { x: null }, { x: -1 }, { x: 0.5 }];

describe("compiled Targets for a missing prediction give the interpreter's answers (JPMML TargetUtil)", () => {
  it("regression defaultValue, and the refused Target shapes fail the same rows", () => {
    expectSameAnswers(regression(`<TargetValue defaultValue="5"/>`), rows);
    expectSameAnswers(regression(`<TargetValue defaultValue="5"/><TargetValue defaultValue="6"/>`), rows);
    expectSameAnswers(regression(`<TargetValue value="1" defaultValue="5"/>`), rows);
  });
  it("classification priors normalised by their sum; displayValue-only TargetValues and zero sums fail the same rows", () => {
    expectSameAnswers(classification(`<TargetValue value="a" priorProbability="1"/><TargetValue value="b" priorProbability="3"/>`), rows);
    expectSameAnswers(classification(`<TargetValue value="b" priorProbability="0.5"/><TargetValue value="a" priorProbability="0.5"/>`), rows);
    expectSameAnswers(classification(`<TargetValue value="a" displayValue="A"/><TargetValue value="b" displayValue="B"/>`), rows);
    expectSameAnswers(classification(`<TargetValue value="a" priorProbability="0"/><TargetValue value="b" priorProbability="0"/>`), rows);
  });
});
