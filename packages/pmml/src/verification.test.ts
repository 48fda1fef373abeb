import { describe, expect, it } from "vitest";
import { SchemaError } from "@porta/ir";
import { parsePmml } from "./parse.ts";
import { pmmlDocument } from "./testing.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`;

function regression(verification: string): string {
  return pmmlDocument(
    FIELDS,
    `<RegressionModel functionName="regression">
      <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      ${verification}
      <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable>
    </RegressionModel>`,
  );
}

describe("ModelVerification (PMML 4.4 §ModelVerification)", () => {
  it("keys each record by field name through VerificationField/@column, prefixed cells read by local name", () => {
    const v = parsePmml(
      regression(`<ModelVerification recordCount="2">
        <VerificationFields><VerificationField field="x" column="data:in"/><VerificationField field="y" precision="0.01" zeroThreshold="0.001"/></VerificationFields>
        <InlineTable><row><data:in>3</data:in><y>7</y><ignored>1</ignored></row><row><data:in>0</data:in><y>1</y></row></InlineTable>
      </ModelVerification>`),
    ).model.verification;
    expect(v?.recordCount).toBe(2);
    expect(v?.fields.map((f) => [f.field, f.column, f.precision, f.zeroThreshold])).toEqual([
      ["x", "in", 1e-6, 1e-16],
      ["y", "y", 0.01, 0.001],
    ]);
    expect(v?.rows).toEqual([
      { x: "3", y: "7" },
      { x: "0", y: "1" },
    ]);
    expect(v?.path).toBe("/PMML/RegressionModel[1]/ModelVerification");
  });

  it("an absent or blank cell is missing (null)", () => {
    const v = parsePmml(
      regression(`<ModelVerification>
        <VerificationFields><VerificationField field="x"/><VerificationField field="y"/></VerificationFields>
        <InlineTable><row><x>3</x></row><row><x> </x><y>1</y></row></InlineTable>
      </ModelVerification>`),
    ).model.verification;
    expect(v?.rows).toEqual([
      { x: "3", y: null },
      { x: null, y: "1" },
    ]);
  });

  it("a model without ModelVerification has no verification property", () => {
    expect("verification" in parsePmml(regression("")).model).toBe(false);
  });

  it("refuses a negative precision and a ModelVerification without records, naming the path", () => {
    const negative = () =>
      parsePmml(
        regression(
          `<ModelVerification><VerificationFields><VerificationField field="y" precision="-1"/></VerificationFields><InlineTable/></ModelVerification>`,
        ),
      );
    expect(negative).toThrow(SchemaError);
    expect(negative).toThrow(
      expect.objectContaining({ path: "/PMML/RegressionModel[1]/ModelVerification/VerificationFields/VerificationField[1]/@precision", value: "-1" }),
    );
    const noTable = () => parsePmml(regression(`<ModelVerification><VerificationFields/></ModelVerification>`));
    expect(noTable).toThrow(expect.objectContaining({ code: "PMML_MISSING_ELEMENT", path: "/PMML/RegressionModel[1]/ModelVerification" }));
  });

  it("a VerificationField without @field is refused", () => {
    expect(() =>
      parsePmml(regression(`<ModelVerification><VerificationFields><VerificationField/></VerificationFields><InlineTable/></ModelVerification>`)),
    ).toThrow(expect.objectContaining({ code: "PMML_MISSING_ATTRIBUTE" }));
  });
});
