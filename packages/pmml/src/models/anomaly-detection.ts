import { SchemaError, type AnomalyAlgorithmType, type AnomalyDetectionModel, type ModelBase } from "@porta/ir";
import { enumAttr, numberArray, numberAttr } from "../attributes.ts";
import type { XmlElement } from "../xml.ts";
import { isModelElement, parseModel } from "./index.ts";

const ALGORITHM_TYPES: readonly AnomalyAlgorithmType[] = ["iforest", "ocsvm", "clusterMeanDist", "other"];

/** AnomalyDetectionModel (PMML 4.4 §AnomalyDetectionModel). */
export function parseAnomalyDetectionModel(el: XmlElement, base: ModelBase): AnomalyDetectionModel {
  const algorithmType = enumAttr(el, "algorithmType", ALGORITHM_TYPES);
  if (!algorithmType) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", `AnomalyDetectionModel needs the attribute "algorithmType"`, { path: el.path, value: "algorithmType" });
  }
  const embedded = el.children().filter(isModelElement);
  if (embedded.length !== 1) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "AnomalyDetectionModel needs exactly one model element", { path: el.path, value: embedded.length });
  }
  const model = parseModel(embedded[0]);
  const sampleDataSize = numberAttr(el, "sampleDataSize") ?? parameterListSampleSize(el);
  if (algorithmType === "iforest" && (sampleDataSize === undefined || !(sampleDataSize > 0))) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "an isolation forest needs a positive sampleDataSize", {
      path: `${el.path}/@sampleDataSize`,
      value: sampleDataSize,
    });
  }
  const meanEl = el.child("MeanClusterDistances");
  const arrayEl = meanEl?.child("Array");
  const meanClusterDistances = arrayEl ? numberArray(arrayEl) : undefined;
  if (algorithmType === "clusterMeanDist") {
    if (model.kind !== "clustering") {
      throw new SchemaError("PMML_ANOMALY_MODEL", "algorithmType clusterMeanDist needs a ClusteringModel", { path: embedded[0].path, value: embedded[0].name });
    }
    if (!meanClusterDistances || meanClusterDistances.length !== model.clusters.length) {
      throw new SchemaError("PMML_MISSING_ELEMENT", "clusterMeanDist needs MeanClusterDistances with one value per Cluster", {
        path: meanEl?.path ?? el.path,
        value: meanClusterDistances?.length ?? "MeanClusterDistances",
      });
    }
  }
  return { ...base, kind: "anomalyDetection", algorithmType, sampleDataSize, meanClusterDistances, model };
}

/**
 * Exporters written before PMML 4.4 settled (R pmml's iForest, Zementis' extended schema) give the
 * sample size as ParameterList/Parameter[@name="training_data_count"] instead of @sampleDataSize.
 */
function parameterListSampleSize(el: XmlElement): number | undefined {
  for (const p of el.child("ParameterList")?.children("Parameter") ?? []) {
    const name = p.attr("name");
    if (name === "training_data_count" || name === "sampleDataSize") return numberAttr(p, "value");
  }
  return undefined;
}
