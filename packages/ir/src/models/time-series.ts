import type { ModelBase } from "../model.ts";

/** TimeSeriesModel/@bestFit (PMML 4.4 §TimeSeriesModel). */
export type TimeSeriesAlgorithm = "ARIMA" | "ExponentialSmoothing" | "SeasonalTrendDecomposition" | "SpectralAnalysis" | "StateSpaceModel" | "GARCH";

/** The series is modelled after this transformation; forecasts are transformed back. */
export type SeriesTransformation = "none" | "logarithmic" | "squareroot";

export type ExpoSmoothTrend = "additive" | "damped_additive" | "multiplicative" | "damped_multiplicative" | "polynomial_exponential";

/** ExponentialSmoothing: the smoothed state at the end of the series (Gardner's notation). */
export interface ExponentialSmoothing {
  kind: "exponentialSmoothing";
  transformation: SeriesTransformation;
  rmse?: number;
  /** Level/@smoothedValue: S(t). */
  level: number;
  trend?: { type: ExpoSmoothTrend; smoothedValue: number; phi: number };
  /** Seasonal indices I(t−p+1) … I(t), oldest first; the forecast m steps ahead uses I(t−p+1+((m−1) mod p)). */
  seasonality?: { type: "additive" | "multiplicative"; period: number; phase?: number; indices: number[] };
  path: string;
}

/** One ARIMA component: non-seasonal (period 1) or seasonal. */
export interface ArimaComponent {
  /** AR coefficients φ1 … φp (or Φ1 … ΦP). */
  ar: number[];
  /** Order of differencing, d (or D). */
  d: number;
  /** MA coefficients θ1 … θq (or Θ1 … ΘQ), in the sign convention (1 + θ1·B + …)·a(t). */
  ma: number[];
  /** Residuals a(t−k+1) … a(t), oldest first, as the exporter wrote them. */
  residuals: number[];
  period: number;
}

/** ARIMA with conditional-least-squares forecasting from the stored series (usage="original"). */
export interface Arima {
  kind: "arima";
  transformation: SeriesTransformation;
  rmse?: number;
  /** constantTerm: the mean of the (differenced) series, as R's forecast::Arima estimates it. */
  constantTerm: number;
  nonseasonal: ArimaComponent;
  seasonal?: ArimaComponent;
  /** The observed series, oldest first. */
  history: number[];
  path: string;
}

/** StateSpaceModel: y(t+k) = Z·T^(k−1)·x + c, x the state for the first step ahead. */
export interface StateSpaceModel {
  kind: "stateSpace";
  state: number[];
  /** Absent: only one step ahead can be forecast. */
  transition?: number[][];
  measurement: number[][];
  intercept: number[];
  /**
   * InterceptVector/@type (PMML 4.4 §StateSpaceModel): "observation" adds intercept[0] to each
   * forecast, "state" adds the vector to the state at each transition x(k+1) = T·x(k) + c (nyoka
   * writes SARIMAX trends so, with the StateVector already T·x + c).
   */
  interceptType: "observation" | "state";
  /** Innovation variance σ² (StateSpaceModel/@variance); intervals need it. */
  variance?: number;
  /** Covariance of the state before the first step's transition (R's P), and the state noise (R's V). */
  predictedStateCovariance?: number[][];
  selectedStateCovariance?: number[][];
  observationVariance?: number;
  path: string;
}

export type TimeSeriesForecaster = ExponentialSmoothing | Arima | StateSpaceModel;

export interface TimeSeriesModel extends ModelBase {
  kind: "timeSeries";
  bestFit: TimeSeriesAlgorithm;
  forecaster: TimeSeriesForecaster;
  /** The MiningField with usageType="supplementary" giving the forecast horizon (as JPMML); absent: 1. */
  horizonField?: string;
  /**
   * OutputFields marked with Extension name="dataType" value="json" (R's pmml, Zementis): their
   * value is the whole path 1 … h as a JSON array instead of step h alone.
   */
  seriesOutputs: string[];
}
