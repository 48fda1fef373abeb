/**
 * R pmml's pmml.glm: GeneralRegressionModel modelType="generalizedLinear" with
 * distribution (binomial, gamma, igauss, normal, poisson; none for quasi families) and
 * linkFunction (logit, probit, cloglog, log, identity; "inverse" and "sqrt" as power −1 / 0.5).
 * Interaction terms are one Parameter with a PPCell per factor of the term ("x1:x2", "x1:fb");
 * a coefficient R estimated as NA keeps its Parameter and PPCells but has no PCell (β = 0).
 */
import { describe, it } from "vitest";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

function glmDocument(attrs: string): string {
  return rPmml(
    `<DataDictionary numberOfFields="4">
  <DataField name="y" optype="continuous" dataType="double"/>
  <DataField name="x1" optype="continuous" dataType="double"/>
  <DataField name="x2" optype="continuous" dataType="double"/>
  <DataField name="f" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
 </DataDictionary>
 <GeneralRegressionModel modelName="General_Regression_Model" modelType="generalizedLinear" functionName="regression" algorithmName="glm" ${attrs}>
  <MiningSchema>
   <MiningField name="y" usageType="predicted" invalidValueTreatment="returnInvalid"/>
   <MiningField name="x1" usageType="active" invalidValueTreatment="returnInvalid"/>
   <MiningField name="x2" usageType="active" invalidValueTreatment="returnInvalid"/>
   <MiningField name="f" usageType="active" invalidValueTreatment="returnInvalid"/>
  </MiningSchema>
  <Output><OutputField name="Predicted_y" optype="continuous" dataType="double" feature="predictedValue"/></Output>
  <ParameterList>
   <Parameter name="p0" label="(Intercept)"/><Parameter name="p1" label="x1"/><Parameter name="p2" label="x2"/><Parameter name="p3" label="fb"/>
   <Parameter name="p4" label="fc"/><Parameter name="p5" label="x1:x2"/><Parameter name="p6" label="x1:fb"/>
  </ParameterList>
  <FactorList><Predictor name="f"/></FactorList>
  <CovariateList><Predictor name="x1"/><Predictor name="x2"/></CovariateList>
  <PPMatrix>
   <PPCell value="1" predictorName="x1" parameterName="p1"/><PPCell value="1" predictorName="x2" parameterName="p2"/>
   <PPCell value="b" predictorName="f" parameterName="p3"/><PPCell value="c" predictorName="f" parameterName="p4"/>
   <PPCell value="1" predictorName="x1" parameterName="p5"/><PPCell value="1" predictorName="x2" parameterName="p5"/>
   <PPCell value="1" predictorName="x1" parameterName="p6"/><PPCell value="b" predictorName="f" parameterName="p6"/>
  </PPMatrix>
  <ParamMatrix>
   <PCell parameterName="p0" df="1" beta="0.5"/><PCell parameterName="p1" df="1" beta="0.1"/><PCell parameterName="p2" df="1" beta="-0.2"/>
   <PCell parameterName="p3" df="1" beta="0.3"/><PCell parameterName="p5" df="1" beta="0.05"/><PCell parameterName="p6" df="1" beta="-0.07"/>
  </ParamMatrix>
 </GeneralRegressionModel>`,
    "Generalized Linear Regression Model",
  );
}

const rows = [
  { x1: 1, x2: 2, f: "b" },
  { x1: 3, x2: -1, f: "c" },
  { x1: 0.5, x2: 0.25, f: "a" },
];
const eta = (r: { x1: number; x2: number; f: string }) =>
  0.5 + 0.1 * r.x1 - 0.2 * r.x2 + (r.f === "b" ? 0.3 : 0) + /* fc: NA */ 0 + 0.05 * r.x1 * r.x2 + (r.f === "b" ? -0.07 * r.x1 : 0);

describe("R pmml glm", () => {
  it('inverse.gaussian with log link (distribution="igauss"): exp(η) with interaction PPCells and an NA coefficient left out of the ParamMatrix', () => {
    const got = scoreBoth(glmDocument(`distribution="igauss" linkFunction="log"`), rows);
    rows.forEach((r, i) => expectClose(got[i].Predicted_y, Math.exp(eta(r))));
  });

  it("a quasi family (no distribution attribute) with the inverse link written as power −1", () => {
    const got = scoreBoth(glmDocument(`linkFunction="power" linkParameter="-1"`), rows);
    rows.forEach((r, i) => expectClose(got[i].Predicted_y, 1 / eta(r)));
  });

  it("Gamma with the sqrt link written as power 0.5: η²", () => {
    const got = scoreBoth(glmDocument(`distribution="gamma" linkFunction="power" linkParameter="0.5"`), rows);
    rows.forEach((r, i) => expectClose(got[i].Predicted_y, eta(r) ** 2));
  });
});
