import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";

/** PMML 4.4 §Scorecard, checked on small documents written for each rule. */

const DICTIONARY = `
  <DataDictionary>
    <DataField name="department" optype="categorical" dataType="string">
      <Value value="engineering"/><Value value="marketing"/><Value value="business"/>
    </DataField>
    <DataField name="age" optype="continuous" dataType="integer"/>
    <DataField name="income" optype="continuous" dataType="double"/>
    <DataField name="overallScore" optype="continuous" dataType="double"/>
  </DataDictionary>`;

const OUTPUT = `<Output>
    <OutputField name="Final Score" feature="predictedValue" dataType="double"/>
    <OutputField name="Reason Code 1" rank="1" feature="reasonCode" dataType="string"/>
    <OutputField name="Reason Code 2" rank="2" feature="reasonCode" dataType="string"/>
    <OutputField name="Reason Code 3" rank="3" feature="reasonCode" dataType="string"/>
  </Output>`;

const CHARACTERISTICS = `<Characteristics>
    <Characteristic name="departmentScore" reasonCode="RC1" baselineScore="19">
      <Attribute partialScore="-9"><SimplePredicate field="department" operator="isMissing"/></Attribute>
      <Attribute partialScore="19"><SimplePredicate field="department" operator="equal" value="marketing"/></Attribute>
      <Attribute partialScore="3"><SimplePredicate field="department" operator="equal" value="engineering"/></Attribute>
      <Attribute partialScore="6"><SimplePredicate field="department" operator="equal" value="business"/></Attribute>
    </Characteristic>
    <Characteristic name="ageScore" reasonCode="RC2" baselineScore="18">
      <Attribute partialScore="-1"><SimplePredicate field="age" operator="isMissing"/></Attribute>
      <Attribute partialScore="-3"><SimplePredicate field="age" operator="lessOrEqual" value="18"/></Attribute>
      <Attribute partialScore="0"><CompoundPredicate booleanOperator="and">
        <SimplePredicate field="age" operator="greaterThan" value="18"/><SimplePredicate field="age" operator="lessOrEqual" value="29"/></CompoundPredicate></Attribute>
      <Attribute partialScore="12"><CompoundPredicate booleanOperator="and">
        <SimplePredicate field="age" operator="greaterThan" value="29"/><SimplePredicate field="age" operator="lessOrEqual" value="39"/></CompoundPredicate></Attribute>
      <Attribute partialScore="18"><SimplePredicate field="age" operator="greaterThan" value="39"/></Attribute>
    </Characteristic>
    <Characteristic name="incomeScore" reasonCode="RC3" baselineScore="10">
      <Attribute partialScore="3"><SimplePredicate field="income" operator="isMissing"/></Attribute>
      <Attribute reasonCode="RC3a"><SimplePredicate field="income" operator="lessOrEqual" value="1000"/>
        <ComplexPartialScore><NormContinuous field="income"><LinearNorm orig="0" norm="0"/><LinearNorm orig="1000" norm="3"/></NormContinuous></ComplexPartialScore>
      </Attribute>
      <Attribute partialScore="26"><SimplePredicate field="income" operator="greaterThan" value="1000"/></Attribute>
    </Characteristic>
  </Characteristics>`;

