import type { Arima, ExponentialSmoothing, SeriesTransformation, StateSpaceModel, TimeSeriesModel } from "../models/time-series.ts";
import type { ModelResult, OutputField } from "../model.ts";
import { EvaluationError, SchemaError, UnsupportedFeatureError } from "../errors.ts";
import { toNumber, type Value } from "../values.ts";
import { stdNormalQuantile } from "../functions/distributions.ts";
import type { ModelScope } from "./scope.ts";
import type { TargetInfo } from "./target.ts";

/** Forecasts 1 … h steps ahead, in the series' own units, with their standard errors when the model has them. */
export interface SeriesForecast {
  values: number[];
  /** Standard error of each step in the transformed units (null: the algorithm gives none). */
  standardErrors: number[] | null;
  transformation: SeriesTransformation;
  /** Forecasts in the transformed units (where the error is symmetric). */
  transformed: number[];
}

/**
 * TimeSeriesModel (PMML 4.4 §TimeSeriesModel): forecasts h steps past the end of the series the
 * model stores. h is the value of the model's one supplementary MiningField, 1 when it has none or
 * the value is missing (JPMML-Evaluator's getForecastHorizon). The predicted value is the forecast
 * h steps ahead; standardError and confidenceIntervalLower/Upper (OutputField/@value = the level in
 * percent, default 95) describe that same step. OutputFields carrying R pmml's (Zementis')
 * Extension name="dataType" value="json" answer the whole path 1 … h as a JSON array instead.
 */
export function evaluateTimeSeries(model: TimeSeriesModel, scope: ModelScope, _target: TargetInfo): ModelResult {
  const h = forecastHorizon(model, scope);
  const forecast = forecastSeries(model, h);
  const step = h - 1;
  // A JSON-series OutputField gets steps 1 … h; any other gets step h.
  const answer = (field: OutputField, at: (k: number) => number): Value =>
    model.seriesOutputs.includes(field.name) ? JSON.stringify(Array.from({ length: h }, (_, k) => at(k))) : at(step);
  const se = (field: OutputField): Value => {
    const errors = forecast.standardErrors;
    if (!errors) throw intervalsUnsupported(model, field);
    return answer(field, (k) => errors[k]);
  };
  const bound =
    (sign: -1 | 1) =>
    (field: OutputField): Value => {
      const errors = forecast.standardErrors;
      if (!errors) throw intervalsUnsupported(model, field);
      const level = field.value === undefined ? 95 : Number(field.value);
      if (!(level > 0 && level < 100)) {
        throw new SchemaError("PMML_BAD_VALUE", "a confidence interval's level must lie between 0 and 100 (percent)", { path: field.path, value: field.value });
      }
      const z = stdNormalQuantile(0.5 + level / 200);
      return answer(field, (k) => untransform(forecast.transformed[k] + sign * z * errors[k], forecast.transformation));
    };
  return {
    value: forecast.values[step],
    extras: {
      // Only with JSON-series fields: otherwise predictedValue is the result after Targets.
      ...(model.seriesOutputs.length > 0 ? { predictedValue: (field: OutputField) => answer(field, (k) => forecast.values[k]) } : {}),
      standardError: se,
      confidenceIntervalLower: bound(-1),
      confidenceIntervalUpper: bound(1),
    },
  };
}

function intervalsUnsupported(model: TimeSeriesModel, field: OutputField): UnsupportedFeatureError {
  return new UnsupportedFeatureError(`OutputField[@feature=${field.feature}]`, `${model.bestFit} gives no forecast variance`, { path: field.path });
}

function forecastHorizon(model: TimeSeriesModel, scope: ModelScope): number {
  if (model.horizonField === undefined) return 1;
  const v = scope.resolve(model.horizonField);
  if (v === null) return 1;
  const h = toNumber(v);
  if (!Number.isInteger(h) || h < 1) {
    throw new EvaluationError("PMML_FORECAST_HORIZON", "the forecast horizon must be a whole number of steps, at least 1", { path: model.path, value: v });
  }
  return h;
}

/** Forecasts 1 … h steps ahead with the model's bestFit algorithm. */
export function forecastSeries(model: TimeSeriesModel, h: number): SeriesForecast {
  const f = model.forecaster;
  switch (f.kind) {
    case "exponentialSmoothing":
      return forecastExponentialSmoothing(f, h);
    case "arima":
      return forecastArima(f, h);
    case "stateSpace":
      return forecastStateSpace(f, h);
    default: {
      const never: never = f;
      return never;
    }
  }
}

function transform(x: number, t: SeriesTransformation): number {
  return t === "logarithmic" ? Math.log(x) : t === "squareroot" ? Math.sqrt(x) : x;
}

function untransform(x: number, t: SeriesTransformation): number {
  return t === "logarithmic" ? Math.exp(x) : t === "squareroot" ? x * x : x;
}

