import type { DataType, ModelBase, OpType, Pipeline, TargetInfo, Value } from "@porta/ir";
import { toCategory } from "@porta/ir";
import type { Code, Json } from "../code.ts";

/**
 * What a model's generated code leaves for its parent and its outputs: the predicted value and,
 * for classification, the probability of each category (an array aligned with `categories`, or
 * null when the model gives none), each bound to a name.
 */
export interface ModelCode {
  value: Code;
  categories?: Value[];
  /** union(null, array<double>) aligned with categories. */
  probabilities?: Json;
  /** The value is always one of `categories` (or missing): a table lookup of the winner. */
  valueIsCategory?: boolean;
  /** The winning entity's id (a tree's node, a cluster), where the family has one. */
  entityId?: Code;
  /** predictedDisplayValue where the family defines it (a cluster's name; missing for an unnamed one). */
  displayValue?: Code;
  /** Why predictedDisplayValue cannot be converted, where its labels cannot be written exactly. */
  displayValueRefusal?: string;
  /** Each entity's affinity by id (a cluster's distance), and what an id the model lacks answers. */
  affinities?: { byId: Map<string, Code>; absent: number; winner: Code };
}

/** The model's target as the interpreter's targetInfo reads it: the first predicted/target MiningField. */
export function targetOf(model: ModelBase, pipeline: Pipeline, explicitName?: string): TargetInfo {
  const mining = model.miningSchema.find((f) => f.usageType === "predicted" || f.usageType === "target");
  const name = mining?.name ?? explicitName ?? null;
  if (name === null) return { name: null, dataType: "string", categories: [] };
  const data = pipeline.dataFields.find((f) => f.name === name);
  if (data)
    return {
      name,
      dataType: data.dataType,
      categories: data.validValues,
      displayValues: data.displayValues,
      opType: (mining?.opType ?? data.opType) as OpType,
    };
  const derived = [...pipeline.transformations, ...model.localTransformations].find((f) => f.name === name);
  return { name, dataType: (derived?.dataType ?? "string") as DataType, categories: derived?.values ?? [], opType: mining?.opType ?? derived?.opType };
}

/** A document category typed as the target's values are (a numeric target's "1" is 1). */
export function category(text: string, target: TargetInfo): Value {
  return toCategory(text, target);
}
