import { SchemaError, type ModelBase, type NearestNeighborModel } from "@porta/ir";
import { enumAttr, numberAttr, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import { unsupported } from "../dictionary.ts";
import type { XmlElement } from "../xml.ts";
import { parseComparisonField, parseComparisonMeasure } from "./comparison-measure.ts";

/** NearestNeighborModel (PMML 4.4 §NearestNeighborModel). */
export function parseNearestNeighborModel(el: XmlElement, base: ModelBase): NearestNeighborModel {
  const targets = base.miningSchema.filter((f) => f.usageType === "predicted" || f.usageType === "target");
  if (targets.length > 1) unsupported(el, "NearestNeighborModel with several target fields");
  const training = required(el, "TrainingInstances");
  const instanceFields = required(training, "InstanceFields")
    .children("InstanceField")
    .map((f) => {
      const field = requiredAttr(f, "field");
      return { field, column: localName(f.attr("column") ?? field) };
    });
  if (instanceFields.length === 0)
    throw new SchemaError("PMML_MISSING_ELEMENT", "InstanceFields needs InstanceField elements", { path: training.path, value: "InstanceField" });
  const table = training.child("InlineTable");
  if (!table)
    unsupported(
      training.child("TableLocator") ?? training,
      training.child("TableLocator") ? "TrainingInstances/TableLocator" : "TrainingInstances without InlineTable",
    );
  const rows = table.children("row").map((r) => {
    const row: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const cell of r.children()) row[cell.name] = cell.text();
    return row;
  });
  const inputs = required(el, "KNNInputs")
    .children("KNNInput")
    .map((i) => parseComparisonField(i, "field"));
  if (inputs.length === 0) throw new SchemaError("PMML_MISSING_ELEMENT", "KNNInputs needs KNNInput elements", { path: el.path, value: "KNNInput" });
  if (base.functionName === "clustering" && el.attr("instanceIdVariable") === undefined) {
    // JPMML identifies clustering instances by this variable only (MissingAttributeException).
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "a clustering NearestNeighborModel needs instanceIdVariable", {
      path: el.path,
      value: "instanceIdVariable",
    });
  }
  const k = requiredNumberAttr(el, "numberOfNeighbors");
  if (!Number.isInteger(k) || k < 1 || k > rows.length) {
    throw new SchemaError("PMML_BAD_ATTRIBUTE", `numberOfNeighbors must be between 1 and the ${rows.length} training instances`, {
      path: `${el.path}/@numberOfNeighbors`,
      value: k,
    });
  }
  return {
    ...base,
    kind: "nearestNeighbor",
    numberOfNeighbors: k,
    continuousScoringMethod: enumAttr(el, "continuousScoringMethod", ["average", "median", "weightedAverage"] as const, "average"),
    categoricalScoringMethod: enumAttr(el, "categoricalScoringMethod", ["majorityVote", "weightedMajorityVote"] as const, "majorityVote"),
    instanceIdVariable: el.attr("instanceIdVariable"),
    threshold: numberAttr(el, "threshold", 0.001),
    measure: parseComparisonMeasure(required(el, "ComparisonMeasure")),
    inputs,
    instanceFields,
    rows,
  };
}

function required(el: XmlElement, name: string): XmlElement {
  const child = el.child(name);
  if (!child) throw new SchemaError("PMML_MISSING_ELEMENT", `${el.name} needs ${name}`, { path: el.path, value: name });
  return child;
}

/** InlineTable cells are read without namespace prefixes, so columns are matched the same way. */
function localName(column: string): string {
  const i = column.indexOf(":");
  return i < 0 ? column : column.slice(i + 1);
}
