/**
 * R pmml's pmml.ARIMA (forecast::Arima): a TimeSeriesModel over "ts_value" with the horizon "h"
 * as a supplementary field and the whole series as TimeSeries usage="original".
 * ts_type="arima" writes ARIMA predictionMethod="conditionalLeastSquares" with the intercept as
 * constantTerm (the mean of the differenced series), MA coefficients in R's sign (1 + θB),
 * the last q residuals under NonseasonalComponent/MA and the last Q·s + q under SeasonalComponent/MA,
 * and string OutputFields with Extension dataType=json. ts_type="statespace" (the default)
 * writes StateSpaceModel with StateVector = T·a (the one-step-ahead state), an InterceptVector of
 * type observation, and the Kalman matrices.
 */
import { describe, expect, it } from "vitest";
import { expectClose, rPmml, scoreBoth } from "./both-backends.ts";

const series = (ys: number[]) =>
  `<TimeSeries usage="original" startTime="1" endTime="${ys.length}">${ys.map((v, i) => `<TimeValue index="${i + 1}" value="${v}"/>`).join("")}</TimeSeries>`;
const arr = (xs: number[]) => `<Array type="real" n="${xs.length}">${xs.join(" ")}</Array>`;

function arimaDocument(bestFit: string, output: string, body: string): string {
  return rPmml(
    `<DataDictionary numberOfFields="2">
  <DataField name="ts_value" optype="continuous" dataType="double"/>
  <DataField name="h" optype="continuous" dataType="double"/>
 </DataDictionary>
 <TimeSeriesModel modelName="ARIMA_model" functionName="timeSeries" bestFit="${bestFit}">
  <MiningSchema>
   <MiningField name="ts_value" usageType="predicted" invalidValueTreatment="returnInvalid"/>
   <MiningField name="h" usageType="supplementary" invalidValueTreatment="returnInvalid"/>
  </MiningSchema>
  <Output>${output}</Output>
  ${body}
 </TimeSeriesModel>`,
    "ARIMA Time Series Model",
  );
}

const jsonField = (name: string, feature: string, extra = "") =>
  `<OutputField name="${name}" optype="continuous" dataType="string" feature="${feature}"${extra}><Extension extender="ADAPA" name="dataType" value="json"/></OutputField>`;

