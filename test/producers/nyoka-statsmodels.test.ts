/**
 * nyoka's StatsmodelsToPmml: a TimeSeriesModel with the series as a target MiningField
 * (usageType="target") and "h" (dataType integer) as the supplementary horizon; TimeSeries
 * usage="original" field=<y> startTime="0" with TimeValue index 0… and a Timestamp child each;
 * OutputFields predicted_<y> of dataType string with Extension dataType=json.
 * statsmodels.tsa.arima_model.ARIMA → ARIMA predictionMethod="conditionalLeastSquares" with RMSE,
 * constantTerm = the trend parameter and the last q residuals; statsmodels' new ARIMA → a
 * StateSpaceModel with StateVector = T·x(n|n) and an observation InterceptVector; SARIMAX →
 * StateSpaceModel whose InterceptVector has type="state" (the trend enters the state equation,
 * the StateVector is T·x(n|n) + c); VARMAX → several target fields.
 */
import { describe, expect, it } from "vitest";
import { UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { expectClose, nyokaPmml, scoreBoth } from "./both-backends.ts";

const arr = (xs: number[]) => `<Array type="real" n="${xs.length}">${xs.join(" ")}</Array>`;
const matrix = (m: number[][]) =>
  `<Matrix nbRows="${m.length}" nbCols="${m[0].length}">${m.map((r) => `<Array type="real">${r.join(" ")}</Array>`).join("")}</Matrix>`;
const series = (name: string, ys: number[]) =>
  `<TimeSeries usage="original" field="${name}" startTime="0" endTime="${ys.length - 1}">${ys.map((v, i) => `<TimeValue index="${i}" value="${v}"><Timestamp>2020-01-${String(i + 1).padStart(2, "0")} 00:00:00</Timestamp></TimeValue>`).join("")}</TimeSeries>`;

function tsDocument(targets: string[], ys: number[][], bestFit: string, algorithm: string, modelName: string): string {
  return nyokaPmml(`<DataDictionary numberOfFields="${targets.length + 1}">
        ${targets.map((t) => `<DataField name="${t}" optype="continuous" dataType="double"/>`).join("")}
        <DataField name="h" optype="continuous" dataType="integer"/>
    </DataDictionary>
    <TimeSeriesModel modelName="${modelName}" functionName="timeSeries" bestFit="${bestFit}">
        <MiningSchema>${targets.map((t) => `<MiningField name="${t}" usageType="target"/>`).join("")}<MiningField name="h" usageType="supplementary"/></MiningSchema>
        <Output>${targets.map((t) => `<OutputField name="predicted_${t}" optype="continuous" dataType="string" feature="predictedValue"><Extension extender="ADAPA" name="dataType" value="json"/></OutputField>`).join("")}</Output>
        ${targets.map((t, i) => series(t, ys[i])).join("")}
        ${algorithm}
    </TimeSeriesModel>`);
}

const path = (r: Record<string, unknown>, field: string) => JSON.parse(r[field] as string) as number[];

describe("nyoka statsmodels", () => {
  it('SARIMAX with a constant trend: InterceptVector type="state" moves the state at each transition, not the observation', () => {
    // ARMA(1,1) in statsmodels' state form with the trend in the first state: x(k+1) = T·x(k) + c, y = Z·x.
    const T = [
        [0.7, 1],
        [0, 0],
      ],
      Z = [[1, 0]],
      c = [2.5, 0];
    const x1 = [14, 0.6];
    const ssm = `<StateSpaceModel>
            <StateVector>${arr(x1)}</StateVector>
            <TransitionMatrix>${matrix(T)}</TransitionMatrix>
            <MeasurementMatrix>${matrix(Z)}</MeasurementMatrix>
            <InterceptVector type="state">${arr(c)}</InterceptVector>
        </StateSpaceModel>`;
    const text = tsDocument(["sales"], [[8, 9, 10, 12]], "StateSpaceModel", ssm, "SARIMAX");
    const expected: number[] = [];
    let x = x1;
    for (let k = 0; k < 4; k++) {
      if (k > 0) x = [T[0][0] * x[0] + T[0][1] * x[1] + c[0], T[1][0] * x[0] + T[1][1] * x[1] + c[1]];
      expected.push(x[0]);
    }
    const got = scoreBoth(text, [{ h: 1 }, { h: 4 }]);
    expectClose(got[0].sales, expected[0]);
    expectClose(got[1].sales, expected[3]);
    path(got[1], "predicted_sales").forEach((v, k) => expectClose(v, expected[k]));
  });

  it("statsmodels ARIMA through the state space: an observation InterceptVector adds to every forecast", () => {
    const T = [
        [0.4, 1],
        [0.2, 0],
      ],
      Z = [[1, 0]];
    const x1 = [1.5, -0.3];
    const ssm = `<StateSpaceModel>
            <StateVector>${arr(x1)}</StateVector>
            <TransitionMatrix>${matrix(T)}</TransitionMatrix>
            <MeasurementMatrix>${matrix(Z)}</MeasurementMatrix>
            <InterceptVector type="observation">${arr([20])}</InterceptVector>
        </StateSpaceModel>`;
    const text = tsDocument(["y"], [[19, 21, 22]], "StateSpaceModel", ssm, "ArimaModel");
    const x2 = [0.4 * x1[0] + x1[1], 0.2 * x1[0]];
    const x3 = [0.4 * x2[0] + x2[1], 0.2 * x2[0]];
    const got = scoreBoth(text, [{ h: 3 }]);
    path(got[0], "predicted_y").forEach((v, k) => expectClose(v, [x1, x2, x3][k][0] + 20));
  });

  it("statsmodels arima_model.ARIMA (css): ARIMA conditionalLeastSquares over TimeValues indexed from 0 with Timestamps", () => {
    const ys = [50, 53, 51, 55, 58];
    const [phi, theta, mu, last] = [0.6, -0.3, 2, 0.7];
    const arima = `<ARIMA constantTerm="${mu}" predictionMethod="conditionalLeastSquares" RMSE="1.2">
            <NonseasonalComponent p="1" d="1" q="1"><AR>${arr([phi])}</AR><MA><MACoefficients>${arr([theta])}</MACoefficients><Residuals>${arr([last])}</Residuals></MA></NonseasonalComponent>
        </ARIMA>`;
    const text = tsDocument(["y"], [ys], "ARIMA", arima, "ArimaModel");
    // w = Δy about its mean μ: w(t) − μ = φ(w(t−1) − μ) + a(t) + θ a(t−1)
    const w = ys[4] - ys[3];
    const w1 = mu + phi * (w - mu) + theta * last;
    const w2 = mu + phi * (w1 - mu);
    const got = scoreBoth(text, [{ h: 2 }]);
    expectClose(got[0].y, ys[4] + w1 + w2);
  });

  it("conf_int OutputFields without StateSpaceModel@variance: statsmodels' get_forecast, var(1) = Z·P·Zᵀ + H with P already one step ahead, then P ← T·P·Tᵀ + RQRᵀ", () => {
    const [T, P1, RQR, H, c] = [0.5, 2.2, 2, 0.3, 10];
    const ssm = `<StateSpaceModel>
            <StateVector>${arr([1.5])}</StateVector>
            <TransitionMatrix>${matrix([[T]])}</TransitionMatrix>
            <MeasurementMatrix>${matrix([[1]])}</MeasurementMatrix>
            <InterceptVector type="observation">${arr([c])}</InterceptVector>
            <SelectedStateCovarianceMatrix>${matrix([[RQR]])}</SelectedStateCovarianceMatrix>
            <PredictedStateCovarianceMatrix>${matrix([[P1]])}</PredictedStateCovarianceMatrix>
            <ObservationVarianceMatrix>${matrix([[H]])}</ObservationVarianceMatrix>
        </StateSpaceModel>`;
    const intervals = ["Lower", "Upper"]
      .map(
        (side) =>
          `<OutputField name="conf_int_95_${side.toLowerCase()}_y" optype="continuous" dataType="string" targetField="y" feature="confidenceInterval${side}" value="95"><Extension extender="ADAPA" name="dataType" value="json"/></OutputField>`,
      )
      .join("");
    const text = tsDocument(["y"], [[11, 12]], "StateSpaceModel", ssm, "SARIMAX").replace("</Output>", `${intervals}</Output>`);
    const z95 = 1.959963984540054;
    const mean = [1.5 + c, T * 1.5 + c];
    const se = [Math.sqrt(P1 + H), Math.sqrt(T * P1 * T + RQR + H)];
    const got = scoreBoth(text, [{ h: 2 }]);
    path(got[0], "conf_int_95_lower_y").forEach((v, k) => expectClose(v, mean[k] - z95 * se[k], 1e-9));
    path(got[0], "conf_int_95_upper_y").forEach((v, k) => expectClose(v, mean[k] + z95 * se[k], 1e-9));
  });

  it("VARMAX (several target series) is refused with a typed error naming the MiningSchema", () => {
    const ssm = `<StateSpaceModel><StateVector>${arr([1, 2])}</StateVector><TransitionMatrix>${matrix([
      [0.5, 0],
      [0, 0.5],
    ])}</TransitionMatrix><MeasurementMatrix>${matrix([
      [1, 0],
      [0, 1],
    ])}</MeasurementMatrix><InterceptVector type="state">${arr([0, 0])}</InterceptVector></StateSpaceModel>`;
    const text = tsDocument(
      ["y1", "y2"],
      [
        [1, 2],
        [3, 4],
      ],
      "StateSpaceModel",
      ssm,
      "VARMAX",
    );
    expect(() => parsePmml(text)).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(text)).toThrow(/several target fields/);
  });
});

