import { SchemaError, UnsupportedFeatureError, type BaselineModel, type ContinuousDistribution, type ModelBase } from "@porta/ir";
import { numberAttr, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import type { XmlElement } from "../xml.ts";

const STATISTICS = ["zValue", "chiSquareIndependence", "chiSquareDistribution", "CUSUM", "scalarProduct"];

/** BaselineModel (PMML 4.4 §BaselineModel). */
export function parseBaselineModel(el: XmlElement, base: ModelBase): BaselineModel {
  const tests = el.child("TestDistributions");
  if (!tests) throw new SchemaError("PMML_MISSING_ELEMENT", "BaselineModel needs TestDistributions", { path: el.path, value: "TestDistributions" });
  const statistic = requiredAttr(tests, "testStatistic");
  if (!STATISTICS.includes(statistic)) {
    throw new SchemaError("PMML_BAD_ATTRIBUTE", `unknown testStatistic "${statistic}"`, { path: `${tests.path}/@testStatistic`, value: statistic });
  }
  if (statistic !== "zValue") {
    // CUSUM accumulates over a stream of rows; the chi-square and scalar-product tests compare
    // count tables of aggregated rows. Porta scores each row on its own.
    throw new UnsupportedFeatureError(`TestDistributions@testStatistic=${statistic}`, undefined, { path: `${tests.path}/@testStatistic` });
  }
  const windowSize = numberAttr(tests, "windowSize", 0);
  if (windowSize !== 0)
    throw new UnsupportedFeatureError("TestDistributions@windowSize", "TestDistributions@windowSize: statistics over a window of rows are not supported", {
      path: `${tests.path}/@windowSize`,
    });
  const baselineEl = tests.child("Baseline");
  if (!baselineEl) throw new SchemaError("PMML_MISSING_ELEMENT", "TestDistributions needs a Baseline", { path: tests.path, value: "Baseline" });
  return { ...base, kind: "baseline", testStatistic: "zValue", field: requiredAttr(tests, "field"), baseline: parseContinuousDistribution(baselineEl) };
}

/** The continuous distribution inside `holder` (Gaussian, Poisson, Uniform or Any). */
export function parseContinuousDistribution(holder: XmlElement): ContinuousDistribution {
  for (const d of holder.children()) {
    switch (d.name) {
      case "GaussianDistribution":
        return { kind: "gaussian", mean: requiredNumberAttr(d, "mean"), variance: positiveVariance(d) };
      case "AnyDistribution":
        return { kind: "any", mean: requiredNumberAttr(d, "mean"), variance: positiveVariance(d) };
      case "PoissonDistribution":
        return { kind: "poisson", mean: requiredNumberAttr(d, "mean") };
      case "UniformDistribution":
        return { kind: "uniform", lower: requiredNumberAttr(d, "lower"), upper: requiredNumberAttr(d, "upper") };
      case "CountTable":
      case "NormalizedCountTable":
      case "FieldRef":
        throw new UnsupportedFeatureError(`Baseline/${d.name}`, undefined, { path: d.path });
      default:
        break;
    }
  }
  throw new SchemaError("PMML_MISSING_ELEMENT", `${holder.name} needs a distribution`, { path: holder.path, value: "GaussianDistribution" });
}

function positiveVariance(d: XmlElement): number {
  const v = requiredNumberAttr(d, "variance");
  if (!(v > 0)) throw new SchemaError("PMML_BAD_VALUE", "a distribution's variance must be positive", { path: `${d.path}/@variance`, value: v });
  return v;
}
