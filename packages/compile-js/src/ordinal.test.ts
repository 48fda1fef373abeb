import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { expectSameAnswers } from "./families/same-answers.test-helper.ts";

const doc = (field: string, operator: string) => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>${field}<DataField name="y" optype="categorical" dataType="string"><Value value="lo"/><Value value="hi"/></DataField></DataDictionary>
<TreeModel functionName="classification" noTrueChildStrategy="returnLastPrediction">
  <MiningSchema><MiningField name="x" invalidValueTreatment="asIs"/><MiningField name="y" usageType="target"/></MiningSchema>
  <Node score="hi"><True/><Node score="lo"><SimplePredicate field="x" operator="${operator}" value="1"/></Node></Node>
</TreeModel></PMML>`;

const ordered = `<DataField name="x" optype="ordinal" dataType="integer"><Value value="3"/><Value value="1"/><Value value="2"/></DataField>`;
const rows = [{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }, { x: null }];

describe("compiled comparisons on ordinal fields", () => {
  it("ordering comparisons on an ordinal field with declared values are left to the interpreter (NotCompilable)", () => {
    const js = pmmlModel(parsePmml(doc(ordered, "lessThan")), "js");
    expect(js.notices.length).toBeGreaterThan(0);
    const interp = pmmlModel(parsePmml(doc(ordered, "lessThan")), "interp");
    expect(js.scoreBatch(rows, { onError: "collect" })).toEqual(interp.scoreBatch(rows, { onError: "collect" }));
  });
  it("equality on such a field, and comparisons on an ordinal field without values, still compile", () => {
    expectSameAnswers(doc(ordered, "equal"), rows);
    expectSameAnswers(doc(`<DataField name="x" optype="ordinal" dataType="integer"/>`, "lessThan"), rows);
  });
});
