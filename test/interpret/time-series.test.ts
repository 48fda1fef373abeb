import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";

/** A TimeSeriesModel over target "y" with forecast horizon field "h" (usageType="supplementary", as R's pmml writes it). */
function doc(body: string, opts: { output?: string; bestFit: string; horizon?: boolean }): string {
  const horizon = opts.horizon ?? true;
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="y" optype="continuous" dataType="double"/>
    <DataField name="h" optype="continuous" dataType="double"/>
  </DataDictionary>
  <TimeSeriesModel functionName="timeSeries" bestFit="${opts.bestFit}">
    <MiningSchema>
      <MiningField name="y" usageType="predicted"/>
      ${horizon ? `<MiningField name="h" usageType="supplementary"/>` : ""}
    </MiningSchema>
    <Output>
      <OutputField name="Predicted_y" feature="predictedValue" dataType="double" optype="continuous"/>
      ${opts.output ?? ""}
    </Output>
    ${body}
  </TimeSeriesModel>
</PMML>`;
}

function series(values: number[]): string {
  return `<TimeSeries usage="original" startTime="1" endTime="${values.length}">${values.map((v, i) => `<TimeValue index="${i + 1}" value="${v}"/>`).join("")}</TimeSeries>`;
}

function ets(trend: string, season = "", transformation = "none"): string {
  return doc(
    `<ExponentialSmoothing RMSE="1" transformation="${transformation}">
      <Level alpha="0.5" smoothedValue="10"/>
      ${trend}
      ${season}
    </ExponentialSmoothing>`,
    { bestFit: "ExponentialSmoothing" },
  );
}

const score = (xml: string, h: number | null) => interpret(parsePmml(xml), { h });

describe("TimeSeriesModel (PMML 4.4 §TimeSeriesModel)", () => {
  describe("§ExponentialSmoothing forecasts (Gardner)", () => {
    it("no trend: the level, whatever the horizon", () => {
      const xml = ets("");
      expect(score(xml, 1).y).toBe(10);
      expect(score(xml, 5).Predicted_y).toBe(10);
    });

    it("additive S + m·T, damped additive S + Σφ^i·T, multiplicative S·T^m, damped multiplicative S·T^(Σφ^i)", () => {
      expect(score(ets(`<Trend_ExpoSmooth trend="additive" gamma="0.1" smoothedValue="2"/>`), 3).y).toBe(16);
      expect(score(ets(`<Trend_ExpoSmooth trend="damped_additive" gamma="0.1" phi="0.5" smoothedValue="2"/>`), 3).y).toBeCloseTo(
        10 + (0.5 + 0.25 + 0.125) * 2,
        12,
      );
      expect(score(ets(`<Trend_ExpoSmooth trend="multiplicative" gamma="0.1" smoothedValue="1.1"/>`), 2).y).toBeCloseTo(10 * 1.21, 12);
      expect(score(ets(`<Trend_ExpoSmooth trend="damped_multiplicative" gamma="0.1" phi="0.5" smoothedValue="1.1"/>`), 2).y).toBeCloseTo(
        10 * Math.pow(1.1, 0.75),
        12,
      );
    });

    it("seasonality: the index of the same season, oldest of the last period first; additive adds, multiplicative multiplies", () => {
      const add = `<Seasonality_ExpoSmooth type="additive" period="4" delta="0.1"><Array n="4" type="real">1 2 3 4</Array></Seasonality_ExpoSmooth>`;
      const mul = `<Seasonality_ExpoSmooth type="multiplicative" period="4" delta="0.1"><Array n="4" type="real">0.5 1 1.5 2</Array></Seasonality_ExpoSmooth>`;
      const trend = `<Trend_ExpoSmooth trend="additive" smoothedValue="1"/>`;
      expect(score(ets(trend, add), 1).y).toBe(10 + 1 + 1);
      expect(score(ets(trend, add), 4).y).toBe(10 + 4 + 4);
      expect(score(ets(trend, add), 6).y).toBe(10 + 6 + 2);
      expect(score(ets(trend, mul), 3).y).toBeCloseTo((10 + 3) * 1.5, 12);
    });

    it("transformation=logarithmic: the smoothed values are logs; forecasts are exponentiated", () => {
      expect(score(ets(`<Trend_ExpoSmooth trend="additive" smoothedValue="0.5"/>`, "", "logarithmic"), 2).y).toBeCloseTo(Math.exp(11), 6);
    });

    it("polynomial_exponential trend is unsupported, naming the attribute", () => {
      expect(() => parsePmml(ets(`<Trend_ExpoSmooth trend="polynomial_exponential" smoothedValue="1"/>`))).toThrow(UnsupportedFeatureError);
    });

    it("intervals need a forecast variance, which exponential smoothing does not give", () => {
      const xml = ets("").replace(
        `dataType="double" optype="continuous"/>`,
        `dataType="double" optype="continuous"/><OutputField name="lo" feature="confidenceIntervalLower" value="95"/>`,
      );
      expect(() => score(xml, 1)).toThrow(UnsupportedFeatureError);
    });
  });

  describe("forecast horizon (JPMML: the one supplementary field, 1 when missing)", () => {
    it("a missing horizon forecasts one step; no supplementary field forecasts one step", () => {
      const xml = ets(`<Trend_ExpoSmooth trend="additive" smoothedValue="2"/>`);
      expect(score(xml, null).y).toBe(12);
      expect(interpret(parsePmml(xml), {}).y).toBe(12);
      const noField = doc(`<ExponentialSmoothing><Level smoothedValue="10"/><Trend_ExpoSmooth smoothedValue="2"/></ExponentialSmoothing>`, {
        bestFit: "ExponentialSmoothing",
        horizon: false,
      });
      expect(interpret(parsePmml(noField), { h: 4 }).y).toBe(12);
    });

    it("a horizon that is not a whole number of steps ≥ 1 is an evaluation error", () => {
      const xml = ets("");
      expect(() => score(xml, 0)).toThrow(EvaluationError);
      expect(() => score(xml, 1.5)).toThrow(EvaluationError);
    });

    it("two supplementary fields are a schema error", () => {
      const xml = ets("")
        .replace(
          `<MiningField name="h" usageType="supplementary"/>`,
          `<MiningField name="h" usageType="supplementary"/><MiningField name="y2" usageType="supplementary"/>`,
        )
        .replace(`<DataField name="h"`, `<DataField name="y2" optype="continuous" dataType="double"/><DataField name="h"`);
      expect(() => parsePmml(xml)).toThrow(SchemaError);
    });
  });

  describe("§ARIMA, conditional least squares", () => {
    const arima = (attrs: string, components: string, values: number[], output = "") =>
      doc(
        `${series(values)}
      <ARIMA RMSE="2" transformation="none" predictionMethod="conditionalLeastSquares" ${attrs}>${components}</ARIMA>`,
        { bestFit: "ARIMA", output },
      );

    it("AR(1) about a mean: y(t+1) − μ = φ·(y(t) − μ), iterated", () => {
      const xml = arima(
        `constantTerm="10"`,
        `<NonseasonalComponent p="1" d="0" q="0"><AR><Array n="1" type="real">0.5</Array></AR></NonseasonalComponent>`,
        [8, 14],
      );
      expect(score(xml, 1).y).toBeCloseTo(12, 12);
      expect(score(xml, 2).y).toBeCloseTo(11, 12);
    });

    it("ARIMA(0,1,1): y(t+1) = y(t) + θ·a(t), then flat; MA in R's sign convention", () => {
      const xml = arima(
        ``,
        `<NonseasonalComponent p="0" d="1" q="1">
        <MA><MACoefficients><Array n="1" type="real">0.4</Array></MACoefficients><Residuals><Array n="1" type="real">5</Array></Residuals></MA>
      </NonseasonalComponent>`,
        [100, 110],
      );
      expect(score(xml, 1).y).toBeCloseTo(112, 12);
      expect(score(xml, 3).y).toBeCloseTo(112, 12);
    });

    it("ARIMA(1,1,0) with drift as constantTerm: the differences follow w − c = φ·(w(t−1) − c)", () => {
      const xml = arima(
        `constantTerm="1"`,
        `<NonseasonalComponent p="1" d="1" q="0"><AR><Array n="1" type="real">0.5</Array></AR></NonseasonalComponent>`,
        [10, 13],
      );
      // w(t) = 3; w(t+1) = 1 + 0.5·2 = 2 → 15; w(t+2) = 1 + 0.5·1 = 1.5 → 16.5
      expect(score(xml, 1).y).toBeCloseTo(15, 12);
      expect(score(xml, 2).y).toBeCloseTo(16.5, 12);
    });

    it("seasonal differencing (0,0,0)(0,1,0)[4]: the value one season back", () => {
      const xml = arima(``, `<NonseasonalComponent p="0" d="0" q="0"/><SeasonalComponent P="0" D="1" Q="0" period="4"/>`, [1, 2, 3, 4, 5, 6]);
      expect(score(xml, 1).y).toBeCloseTo(3, 12);
      expect(score(xml, 4).y).toBeCloseTo(6, 12);
      expect(score(xml, 5).y).toBeCloseTo(3, 12);
    });

    it("standard error RMSE·sqrt(Σψ²) and intervals: random walk ψ = 1, 1, …", () => {
      const output = `<OutputField name="se" feature="standardError"/>
        <OutputField name="lo95" feature="confidenceIntervalLower" value="95"/>
        <OutputField name="hi80" feature="confidenceIntervalUpper" value="80"/>`;
      const xml = arima(``, `<NonseasonalComponent p="0" d="1" q="0"/>`, [3, 7], output);
      const r = score(xml, 4);
      expect(r.y).toBe(7);
      expect(r.se).toBeCloseTo(2 * 2, 12);
      expect(r.lo95).toBeCloseTo(7 - 1.959963984540054 * 4, 8);
      expect(r.hi80).toBeCloseTo(7 + 1.2815515655446004 * 4, 8);
    });

    it("OutputFields with Extension dataType=json (R pmml) answer the path 1 … h as a JSON array", () => {
      const output = `<OutputField name="path" feature="predictedValue" dataType="string"><Extension extender="ADAPA" name="dataType" value="json"/></OutputField>
        <OutputField name="se" feature="standardError" dataType="string"><Extension extender="ADAPA" name="dataType" value="json"/></OutputField>`;
      const xml = arima(``, `<NonseasonalComponent p="0" d="1" q="0"/>`, [3, 7], output);
      const r = score(xml, 3);
      expect(r.y).toBe(7);
      expect(r.Predicted_y).toBe(7);
      expect(r.path).toBe("[7,7,7]");
      expect(JSON.parse(r.se as string)).toEqual([2, 2 * Math.SQRT2, 2 * Math.sqrt(3)]);
    });

    it("exactLeastSquares continues from the KalmanState (R pmml): y(k) = Z·T^(k−1)·x + constantTerm", () => {
      const xml = doc(
        `<ARIMA RMSE="1" constantTerm="100" predictionMethod="exactLeastSquares">
          <NonseasonalComponent p="1" d="0" q="0"><AR><Array n="1" type="real">0.5</Array></AR></NonseasonalComponent>
          <MaximumLikelihoodStat method="kalman" periodDeficit="0"><KalmanState>
            <FinalOmega><Matrix kind="symmetric" nbRows="1" nbCols="1"><Array type="real" n="1">0</Array></Matrix></FinalOmega>
            <FinalStateVector><Array type="real" n="1">8</Array></FinalStateVector>
            <TransitionMatrix><Matrix nbRows="1" nbCols="1"><Array type="real">0.5</Array></Matrix></TransitionMatrix>
            <MeasurementMatrix><Matrix nbRows="1" nbCols="1"><Array type="real">1</Array></Matrix></MeasurementMatrix>
          </KalmanState></MaximumLikelihoodStat>
        </ARIMA>`,
        { bestFit: "ARIMA" },
      );
      expect(score(xml, 1).y).toBe(108);
      expect(score(xml, 3).y).toBe(102);
    });

    it("exactLeastSquares without a Kalman state to continue from is unsupported", () => {
      const xml = arima(``, `<NonseasonalComponent p="0" d="1" q="0"/>`, [3, 7]).replace(
        `predictionMethod="conditionalLeastSquares"`,
        `predictionMethod="exactLeastSquares"`,
      );
      expect(() => parsePmml(xml)).toThrow(UnsupportedFeatureError);
    });
  });

  describe("§StateSpaceModel (as JPMML-Evaluator scores it)", () => {
    const ss = (extra = "", attrs = "") =>
      doc(
        `<StateSpaceModel ${attrs}>
        <StateVector><Array n="2" type="real">1 2</Array></StateVector>
        <TransitionMatrix><Matrix nbRows="2" nbCols="2"><Array type="real">0.5 0</Array><Array type="real">1 0</Array></Matrix></TransitionMatrix>
        <MeasurementMatrix><Matrix nbRows="1" nbCols="2"><Array type="real">1 0.5</Array></Matrix></MeasurementMatrix>
        <InterceptVector type="observation"><Array n="1" type="real">10</Array></InterceptVector>
        ${extra}
      </StateSpaceModel>`,
        { bestFit: "StateSpaceModel", output: `<OutputField name="se" feature="standardError"/>` },
      );

    it("y(1) = Z·x + c; each further step applies the TransitionMatrix first", () => {
      const xml = ss(
        `<PredictedStateCovarianceMatrix><Matrix nbRows="2" nbCols="2"><Array>0 0</Array><Array>0 0</Array></Matrix></PredictedStateCovarianceMatrix>
        <SelectedStateCovarianceMatrix><Matrix nbRows="2" nbCols="2"><Array>1 0</Array><Array>0 0</Array></Matrix></SelectedStateCovarianceMatrix>`,
        `variance="4"`,
      );
      const p = parsePmml(xml);
      expect(interpret(p, { h: 1 }).y).toBe(1 + 1 + 10);
      // x(2) = T·x = (0.5, 1) → 0.5 + 0.5 + 10
      expect(interpret(p, { h: 2 }).y).toBe(11);
      // P(1) = V → var = 4·(Z P Zᵀ) = 4; P(2) = T V Tᵀ + V = [[1.25, .5], [.5, 1]] → Z P Zᵀ = 1.25 + 0.5 + 0.25
      expect(interpret(p, { h: 1 }).se).toBeCloseTo(2, 12);
      expect(interpret(p, { h: 2 }).se).toBeCloseTo(Math.sqrt(4 * 2), 12);
    });
  });

  it("algorithms PMML 4.4 leaves undefined throw UnsupportedFeatureError naming the element", () => {
    const xml = doc(`<GARCH/>`, { bestFit: "GARCH" });
    expect(() => parsePmml(xml)).toThrow(/GARCH/);
  });
});
