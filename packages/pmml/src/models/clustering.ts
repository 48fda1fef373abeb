import { SchemaError, type Cluster, type ClusteringModel, type ModelBase } from "@porta/ir";
import { arrayValues, booleanAttr, enumAttr, numberArray } from "../attributes.ts";
import { unsupported } from "../dictionary.ts";
import type { XmlElement } from "../xml.ts";
import { parseComparisonField, parseComparisonMeasure } from "./comparison-measure.ts";

/** ClusteringModel (PMML 4.4 §ClusteringModel). Only center-based models are scored. */
export function parseClusteringModel(el: XmlElement, base: ModelBase): ClusteringModel {
  const modelClass = enumAttr(el, "modelClass", ["centerBased", "distributionBased"] as const, "centerBased");
  if (modelClass === "distributionBased") {
    // The spec gives no scoring procedure for distribution-based clusters (nor does JPMML score them).
    unsupported(el, "ClusteringModel[@modelClass=distributionBased]");
  }
  // As JPMML's ClusteringModelEvaluator: no Targets (MisplacedElementException), functionName clustering only.
  const targets = el.child("Targets");
  if (targets) throw new SchemaError("PMML_MISPLACED_ELEMENT", "a ClusteringModel has no Targets", { path: targets.path, value: "Targets" });
  if (base.functionName !== "clustering")
    throw new SchemaError("PMML_BAD_ATTRIBUTE", "a ClusteringModel's functionName must be clustering", {
      path: `${el.path}/@functionName`,
      value: base.functionName,
    });
  const centerFields = el.child("CenterFields");
  if (centerFields) unsupported(centerFields);
  const measureEl = el.child("ComparisonMeasure");
  if (!measureEl) throw new SchemaError("PMML_MISSING_ELEMENT", "ClusteringModel needs a ComparisonMeasure", { path: el.path, value: "ComparisonMeasure" });
  const fields = el.children("ClusteringField").map((f) => ({
    ...parseComparisonField(f, "field"),
    // PMML 4.4 spells it isCenterField; 3.x/4.0 schemas had centerField.
    isCenterField: f.attr("isCenterField") !== undefined ? booleanAttr(f, "isCenterField", true) : booleanAttr(f, "centerField", true),
  }));
  if (fields.length === 0) throw new SchemaError("PMML_MISSING_ELEMENT", "ClusteringModel needs ClusteringFields", { path: el.path, value: "ClusteringField" });
  const clusters = el.children("Cluster").map((c, i) => parseCluster(c, i));
  if (clusters.length === 0) throw new SchemaError("PMML_MISSING_ELEMENT", "ClusteringModel needs Clusters", { path: el.path, value: "Cluster" });
  const weightsEl = el.child("MissingValueWeights");
  let missingValueWeights: number[] | undefined;
  if (weightsEl) {
    const array = weightsEl.child("Array");
    if (!array) throw new SchemaError("PMML_MISSING_ELEMENT", "MissingValueWeights needs an Array", { path: weightsEl.path, value: "Array" });
    missingValueWeights = numberArray(array);
    const centers = fields.filter((f) => f.isCenterField).length;
    if (missingValueWeights.length !== centers) {
      throw new SchemaError("PMML_BAD_VALUE", `MissingValueWeights has ${missingValueWeights.length} weights for ${centers} center fields`, {
        path: array.path,
        value: missingValueWeights.length,
      });
    }
  }
  return {
    ...base,
    kind: "clustering",
    modelClass,
    measure: parseComparisonMeasure(measureEl),
    fields,
    missingValueWeights,
    clusters,
  };
}

function parseCluster(el: XmlElement, index: number): Cluster {
  const array = el.child("Array");
  if (!array) throw new SchemaError("PMML_MISSING_ELEMENT", "a center-based Cluster needs an Array (its center)", { path: el.path, value: "Array" });
  return {
    id: el.attr("id") ?? String(index + 1),
    name: el.attr("name"),
    center: arrayValues(array),
    path: el.path,
  };
}
