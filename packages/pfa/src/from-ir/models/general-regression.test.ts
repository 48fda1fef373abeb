import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

describe("GeneralRegressionModel → PFA (PMML 4.4 §GeneralRegression)", () => {
  it("μ = exp(η) under the log link, η = Σ β × row over factors and covariates", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="g" optype="categorical" dataType="string"><Value value="A"/><Value value="B"/></DataField><DataField name="y" optype="continuous" dataType="double"/>`,
        `<GeneralRegressionModel modelType="generalizedLinear" functionName="regression" linkFunction="log">
          <MiningSchema><MiningField name="x"/><MiningField name="g"/><MiningField name="y" usageType="target"/></MiningSchema>
          <ParameterList><Parameter name="p0"/><Parameter name="p1"/><Parameter name="p2"/></ParameterList>
          <FactorList><Predictor name="g"/></FactorList><CovariateList><Predictor name="x"/></CovariateList>
          <PPMatrix><PPCell value="B" predictorName="g" parameterName="p1"/><PPCell value="1" predictorName="x" parameterName="p2"/></PPMatrix>
          <ParamMatrix><PCell parameterName="p0" beta="0.5"/><PCell parameterName="p1" beta="-0.3"/><PCell parameterName="p2" beta="0.2"/></ParamMatrix>
        </GeneralRegressionModel>`,
      ),
    );
    expect(m.score({ x: 2, g: "B" }).y).toBe(Math.exp(0.5 + -0.3 + 0.2 * 2));
    for (const row of [
      { x: 2, g: "A" },
      { x: -1, g: "B" },
      { x: null, g: "A" },
      { x: 1, g: null },
    ])
      expect(m.score(row)).toEqual(m.reference(row));
  });

  it("a string covariate is read as a number (JPMML's asNumber): PMML number text after trimming, else NaN", () => {
    const m = converted(
      pmml(
        `<DataField name="s" optype="categorical" dataType="string"/><DataField name="y" optype="continuous" dataType="double"/>`,
        `<GeneralRegressionModel modelType="generalLinear" functionName="regression">
          <MiningSchema><MiningField name="s"/><MiningField name="y" usageType="target"/></MiningSchema>
          <LocalTransformations><DerivedField name="g" optype="categorical" dataType="string"><FieldRef field="s"/></DerivedField></LocalTransformations>
          <ParameterList><Parameter name="p0"/><Parameter name="p1"/></ParameterList>
          <CovariateList><Predictor name="g"/></CovariateList>
          <PPMatrix><PPCell value="1" predictorName="g" parameterName="p1"/></PPMatrix>
          <ParamMatrix><PCell parameterName="p0" beta="0.5"/><PCell parameterName="p1" beta="2"/></ParamMatrix>
        </GeneralRegressionModel>`,
      ),
    );
    // Avro JSON writes non-finite doubles as text.
    const y = (s: string | null): unknown => {
      const v = m.score({ s }).y;
      return v === "nan" ? Number.NaN : v === "inf" ? Number.POSITIVE_INFINITY : v === "-inf" ? Number.NEGATIVE_INFINITY : v;
    };
    expect(y(" 1.5e1\n")).toBe(0.5 + 2 * 15);
    expect(y("-INF")).toBe(Number.NEGATIVE_INFINITY);
    expect(y("inf")).toBeNaN();
    const texts = ["2", "+.5", "1.", "\u00a0 3 \u3000", "1e400", "-0", "NaN", "Infinity", "+INF", "inf", "nan", "0x10", "1,5", "1e", "", "abc", null];
    for (const s of texts) expect(y(s), JSON.stringify(s)).toEqual(m.reference({ s }).y);
  });
});
