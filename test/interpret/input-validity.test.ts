import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { interpret } from "@porta/ir";

const doc = (field: string, mining = "") => `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>
  ${field}
  <DataField name="y" optype="continuous" dataType="double"/>
</DataDictionary>
<RegressionModel functionName="regression">
  <MiningSchema><MiningField name="x" ${mining}/><MiningField name="y" usageType="target"/></MiningSchema>
  <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
</RegressionModel>
</PMML>`;

describe("DataField valid space of an input (PMML 4.4 §DataDictionary, JPMML InputFieldUtil)", () => {
  it("continuous field with valid Values and no Intervals: the Values are the whole valid space", () => {
    const p = parsePmml(
      doc(`<DataField name="x" optype="continuous" dataType="double"><Value value="1"/><Value value="2"/></DataField>`, `invalidValueTreatment="asMissing"`),
    );
    expect(interpret(p, { x: 2 }).y).toBe(5);
    expect(interpret(p, { x: "1.0" }).y).toBe(3);
    expect(interpret(p, { x: 3 }).y).toBeNull();
    expect(() => interpret(parsePmml(doc(`<DataField name="x" optype="continuous" dataType="double"><Value value="1"/></DataField>`)), { x: 3 })).toThrow(
      expect.objectContaining({ code: "PMML_INVALID_VALUE" }),
    );
  });

  it("continuous field with Intervals: valid Values extend them; only missing/invalid Values do not make a valid space", () => {
    const p = parsePmml(
      doc(
        `<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="1"/><Value value="5"/><Value value="-1" property="missing"/></DataField>`,
        `invalidValueTreatment="asMissing"`,
      ),
    );
    expect(interpret(p, { x: 0.5 }).y).toBe(2);
    expect(interpret(p, { x: 5 }).y).toBe(11);
    expect(interpret(p, { x: 3 }).y).toBeNull();
    const onlyMissing = parsePmml(doc(`<DataField name="x" optype="continuous" dataType="double"><Value value="-1" property="missing"/></DataField>`));
    expect(interpret(onlyMissing, { x: 7 }).y).toBe(15);
    expect(interpret(onlyMissing, { x: -1 }).y).toBeNull();
  });

  it('invalidValueTreatment="asIs" with an invalidValueReplacement replaces the invalid value (JPMML\'s pre-4.4 asValue)', () => {
    const p = parsePmml(
      doc(
        `<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="1"/></DataField>`,
        `invalidValueTreatment="asIs" invalidValueReplacement="0.5"`,
      ),
    );
    expect(interpret(p, { x: 3 }).y).toBe(2);
    const asIs = parsePmml(
      doc(
        `<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="1"/></DataField>`,
        `invalidValueTreatment="asIs"`,
      ),
    );
    expect(interpret(asIs, { x: 3 }).y).toBe(7);
  });
});

describe("missing values from outliers and NaN (PMML 4.4 §MiningSchema outliers; JPMML performMissingValueTreatment)", () => {
  const field = `<DataField name="x" optype="continuous" dataType="double"/>`;

  it("an outlier under asMissingValues is missing, then replaced by missingValueReplacement as the field's dataType", () => {
    const p = parsePmml(doc(field, `outliers="asMissingValues" lowValue="-1" highValue="1" missingValueReplacement="0.5"`));
    expect(interpret(p, { x: 7 }).y).toBe(2);
    expect(interpret(p, { x: 0.25 }).y).toBe(1.5);
    const strict = parsePmml(doc(field, `outliers="asMissingValues" lowValue="-1" highValue="1" missingValueTreatment="returnInvalid"`));
    expect(() => interpret(strict, { x: 7 })).toThrow(expect.objectContaining({ code: "PMML_MISSING_VALUE" }));
  });

  it("a NaN input, as a number or as the text NaN, is a missing value", () => {
    const p = parsePmml(doc(field, `missingValueReplacement="3"`));
    expect(interpret(p, { x: NaN }).y).toBe(7);
    expect(interpret(p, { x: "NaN" }).y).toBe(7);
  });
});
