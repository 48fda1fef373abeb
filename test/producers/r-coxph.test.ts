/**
 * R pmml's pmml.coxph (survival::coxph): GeneralRegressionModel modelType="CoxRegression" with
 * endTimeVariable / statusVariable as DataFields, the target called "survival", Parameters with
 * referencePoint = the model's covariate means (basehaz() is centred there), a
 * BaseCumHazardTables maxTime with one BaselineCell per event time, and OutputFields
 * Predicted_survival (predictedValue) and cumulativeHazard = −1·ln(Predicted_survival). As
 * JPMML-Evaluator scores it, the predicted value is the cumulative hazard
 * H₀(t*)·exp(Σβx − Σβ·reference), t* the last baseline time not after t (missing after maxTime,
 * 0 before the first).
 */
import { describe, expect, it } from "vitest";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

const baseline: [number, number][] = [
  [5, 0.02],
  [12, 0.07],
  [20, 0.15],
  [31, 0.32],
];
const [b1, b2] = [0.04, -0.6];
const [m1, m2] = [55.3, 0.4];

const text = rPmml(
  `<DataDictionary numberOfFields="5">
  <DataField name="survival" optype="continuous" dataType="double"/>
  <DataField name="age" optype="continuous" dataType="double"/>
  <DataField name="sex" optype="categorical" dataType="string"><Value value="f"/><Value value="m"/></DataField>
  <DataField name="time" optype="continuous" dataType="double"/>
  <DataField name="status" optype="continuous" dataType="double"/>
 </DataDictionary>
 <GeneralRegressionModel modelType="CoxRegression" modelName="CoxPH_Survival_Regression_Model" functionName="regression" algorithmName="coxph" endTimeVariable="time" statusVariable="status">
  <MiningSchema>
   <MiningField name="survival" usageType="predicted"/>
   <MiningField name="age" usageType="active"/><MiningField name="sex" usageType="active"/>
   <MiningField name="time" usageType="active"/><MiningField name="status" usageType="active"/>
  </MiningSchema>
  <Output>
   <OutputField name="Predicted_survival" feature="predictedValue"/>
   <OutputField name="cumulativeHazard" feature="transformedValue"><Apply function="*"><Constant>-1.0</Constant><Apply function="ln"><FieldRef field="Predicted_survival"/></Apply></Apply></OutputField>
  </Output>
  <ParameterList><Parameter name="p0" label="age" referencePoint="${m1}"/><Parameter name="p1" label="sexm" referencePoint="${m2}"/></ParameterList>
  <FactorList><Predictor name="sex"/></FactorList>
  <CovariateList><Predictor name="age"/></CovariateList>
  <PPMatrix><PPCell value="1" predictorName="age" parameterName="p0"/><PPCell value="m" predictorName="sex" parameterName="p1"/></PPMatrix>
  <ParamMatrix><PCell parameterName="p0" df="1" beta="${b1}"/><PCell parameterName="p1" df="1" beta="${b2}"/></ParamMatrix>
  <BaseCumHazardTables maxTime="31">${baseline.map(([t, h]) => `<BaselineCell time="${t}" cumHazard="${h}"/>`).join("")}</BaseCumHazardTables>
 </GeneralRegressionModel>`,
  "CoxPH Survival Regression Model",
);

describe("R pmml coxph", () => {
  it("the predicted value is H₀(t*)·exp(Σβx − Σβ·referencePoint); cumulativeHazard is the document's −ln of it", () => {
    const rows = [
      { age: 60, sex: "m", time: 14 },
      { age: 48, sex: "f", time: 31 },
      { age: 70, sex: "f", time: 5 },
    ];
    const got = scoreBoth(text, rows);
    rows.forEach((r, i) => {
      const h0 = baseline.filter(([t]) => t <= r.time).at(-1)![1];
      const h = h0 * Math.exp(b1 * r.age + (r.sex === "m" ? b2 : 0) - (b1 * m1 + b2 * m2));
      expectClose(got[i].Predicted_survival, h);
      expectClose(got[i].cumulativeHazard, -Math.log(h));
    });
  });

  it("a time after maxTime has no prediction; a time before the first event time has zero hazard", () => {
    const got = scoreBoth(text, [
      { age: 60, sex: "m", time: 40 },
      { age: 60, sex: "m", time: 2 },
    ]);
    expect(got[0].Predicted_survival).toBeNull();
    expect(got[1].Predicted_survival).toBe(0);
  });
});
