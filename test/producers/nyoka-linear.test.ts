/**
 * nyoka's get_regrs_models: every linear model except LinearRegression and LinearSVR gets
 * normalizationMethod="logit", regressors included (SGDRegressor, Lasso, ElasticNet). PMML 4.4
 * §RegressionModel applies a regression model's normalizationMethod to its value, so the
 * document's answer is the logistic of the linear predictor (which scikit-learn's predict is not:
 * such a case cannot reproduce the fitting library, and Porta scores what the document says).
 */
import { describe, it } from "vitest";
import { expectClose, nyokaPmml, scoreBoth } from "./both-backends.ts";

describe("nyoka linear regressors", () => {
  it('SGDRegressor written with normalizationMethod="logit" on functionName="regression": the logistic of intercept + Σ coefficient·x', () => {
    const text = nyokaPmml(`<DataDictionary numberOfFields="3">
        <DataField name="x1" optype="continuous" dataType="double"/><DataField name="x2" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>
    </DataDictionary>
    <RegressionModel modelName="SGDRegressor" functionName="regression" normalizationMethod="logit">
        <MiningSchema><MiningField name="x1" usageType="active" optype="continuous"/><MiningField name="x2" usageType="active" optype="continuous"/><MiningField name="y" usageType="target" optype="continuous"/></MiningSchema>
        <Output><OutputField name="predicted_y" optype="continuous" dataType="double" feature="predictedValue"/></Output>
        <RegressionTable intercept="0.5000000000000000">
            <NumericPredictor name="x1" exponent="1" coefficient="2.0000000000000000"/>
            <NumericPredictor name="x2" exponent="1" coefficient="-0.7500000000000000"/>
        </RegressionTable>
    </RegressionModel>`);
    const rows = [
      { x1: 1, x2: 2 },
      { x1: -1.5, x2: 0.2 },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((r, i) => expectClose(got[i].predicted_y, 1 / (1 + Math.exp(-(0.5 + 2 * r.x1 - 0.75 * r.x2)))));
  });
});