function scorecard(attrs = 'initialScore="0" useReasonCodes="true" reasonCodeAlgorithm="pointsBelow"', characteristics = CHARACTERISTICS, extra = ""): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>${DICTIONARY}
    <Scorecard modelName="SampleScorecard" functionName="regression" ${attrs}>
      <MiningSchema>
        <MiningField name="department" invalidValueTreatment="asMissing"/>
        <MiningField name="age"/><MiningField name="income"/>
        <MiningField name="overallScore" usageType="predicted"/>
      </MiningSchema>${OUTPUT}${extra}${characteristics}
    </Scorecard></PMML>`;
}

function score(text: string, row: Record<string, unknown>) {
  return interpret(parsePmml(text), row);
}

describe("Scorecard", () => {
  it("the score is initialScore plus the partial score of the first TRUE Attribute of every Characteristic", () => {
    const r = score(scorecard('initialScore="5" useReasonCodes="false"'), { department: "engineering", age: 25, income: 2000 });
    expect(r.overallScore).toBe(5 + 3 + 0 + 26);
    expect(r["Final Score"]).toBe(34);
    expect(r["Reason Code 1"]).toBeNull();
  });

  it("ComplexPartialScore computes the partial score from an expression", () => {
    const r = score(scorecard('useReasonCodes="false"'), { department: "marketing", age: 50, income: 500 });
    expect(r.overallScore).toBe(19 + 18 + 1.5);
  });

  it("pointsBelow: codes ranked by baseline − partial, descending; negative totals dropped", () => {
    // RC1: 19 − 3 = 16; RC2: 18 − 12 = 6; RC3: 10 − 26 = −16 (dropped).
    const r = score(scorecard(), { department: "engineering", age: 35, income: 5000 });
    expect(r["Reason Code 1"]).toBe("RC1");
    expect(r["Reason Code 2"]).toBe("RC2");
    expect(r["Reason Code 3"]).toBeNull();
  });

  it("pointsAbove: codes ranked by partial − baseline", () => {
    // RC1: 3 − 19 = −16 (dropped); RC2: 12 − 18 = −6 (dropped); RC3: 26 − 10 = 16.
    const r = score(scorecard('reasonCodeAlgorithm="pointsAbove"'), { department: "engineering", age: 35, income: 5000 });
    expect(r["Reason Code 1"]).toBe("RC3");
    expect(r["Reason Code 2"]).toBeNull();
  });

  it("an Attribute's reasonCode overrides its Characteristic's; ties keep first-appearance order; zero points count", () => {
    // RC1: 19 − 19 = 0; RC2: 18 − 18 = 0; RC3a: 10 − 3 = 7.
    const r = score(scorecard(), { department: "marketing", age: 45, income: 1000 });
    expect([r["Reason Code 1"], r["Reason Code 2"], r["Reason Code 3"]]).toEqual(["RC3a", "RC1", "RC2"]);
  });

  it("the Scorecard's baselineScore applies to Characteristics without their own", () => {
    const noBaseline = CHARACTERISTICS.replace('reasonCode="RC1" baselineScore="19"', 'reasonCode="RC1"');
    const r = score(scorecard('baselineScore="100"', noBaseline), { department: "marketing", age: 45, income: 5000 });
    // RC1: 100 − 19 = 81 ranks first.
    expect(r["Reason Code 1"]).toBe("RC1");
    expect(() => parsePmml(scorecard("", noBaseline))).toThrow(SchemaError);
  });

  it("points of the same reason code are summed across Characteristics", () => {
    const shared = CHARACTERISTICS.replace('reasonCode="RC2"', 'reasonCode="RC1"');
    // RC1: (19 − 6) + (18 − 0) = 31; RC3: 10 − 3 = 7.
    const r = score(scorecard("", shared), { department: "business", age: 20, income: null });
    expect([r["Reason Code 1"], r["Reason Code 2"], r["Reason Code 3"]]).toEqual(["RC1", "RC3", null]);
  });

  it("missing inputs select the isMissing Attributes; an invalid category is treated as missing under asMissing", () => {
    const r = score(scorecard('useReasonCodes="false"'), { department: "sales", age: null, income: null });
    expect(r.overallScore).toBe(-9 - 1 + 3);
  });

  it("an invalid value fails under returnInvalid (EvaluationError)", () => {
    expect(() => score(scorecard(), { department: "marketing", age: "old", income: 1 })).toThrow(EvaluationError);
  });

  it("a Characteristic without a TRUE Attribute makes the score invalid (EvaluationError)", () => {
    const partial = CHARACTERISTICS.replace('<Attribute partialScore="-9"><SimplePredicate field="department" operator="isMissing"/></Attribute>', "");
    expect(() => score(scorecard("", partial), { department: null, age: 30, income: 1 })).toThrow(EvaluationError);
  });

  it("Targets post-process the score", () => {
    const targets = `<Targets><Target field="overallScore" rescaleFactor="2" rescaleConstant="1"/></Targets>`;
    const r = score(scorecard('useReasonCodes="false"', CHARACTERISTICS, targets), { department: "engineering", age: 25, income: 2000 });
    expect(r.overallScore).toBe(2 * 29 + 1);
  });

  it("document errors: an Attribute needs a partial score; bad reasonCodeAlgorithm; only regression scorecards", () => {
    const noScore = CHARACTERISTICS.replace('<Attribute partialScore="26">', "<Attribute>");
    expect(() => parsePmml(scorecard("", noScore))).toThrow(SchemaError);
    expect(() => parsePmml(scorecard('reasonCodeAlgorithm="pointsAround"'))).toThrow(SchemaError);
    const classification = scorecard().replace('functionName="regression"', 'functionName="classification"');
    expect(() => score(classification, { department: "marketing", age: 45, income: 5000 })).toThrow(UnsupportedFeatureError);
  });
});
