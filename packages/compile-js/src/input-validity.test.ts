import { describe, it } from "vitest";
import { expectSameAnswers } from "./families/same-answers.test-helper.ts";

const doc = (field: string, mining = "") => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>${field}<DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
<RegressionModel functionName="regression">
  <MiningSchema><MiningField name="x" ${mining}/><MiningField name="y" usageType="target"/></MiningSchema>
  <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
</RegressionModel></PMML>`;

const rows = [{ x: 0.5 }, { x: 1 }, { x: "2" }, { x: 3 }, { x: 5 }, { x: -1 }, { x: null }, { x: "abc" }];

describe("compiled inputs classify valid/invalid/missing as the interpreter (JPMML InputFieldUtil)", () => {
  it("continuous valid Values without Intervals, with Intervals, and asIs + invalidValueReplacement", () => {
    expectSameAnswers(
      doc(`<DataField name="x" optype="continuous" dataType="double"><Value value="1"/><Value value="2"/></DataField>`, `invalidValueTreatment="asMissing"`),
      rows,
    );
    expectSameAnswers(doc(`<DataField name="x" optype="continuous" dataType="double"><Value value="1"/></DataField>`), rows);
    expectSameAnswers(
      doc(
        `<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="1"/><Value value="5"/><Value value="-1" property="missing"/></DataField>`,
        `invalidValueTreatment="asMissing"`,
      ),
      rows,
    );
    expectSameAnswers(
      doc(
        `<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="1"/></DataField>`,
        `invalidValueTreatment="asIs" invalidValueReplacement="0.5"`,
      ),
      rows,
    );
  });
});
