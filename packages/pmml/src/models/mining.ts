import {
  SchemaError,
  UnsupportedFeatureError,
  type MiningModel,
  type MissingPredictionTreatment,
  type ModelBase,
  type MultipleModelMethod,
  type Segment,
} from "@porta/ir";
import { enumAttr, numberAttr } from "../attributes.ts";
import { parseDerivedField } from "../dictionary.ts";
import { predicateChild } from "../model-common.ts";
import type { XmlElement } from "../xml.ts";
import { isModelElement, parseModel } from "./index.ts";

const METHODS: readonly MultipleModelMethod[] = [
  "majorityVote",
  "weightedMajorityVote",
  "average",
  "weightedAverage",
  "median",
  "weightedMedian",
  "max",
  "sum",
  "weightedSum",
  "selectFirst",
  "selectAll",
  "modelChain",
];
const TREATMENTS: readonly MissingPredictionTreatment[] = ["returnMissing", "skipSegment", "continue"];

/** MiningModel (PMML 4.4 §MultipleModels). */
export function parseMiningModel(el: XmlElement, base: ModelBase): MiningModel {
  for (const embedded of ["Regression", "DecisionTree"]) {
    const e = el.child(embedded);
    // PMML 3.x embedded models, deprecated since 4.0.
    if (e) throw new UnsupportedFeatureError(`MiningModel/${embedded}`, undefined, { path: e.path });
  }
  const segmentation = el.child("Segmentation");
  if (!segmentation) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "MiningModel needs a Segmentation", { path: el.path, value: "Segmentation" });
  }
  const method = segmentation.attr("multipleModelMethod");
  if (method === "multiModelChain" || method === "x-multiModelChain") {
    throw new UnsupportedFeatureError(`Segmentation@multipleModelMethod=${method}`, undefined, { path: `${segmentation.path}/@multipleModelMethod` });
  }
  const multipleModelMethod = enumAttr(segmentation, "multipleModelMethod", METHODS);
  if (!multipleModelMethod) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", `Segmentation needs the attribute "multipleModelMethod"`, {
      path: segmentation.path,
      value: "multipleModelMethod",
    });
  }
  const missingThreshold = numberAttr(segmentation, legacyName(segmentation, "missingThreshold"), 1);
  if (!(missingThreshold >= 0 && missingThreshold <= 1)) {
    throw new SchemaError("PMML_BAD_ATTRIBUTE", "Segmentation/@missingThreshold must be between 0 and 1", {
      path: `${segmentation.path}/@missingThreshold`,
      value: missingThreshold,
    });
  }
  const local = segmentation.child("LocalTransformations");
  const segments = segmentation.children("Segment").map(parseSegment);
  if (segments.length === 0) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "Segmentation needs at least one Segment", { path: segmentation.path, value: "Segment" });
  }
  return {
    ...base,
    kind: "mining",
    // Segmentation-level LocalTransformations (PMML 4.4) live in the MiningModel's scope.
    localTransformations: [...base.localTransformations, ...(local ? local.children("DerivedField").map(parseDerivedField) : [])],
    multipleModelMethod,
    missingPredictionTreatment: enumAttr(segmentation, legacyName(segmentation, "missingPredictionTreatment"), TREATMENTS, "continue"),
    missingThreshold,
    segments,
  };
}

/**
 * PMML 4.4 attributes that JPMML-based converters wrote with an "x-" prefix before 4.4 was final
 * (e.g. x-missingPredictionTreatment); the unprefixed name wins when both are present.
 */
function legacyName(el: XmlElement, name: string): string {
  return el.attr(name) === undefined && el.attr(`x-${name}`) !== undefined ? `x-${name}` : name;
}

function parseSegment(el: XmlElement): Segment {
  const variableWeight = el.child("VariableWeight");
  if (variableWeight) throw new UnsupportedFeatureError("Segment/VariableWeight", undefined, { path: variableWeight.path });
  const models = el.children().filter(isModelElement);
  if (models.length !== 1) {
    throw new SchemaError("PMML_SEGMENT_MODEL", `Segment needs exactly one model element, found ${models.length}`, {
      path: el.path,
      value: models.map((m) => m.name),
    });
  }
  const weight = numberAttr(el, "weight", 1);
  if (!(weight >= 0)) throw new SchemaError("PMML_BAD_ATTRIBUTE", "Segment/@weight must not be negative", { path: `${el.path}/@weight`, value: weight });
  return {
    id: el.attr("id"),
    weight,
    predicate: predicateChild(el),
    model: parseModel(models[0]),
    path: el.path,
  };
}
