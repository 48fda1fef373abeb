import { describe, expect, it } from "vitest";
import { EvaluationError } from "@porta/ir";
import { pmmlDocument, scorer } from "./testing.ts";

const FIELDS = `
  <DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="100"/></DataField>
  <DataField name="c" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="?" property="missing"/><Value value="bad" property="invalid"/></DataField>
  <DataField name="out" optype="continuous" dataType="double"/>`;

/** A regression model whose prediction is the derived field `d` (coefficient 1, intercept 0). */
function derive(derived: string, mining = '<MiningField name="x"/><MiningField name="c"/>', dictionary = ""): (row: Record<string, unknown>) => unknown {
  const score = scorer(
    pmmlDocument(
      FIELDS,
      `
    ${dictionary}
    <RegressionModel functionName="regression">
      <MiningSchema>${mining}<MiningField name="out" usageType="target"/></MiningSchema>
      <LocalTransformations>${derived}</LocalTransformations>
      <RegressionTable intercept="0"><NumericPredictor name="d" coefficient="1"/></RegressionTable>
    </RegressionModel>`,
    ),
  );
  return (row) => score(row).out;
}

describe("MiningField treatments (PMML 4.4 §MiningSchema)", () => {
  const identity = '<DerivedField name="d" optype="continuous" dataType="double"><FieldRef field="x"/></DerivedField>';

  it("missingValueReplacement replaces a missing input", () => {
    const f = derive(identity, '<MiningField name="x" missingValueReplacement="7"/><MiningField name="c"/>');
    expect(f({ x: null })).toBe(7);
    expect(f({ x: "3" })).toBe(3);
  });

  it("a value outside the DataField Interval is invalid; returnInvalid (default) fails", () => {
    const f = derive(identity);
    expect(() => f({ x: 101 })).toThrow(EvaluationError);
    expect(() => f({ x: "abc" })).toThrow(/invalid value/);
  });

  it("invalidValueTreatment asIs keeps the value, asMissing makes it missing (then replaced)", () => {
    expect(derive(identity, '<MiningField name="x" invalidValueTreatment="asIs"/><MiningField name="c"/>')({ x: 101 })).toBe(101);
    expect(derive(identity, '<MiningField name="x" invalidValueTreatment="asMissing" missingValueReplacement="5"/><MiningField name="c"/>')({ x: 101 })).toBe(
      5,
    );
    expect(derive(identity, '<MiningField name="x" invalidValueTreatment="asValue" invalidValueReplacement="9"/><MiningField name="c"/>')({ x: -3 })).toBe(9);
  });

  it("outliers asMissingValues / asExtremeValues use lowValue and highValue", () => {
    expect(derive(identity, '<MiningField name="x" outliers="asExtremeValues" lowValue="10" highValue="20"/><MiningField name="c"/>')({ x: 25 })).toBe(20);
    expect(derive(identity, '<MiningField name="x" outliers="asExtremeValues" lowValue="10" highValue="20"/><MiningField name="c"/>')({ x: 2 })).toBe(10);
    expect(derive(identity, '<MiningField name="x" outliers="asMissingValues" lowValue="10" highValue="20"/><MiningField name="c"/>')({ x: 25 })).toBeNull();
  });

  it("a Value with property=missing marks the input missing; property=invalid marks it invalid", () => {
    const isA = '<DerivedField name="d" optype="continuous" dataType="double"><NormDiscrete field="c" value="a" mapMissingTo="-1"/></DerivedField>';
    expect(derive(isA)({ c: "?" })).toBe(-1);
    expect(() => derive(isA)({ c: "bad" })).toThrow(EvaluationError);
    expect(() => derive(isA)({ c: "zzz" })).toThrow(EvaluationError);
  });
});

