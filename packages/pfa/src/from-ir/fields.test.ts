import { UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { describe, expect, it } from "vitest";
import { pmmlToPfa } from "./index.ts";
import { converted, pmml } from "./score.test-helper.ts";

const regressionOn = (field: string, mining: string) =>
  `<RegressionModel functionName="regression"><MiningSchema>${mining}<MiningField name="y" usageType="target"/></MiningSchema>
    <RegressionTable intercept="0"><NumericPredictor name="${field}" coefficient="1"/></RegressionTable></RegressionModel>`;

describe("inputs and transformations → PFA (PMML 4.4 §MiningSchema, §Transformations)", () => {
  const fields = `<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="10"/></DataField><DataField name="y" optype="continuous" dataType="double"/>`;

  it("replaces a missing value, and treats an invalid one per invalidValueTreatment", () => {
    const replaced = converted(pmml(fields, regressionOn("x", `<MiningField name="x" missingValueReplacement="4" invalidValueTreatment="asMissing"/>`)));
    expect(replaced.score({ x: null })).toEqual({ y: 4 });
    // Outside the Interval: invalid, asMissing, then replaced as a missing value.
    expect(replaced.score({ x: 11 })).toEqual({ y: 4 });
    expect(replaced.score({ x: 3 })).toEqual({ y: 3 });
    const asIs = converted(pmml(fields, regressionOn("x", `<MiningField name="x" invalidValueTreatment="asIs"/>`)));
    expect(asIs.score({ x: 11 })).toEqual({ y: 11 });
  });

  it("fails a row whose value is invalid under returnInvalid, as PMML does", () => {
    const m = converted(pmml(fields, regressionOn("x", `<MiningField name="x"/>`)));
    expect(() => m.score({ x: -1 })).toThrow(/invalid value/);
    expect(() => m.reference({ x: -1 })).toThrow();
  });

  it("clamps outliers asExtremeValues", () => {
    const m = converted(pmml(fields, regressionOn("x", `<MiningField name="x" outliers="asExtremeValues" lowValue="1" highValue="9"/>`)));
    expect([0.5, 5, 9.5].map((x) => m.score({ x }).y)).toEqual([1, 5, 9]);
  });

  it("computes NormContinuous, Discretize, MapValues and Apply as the interpreter", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"/><DataField name="y" optype="continuous" dataType="double"/>`,
        `<RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
          <RegressionTable intercept="0"><NumericPredictor name="n" coefficient="1"/><NumericPredictor name="d" coefficient="10"/><NumericPredictor name="m" coefficient="100"/><NumericPredictor name="a" coefficient="1000"/></RegressionTable></RegressionModel>`,
        `<DerivedField name="n" optype="continuous" dataType="double"><NormContinuous field="x" outliers="asExtremeValues"><LinearNorm orig="0" norm="0"/><LinearNorm orig="4" norm="0.5"/><LinearNorm orig="10" norm="1"/></NormContinuous></DerivedField>
         <DerivedField name="d" optype="continuous" dataType="double"><Discretize field="x" defaultValue="9"><DiscretizeBin binValue="1"><Interval closure="openClosed" rightMargin="2"/></DiscretizeBin><DiscretizeBin binValue="2"><Interval closure="openOpen" leftMargin="2" rightMargin="5"/></DiscretizeBin></Discretize></DerivedField>
         <DerivedField name="m" optype="continuous" dataType="double"><MapValues outputColumn="out" mapMissingTo="-1" defaultValue="0"><FieldColumnPair field="c" column="in"/><InlineTable><row><in>u</in><out>3</out></row><row><in>v</in><out>4</out></row></InlineTable></MapValues></DerivedField>
         <DerivedField name="a" optype="continuous" dataType="double"><Apply function="if"><Apply function="greaterThan"><FieldRef field="x"/><Constant>3</Constant></Apply><Apply function="ln"><FieldRef field="x"/></Apply><Apply function="sum"><FieldRef field="x"/><Constant>1.5</Constant></Apply></Apply></DerivedField>`,
      ),
    );
    for (const row of [
      { x: 1, c: "u" },
      { x: 3.5, c: "v" },
      { x: 12, c: "w" },
      { x: -2, c: null },
    ])
      expect(m.score(row), JSON.stringify(row)).toEqual(m.reference(row));
  });

  it("refuses what it cannot convert exactly with UnsupportedFeatureError naming the element", () => {
    const text = pmml(
      `<DataField name="s" optype="categorical" dataType="string"/><DataField name="y" optype="continuous" dataType="double"/>`,
      `<RegressionModel functionName="regression"><MiningSchema><MiningField name="s"/><MiningField name="y" usageType="target"/></MiningSchema>
        <RegressionTable intercept="0"><CategoricalPredictor name="u" value="AB" coefficient="1"/></RegressionTable></RegressionModel>`,
      `<DerivedField name="u" optype="categorical" dataType="string"><Apply function="replace"><FieldRef field="s"/><Constant>a+</Constant><Constant>A</Constant></Apply></DerivedField>`,
    );
    expect(() => pmmlToPfa(parsePmml(text))).toThrow(UnsupportedFeatureError);
    expect(() => pmmlToPfa(parsePmml(text))).toThrow(/Apply\[@function=replace\]/);
  });

  it("names input fields by Avro rules and keeps the PMML name in the field's doc", () => {
    const m = converted(
      pmml(
        `<DataField name="Sepal.Length" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`,
        regressionOn("Sepal.Length", `<MiningField name="Sepal.Length"/>`),
      ),
    );
    expect((m.document.input as { fields: unknown[] }).fields).toEqual([{ name: "Sepal_Length", type: ["null", "double"], doc: "Sepal.Length" }]);
    expect(m.score({ "Sepal.Length": 2.5 })).toEqual({ y: 2.5 });
  });
});