/**
 * Exponential smoothing forecasts (PMML 4.4 §ExponentialSmoothing, Gardner 2006 table 1):
 * level S, trend T, damping φ, seasonal index I of the same season m steps ahead:
 * none S; additive S + m·T; damped additive S + Σφ^i·T; multiplicative S·T^m; damped
 * multiplicative S·T^(Σφ^i); then + I (additive season) or × I (multiplicative season).
 */
function forecastExponentialSmoothing(f: ExponentialSmoothing, h: number): SeriesForecast {
  const transformed: number[] = [];
  let dampSum = 0,
    phiPower = 1;
  for (let m = 1; m <= h; m++) {
    let y = f.level;
    if (f.trend) {
      const { type, smoothedValue: t, phi } = f.trend;
      phiPower *= phi;
      dampSum += phiPower;
      switch (type) {
        case "additive":
          y = f.level + m * t;
          break;
        case "damped_additive":
          y = f.level + dampSum * t;
          break;
        case "multiplicative":
          y = f.level * Math.pow(t, m);
          break;
        case "damped_multiplicative":
          y = f.level * Math.pow(t, dampSum);
          break;
        default:
          throw new UnsupportedFeatureError(`Trend_ExpoSmooth@trend=${type}`, undefined, { path: f.path });
      }
    }
    if (f.seasonality) {
      const s = f.seasonality;
      const index = s.indices[(m - 1) % s.period];
      y = s.type === "additive" ? y + index : y * index;
    }
    transformed.push(y);
  }
  return { values: transformed.map((y) => untransform(y, f.transformation)), transformed, standardErrors: null, transformation: f.transformation };
}

/** Coefficients of p(B)·q(B), each given as c[0] + c[1]·B + … */
function multiply(p: number[], q: number[]): number[] {
  const out = new Array<number>(p.length + q.length - 1).fill(0);
  for (let i = 0; i < p.length; i++) for (let j = 0; j < q.length; j++) out[i + j] += p[i] * q[j];
  return out;
}

/** 1 + sign·(c1·B^period + c2·B^(2·period) + …). */
function lagPolynomial(coefficients: number[], period: number, sign: 1 | -1): number[] {
  const out = new Array<number>(coefficients.length * period + 1).fill(0);
  out[0] = 1;
  coefficients.forEach((c, i) => {
    out[(i + 1) * period] = sign * c;
  });
  return out;
}

/** (1 − B^period)^order. */
function differencing(order: number, period: number): number[] {
  let out = [1];
  for (let i = 0; i < order; i++) out = multiply(out, lagPolynomial([1], period, -1));
  return out;
}

/**
 * ARIMA, conditional least squares (PMML 4.4 §ARIMA): the stored series is transformed and
 * differenced by (1−B)^d·(1−B^s)^D; the differenced series w, less its mean c (constantTerm),
 * follows φ(B)·Φ(B^s)·(w − c) = θ(B)·Θ(B^s)·a with unknown future innovations a = 0 and the
 * exported past residuals; the forecasts are integrated back. The standard error h steps ahead is
 * RMSE·sqrt(Σ ψj², j < h), ψ the MA(∞) weights of the whole model, differencing included.
 * MA coefficients use R's sign convention (1 + θ1·B + …), which R's pmml exporter writes unchanged.
 */
function forecastArima(f: Arima, h: number): SeriesForecast {
  const components = f.seasonal ? [f.nonseasonal, f.seasonal] : [f.nonseasonal];
  let ar = [1],
    ma = [1],
    diff = [1];
  for (const c of components) {
    ar = multiply(ar, lagPolynomial(c.ar, c.period, -1));
    ma = multiply(ma, lagPolynomial(c.ma, c.period, 1));
    diff = multiply(diff, differencing(c.d, c.period));
  }
  const y = f.history.map((v) => transform(v, f.transformation));
  const need = diff.length - 1 + ar.length - 1;
  if (y.length < Math.max(need, 1)) {
    throw new SchemaError("PMML_ARIMA_HISTORY", `ARIMA needs at least ${Math.max(need, 1)} values of the original series to forecast`, {
      path: f.path,
      value: y.length,
    });
  }
  // w(t) = diff(B)·y(t), defined from t = deg(diff) on; z = w − c.
  const z: number[] = [];
  for (let t = diff.length - 1; t < y.length; t++) {
    let w = 0;
    for (let k = 0; k < diff.length; k++) w += diff[k] * y[t - k];
    z.push(w - f.constantTerm);
  }
  // The longest residual run the exporter wrote covers every MA lag (R writes q + Q·s for the seasonal part).
  const residuals = components.reduce((best, c) => (c.residuals.length > best.length ? c.residuals : best), [] as number[]);
  const a = [...residuals];
  const yy = [...y];
  const transformed: number[] = [];
  for (let k = 0; k < h; k++) {
    let next = 0;
    for (let i = 1; i < ar.length; i++) next -= ar[i] * at(z, z.length - i);
    for (let j = 1; j < ma.length; j++) next += ma[j] * at(a, a.length - j);
    z.push(next);
    a.push(0);
    // y(t) = w(t) − Σ diff[k]·y(t−k)
    let yt = next + f.constantTerm;
    for (let i = 1; i < diff.length; i++) yt -= diff[i] * yy[yy.length - i];
    yy.push(yt);
    transformed.push(yt);
  }
  let standardErrors: number[] | null = null;
  if (f.rmse !== undefined) {
    const full = multiply(ar, diff);
    const psi = [1];
    for (let j = 1; j < h; j++) {
      let v = j < ma.length ? ma[j] : 0;
      for (let i = 1; i <= j && i < full.length; i++) v -= full[i] * psi[j - i];
      psi.push(v);
    }
    standardErrors = [];
    let sum = 0;
    for (let j = 0; j < h; j++) {
      sum += psi[j] * psi[j];
      standardErrors.push(f.rmse * Math.sqrt(sum));
    }
  }
  return { values: transformed.map((v) => untransform(v, f.transformation)), transformed, standardErrors, transformation: f.transformation };
}