describe("nyoka statsmodels ExponentialSmoothing (Holt-Winters)", () => {
  // nyoka writes the index as a DataField with a MiningField usageType="order", no horizon field
  // (so one step ahead), no Output, Level alpha/smoothedValue, Trend_ExpoSmooth with phi=1 when
  // undamped, and Seasonality_ExpoSmooth with an Array of one value per period.
  const esDocument = (trend: string, season: string) =>
    nyokaPmml(`<DataDictionary numberOfFields="1">
        <DataField name="month" dataType="dateTime" optype="continuous"/>
        <DataField name="passengers" dataType="double" optype="continuous"/>
    </DataDictionary>
    <TimeSeriesModel modelName="simple exponential smoothing" functionName="timeSeries" bestFit="ExponentialSmoothing" isScorable="true">
        <MiningSchema><MiningField name="month" usageType="order"/><MiningField name="passengers" usageType="target"/></MiningSchema>
        <TimeSeries usage="original" startTime="0" endTime="3" interpolationMethod="none"><TimeValue index="0" value="112"/><TimeValue index="1" value="118"/><TimeValue index="2" value="132"/><TimeValue index="3" value="129"/></TimeSeries>
        <ExponentialSmoothing><Level alpha="0.3" smoothedValue="130.5"/>${trend}${season}</ExponentialSmoothing>
    </TimeSeriesModel>`);

  it("additive trend and additive season, no horizon field: one step ahead, level + trend + the season's value", () => {
    const text = esDocument(
      `<Trend_ExpoSmooth trend="additive" gamma="0.1" phi="1" smoothedValue="2.25"/>`,
      `<Seasonality_ExpoSmooth type="additive" period="4" delta="0.2"><Array n="4" type="real">-3.5 1.25 4 -1.75</Array></Seasonality_ExpoSmooth>`,
    );
    const got = scoreBoth(text, [{}]);
    expectClose(got[0].passengers, 130.5 + 2.25 - 3.5);
  });

  it("damped multiplicative trend and multiplicative season: level · trend^φ · season", () => {
    const text = esDocument(
      `<Trend_ExpoSmooth trend="damped_multiplicative" gamma="0.1" phi="0.9" smoothedValue="1.02"/>`,
      `<Seasonality_ExpoSmooth type="multiplicative" period="2" delta="0.2"><Array n="2" type="real">0.95 1.05</Array></Seasonality_ExpoSmooth>`,
    );
    const got = scoreBoth(text, [{}]);
    expectClose(got[0].passengers, 130.5 * Math.pow(1.02, 0.9) * 0.95);
  });
});
