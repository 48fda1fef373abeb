import { toDataType, type ModelBase, type Pipeline, type Value } from "@porta/ir";
import { NotExportable } from "../refusal.ts";

/** A model's target as lowering reads it: the declared categories and how a document category is typed. */
export interface LoweringTarget {
  readonly categories: readonly Value[];
  category(text: string): Value;
}

/**
 * The target as the interpreter's targetInfo reads it (the target MiningField's DataField or
 * DerivedField). Plans are memoized per model node and typed by this target, so it must be the
 * one the interpreter passes: a classifier in a Segment without its own target MiningField (the
 * interpreter then takes the enclosing model's) is refused.
 */
export function loweringTarget(model: ModelBase & { functionName: string }, element: string, pipeline: Pipeline, top: boolean): LoweringTarget {
  const mining = model.miningSchema.find((f) => f.usageType === "predicted" || f.usageType === "target");
  if (!mining && !top && model.functionName === "classification") {
    throw new NotExportable(`${element} in a Segment without a target MiningField is not exported`);
  }
  const field = mining ? pipeline.dataFields.find((f) => f.name === mining.name) : undefined;
  const derived = mining && !field ? pipeline.transformations.find((f) => f.name === mining.name) : undefined;
  const dataType = field?.dataType ?? derived?.dataType ?? "string";
  return {
    categories: field?.validValues ?? derived?.values ?? [],
    category(text: string): Value {
      const typed = toDataType(text, dataType);
      return typed === undefined || typed === null ? text : typed;
    },
  };
}
