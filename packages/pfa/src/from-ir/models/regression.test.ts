import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"><Value value="u"/><Value value="v"/></DataField><DataField name="y" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>`;

const logistic = pmml(
  FIELDS,
  `<RegressionModel functionName="classification" normalizationMethod="logit">
    <MiningSchema><MiningField name="x"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
    <Output><OutputField name="P_yes" feature="probability" value="yes"/><OutputField name="P_no" feature="probability" value="no"/></Output>
    <RegressionTable intercept="-1" targetCategory="yes"><NumericPredictor name="x" coefficient="2"/><CategoricalPredictor name="c" value="v" coefficient="0.5"/></RegressionTable>
    <RegressionTable intercept="0" targetCategory="no"/>
  </RegressionModel>`,
);

describe("RegressionModel → PFA (PMML 4.4 §Regression)", () => {
  it("binary logit: P(first) = 1/(1+e^−y), P(second) = 1 − P(first), the larger wins", () => {
    const m = converted(logistic);
    const y = 2 * 1.5 + 0.5 - 1;
    const p = 1 / (1 + Math.exp(-y));
    expect(m.score({ x: 1.5, c: "v" })).toEqual({ y: "yes", P_yes: p, P_no: 1 - p });
  });

  it("ignores a missing categorical predictor and makes a missing numeric one's result missing", () => {
    const m = converted(logistic);
    const p = 1 / (1 + Math.exp(-(2 * 0.25 - 1)));
    expect(m.score({ x: 0.25, c: null })).toEqual({ y: "no", P_yes: p, P_no: 1 - p });
    expect(m.score({ x: null, c: "u" })).toEqual({ y: null, P_yes: null, P_no: null });
  });

  it("sums a regression table in JPMML's order (numeric, categorical, terms, intercept last) with exponents and Targets", () => {
    const m = converted(
      pmml(
        `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/><DataField name="t" optype="continuous" dataType="double"/>`,
        `<RegressionModel functionName="regression">
          <MiningSchema><MiningField name="a"/><MiningField name="b"/><MiningField name="t" usageType="target"/></MiningSchema>
          <Targets><Target field="t" rescaleFactor="10" rescaleConstant="1" castInteger="floor"/></Targets>
          <RegressionTable intercept="0.1"><NumericPredictor name="a" exponent="2" coefficient="0.3"/><PredictorTerm coefficient="0.7"><FieldRef field="a"/><FieldRef field="b"/></PredictorTerm></RegressionTable>
        </RegressionModel>`,
      ),
    );
    for (const row of [
      { a: 1.1, b: 2.2 },
      { a: -3, b: 0.5 },
      { a: 0.1, b: null },
    ]) {
      expect(m.score(row)).toEqual(m.reference(row));
    }
    expect(m.score({ a: 1, b: 1 })).toEqual({ t: Math.floor((0.3 + 0.7 + 0.1) * 10 + 1) });
  });

  it("softmax over several tables agrees with the interpreter", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="k" optype="categorical" dataType="integer"><Value value="1"/><Value value="2"/><Value value="3"/></DataField>`,
        `<RegressionModel functionName="classification" normalizationMethod="softmax">
          <MiningSchema><MiningField name="x"/><MiningField name="k" usageType="target"/></MiningSchema>
          <RegressionTable intercept="0.2" targetCategory="1"><NumericPredictor name="x" coefficient="1"/></RegressionTable>
          <RegressionTable intercept="-0.4" targetCategory="2"><NumericPredictor name="x" coefficient="-2"/></RegressionTable>
          <RegressionTable intercept="0" targetCategory="3"/>
        </RegressionModel>`,
      ),
    );
    for (const x of [-2, -0.1, 0, 0.3, 5]) expect(m.score({ x })).toEqual(m.reference({ x }));
  });
});
