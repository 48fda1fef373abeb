import {
  SchemaError,
  UnsupportedFeatureError,
  type Arima,
  type ArimaComponent,
  type ExponentialSmoothing,
  type ExpoSmoothTrend,
  type ModelBase,
  type SeriesTransformation,
  type StateSpaceModel,
  type TimeSeriesAlgorithm,
  type TimeSeriesForecaster,
  type TimeSeriesModel,
} from "@porta/ir";
import { enumAttr, numberArray, numberAttr, requiredNumberAttr } from "../attributes.ts";
import type { XmlElement } from "../xml.ts";

const ALGORITHMS: readonly TimeSeriesAlgorithm[] = [
  "ARIMA",
  "ExponentialSmoothing",
  "SeasonalTrendDecomposition",
  "SpectralAnalysis",
  "StateSpaceModel",
  "GARCH",
];
const TRANSFORMATIONS: readonly SeriesTransformation[] = ["none", "logarithmic", "squareroot"];
const TRENDS: readonly ExpoSmoothTrend[] = ["additive", "damped_additive", "multiplicative", "damped_multiplicative", "polynomial_exponential"];

/** TimeSeriesModel (PMML 4.4 §TimeSeriesModel): the algorithm named by bestFit forecasts. */
export function parseTimeSeriesModel(el: XmlElement, base: ModelBase): TimeSeriesModel {
  const bestFit = enumAttr(el, "bestFit", ALGORITHMS);
  if (!bestFit) throw new SchemaError("PMML_MISSING_ATTRIBUTE", `TimeSeriesModel needs the attribute "bestFit"`, { path: el.path, value: "bestFit" });
  const algorithmEl = el.child(bestFit);
  if (!algorithmEl)
    throw new SchemaError("PMML_MISSING_ELEMENT", `TimeSeriesModel/@bestFit names ${bestFit}, which the model does not contain`, {
      path: el.path,
      value: bestFit,
    });
  const supplementary = base.miningSchema.filter((f) => f.usageType === "supplementary");
  if (supplementary.length > 1) {
    // JPMML-Evaluator: the forecast horizon is the one supplementary field.
    throw new SchemaError("PMML_FORECAST_HORIZON", "a TimeSeriesModel takes at most one supplementary field (the forecast horizon)", {
      path: `${el.path}/MiningSchema`,
      value: supplementary.map((f) => f.name).join(", "),
    });
  }
  const targets = base.miningSchema.filter((f) => f.usageType === "predicted" || f.usageType === "target");
  if (targets.length > 1) {
    // nyoka's VARMAX export: one series per target and a MeasurementMatrix row each. Porta forecasts
    // one series; scoring only the first would answer the others' OutputFields with its path.
    throw new UnsupportedFeatureError("TimeSeriesModel/MiningSchema", "a TimeSeriesModel with several target fields (a multivariate series) is not supported", {
      path: `${el.path}/MiningSchema`,
      value: targets.map((f) => f.name).join(", "),
    });
  }
  let forecaster: TimeSeriesForecaster;
  switch (bestFit) {
    case "ExponentialSmoothing":
      forecaster = parseExponentialSmoothing(algorithmEl);
      break;
    case "ARIMA":
      forecaster = parseArima(algorithmEl, originalSeries(el));
      break;
    case "StateSpaceModel":
      forecaster = parseStateSpace(algorithmEl, algorithmEl);
      break;
    default:
      throw new UnsupportedFeatureError(bestFit, `TimeSeriesModel algorithm ${bestFit} is not supported`, { path: algorithmEl.path });
  }
  return { ...base, kind: "timeSeries", bestFit, forecaster, horizonField: supplementary[0]?.name, seriesOutputs: seriesOutputs(el) };
}

/** Names of OutputFields that ask for the forecast path as JSON (R's pmml: Extension dataType=json). */
function seriesOutputs(el: XmlElement): string[] {
  return (el.child("Output")?.children("OutputField") ?? [])
    .filter((f) => f.children("Extension").some((e) => e.attr("name") === "dataType" && e.attr("value") === "json"))
    .map((f) => f.attr("name") ?? "");
}

function transformationAttr(el: XmlElement): SeriesTransformation {
  return enumAttr(el, "transformation", TRANSFORMATIONS, "none");
}

function arrayChild(el: XmlElement | undefined): number[] | undefined {
  const a = el?.child("Array");
  return a ? numberArray(a) : undefined;
}