describe("R pmml ARIMA", () => {
  it("ts_type=arima, seasonal (1,0,1)(1,0,1)[4] with intercept: the multiplicative recursion on y − μ with the exported residuals (q and Q·s + q of them), future innovations 0", () => {
    const ys = [12, 15, 9, 11, 13, 16, 8, 12, 14, 15, 10, 11];
    const [phi, theta, Phi, Theta, mu] = [0.4, 0.3, 0.5, -0.2, 12];
    const resid = [0.8, -1.1, 0.5, 0.9, -0.4];
    const body = `${series(ys)}
  <ARIMA RMSE="1.3" transformation="none" constantTerm="${mu}" predictionMethod="conditionalLeastSquares">
   <NonseasonalComponent p="1" d="0" q="1"><AR>${arr([phi])}</AR><MA><MACoefficients>${arr([theta])}</MACoefficients><Residuals>${arr(resid.slice(-1))}</Residuals></MA></NonseasonalComponent>
   <SeasonalComponent P="1" D="0" Q="1" period="4"><AR>${arr([Phi])}</AR><MA><MACoefficients>${arr([Theta])}</MACoefficients><Residuals>${arr(resid)}</Residuals></MA></SeasonalComponent>
  </ARIMA>`;
    const text = arimaDocument("ARIMA", jsonField("Predicted_ts_value", "predictedValue"), body);
    // (1 − φB)(1 − ΦB⁴) z = (1 + θB)(1 + ΘB⁴) a, z = y − μ
    const z = ys.map((y) => y - mu);
    const a = [...Array(ys.length - resid.length).fill(0), ...resid];
    const path: number[] = [];
    for (let k = 0; k < 6; k++) {
      const t = z.length;
      const next = phi * z[t - 1] + Phi * z[t - 4] - phi * Phi * z[t - 5] + theta * a[t - 1] + Theta * a[t - 4] + theta * Theta * a[t - 5];
      z.push(next);
      a.push(0);
      path.push(next + mu);
    }
    const got = scoreBoth(text, [{ h: 1 }, { h: 6 }]);
    expectClose(got[0].ts_value, path[0]);
    expectClose(got[1].ts_value, path[5]);
    (JSON.parse(got[1].Predicted_ts_value as string) as number[]).forEach((v, k) => expectClose(v, path[k]));
  });

  it("ts_type=arima, non-seasonal (2,1,1): double OutputFields cpi_<level>_lower/upper are the forecast ∓ z·RMSE·sqrt(Σψ²)", () => {
    const ys = [100, 104, 103, 108, 112, 111, 115];
    const [p1, p2, th, rmse] = [0.5, -0.2, 0.35, 2];
    const body = `${series(ys)}
  <ARIMA RMSE="${rmse}" transformation="none" constantTerm="0" predictionMethod="conditionalLeastSquares">
   <NonseasonalComponent p="2" d="1" q="1"><AR>${arr([p1, p2])}</AR><MA><MACoefficients>${arr([th])}</MACoefficients><Residuals>${arr([1.5])}</Residuals></MA></NonseasonalComponent>
  </ARIMA>`;
    const out = `<OutputField name="Predicted_ts_value" optype="continuous" dataType="double" feature="predictedValue"/>
   <OutputField name="cpi_95_lower" optype="continuous" dataType="double" feature="confidenceIntervalLower" value="95"/>
   <OutputField name="cpi_95_upper" optype="continuous" dataType="double" feature="confidenceIntervalUpper" value="95"/>`;
    const text = arimaDocument("ARIMA", out, body);
    // w = Δy; w(t) = φ1 w(t−1) + φ2 w(t−2) + a(t) + θ a(t−1)
    const w = ys.slice(1).map((y, i) => y - ys[i]);
    const w1 = p1 * w[w.length - 1] + p2 * w[w.length - 2] + th * 1.5;
    const w2 = p1 * w1 + p2 * w[w.length - 1];
    const w3 = p1 * w2 + p2 * w1;
    const y3 = ys[ys.length - 1] + w1 + w2 + w3;
    // ψ weights of (1 − φ1B − φ2B²)(1 − B) y = (1 + θB) a
    const psi1 = th + (1 + p1);
    const psi2 = (1 + p1) * psi1 + (p2 - p1) * 1;
    const se3 = rmse * Math.sqrt(1 + psi1 * psi1 + psi2 * psi2);
    const got = scoreBoth(text, [{ h: 3 }]);
    expectClose(got[0].Predicted_ts_value, y3);
    expectClose(got[0].cpi_95_lower, y3 - 1.959963984540054 * se3, 1e-9);
    expectClose(got[0].cpi_95_upper, y3 + 1.959963984540054 * se3, 1e-9);
  });

  it("ts_type=statespace: y(1) = Z·x + intercept with x = T·a already applied; later steps apply T", () => {
    // AR(2) about a mean μ in R's state form: T = [[φ1, 1], [φ2, 0]], Z = [1, 0].
    const [p1, p2, mu] = [0.6, 0.25, 50];
    const x = [3, -1.5];
    const body = `${series([47, 52, 53])}
  <StateSpaceModel variance="4">
   <StateVector>${arr(x)}</StateVector>
   <TransitionMatrix><Matrix nbRows="2" nbCols="2"><Array type="real">${p1} 1</Array><Array type="real">${p2} 0</Array></Matrix></TransitionMatrix>
   <MeasurementMatrix><Matrix nbRows="1" nbCols="2"><Array type="real">1 0</Array></Matrix></MeasurementMatrix>
   <InterceptVector type="observation"><Array type="real" n="1">${mu}</Array></InterceptVector>
   <PredictedStateCovarianceMatrix><Matrix nbRows="2" nbCols="2"><Array type="real">0 0</Array><Array type="real">0 0</Array></Matrix></PredictedStateCovarianceMatrix>
  </StateSpaceModel>`;
    const text = arimaDocument("StateSpaceModel", jsonField("Predicted_ts_value", "predictedValue"), body);
    const s1 = x;
    const s2 = [p1 * s1[0] + s1[1], p2 * s1[0]];
    const s3 = [p1 * s2[0] + s2[1], p2 * s2[0]];
    const got = scoreBoth(text, [{ h: 3 }]);
    expect(JSON.parse(got[0].Predicted_ts_value as string)).toHaveLength(3);
    (JSON.parse(got[0].Predicted_ts_value as string) as number[]).forEach((v, k) => expectClose(v, [s1, s2, s3][k][0] + mu));
  });
});