/** A past value, 0 before the start (unknown residuals are taken as 0, as CLS does). */
function at(xs: number[], i: number): number {
  return i >= 0 && i < xs.length ? xs[i] : 0;
}

function matVec(m: number[][], v: number[]): number[] {
  return m.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
}

function matMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

function transpose(m: number[][]): number[][] {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/**
 * StateSpaceModel, as JPMML-Evaluator scores it: the StateVector is the state of the first step
 * ahead, y(1) = Z·x + c, and each further step applies the TransitionMatrix first (and, for an
 * InterceptVector of type "state", adds it to the state: the intercept moves the state, not the
 * observation, and does not change the variances). With @variance (R's pmml), variances follow
 * R's KalmanForecast: P(1) = T·P·Tᵀ + V, P(k+1) = T·P(k)·Tᵀ + V, var(k) = σ²·(h + Z·P(k)·Zᵀ);
 * without it (nyoka), statsmodels' get_forecast: P is already P(1), var(k) = Z·P(k)·Zᵀ + H.
 */
function forecastStateSpace(f: StateSpaceModel, h: number): SeriesForecast {
  if (h > 1 && !f.transition) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "forecasting more than one step needs a TransitionMatrix", { path: f.path, value: "TransitionMatrix" });
  }
  let x = f.state;
  const values: number[] = [];
  const state = f.interceptType === "state";
  for (let k = 0; k < h; k++) {
    if (k > 0) {
      x = matVec(f.transition!, x);
      if (state) x = x.map((v, i) => v + f.intercept[i]);
    }
    values.push(matVec(f.measurement, x)[0] + (state ? 0 : (f.intercept[0] ?? 0)));
  }
  let standardErrors: number[] | null = null;
  if (f.variance === undefined && f.predictedStateCovariance && (h === 1 || f.transition)) {
    // Without @variance (nyoka's statsmodels export) the matrices are in the series' units and
    // PredictedStateCovarianceMatrix is already the covariance of the first forecast's state,
    // statsmodels' P(n+1|n): var(1) = Z·P·Zᵀ + H, then P(k+1) = T·P(k)·Tᵀ + RQRᵀ.
    const Z = f.measurement[0];
    const V = f.selectedStateCovariance;
    let P = f.predictedStateCovariance;
    standardErrors = [];
    for (let k = 0; k < h; k++) {
      if (k > 0) {
        P = matMul(matMul(f.transition!, P), transpose(f.transition!));
        if (V) P = P.map((row, i) => row.map((v, j) => v + V[i][j]));
      }
      const zpz = Z.reduce((s, zi, i) => s + zi * Z.reduce((t, zj, j) => t + P[i][j] * zj, 0), 0);
      standardErrors.push(Math.sqrt((f.observationVariance ?? 0) + zpz));
    }
  } else if (f.variance !== undefined && f.transition && f.predictedStateCovariance) {
    const T = f.transition,
      Tt = transpose(T),
      Z = f.measurement[0];
    const V = f.selectedStateCovariance;
    let P = f.predictedStateCovariance;
    standardErrors = [];
    for (let k = 0; k < h; k++) {
      P = matMul(matMul(T, P), Tt);
      if (V) P = P.map((row, i) => row.map((v, j) => v + V[i][j]));
      const zpz = Z.reduce((s, zi, i) => s + zi * Z.reduce((t, zj, j) => t + P[i][j] * zj, 0), 0);
      standardErrors.push(Math.sqrt(f.variance * ((f.observationVariance ?? 0) + zpz)));
    }
  }
  return { values, transformed: values, standardErrors, transformation: "none" };
}