function parseExponentialSmoothing(el: XmlElement): ExponentialSmoothing {
  const level = el.child("Level");
  if (!level) throw new SchemaError("PMML_MISSING_ELEMENT", "ExponentialSmoothing needs a Level", { path: el.path, value: "Level" });
  const trendEl = el.child("Trend_ExpoSmooth");
  const seasonEl = el.child("Seasonality_ExpoSmooth");
  let trend: ExponentialSmoothing["trend"];
  if (trendEl) {
    const type = enumAttr(trendEl, "trend", TRENDS, "additive");
    if (type === "polynomial_exponential")
      throw new UnsupportedFeatureError("Trend_ExpoSmooth@trend=polynomial_exponential", undefined, { path: trendEl.path });
    trend = { type, smoothedValue: requiredNumberAttr(trendEl, "smoothedValue"), phi: numberAttr(trendEl, "phi", 1) };
  }
  let seasonality: ExponentialSmoothing["seasonality"];
  if (seasonEl) {
    const type = enumAttr(seasonEl, "type", ["additive", "multiplicative"] as const);
    if (!type) throw new SchemaError("PMML_MISSING_ATTRIBUTE", `Seasonality_ExpoSmooth needs the attribute "type"`, { path: seasonEl.path, value: "type" });
    const period = requiredNumberAttr(seasonEl, "period");
    const indices = arrayChild(seasonEl) ?? [];
    if (!(Number.isInteger(period) && period >= 1) || indices.length < period) {
      throw new SchemaError("PMML_BAD_VALUE", "Seasonality_ExpoSmooth needs an Array of one index per period", { path: seasonEl.path, value: indices.length });
    }
    // The latest season: the last `period` indices, oldest first.
    seasonality = { type, period, phase: numberAttr(seasonEl, "phase"), indices: indices.slice(indices.length - period) };
  }
  return {
    kind: "exponentialSmoothing",
    transformation: transformationAttr(el),
    rmse: numberAttr(el, "RMSE"),
    level: requiredNumberAttr(level, "smoothedValue"),
    trend,
    seasonality,
    path: el.path,
  };
}

/** TimeSeries[@usage="original"]/TimeValue, in index order. */
function originalSeries(model: XmlElement): number[] {
  const series = model.children("TimeSeries").filter((t) => (t.attr("usage") ?? "original") === "original");
  const points: { index: number; value: number; order: number }[] = [];
  let order = 0;
  for (const ts of series) {
    for (const tv of ts.children("TimeValue")) {
      points.push({ index: numberAttr(tv, "index") ?? numberAttr(tv, "time") ?? order, value: requiredNumberAttr(tv, "value"), order: order++ });
    }
  }
  points.sort((a, b) => a.index - b.index || a.order - b.order);
  return points.map((p) => p.value);
}

function parseComponent(el: XmlElement | undefined, seasonal: boolean): ArimaComponent | undefined {
  if (!el) return undefined;
  const [pName, dName, qName] = seasonal ? ["P", "D", "Q"] : ["p", "d", "q"];
  const ar = arrayChild(el.child("AR")) ?? [];
  const maEl = el.child("MA");
  const ma = arrayChild(maEl?.child("MACoefficients")) ?? arrayChild(maEl) ?? [];
  const residuals = arrayChild(maEl?.child("Residuals")) ?? [];
  const p = numberAttr(el, pName, ar.length),
    q = numberAttr(el, qName, ma.length);
  if (ar.length !== p || ma.length !== q) {
    throw new SchemaError("PMML_BAD_VALUE", `${el.name}: ${pName}/${qName} disagree with the AR/MA coefficient counts`, {
      path: el.path,
      value: `${ar.length}/${ma.length}`,
    });
  }
  const period = seasonal ? requiredNumberAttr(el, "period") : 1;
  return { ar, d: numberAttr(el, dName, 0), ma, residuals, period };
}

function parseArima(el: XmlElement, history: number[]): Arima | StateSpaceModel {
  for (const name of ["DynamicRegressor", "OutlierEffect"]) {
    const e = el.child(name);
    if (e) throw new UnsupportedFeatureError(`ARIMA/${name}`, undefined, { path: e.path });
  }
  const method = enumAttr(el, "predictionMethod", ["conditionalLeastSquares", "exactLeastSquares"] as const, "conditionalLeastSquares");
  const constantTerm = numberAttr(el, "constantTerm", 0);
  if (method === "exactLeastSquares") {
    // Exact least squares continues from the Kalman filter's final state. Scorable when the state
    // comes with its dynamics (R's pmml writes TransitionMatrix and MeasurementMatrix there).
    const kalman = el.child("MaximumLikelihoodStat")?.child("KalmanState");
    if (!kalman?.child("TransitionMatrix") || !kalman.child("MeasurementMatrix")) {
      throw new UnsupportedFeatureError(
        "ARIMA@predictionMethod=exactLeastSquares",
        "exact least squares needs KalmanState with FinalStateVector, TransitionMatrix and MeasurementMatrix",
        { path: el.path },
      );
    }
    const ss = parseStateSpace(kalman, el, "FinalStateVector");
    return { ...ss, intercept: [constantTerm], interceptType: "observation" };
  }
  const nonseasonal = parseComponent(el.child("NonseasonalComponent"), false) ?? { ar: [], d: 0, ma: [], residuals: [], period: 1 };
  const seasonal = parseComponent(el.child("SeasonalComponent"), true);
  return {
    kind: "arima",
    transformation: transformationAttr(el),
    rmse: numberAttr(el, "RMSE"),
    constantTerm,
    nonseasonal,
    seasonal,
    history,
    path: el.path,
  };
}