describe("Transformations (PMML 4.4 §Transformations)", () => {
  it("NormContinuous interpolates piecewise-linearly and extrapolates outliers asIs", () => {
    const f = derive(
      '<DerivedField name="d" optype="continuous" dataType="double"><NormContinuous field="x"><LinearNorm orig="10" norm="0"/><LinearNorm orig="20" norm="1"/><LinearNorm orig="40" norm="2"/></NormContinuous></DerivedField>',
    );
    expect(f({ x: 15 })).toBe(0.5);
    expect(f({ x: 30 })).toBe(1.5);
    expect(f({ x: 0 })).toBe(-1);
    expect(f({ x: 50 })).toBe(2.5);
  });

  it("NormContinuous outliers asExtremeValues clamps, asMissingValues gives missing, mapMissingTo", () => {
    const norm = (o: string) =>
      derive(
        `<DerivedField name="d" optype="continuous" dataType="double"><NormContinuous field="x" outliers="${o}" mapMissingTo="9"><LinearNorm orig="10" norm="0"/><LinearNorm orig="20" norm="1"/></NormContinuous></DerivedField>`,
      );
    expect(norm("asExtremeValues")({ x: 50 })).toBe(1);
    expect(norm("asMissingValues")({ x: 50 })).toBeNull();
    expect(norm("asIs")({ x: null })).toBe(9);
  });

  it("NormDiscrete is 1 for the named category and 0 otherwise", () => {
    const f = derive('<DerivedField name="d" optype="continuous" dataType="double"><NormDiscrete field="c" value="b"/></DerivedField>');
    expect(f({ c: "b" })).toBe(1);
    expect(f({ c: "a" })).toBe(0);
  });

  it("Discretize maps intervals to bin values, with defaultValue and mapMissingTo", () => {
    const f = derive(`<DerivedField name="d" optype="continuous" dataType="double">
      <Discretize field="x" defaultValue="-1" mapMissingTo="-2" dataType="double">
        <DiscretizeBin binValue="1"><Interval closure="closedOpen" leftMargin="0" rightMargin="10"/></DiscretizeBin>
        <DiscretizeBin binValue="2"><Interval closure="closedClosed" leftMargin="10" rightMargin="20"/></DiscretizeBin>
      </Discretize></DerivedField>`);
    expect(f({ x: 9.99 })).toBe(1);
    expect(f({ x: 10 })).toBe(2);
    expect(f({ x: 50 })).toBe(-1);
    expect(f({ x: null })).toBe(-2);
  });

  it("MapValues looks rows up in an InlineTable", () => {
    const f = derive(`<DerivedField name="d" optype="continuous" dataType="double">
      <MapValues outputColumn="out" defaultValue="0" dataType="double">
        <FieldColumnPair field="c" column="in"/>
        <InlineTable><row><in>a</in><out>1.5</out></row><row><in>b</in><out>2.5</out></row></InlineTable>
      </MapValues></DerivedField>`);
    expect(f({ c: "b" })).toBe(2.5);
    expect(f({ c: "?" })).toBeNull();
  });

  it("DefineFunction parameters are bound by position; derived fields chain", () => {
    const dictionary = `<TransformationDictionary>
      <DefineFunction name="scale" optype="continuous" dataType="double">
        <ParameterField name="v"/>
        <NormContinuous field="v"><LinearNorm orig="0" norm="0"/><LinearNorm orig="1" norm="3"/></NormContinuous>
      </DefineFunction>
      <DerivedField name="g" optype="continuous" dataType="double"><Apply function="scale"><FieldRef field="x"/></Apply></DerivedField>
    </TransformationDictionary>`;
    const f = derive(
      '<DerivedField name="d" optype="continuous" dataType="double"><FieldRef field="g"/></DerivedField>',
      '<MiningField name="x"/>',
      dictionary,
    );
    expect(f({ x: 2 })).toBe(6);
  });

  it("FieldRef mapMissingTo substitutes for a missing value", () => {
    const f = derive('<DerivedField name="d" optype="continuous" dataType="double"><FieldRef field="x" mapMissingTo="11"/></DerivedField>');
    expect(f({ x: null })).toBe(11);
  });
});

describe("MapValues (PMML 4.4 §MapValues) with namespaced InlineTable cells", () => {
  it('column="data:input" names the <data:input> cells (JPMML converters\' InlineTable namespace)', () => {
    const f = derive(`<DerivedField name="d" optype="continuous" dataType="double">
      <MapValues outputColumn="data:output" dataType="double" xmlns:data="http://jpmml.org/jpmml-model/InlineTable">
        <FieldColumnPair field="c" column="data:input"/>
        <InlineTable>
          <Extension name="note" value="an extension among the rows"/>
          <row><data:input>a</data:input><data:output>1.5</data:output></row>
          <row><data:input>b</data:input><data:output>2.5</data:output></row>
        </InlineTable>
      </MapValues></DerivedField>`);
    expect(f({ x: 1, c: "a" })).toBe(1.5);
    expect(f({ x: 1, c: "b" })).toBe(2.5);
  });
});
