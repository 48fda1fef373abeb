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
});