/** A Matrix element as rows (PMML §Matrix: any, diagonal, symmetric lower triangle, MatCells). */
function parseRealMatrix(el: XmlElement): number[][] {
  const kind = enumAttr(el, "kind", ["diagonal", "symmetric", "any"] as const, "any");
  const arrays = el.children("Array").map(numberArray);
  const cells = el.children("MatCell");
  const rows = numberAttr(el, "nbRows") ?? (kind === "diagonal" ? (arrays[0]?.length ?? 0) : arrays.length);
  const cols = numberAttr(el, "nbCols") ?? (kind === "any" ? Math.max(0, ...arrays.map((a) => a.length)) : rows);
  const dflt = (i: number, j: number) => (i === j ? numberAttr(el, "diagDefault", 0) : numberAttr(el, "offDiagDefault", 0));
  const m: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => dflt(i, j)));
  if (kind === "diagonal")
    (arrays[0] ?? []).forEach((v, i) => {
      if (i < rows && i < cols) m[i][i] = v;
    });
  else
    arrays.forEach((a, i) =>
      a.forEach((v, j) => {
        if (i < rows && j < cols) m[i][j] = v;
        if (kind === "symmetric" && j < rows && i < cols) m[j][i] = v;
      }),
    );
  for (const c of cells) {
    const i = requiredNumberAttr(c, "row") - 1,
      j = requiredNumberAttr(c, "col") - 1;
    if (i < 0 || j < 0 || i >= rows || j >= cols)
      throw new SchemaError("PMML_BAD_VALUE", "MatCell lies outside the Matrix", { path: c.path, value: `${i + 1},${j + 1}` });
    m[i][j] = Number(c.text());
    if (kind === "symmetric" && j < rows && i < cols) m[j][i] = m[i][j];
  }
  return m;
}

function matrixChild(el: XmlElement, name: string): number[][] | undefined {
  const holder = el.child(name);
  if (!holder) return undefined;
  const matrix = holder.child("Matrix");
  if (!matrix) throw new SchemaError("PMML_MISSING_ELEMENT", `${name} needs a Matrix`, { path: holder.path, value: "Matrix" });
  return parseRealMatrix(matrix);
}

/** StateSpaceModel (PMML 4.4), or an ARIMA KalmanState of the same shape. */
function parseStateSpace(el: XmlElement, owner: XmlElement, stateName = "StateVector"): StateSpaceModel {
  const state = arrayChild(el.child(stateName));
  if (!state) throw new SchemaError("PMML_MISSING_ELEMENT", `${el.name} needs a ${stateName}`, { path: el.path, value: stateName });
  const measurement = matrixChild(el, "MeasurementMatrix");
  if (!measurement) throw new SchemaError("PMML_MISSING_ELEMENT", `${el.name} needs a MeasurementMatrix`, { path: el.path, value: "MeasurementMatrix" });
  if (measurement.length !== 1) {
    throw new UnsupportedFeatureError(
      "MeasurementMatrix",
      "a StateSpaceModel observing several series (MeasurementMatrix with several rows) is not supported",
      { path: `${el.path}/MeasurementMatrix`, value: measurement.length },
    );
  }
  const transition = matrixChild(el, "TransitionMatrix");
  const n = state.length;
  if (measurement[0]?.length !== n || (transition && (transition.length !== n || transition.some((r) => r.length !== n)))) {
    throw new SchemaError("PMML_BAD_VALUE", "the state vector, TransitionMatrix and MeasurementMatrix sizes disagree", { path: el.path, value: n });
  }
  const interceptEl = el.child("InterceptVector");
  const interceptVector = arrayChild(interceptEl);
  const intercept = numberAttr(owner, "intercept", 0);
  if (interceptVector && intercept !== 0) {
    throw new SchemaError("PMML_BAD_VALUE", "StateSpaceModel has both @intercept and an InterceptVector", { path: el.path, value: intercept });
  }
  const interceptType = interceptEl ? enumAttr(interceptEl, "type", ["observation", "state"] as const, "observation") : "observation";
  if (interceptType === "state" && interceptVector && interceptVector.length !== n) {
    throw new SchemaError("PMML_BAD_VALUE", "a state InterceptVector needs one value per state", { path: interceptEl!.path, value: interceptVector.length });
  }
  if (interceptType === "observation" && interceptVector && interceptVector.length !== measurement.length) {
    throw new SchemaError("PMML_BAD_VALUE", "an observation InterceptVector needs one value per MeasurementMatrix row", {
      path: interceptEl!.path,
      value: interceptVector.length,
    });
  }
  const observationVariance = matrixChild(el, "ObservationVarianceMatrix")?.[0]?.[0] ?? numberAttr(owner, "observationVariance");
  return {
    kind: "stateSpace",
    state,
    transition,
    measurement,
    intercept: interceptVector ?? [intercept],
    interceptType,
    variance: numberAttr(owner, "variance"),
    predictedStateCovariance: matrixChild(el, "PredictedStateCovarianceMatrix"),
    selectedStateCovariance: matrixChild(el, "SelectedStateCovarianceMatrix"),
    observationVariance,
    path: el.path,
  };
}
